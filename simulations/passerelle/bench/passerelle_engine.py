"""The reference model as a Passerelle module, run by the engine like any scenario."""

from __future__ import annotations

import numpy as np

from passerelle.bench.reference import (
    P_NEED,
    P_SEEK_INSURED,
    P_SEEK_UNINSURED,
    ReferenceRun,
    insured_count,
)
from passerelle.config.scenario import from_dict
from passerelle.engine.module import Measure, Module
from passerelle.engine.people import Column
from passerelle.engine.sim import Sim


class ReferenceNeed(Module):
    """Needs arise with probability 0.05 a month; the insured (the first 80%) seek care with
    probability 0.8, the others 0.3; seeking care resolves the need."""

    name = "reference"
    order = 40.0
    changes_groups = False
    columns = (Column("need", "bool", False), Column("insured", "bool", False))
    measures = (Measure("with_need", "persons", "people with an open need", "stock"),)

    def init(self, sim) -> None:
        sim.people.insured[: insured_count(sim.people.n)] = True

    def step(self, sim) -> None:
        need = sim.people.need
        need |= self.chance(sim, "new", P_NEED, sim.people.n)
        sick = np.flatnonzero(need)
        seek = np.where(sim.people.insured[sick], P_SEEK_INSURED, P_SEEK_UNINSURED)
        need[sick[self.chance(sim, "seek", seek, sick)]] = False
        sim.record("with_need", sick[need[sick]])


def scenario(n_people: int, months: int, seed: int):
    """The reference scenario: ``n_people`` bare people, only the reference module."""
    return from_dict({
        "name": "reference",
        "modules": ["reference"],
        "plugins": [f"{__name__}:ReferenceNeed"],
        "population": {"region": "none", "size": n_people},
        "run": {"months": months, "burn_in": 0, "seed": seed},
    }, source="passerelle.bench.passerelle_engine")


def run(n_people: int, months: int, seed: int) -> ReferenceRun:
    """Run the reference model on the Passerelle engine."""
    results = Sim(scenario(n_people, months, seed)).run()
    return ReferenceRun(need_share=results.select("with_need") / n_people)
