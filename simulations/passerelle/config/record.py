"""What was run: the record every output carries (summary.json, the Parquet metadata, the
reports' titles), so that a run's files alone tell a reader how to run it again.

A ``RunRecord`` holds the scenario and where it was read from, the ``--set`` overrides as
given, a hash of every resolved parameter, the parameters that differ from the built-in
defaults and those that differ from the scenario file, the seeds, the population, and the
``Software`` that ran it (package version, git commit, command line).
"""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from passerelle.modules import DEFAULT, registry

if TYPE_CHECKING:
    from passerelle.config.scenario import Scenario

UNKNOWN = "unknown"
PACKAGE_DIR = Path(__file__).parents[1]
# The seed is left out of the hash: runs of one set-up on several seeds share it.
UNHASHED = ("run.seed",)


@lru_cache(maxsize=1)
def _version() -> str:
    try:
        return metadata.version("passerelle")
    except metadata.PackageNotFoundError:
        return UNKNOWN


def _git(*arguments: str) -> str | None:
    """Output of ``git arguments`` run in the package's folder, or None if it fails."""
    try:
        done = subprocess.run(["git", "-C", str(PACKAGE_DIR), *arguments], capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _commit() -> tuple[str, bool | None]:
    """The checkout's commit and whether tracked files differ from it; ("unknown", None)
    when the package is not in a git checkout (an installed wheel) or git is missing."""
    if _git("ls-files", "--error-unmatch", "__init__.py") is None:
        return UNKNOWN, None
    commit = _git("rev-parse", "HEAD")
    if not commit:
        return UNKNOWN, None
    status = _git("status", "--porcelain", "--untracked-files=no", ".")
    return commit, None if status is None else bool(status)


@dataclass(frozen=True)
class Software:
    """The package version, the git commit (``"unknown"`` outside a checkout; ``dirty``
    says whether tracked files had uncommitted changes) and the command line.

    Examples
    --------
    >>> software = Software.now()
    >>> software.version != ""
    True
    """

    version: str
    commit: str
    dirty: bool | None
    command: str
    python: str

    @classmethod
    def now(cls, command: Sequence[str] | None = None) -> Software:
        """The software of this process; ``command`` defaults to ``sys.argv``."""
        commit, dirty = _commit()
        argv = list(sys.argv if command is None else command)
        if argv and Path(argv[0]).name == "passerelle":
            argv[0] = "passerelle"
        return cls(_version(), commit, dirty, shlex.join(argv),
                   ".".join(map(str, sys.version_info[:3])))


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def resolved(scenario: Scenario) -> dict[str, Any]:
    """Every resolved parameter as ``{"section.field": value}`` (JSON values), with the
    modules and plugins under ``"modules"`` and ``"plugins"``."""
    flat: dict[str, Any] = {"modules": list(scenario.modules),
                            "plugins": list(scenario.plugins)}
    parts = {"population": scenario.population, "run": scenario.run, **scenario.params}
    for section, params in parts.items():
        for name, value in params.model_dump(mode="json").items():
            flat[f"{section}.{name}"] = value
    return flat


def defaults(scenario: Scenario) -> dict[str, Any]:
    """The built-in defaults of every parameter ``scenario`` resolves: each section's
    ``Params`` defaults (``PopulationSpec``, ``RunSpec``, each module's ``Params``) and
    the model's default modules (a plugin section without defaults is left out)."""
    modules = registry(scenario.plugins)
    flat: dict[str, Any] = {"modules": list(DEFAULT), "plugins": []}
    parts = {"population": type(scenario.population), "run": type(scenario.run),
             **{name: modules[name].Params for name in scenario.modules}}
    for section, params in parts.items():
        try:
            values = params().model_dump(mode="json")
        except ValidationError:  # a plugin whose parameters have no defaults
            continue
        for name, value in values.items():
            flat[f"{section}.{name}"] = value
    return flat


def params_hash(scenario: Scenario) -> str:
    """sha256 of the canonical JSON of every resolved parameter but the seed."""
    values = {key: value for key, value in resolved(scenario).items() if key not in UNHASHED}
    return hashlib.sha256(canonical_json(values).encode()).hexdigest()


def differences(values: Mapping[str, Any], reference: Mapping[str, Any]
                ) -> dict[str, dict[str, Any]]:
    """``{key: {"value": v, "was": r}}`` for each key whose value differs from
    ``reference`` (``"was"`` is None for a key ``reference`` lacks)."""
    return {key: {"value": value, "was": reference.get(key)}
            for key, value in values.items()
            if canonical_json(value) != canonical_json(reference.get(key))}


@dataclass(frozen=True)
class RunRecord:
    """What was run, for the outputs of ``run``, ``compare`` and ``sweep``.

    ``changed_from_defaults`` compares every resolved parameter with the built-in defaults
    (each section's ``Params``; ``modules`` with the model's default modules);
    ``changed_from_scenario`` with the scenario file as read (its ``extends`` included)
    before the overrides: for a run of a built-in scenario with ``--set``, it is what the
    overrides changed. Each maps ``"section.field"`` to ``{"value": …, "was": …}``.
    ``params_hash`` is the sha256 of the canonical JSON of every resolved parameter but
    the seed, so runs of one set-up on several seeds share it.

    Examples
    --------
    >>> from passerelle.config.scenario import load
    >>> record = RunRecord.of(load("baseline", ["coverage.amu_refusal=0.02"]),
    ...                       ["coverage.amu_refusal=0.02"])
    >>> record.title
    'baseline + coverage.amu_refusal=0.02'
    >>> record.changed_from_scenario["coverage.amu_refusal"]["value"]
    0.02
    """

    scenario: str
    source: str
    overrides: tuple[str, ...]
    params_hash: str
    changed_from_defaults: dict[str, dict[str, Any]]
    changed_from_scenario: dict[str, dict[str, Any]] | None
    seeds: tuple[int, ...]
    population: dict[str, Any]
    software: Software = field(default_factory=Software.now)

    @classmethod
    def of(cls, scenario: Scenario, overrides: Iterable[str] = (),
           seeds: Iterable[int] | None = None, software: Software | None = None) -> RunRecord:
        """The record of ``scenario`` as resolved with ``overrides`` (as given on the
        command line) on ``seeds`` (default: the scenario's seed)."""
        values = resolved(scenario)
        original = scenario.as_filed()
        return cls(
            scenario=scenario.name,
            source=_display(scenario.source),
            overrides=tuple(overrides),
            params_hash=params_hash(scenario),
            changed_from_defaults=differences(values, defaults(scenario)),
            changed_from_scenario=(None if original is None
                                   else differences(values, resolved(original))),
            seeds=tuple(seeds) if seeds is not None else (scenario.run.seed,),
            population={"region": scenario.population.region,
                        "size": scenario.population.size},
            software=software or Software.now(),
        )

    @property
    def title(self) -> str:
        """The scenario's name with the overrides that changed it, ``baseline +
        coverage.amu_refusal=0.02`` (with no overrides given: its changes from the
        scenario file, written as overrides)."""
        changes = self.overrides or tuple(
            f"{key}={canonical_json(change['value'])}"
            for key, change in (self.changed_from_scenario or {}).items())
        return " + ".join((self.scenario, *changes))

    @property
    def changes(self) -> dict[str, dict[str, Any]]:
        """What this run changed from its scenario file (from the defaults when the file
        is unknown)."""
        if self.changed_from_scenario is None:
            return self.changed_from_defaults
        return self.changed_from_scenario

    def as_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values."""
        data = asdict(self)
        data["overrides"] = list(self.overrides)
        data["seeds"] = list(self.seeds)
        data["defaults"] = ("changed_from_defaults: each section's Params defaults and the "
                            "model's default modules; changed_from_scenario: the scenario "
                            "file with its extends, before the overrides")
        return data

    def to_json(self) -> str:
        """The record as indented JSON with sorted keys."""
        return json.dumps(self.as_dict(), indent=2, sort_keys=True, ensure_ascii=False)


def _display(source: str) -> str:
    """A built-in scenario's file relative to the package (the same on every machine)."""
    path = Path(source)
    try:
        return str(path.resolve().relative_to(PACKAGE_DIR.resolve()))
    except (ValueError, OSError):
        return source
