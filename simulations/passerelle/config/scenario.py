"""Scenarios: TOML files validated into a ``Scenario``, with ``extends`` and ``--set`` overrides.

A scenario file has ``name``, ``description``, optionally ``extends`` (a built-in scenario
name or a path relative to the file), ``modules`` and ``plugins``, and one table per part:
``[population]``, ``[run]``, and ``[<module>]`` for each module's parameters. Errors name
the file, the field, the bad value and what is allowed; they carry no traceback.
"""

from __future__ import annotations

import copy
import difflib
import tomllib
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from passerelle.config.parameters import Params, design
from passerelle.config.population import PopulationSpec
from passerelle.config.units import Month, Months, Seed, Text, bounded, bounds_of, unit_of
from passerelle.engine.module import Module, missing_requirements
from passerelle.modules import BUILTIN, DEFAULT, PluginError, registry

BUILTIN_DIR = Path(__file__).parents[1] / "scenarios"
TOP_LEVEL = ("name", "description", "extends", "modules", "plugins", "population", "run")
MAX_NAME = 200  # characters: a name titles reports and tables
MAX_DESCRIPTION = 10_000
MAX_SHOWN = 60  # characters of a bad value quoted in a message


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


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"each module may appear once; repeated: {', '.join(repeated)}")
    return names


ModuleNames = Annotated[tuple[Text, ...], Field(min_length=1), AfterValidator(_unique)]


class Header(BaseModel):
    """The top-level fields of a scenario file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: bounded(Text, min_length=1, max_length=MAX_NAME) = Field(
        description=f"the scenario's name: text of 1 to {MAX_NAME} characters")
    description: bounded(Text, max_length=MAX_DESCRIPTION) = Field(
        default="", description=f"what the scenario is, as text (at most {MAX_DESCRIPTION:,} "
        "characters)")
    modules: ModuleNames | None = Field(
        default=None, description="the modules to run, each once (default: the model's "
        "modules)")
    plugins: tuple[Text, ...] = Field(default=(), description="package.module:Class paths "
                                      "of modules outside Passerelle")


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


def builtin() -> dict[str, Path]:
    """Built-in scenario files by name."""
    return {path.stem: path for path in sorted(BUILTIN_DIR.glob("*.toml"))}


def load(name_or_path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """A built-in scenario by name, or a TOML file by path, with ``--set`` overrides.

    Examples
    --------
    >>> load("baseline", ["run.months=24"]).run.months
    24
    """
    path = _locate(str(name_or_path), Path.cwd())
    data = _read_with_parents(path, chain=())
    _apply_overrides(data, list(overrides), str(path))
    return from_dict(data, str(path))


def _locate(reference: str, relative_to: Path, holder: Path | None = None) -> Path:
    known = builtin()
    if reference in known:
        return known[reference]
    path = Path(reference)
    if not path.is_absolute():
        path = relative_to / path
    if not path.exists():
        problem = f"no such file, and not a built-in scenario; built-in: {sorted(known)}"
        if holder is None:
            raise ScenarioError(_shorten(reference), [problem])
        raise ScenarioError(str(holder), [f"extends = {_shorten(reference)}: {problem}"])
    return path


def _read(path: Path) -> dict[str, Any]:
    """The TOML table of the file at ``path``, or a one-line reason why it has none."""
    if path.is_dir():
        raise ScenarioError(str(path), ["is a folder, not a scenario file (a .toml file)"])
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(str(path), [f"cannot be read: {error.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(str(path), [
            f"is not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start}); "
            "save it as UTF-8"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(str(path), [f"not valid TOML: {error}"]) from None
    if not data:
        raise ScenarioError(str(path), [
            'is empty: a scenario holds at least extends = "baseline" or a [section]'])
    return data


def _read_with_parents(path: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    if path in chain:
        cycle = " → ".join(str(p) for p in (*chain, path))
        raise ScenarioError(str(path), [f"`extends` forms a cycle: {cycle}"])
    data = _read(path)
    parent_name = data.pop("extends", None)
    if parent_name is None:
        data.setdefault("name", path.stem)
        return data
    if not isinstance(parent_name, str):
        raise ScenarioError(str(path), [f"extends = {_shorten(parent_name)}: must be a "
                                        "scenario name or a file path (text)"])
    parent = _read_with_parents(_locate(parent_name, path.parent, holder=path),
                                (*chain, path))
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
            problems.append(f"--set {_shorten(override)}: write it section.field=value, "
                            "e.g. --set run.months=24")
            continue
        section, field = parts
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            problems.append(f"--set {_shorten(override)}: {section!r} is not a table")
            continue
        data[section][field] = _parse_value(text.strip())
    if problems:
        raise ScenarioError(source, problems)


def _shorten(value: Any) -> str:
    """``repr(value)``, cut to ``MAX_SHOWN`` characters (a huge value stays one line)."""
    text = repr(value)
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:MAX_SHOWN - 3]}... ({len(text):,} characters)"


def _suggest(word: str, choices: Iterable[str]) -> str:
    if len(word) > MAX_SHOWN:
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly or as the elements of a tuple), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _field_at(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, type[BaseModel]]:
    """The info of the innermost named field of ``loc`` (None when ``loc`` names none), and
    the model that ``loc`` leads into (the one a further field would belong to)."""
    info, inside = None, model
    for part in loc:
        if isinstance(part, str) and part in inside.model_fields:
            info = inside.model_fields[part]
            inside = _nested_model(info.annotation) or inside
    return info, inside


def _is_member_tag(part: Any) -> bool:
    """Whether a ``loc`` part names a member of a union (``constrained-int``,
    ``literal['full']``) rather than a field or an index."""
    return isinstance(part, str) and not part.isidentifier()


def _describe(error: Mapping[str, Any], section: str, params: type[BaseModel]) -> str:
    parts = tuple(part for part in error["loc"] if not _is_member_tag(part))
    if error["type"] == "missing" and parts and isinstance(parts[-1], int):
        parts = parts[:-1]
        message = f"too few values ({len(error.get('input') or ())} given)"
    else:
        message = error["msg"] if len(error["msg"]) <= 4 * MAX_SHOWN else (
            error["msg"][:4 * MAX_SHOWN] + "...")
    loc = ".".join(str(part) for part in parts)
    where = f"{section}.{loc}" if section and loc else section or loc
    if error["type"] == "extra_forbidden":
        _, owner = _field_at(params, parts[:-1])
        field = str(parts[-1])
        allowed = ", ".join(owner.model_fields)
        table = f"[{section}]" if section and len(parts) == 1 else (
            f"a {owner.__name__}" if section else "a scenario's top level")
        where = where.removesuffix(field) + _shorten(field)[1:-1]
        return (f"{where}: unknown field{_suggest(field, owner.model_fields)}; allowed fields "
                f"of {table}: {allowed}")
    info, _ = _field_at(params, parts)
    expected = f"; expected: {info.description}" if info is not None and info.description else ""
    unit = unit_of(info.annotation, info.metadata) if info is not None else ""
    allowed = f" ({unit}, {bounds_of(info.annotation, info.metadata)})" if unit not in (
        "", "text", "choice") and _nested_model(info.annotation) is None else ""
    return f"{where} = {_shorten(error.get('input'))}: {message}{expected}{allowed}"


def from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a nested dict (as read from TOML) into a ``Scenario``.

    Every problem is listed, each naming the field, the bad value and what is allowed.
    A section that configures a module outside the model (an intervention, the ledger)
    adds that module; every module's ``requires`` must be among the modules.

    Examples
    --------
    >>> scenario = from_dict({"name": "toy", "policies": {"amu_simple_from": "2020-01"}})
    >>> scenario.modules[-1]
    'policies'
    """
    data = dict(data)
    problems: list[str] = []
    header = _validate(Header, {key: data[key] for key in ("name", "description", "modules",
                                                            "plugins") if key in data}
                       | {"name": data.get("name", "unnamed")}, "", problems)
    modules_known = dict(BUILTIN)
    if header is not None:
        try:
            modules_known = registry(header.plugins)
        except PluginError as error:
            problems.append(f"plugins: {error}")
    modules = list(header.modules or DEFAULT) if header is not None else list(DEFAULT)
    for name in modules:
        if name not in modules_known:
            problems.append(f"modules: unknown module {_shorten(name)}"
                            f"{_suggest(name, modules_known)}; known: {sorted(modules_known)}")
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key in TOP_LEVEL:
            continue
        if key not in modules_known:
            problems.append(
                f"[{_shorten(key)[1:-1]}]: unknown section"
                f"{_suggest(key, [*TOP_LEVEL, *modules_known])}; "
                f"sections are {', '.join(TOP_LEVEL[5:])} and the modules {sorted(modules_known)}"
            )
            continue
        if key not in modules:
            if key in DEFAULT:
                problems.append(f"[{key}]: module {key!r} is not in this scenario's modules "
                                f"{tuple(modules)}")
                continue
            modules.append(key)
        if not isinstance(value, Mapping):
            problems.append(f"{key} = {_shorten(value)}: must be a table [{key}]")
        else:
            sections[key] = value
    if not any(problem.startswith("modules: unknown") for problem in problems):
        problems.extend(f"modules: {line}" for line in missing_requirements(
            modules_known[name] for name in modules if name in modules_known))
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
        name=header.name,
        description=header.description,
        modules=tuple(modules),
        plugins=header.plugins,
        params=params,
        source=source,
        **validated,
    )


def _validate(model: type[BaseModel], values: Any, section: str, problems: list[str]) -> Any:
    if not isinstance(values, Mapping):
        problems.append(f"{section} = {_shorten(values)}: must be a table [{section}]")
        return None
    try:
        return model(**values)
    except ValidationError as error:
        lines = [_describe(e, section, model) for e in error.errors()]
        problems.extend(_join_alternatives(lines))
        return None


def _join_alternatives(lines: list[str]) -> list[str]:
    """One line per field: a value refused by every member of a union (a size that is
    neither a number of people nor 'full') gets their reasons joined by "or"."""
    joined: dict[str, tuple[list[str], str]] = {}
    for line in lines:
        head, _, reason = line.partition(": ")
        reason, sep, detail = reason.partition("; expected: ")
        reasons, _ = joined.setdefault(head, ([], sep + detail))
        if reason not in reasons:
            reasons.append(reason)
    return [f"{head}: {' or '.join(reasons)}{detail}" for head, (reasons, detail)
            in joined.items()]
