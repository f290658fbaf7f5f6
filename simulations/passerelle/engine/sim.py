"""The engine: a population, modules run each month in order, results counted per group cell."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from passerelle.engine.encounters import Encounters
from passerelle.engine.groups import Grouping, age_band, count_in_cells
from passerelle.engine.module import Measure, Module, missing_requirements
from passerelle.engine.people import People
from passerelle.engine.plan import Plan, ScenarioError
from passerelle.engine.random import Streams
from passerelle.engine.results import Results
from passerelle.engine.timeline import parse_month
from passerelle.engine.values import Values

Progress = Callable[[int, int], None]


class Sim:
    """One run of one scenario.

    ``Sim(scenario).run()`` synthesizes the population, runs ``burn_in`` unreported months
    then ``months`` reported ones, and returns ``Results``. Extra ``modules`` (instances)
    join the scenario's own, placed by their ``order``.

    Parameters
    ----------
    scenario : Scenario
        What to run (``passerelle.load`` reads one); any object with the ``Plan``
        attributes will do.
    modules : sequence of Module, optional
        Module instances added to the scenario's own (plugins, recorders, analyzers).

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> scenario = load("baseline").replace(population={"size": 2_000},
    ...                                     run={"months": 2, "burn_in": 0})
    >>> sim = Sim(scenario)
    >>> results = sim.run()
    >>> results.months, sim.people.n >= 2_000
    (['2016-01', '2016-02'], True)
    """

    def __init__(self, scenario: Plan, modules: Sequence[Module] = ()):
        self.scenario = scenario
        self.streams = Streams(scenario.run.seed)
        built = [scenario.build_module(name) for name in scenario.modules]
        self.modules: tuple[Module, ...] = tuple(
            sorted([*built, *modules], key=lambda module: module.order)
        )
        names = [module.name for module in self.modules]
        if len(set(names)) != len(names):
            raise ValueError(f"a module appears twice in {names}")
        missing = missing_requirements(self.modules)
        if missing:
            raise ScenarioError(scenario.source, [f"modules: {line}" for line in missing])
        scenario.check(self.modules)
        self.start = parse_month(scenario.run.start)
        self.month = self.start - scenario.run.burn_in
        self.t = -scenario.run.burn_in
        self.people: People
        self.grouping: Grouping
        self.scale = 1.0
        self.population: Any
        self.encounters = Encounters()
        self.values = Values()
        self._records: dict[str, np.ndarray] = {}
        self._weight: str | None = None
        self._weighted: frozenset[str] = frozenset()
        self.agent_months = 0
        self.seconds = 0.0
        # Seconds spent in each module's monthly step (what ``passerelle bench`` profiles).
        self.step_seconds = dict.fromkeys(names, 0.0)
        self.ran = False

    def module(self, name: str) -> Module:
        """The module called ``name``.

        Parameters
        ----------
        name : str
            A module of this run; another name raises ``KeyError``, listing them.

        Returns
        -------
        Module

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> sim.module("needs").name
        'needs'
        """
        for module in self.modules:
            if module.name == name:
                return module
        raise KeyError(f"no module {name!r} in this run; modules: {[m.name for m in self.modules]}")

    def has(self, name: str) -> bool:
        """Whether a module called ``name`` is part of this run.

        Parameters
        ----------
        name : str
            A module's name.

        Returns
        -------
        bool

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline"))
        >>> sim.has("cascade"), sim.has("facilitators")
        (True, False)
        """
        return any(module.name == name for module in self.modules)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(measure for module in self.modules for measure in module.measures)

    def age_years(self, uids: np.ndarray | None = None) -> np.ndarray:
        """Age in completed years this month.

        Parameters
        ----------
        uids : ndarray, optional
            The people (default: everyone created so far).

        Returns
        -------
        ndarray of int
            Years.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> bool((sim.age_years() >= 0).all())
        True
        """
        birth = self.people.birth_month if uids is None else self.people.birth_month[uids]
        return (self.month - birth) // 12

    def record(
        self,
        measure: str,
        who: np.ndarray | None = None,
        weights: np.ndarray | float | None = None,
        per_person: bool = True,
    ) -> None:
        """Add to ``measure`` this month: count ``who`` (uids, or a mask, or everyone present),
        or sum ``weights`` over them. Burn-in months are not recorded. In the measures a
        module has named in ``weigh_by``, each person counts as much as their weight.

        Parameters
        ----------
        measure : str
            A measure one of the run's modules declares.
        who : ndarray, optional
            Uids, or a boolean mask over everyone (default: everyone present).
        weights : ndarray or float, optional
            Summed instead of counted (EUR, say), one per person of ``who`` or one for all.
        per_person : bool
            False for an amount that does not follow who is there (a programme's budget
            shared among its clients): it is never weighted.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> from passerelle.engine.module import Measure, Module
        >>> class Adults(Module):
        ...     name, order, changes_groups = "adults", 99, False
        ...     measures = (Measure("adults", "persons", "adults present", kind="stock"),)
        ...     def step(self, sim):
        ...         sim.record("adults", sim.people.alive & (sim.age_years() >= 18))
        >>> scenario = load("baseline").replace(population={"size": 2_000},
        ...                                     run={"months": 1, "burn_in": 0})
        >>> results = Sim(scenario, modules=[Adults()]).run()
        >>> 0 < results.at_end("adults") < results.at_end("population")
        True
        """
        if self.t < 0:
            return
        weighted = per_person and measure in self._weighted
        each = getattr(self.people, self._weight) if weighted else None
        self._records[measure][self.t] += count_in_cells(
            self.people.cell, who, weights, self.grouping.size + 1, each)

    def weight_of(self, uids: np.ndarray) -> np.ndarray:
        """The weight ``record`` gives each of ``uids`` in a weighted measure (1 when no
        module weighs records): what a module adds up itself must use it to agree with
        the weighted measures.

        Parameters
        ----------
        uids : ndarray of int
            People.

        Returns
        -------
        ndarray of float64

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> bool((sim.weight_of(np.arange(3)) <= 1).all())
        True
        """
        if self._weight is None:
            return np.ones(len(uids))
        return getattr(self.people, self._weight)[uids]

    def weigh_by(self, column: str, measures) -> None:
        """Weight ``measures``, recorded from now on, by ``people.<column>`` (float64, one
        per person): the probability that the person is still there, when a module counts
        a risk in expectation instead of sampling it (``health``'s excess deaths). One
        weight per run.

        Parameters
        ----------
        column : str
            A float64 column of the run's people.
        measures : iterable of str
            The measures weighted (the others count whole people).

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> sim.weigh_by("survival", ["qalys"])
        Traceback (most recent call last):
        ...
        ValueError: records are already weighted by 'survival'
        """
        if self._weight is not None:
            raise ValueError(f"records are already weighted by {self._weight!r}")
        if getattr(self.people, column).dtype != np.float64:
            raise ValueError(f"the weight column {column!r} must be float64")
        self._weight, self._weighted = column, frozenset(measures)

    def regroup(self, uids: np.ndarray | None = None, ages: bool = False) -> None:
        """Recompute result cells (of ``uids``, or of everyone at the start of each month;
        age bands are set each January and for newcomers).

        Parameters
        ----------
        uids : ndarray, optional
            The people whose cells changed (default: everyone).
        ages : bool
            Recompute age bands whatever the month.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> sim.regroup(ages=True)
        >>> int(sim.people.cell.max()) <= sim.grouping.size
        True
        """
        people = self.people
        every = slice(None) if uids is None else uids
        if uids is not None or ages or self.month % 12 == 0:
            people.age_band[every] = age_band(self.age_years(uids))
        people.cell[every] = self.grouping.cells(
            people.coverage[every], people.bim[every], people.amu_active[every],
            people.quintile[every], people.commune[every], people.age_band[every],
            people.alive[every],
        )

    def _setup(self) -> None:
        population = self.scenario.synthesize(self.streams, self.month)
        self.population = population
        self.people, self.grouping, self.scale = (
            population.people, population.grouping, population.scale
        )
        for module in self.modules:
            for column in module.columns:
                self.people.add(column)
        size = self.grouping.size + 1
        for measure in self.measures:
            if measure.name in self._records:
                raise ValueError(f"two modules record the measure {measure.name!r}")
            self._records[measure.name] = np.zeros((self.scenario.run.months, size))
        self.regroup(ages=True)
        for module in self.modules:
            module.init(self)
        self.values.check(module.name for module in self.modules)

    def run(self, progress: Progress | None = None) -> Results:
        """Run every month; ``progress(done, total)`` is called after each month.

        A ``Sim`` runs once: its people and modules hold the state the run ended in.

        Parameters
        ----------
        progress : callable, optional
            Called as ``progress(done, total)`` after each simulated month.

        Returns
        -------
        Results
            Monthly counts of every measure in every group cell.

        Raises
        ------
        RuntimeError
            When this ``Sim`` has already run.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> sim.run()
        Traceback (most recent call last):
        ...
        RuntimeError: this Sim has already run (its people and modules hold the final state); ...
        """
        if self.ran:
            raise RuntimeError("this Sim has already run (its people and modules hold the "
                               "final state); make a new Sim(scenario) to run again")
        self.ran = True
        began = time.perf_counter()
        self._setup()
        total = self.scenario.run.burn_in + self.scenario.run.months
        monthly = any(module.changes_groups for module in self.modules)
        for done in range(1, total + 1):
            if monthly or self.month % 12 == 0:
                self.regroup()
            self.encounters = Encounters()
            self.agent_months += int(np.count_nonzero(self.people.alive))
            for module in self.modules:
                stepped = time.perf_counter()
                module.step(self)
                self.step_seconds[module.name] += time.perf_counter() - stepped
            if progress is not None:
                progress(done, total)
            self.month += 1
            self.t += 1
        self.seconds = time.perf_counter() - began
        return Results(
            scenario=self.scenario,
            grouping=self.grouping,
            measures=self.measures,
            cells={name: array[:, :-1] for name, array in self._records.items()},
            scale=self.scale,
            start=self.start,
            agent_months=self.agent_months,
            seconds=self.seconds,
            # The final columns themselves, not copies (a Sim runs once, so nothing
            # changes them after this): copies were the run's peak, 36 bytes a person.
            people={name: getattr(self.people, name)
                    for module in self.modules for name in module.person_totals},
        )
