"""The engine: a population, modules run each month in order, results counted per group cell."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from passerelle.config.population import (
    COLUMNS,
    Population,
    areas_of,
    capacity,
    simulated_people,
    synthesize,
)
from passerelle.config.scenario import Scenario, ScenarioError
from passerelle.engine.encounters import Encounters
from passerelle.engine.groups import Grouping, age_band, count_in_cells
from passerelle.engine.module import Measure, Module, missing_requirements
from passerelle.engine.people import ALIVE, People
from passerelle.engine.random import Streams
from passerelle.engine.results import Results
from passerelle.engine.timeline import parse_month

Progress = Callable[[int, int], None]

# Memory beyond the declared columns, measured with tracemalloc's peak (numpy arrays) on
# facilitators+centres, 24 months: from 600,000 to 1,200,000 people the peak grows by 158
# bytes a person, 136 of them the declared columns; the other 22 (a month's draws, masks
# and index arrays) are rounded up to WORKING_BYTES. What does not grow with the size (the
# population drawn in chunks, of 250,000 people then: about 27 MB at 1,200,000, 5 MB in
# chunks of 50,000 now) is rounded up to FIXED_BYTES. tests/test_scenario.py checks that
# the estimate bounds a measured peak.
WORKING_BYTES = 32
FIXED_BYTES = 64_000_000


def bytes_needed(scenario: Scenario, modules: Sequence[Module] | None = None) -> int:
    """Estimated peak bytes of a run of ``scenario`` with ``modules`` (default: its own):
    every declared column of its people (with room for arrivals), the working memory of a
    month, and the result arrays.

    Examples
    --------
    >>> from passerelle.config.scenario import load
    >>> small, large = (load("baseline", [f"population.size={n}"]) for n in (1_000, 100_000))
    >>> bytes_needed(small) < bytes_needed(large)
    True
    """
    classes = ([scenario.build_module(name) for name in scenario.modules] if modules is None
               else list(modules))
    columns = {column.name: column for column in (ALIVE, *COLUMNS)}
    for module in classes:
        columns.update({column.name: column for column in module.columns})
    per_person = sum(np.dtype(column.dtype).itemsize for column in columns.values())
    size = simulated_people(scenario.population)
    region = scenario.population.region
    communes = ("none",) if region == "none" else tuple(a.name for a in areas_of(region))
    cells = Grouping(communes).size + 1
    measures = sum(len(module.measures) for module in classes)
    return (capacity(size) * per_person + size * WORKING_BYTES + FIXED_BYTES
            + measures * scenario.run.months * cells * 8)


def available_bytes() -> int | None:
    """Memory available to a new run (bytes): psutil's estimate when installed, else
    MemAvailable of /proc/meminfo; None when neither can tell."""
    try:
        import psutil
    except ImportError:
        meminfo = Path("/proc/meminfo")
        if not meminfo.exists():
            return None
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
        return None
    return int(psutil.virtual_memory().available)


def check_fits(scenario: Scenario, modules: Sequence[Module] | None = None) -> None:
    """Refuse, before anything is allocated, a run that would not fit in memory."""
    needed, available = bytes_needed(scenario, modules), available_bytes()
    if available is not None and needed > available:
        size = simulated_people(scenario.population)
        raise ScenarioError(scenario.source, [
            f"population.size = {size:,}: the run needs about {needed / 1e9:,.1f} GB "
            f"({needed // max(size, 1):,} bytes a person) and {available / 1e9:,.1f} GB are "
            "available; simulate fewer people (each stands for more real ones)"])


class Sim:
    """One run of one scenario.

    ``Sim(scenario).run()`` synthesizes the population, runs ``burn_in`` unreported months
    then ``months`` reported ones, and returns ``Results``. Extra ``modules`` (instances)
    join the scenario's own, placed by their ``order``.
    """

    def __init__(self, scenario: Scenario, modules: Sequence[Module] = ()):
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
        check_fits(scenario, self.modules)
        self.start = parse_month(scenario.run.start)
        self.month = self.start - scenario.run.burn_in
        self.t = -scenario.run.burn_in
        self.people: People
        self.grouping: Grouping
        self.scale = 1.0
        self.population: Population
        self.encounters = Encounters()
        self._records: dict[str, np.ndarray] = {}
        self.agent_months = 0
        self.seconds = 0.0

    def module(self, name: str) -> Module:
        """The module called ``name``."""
        for module in self.modules:
            if module.name == name:
                return module
        raise KeyError(f"no module {name!r} in this run; modules: {[m.name for m in self.modules]}")

    def has(self, name: str) -> bool:
        """Whether a module called ``name`` is part of this run."""
        return any(module.name == name for module in self.modules)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(measure for module in self.modules for measure in module.measures)

    def age_years(self, uids: np.ndarray | None = None) -> np.ndarray:
        """Age in completed years this month."""
        birth = self.people.birth_month if uids is None else self.people.birth_month[uids]
        return (self.month - birth) // 12

    def record(
        self,
        measure: str,
        who: np.ndarray | None = None,
        weights: np.ndarray | float | None = None,
    ) -> None:
        """Add to ``measure`` this month: count ``who`` (uids, or a mask, or everyone present),
        or sum ``weights`` over them. Burn-in months are not recorded."""
        if self.t < 0:
            return
        self._records[measure][self.t] += count_in_cells(
            self.people.cell, who, weights, self.grouping.size + 1)

    def regroup(self, uids: np.ndarray | None = None, ages: bool = False) -> None:
        """Recompute result cells (of ``uids``, or of everyone at the start of each month;
        age bands are set each January and for newcomers)."""
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
        population = synthesize(self.scenario.population, self.streams, self.month)
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

    def run(self, progress: Progress | None = None) -> Results:
        """Run every month; ``progress(done, total)`` is called after each month."""
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
                module.step(self)
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
            people={name: getattr(self.people, name).copy()
                    for module in self.modules for name in module.person_totals},
        )
