"""The simulation runs behind the intervention data sets, made once per build.

``observed()`` runs both interventions (scenario ``facilitators+centres``) with the
recorders of the case logs and of the centre registry attached; recorders only read
people, so the run's results are those of the scenario alone, and the commune panel is
taken from them. ``reference(name)`` runs a scenario without an intervention or with one
of the two, on the same seed and population: with common random numbers, the difference
is the intervention's true effect. ``forget()`` frees them at the end of a build.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from passerelle.config.scenario import load
from passerelle.datasets.recorders import CaseLog, CentreRegistry, DmgBeforeCentres
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim

OBSERVED = "facilitators+centres"
OVERRIDES = ("population.size=40000",)


@dataclass(frozen=True)
class Run:
    """A finished run: the simulation (final state of people, modules) and its results."""

    sim: Sim
    results: Results


@cache
def observed() -> Run:
    """``facilitators+centres`` with the case-log and registry recorders."""
    sim = Sim(load(OBSERVED, OVERRIDES), modules=[CaseLog(), DmgBeforeCentres(),
                                                  CentreRegistry()])
    return Run(sim, sim.run())


@cache
def reference(scenario: str) -> Results:
    """Results of ``scenario`` on the same population and seed as ``observed()``."""
    return Sim(load(scenario, OVERRIDES)).run()


def facts(scenario: str = OBSERVED) -> dict[str, str]:
    """How a data set drawn from these runs was made (for metadata and truth.json)."""
    chosen = load(scenario, OVERRIDES)
    return {"scenario": scenario, "overrides": " ".join(OVERRIDES),
            "seed": str(chosen.run.seed)}


def forget() -> None:
    """Drop the runs kept for this build."""
    observed.cache_clear()
    reference.cache_clear()
