"""Scenario files: the built-in ones, ``extends`` chains and ``--set`` overrides.

Reading gives the nested dict a TOML file holds, a parent's tables merged under its
child's; ``passerelle.config.scenario.from_dict`` validates it into a ``Scenario``.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from passerelle.config.scenario_problems import shorten
from passerelle.engine.plan import ScenarioError

BUILTIN_DIR = Path(__file__).parents[1] / "scenarios"
# The calibration of the built-in defaults (``passerelle calibrate``) and its posterior
# predictive checks (``passerelle targets --posterior --record``), beside the scenarios.
POSTERIOR_FILE = BUILTIN_DIR / "posterior.parquet"
PREDICTIVE_FILE = BUILTIN_DIR / "predictive.json"
BUILT_IN = "built-in"  # --posterior built-in: the built-in scenarios' calibration


def builtin() -> dict[str, Path]:
    """Built-in scenario files by name.

    Returns
    -------
    dict of str to pathlib.Path
        Each built-in scenario's name and its TOML file, sorted by name.

    Examples
    --------
    >>> from passerelle.config.scenario import builtin
    >>> "baseline" in builtin(), builtin()["centres"].name
    (True, 'centres.toml')
    """
    return {path.stem: path for path in sorted(BUILTIN_DIR.glob("*.toml"))}


def locate(reference: str, relative_to: Path, holder: Path | None = None) -> Path:
    """The file a scenario ``reference`` names: a built-in scenario's name, or a path read
    from ``relative_to`` when relative; ``holder`` is the file whose ``extends`` it is.

    Examples
    --------
    >>> locate("baseline", Path.cwd()).name
    'baseline.toml'
    """
    known = builtin()
    if reference in known:
        return known[reference]
    path = Path(reference)
    if not path.is_absolute():
        path = relative_to / path
    if not path.exists():
        problem = f"no such file, and not a built-in scenario; built-in: {sorted(known)}"
        if holder is None:
            raise ScenarioError(shorten(reference), [problem])
        raise ScenarioError(str(holder), [f"extends = {shorten(reference)}: {problem}"])
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


def read_with_parents(path: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The tables of the scenario file at ``path`` merged over those of the scenarios it
    ``extends`` (``chain``: the files that extend it, to catch a cycle); the name is the
    file's own, or its stem.

    Examples
    --------
    >>> read_with_parents(builtin()["facilitators"])["name"]
    'facilitators'
    """
    if path in chain:
        cycle = " → ".join(str(p) for p in (*chain, path))
        raise ScenarioError(str(path), [f"`extends` forms a cycle: {cycle}"])
    data = _read(path)
    parent_name = data.pop("extends", None)
    if parent_name is None:
        data.setdefault("name", path.stem)
        return data
    if not isinstance(parent_name, str):
        raise ScenarioError(str(path), [f"extends = {shorten(parent_name)}: must be a "
                                        "scenario name or a file path (text)"])
    parent = read_with_parents(locate(parent_name, path.parent, holder=path),
                                (*chain, path))
    parent.pop("description", None)
    merged = merge(parent, data)
    merged["name"] = data.get("name", path.stem)
    return merged


def merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``update``'s values, tables merged field by field.

    Examples
    --------
    >>> merge({"run": {"months": 12, "seed": 1}}, {"run": {"seed": 2}})
    {'run': {'months': 12, 'seed': 2}}
    """
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _parse_value(text: str) -> Any:
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(data: dict[str, Any], overrides: list[str], source: str) -> None:
    """Set each ``section.field=value`` of ``overrides`` in ``data`` (values read as TOML,
    else as text); a malformed one raises ``ScenarioError`` naming ``source``.

    Examples
    --------
    >>> data = {"run": {"months": 12}}
    >>> apply_overrides(data, ["run.months=24", "run.start=2018-01"], "<example>")
    >>> data
    {'run': {'months': 24, 'start': '2018-01'}}
    """
    problems = []
    for override in overrides:
        key, sep, text = override.partition("=")
        parts = key.strip().split(".")
        if not sep or len(parts) != 2 or not all(parts):
            problems.append(f"--set {shorten(override)}: write it section.field=value, "
                            "e.g. --set run.months=24")
            continue
        section, field = parts
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            problems.append(f"--set {shorten(override)}: {section!r} is not a table")
            continue
        data[section][field] = _parse_value(text.strip())
    if problems:
        raise ScenarioError(source, problems)


def locate_posterior(path: str | Path) -> Path:
    """``path``, or the built-in scenarios' posterior for the word ``built-in``.

    Examples
    --------
    >>> locate_posterior("built-in").name, str(locate_posterior("out/posterior.parquet"))
    ('posterior.parquet', 'out/posterior.parquet')
    """
    return POSTERIOR_FILE if str(path) == BUILT_IN else Path(path)
