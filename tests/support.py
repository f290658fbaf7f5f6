"""Helpers shared by the engine tests (imported by name: pytest puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from passerelle.config.scenario import Scenario, load
from passerelle.engine.module import Module
from passerelle.engine.results import Results

# The small test population: 10,000 people, 12 months of burn-in, 24 reported months
# (well under a second a run).
SMALL = ("population.size=10000", "run.months=24", "run.burn_in=12")


def small(*overrides: str, scenario: str | Path = "baseline") -> Scenario:
    """``scenario`` on the small test population, with further ``section.field=value``."""
    return load(scenario, (*SMALL, *overrides))


def monthly(results: Results, measure: str) -> np.ndarray:
    """Monthly totals of ``measure`` in simulated people (exact integers as floats)."""
    return results.cells[measure].sum(axis=1)


# Where a need can be met: the cascade's channels, and an unconditional centre when present.
MET = ("met_gp", "met_maison_medicale", "met_ed", "met_centre")


def needs_balance(results: Results) -> np.ndarray:
    """Per month, needs that arose minus those met (by every channel) or given up, in
    simulated people: what the stock of open needs must have grown by."""
    met = sum(monthly(results, name) for name in MET if name in results.cells)
    return monthly(results, "needs_new") - met - monthly(results, "forgone")


class Broken(Module):
    """A plugin that fails in runs of seed 13 (for the sweep's failure path)."""

    name = "broken"
    order = 95.0
    changes_groups = False

    def step(self, sim) -> None:
        if sim.scenario.run.seed == 13:
            raise RuntimeError("broken on purpose")
