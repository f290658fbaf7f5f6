"""A regular GP: the global medical record (DMG) is opened at a GP visit and sometimes lost."""

from __future__ import annotations

import numpy as np

from passerelle.config.parameters import Params, assumption, calibrated
from passerelle.config.units import MonthlyProbability, Probability
from passerelle.engine.groups import INSURED
from passerelle.engine.module import Measure, Module


class RegularGpParams(Params):
    open_at_visit: Probability = calibrated(
        0.025, description="probability that an insured person without a DMG opens one at a "
        "GP visit", target="dmg_coverage@Brussels",
    )
    loss_per_month: MonthlyProbability = assumption(
        0.004, description="monthly probability of losing one's DMG (moving, GP retiring)",
        why="about 5% of people move commune each year; GPs retire",
    )


class RegularGp(Module):
    """DMG gained at GP visits, lost at a small monthly rate. A person has at most one open
    need, hence at most one GP contact a month: the contacts are distinct people."""

    name = "regular_gp"
    order = 55.0
    changes_groups = False
    Params = RegularGpParams
    optional = ("cascade",)
    measures = (
        Measure("dmg_opened", "persons", "DMGs opened"),
        Measure("dmg_lost", "persons", "DMGs lost"),
    )

    def step(self, sim) -> None:
        people = sim.people
        seen = sim.encounters.get("gp")
        candidates = seen[~people.dmg[seen] & (people.coverage[seen] == INSURED)]
        opened = candidates[self.chance(sim, "open", self.pars.open_at_visit, candidates)]
        people.dmg[opened] = True
        sim.record("dmg_opened", opened)
        holders = np.flatnonzero(people.dmg & people.alive)
        lost = holders[self.chance(sim, "loss", self.pars.loss_per_month, holders)]
        people.dmg[lost] = False
        sim.record("dmg_lost", lost)
