"""Scenarios: TOML files validated into a ``Scenario``, with ``extends`` and ``--set`` overrides.

A scenario file has ``name``, ``description``, optionally ``extends`` (a built-in scenario
name or a path relative to the file), ``modules`` and ``plugins``, and one table per part:
``[population]``, ``[run]``, and ``[<module>]`` for each module's parameters. Errors name
the file, the field, the bad value and what is allowed; they carry no traceback.
"""

from __future__ import annotations

import copy
import difflib
import importlib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from passerelle.config.parameters import Params, design
from passerelle.config.population import PopulationSpec
from passerelle.config.units import Month, Months, Seed, bounded
from passerelle.engine.module import Module

BUILTIN_DIR = Path(__file__).parents[1] / "scenarios"
TOP_LEVEL = ("name", "description", "extends", "modules", "plugins", "population", "run")


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is the message to show, one problem a line."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"scenario {source} is invalid:\n{lines}")


class RunSpec(Params):
    """When the run starts, how long it lasts, and its seed."""

    start: Month = design("2016-01", description="first reported month, YYYY-MM")
    months: bounded(Months, ge=1, le=600) = design(120, description="reported months")
    burn_in: bounded(Months, le=240) = design(
        24, description="months simulated before start and not reported")
    seed: Seed = design(1, description="random seed")


class Scenario(BaseModel):
    """A validated scenario: population, run settings, modules and their parameters."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    name: str
    description: str = ""
    population: PopulationSpec = PopulationSpec()
    run: RunSpec = RunSpec()
    modules: tuple[str, ...]
    plugins: tuple[str, ...] = ()
    params: dict[str, Params]
    source: str = "<python>"

    def build_module(self, name: str) -> Module:
        """A fresh instance of module ``name`` with this scenario's parameters."""
        return registry(self.plugins)[name](self.params[name])

    def with_overrides(self, overrides: Iterable[str]) -> Scenario:
        """The same scenario with ``section.field=value`` overrides applied."""
        data = self.to_dict()
        _apply_overrides(data, list(overrides), self.source)
        return from_dict(data, self.source)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as the nested dict a TOML file would hold."""
        data: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "modules": list(self.modules),
            "plugins": list(self.plugins),
            "population": self.population.model_dump(),
            "run": self.run.model_dump(),
        }
        for name, params in self.params.items():
            data[name] = params.model_dump()
        return data


def registry(plugins: Iterable[str] = ()) -> dict[str, type[Module]]:
    """Module classes by name: the built-in ones and ``package.module:Class`` plugins."""
    from passerelle.modules import BUILTIN

    found = dict(BUILTIN)
    for path in plugins:
        module_name, _, class_name = path.partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        found[cls.name] = cls
    return found


def builtin() -> dict[str, Path]:
    """Built-in scenario files by name."""
    return {path.stem: path for path in sorted(BUILTIN_DIR.glob("*.toml"))}


def load(name_or_path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """A built-in scenario by name, or a TOML file by path, with ``--set`` overrides."""
    path = _locate(str(name_or_path), Path.cwd())
    data = _read_with_parents(path, chain=())
    _apply_overrides(data, list(overrides), str(path))
    return from_dict(data, str(path))


def _locate(reference: str, relative_to: Path) -> Path:
    known = builtin()
    if reference in known:
        return known[reference]
    path = Path(reference)
    if not path.is_absolute():
        path = relative_to / path
    if not path.exists():
        raise ScenarioError(
            reference, [f"no such file, and not a built-in scenario; built-in: {sorted(known)}"]
        )
    return path


def _read_with_parents(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    if path in chain:
        cycle = " → ".join(str(p) for p in (*chain, path))
        raise ScenarioError(str(path), [f"`extends` forms a cycle: {cycle}"])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(str(path), [f"not valid TOML: {error}"]) from None
    parent_name = data.pop("extends", None)
    if parent_name is None:
        data.setdefault("name", path.stem)
        return data
    if not isinstance(parent_name, str):
        raise ScenarioError(str(path), ["`extends` must be a scenario name or a file path"])
    parent = _read_with_parents(_locate(parent_name, path.parent), (*chain, path))
    parent.pop("description", None)
    merged = _merge(parent, data)
    merged["name"] = data.get("name", path.stem)
    return merged


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _parse_value(text: str) -> Any:
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def _apply_overrides(data: dict[str, Any], overrides: list[str], source: str) -> None:
    problems = []
    for override in overrides:
        key, sep, text = override.partition("=")
        parts = key.strip().split(".")
        if not sep or len(parts) != 2 or not all(parts):
            problems.append(f"--set {override!r}: write it section.field=value, "
                            "e.g. --set run.months=24")
            continue
        section, field = parts
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            problems.append(f"--set {override!r}: {section!r} is not a table")
            continue
        data[section][field] = _parse_value(text.strip())
    if problems:
        raise ScenarioError(source, problems)


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(error: Mapping[str, Any], section: str, params: type[BaseModel]) -> str:
    loc = ".".join(str(part) for part in error["loc"])
    where = f"{section}.{loc}" if section else loc
    field = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(params.model_fields)
        return (f"{where}: unknown field{_suggest(field, params.model_fields)}; "
                f"allowed fields of [{section}]: {allowed}")
    info = params.model_fields.get(field)
    expected = f"; expected: {info.description}" if info is not None and info.description else ""
    return f"{where} = {error.get('input')!r}: {error['msg']}{expected}"


def from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a nested dict (as read from TOML) into a ``Scenario``."""
    data = dict(data)
    problems: list[str] = []
    try:
        modules_known = registry(data.get("plugins", ()))
    except (ImportError, AttributeError, ValueError) as error:
        raise ScenarioError(source, [f"plugins: cannot import {error}"]) from None
    from passerelle.modules import DEFAULT

    modules = tuple(data.get("modules", DEFAULT))
    for name in modules:
        if name not in modules_known:
            problems.append(f"modules: unknown module {name!r}{_suggest(name, modules_known)}; "
                            f"known: {sorted(modules_known)}")
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key in TOP_LEVEL:
            continue
        if key not in modules_known:
            problems.append(
                f"[{key}]: unknown section{_suggest(key, [*TOP_LEVEL, *modules_known])}; "
                f"sections are {', '.join(TOP_LEVEL[3:])} and the modules {sorted(modules_known)}"
            )
        elif key not in modules:
            problems.append(f"[{key}]: module {key!r} is not in this scenario's modules {modules}")
        elif not isinstance(value, Mapping):
            problems.append(f"{key}: must be a table [{key}]")
        else:
            sections[key] = value
    validated: dict[str, Any] = {}
    for section, model in (("population", PopulationSpec), ("run", RunSpec)):
        validated[section] = _validate(model, data.get(section, {}), section, problems)
    params = {}
    for name in modules:
        if name in modules_known:
            params[name] = _validate(modules_known[name].Params, sections.get(name, {}), name,
                                     problems)
    if problems:
        raise ScenarioError(source, problems)
    return Scenario(
        name=str(data.get("name", "unnamed")),
        description=str(data.get("description", "")),
        modules=modules,
        plugins=tuple(data.get("plugins", ())),
        params=params,
        source=source,
        **validated,
    )


def _validate(model: type[BaseModel], values: Any, section: str, problems: list[str]) -> Any:
    if not isinstance(values, Mapping):
        problems.append(f"{section}: must be a table [{section}]")
        return None
    try:
        return model(**values)
    except ValidationError as error:
        problems.extend(_describe(e, section, model) for e in error.errors())
        return None
