"""Scenarios: TOML files validated into a ``Scenario``, with ``extends`` and ``--set`` overrides.

A scenario file has ``name``, ``description``, optionally ``extends`` (a built-in scenario
name or a path relative to the file), ``modules`` and ``plugins``, and one table per part:
``[population]``, ``[run]``, and ``[<module>]`` for each module's parameters. Errors name
the file, the field, the bad value and what is allowed; they carry no traceback.
Files are read in ``scenario_files``, problems worded in ``scenario_problems``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from passerelle.config.memory import check_fits
from passerelle.config.population import Population, PopulationSpec, region_problems, synthesize
from passerelle.config.record import RunRecord
from passerelle.config.scenario_files import (
    apply_overrides,
    builtin,
    locate,
    merge,
    read_with_parents,
)
from passerelle.config.scenario_problems import problems_of, shorten, suggest
from passerelle.config.scenario_tables import TOP_LEVEL, Header, RunSpec
from passerelle.engine.module import Module, missing_requirements
from passerelle.engine.parameters import Params
from passerelle.engine.plan import ScenarioError
from passerelle.engine.random import Streams
from passerelle.modules import BUILTIN, DEFAULT, PluginError, registry

__all__ = ["Scenario", "builtin", "from_dict", "load"]


class Scenario(BaseModel):
    """A validated scenario: population, run settings, modules and their parameters.

    Read one with ``load``; change it with ``replace`` (typed values, validated as a file
    is); run it with ``Sim(scenario).run()``.

    Parameters
    ----------
    name, description : str
        What the scenario is called and is.
    population : PopulationSpec
        The ``[population]`` table: region, size, scale.
    run : RunSpec
        The ``[run]`` table: start, months, burn-in, seed.
    modules, plugins : tuple of str
        The modules run, and ``package.module:Class`` paths of modules from elsewhere.
    params : dict of str to Params
        Each module's parameters.
    source : str
        Where it was read from.

    Examples
    --------
    >>> scenario = load("baseline").replace(run={"months": 24, "seed": 7})
    >>> scenario.run.months, scenario.run.seed, scenario.name
    (24, 7, 'baseline')
    """

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
        """A fresh instance of module ``name`` with this scenario's parameters.

        Parameters
        ----------
        name : str
            One of ``modules``.

        Returns
        -------
        Module

        Examples
        --------
        >>> load("facilitators").build_module("facilitators").pars.caseload
        50.0
        """
        return registry(self.plugins)[name](self.params[name])

    def synthesize(self, streams: Streams, month: int) -> Population:
        """The population of this scenario, drawn in calendar ``month`` (months since
        2000-01) from ``streams``, with room for the arrivals of its run.

        Parameters
        ----------
        streams : Streams
            The run's random streams.
        month : int
            Months since 2000-01.

        Returns
        -------
        Population

        Examples
        --------
        >>> from passerelle.engine.random import Streams
        >>> small = load("baseline").replace(population={"size": 1_000})
        >>> small.synthesize(Streams(1), 192).people.n >= 1_000
        True
        """
        return synthesize(self.population, streams, month,
                          self.run.burn_in + self.run.months)

    def check(self, modules: Sequence[Module]) -> None:
        """Refuse, with a ``ScenarioError``, a run of ``modules`` too large for the memory
        the machine has (``passerelle.config.memory``), before anything is allocated.

        Parameters
        ----------
        modules : sequence of Module
            The modules of the run.

        Examples
        --------
        >>> scenario = load("baseline")
        >>> scenario.check([scenario.build_module(name) for name in scenario.modules])
        """
        check_fits(self, modules)

    def run_record(self) -> RunRecord:
        """The record of what a run of this scenario runs: its changes from its scenario
        file stand for the overrides (``passerelle.config.record``).

        Returns
        -------
        RunRecord

        Examples
        --------
        >>> load("baseline").replace(run={"seed": 7}).run_record().title
        'baseline + run.seed=7'
        """
        return RunRecord.of(self)

    def as_filed(self) -> Scenario | None:
        """This scenario as its file holds it (with its ``extends``), before any change;
        None when it was not read from a file, or the file no longer reads.

        Returns
        -------
        Scenario or None

        Examples
        --------
        >>> changed = load("baseline").replace(run={"months": 24})
        >>> changed.as_filed().run.months, from_dict({"name": "toy"}).as_filed()
        (120, None)
        """
        path = Path(self.source)
        if not path.is_file():
            return None
        try:
            return load(path)
        except ValueError:
            return None

    def replace(self, **sections: Any) -> Scenario:
        """The same scenario with some values changed, validated as a file would be.

        Parameters
        ----------
        **sections
            A table of the scenario (``run``, ``population`` or a module's name) mapped
            to the fields to change, with typed values; or a top-level value
            (``name``, ``description``, ``modules``, ``plugins``). Modules left out of a
            new ``modules`` list leave with their parameters.

        Returns
        -------
        Scenario
            A new scenario; this one is unchanged.

        Raises
        ------
        ScenarioError
            Naming the field, the bad value and what is allowed.

        Examples
        --------
        >>> scenario = load("facilitators").replace(facilitators={"caseload": 80})
        >>> scenario.params["facilitators"].caseload
        80.0
        >>> load("baseline").replace(run={"months": 0})
        Traceback (most recent call last):
        ...
        passerelle.engine.plan.ScenarioError: scenario ...baseline.toml is invalid:
          - run.months = 0: Input should be greater than or equal to 1; expected: reported months
            (months, [1, 600])
        """
        data = self.to_dict()
        if "modules" in sections:
            kept = set(sections["modules"])
            data = {key: value for key, value in data.items()
                    if key in TOP_LEVEL or key in kept}
        update = {key: list(value) if key in ("modules", "plugins") else value
                  for key, value in sections.items()}
        return from_dict(merge(data, update), self.source)

    def with_overrides(self, overrides: Iterable[str]) -> Scenario:
        """The same scenario with ``section.field=value`` overrides applied.

        Parameters
        ----------
        overrides : iterable of str
            As the command line's ``--set`` takes them (prefer ``replace`` from Python).

        Returns
        -------
        Scenario

        Examples
        --------
        >>> load("baseline").with_overrides(["run.months=24"]).run.months
        24
        """
        data = self.to_dict()
        apply_overrides(data, list(overrides), self.source)
        return from_dict(data, self.source)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as the nested dict a TOML file would hold.

        Returns
        -------
        dict

        Examples
        --------
        >>> load("baseline").to_dict()["run"]["months"]
        120
        """
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


def load(name_or_path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """A built-in scenario by name, or a TOML file by path, validated.

    Parameters
    ----------
    name_or_path : str or Path
        A built-in scenario's name (``builtin()`` lists them) or a TOML file; a relative
        path is read from the current folder.
    overrides : iterable of str, optional
        ``section.field=value`` texts, as the command line's ``--set`` takes them (from
        Python, prefer ``Scenario.replace`` with typed values).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        Naming the file, the field, the bad value and what is allowed.

    Examples
    --------
    >>> load("facilitators").modules[-1]
    'facilitators'
    """
    path = locate(str(name_or_path), Path.cwd())
    data = read_with_parents(path)
    apply_overrides(data, list(overrides), str(path))
    return from_dict(data, str(path))


def from_dict(data: Mapping[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a nested dict (as read from TOML) into a ``Scenario``.

    Every problem is listed, each naming the field, the bad value and what is allowed.
    A section that configures a module outside the model (an intervention, the ledger)
    adds that module; every module's ``requires`` must be among the modules.

    Parameters
    ----------
    data : mapping
        The scenario's sections, as a TOML file holds them (no ``extends``).
    source : str, default "<dict>"
        What the messages name as the file.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        Listing every problem.

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
            problems.append(f"modules: unknown module {shorten(name)}"
                            f"{suggest(name, modules_known)}; known: {sorted(modules_known)}")
    sections: dict[str, Any] = {}
    for key, value in data.items():
        if key in TOP_LEVEL:
            continue
        if key not in modules_known:
            problems.append(
                f"[{shorten(key)[1:-1]}]: unknown section"
                f"{suggest(key, [*TOP_LEVEL, *modules_known])}; "
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
            problems.append(f"{key} = {shorten(value)}: must be a table [{key}]")
        else:
            sections[key] = value
    if not any(problem.startswith("modules: unknown") for problem in problems):
        problems.extend(f"modules: {line}" for line in missing_requirements(
            modules_known[name] for name in modules if name in modules_known))
    validated: dict[str, Any] = {}
    for section, model in (("population", PopulationSpec), ("run", RunSpec)):
        validated[section] = _validate(model, data.get(section, {}), section, problems)
    if validated["population"] is not None:
        problems.extend(region_problems(validated["population"],
                                        [name for name in modules if name in BUILTIN]))
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
        problems.append(f"{section} = {shorten(values)}: must be a table [{section}]")
        return None
    try:
        return model(**values)
    except ValidationError as error:
        problems.extend(problems_of(error, section, model))
        return None
