"""A regular GP: a need met at the GP brings follow-up contacts; the global medical record
(DMG) is opened at a GP visit and sometimes lost."""

from __future__ import annotations

import numpy as np

from passerelle.engine.distributions import Uniform, poisson_ppf
from passerelle.engine.groups import INSURED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, calibrated
from passerelle.engine.units import MonthlyProbability, Probability, RelativeRisk

FOLLOWED_UP = ("gp", "maison_medicale")  # the channels whose contacts bring follow-ups


class RegularGpParams(Params):
    open_at_visit: Probability = calibrated(
        0.025, description="probability that an insured person without a DMG opens one at a "
        "GP visit", target="dmg_coverage@Brussels",
    )
    loss_per_month: MonthlyProbability = assumption(
        0.004, description="monthly probability of losing one's DMG (moving, GP retiring)",
        why="about 5% of people move commune each year; GPs retire",
    )
    followups_per_need: RelativeRisk = assumption(
        1.0, description="mean number of follow-up contacts (Poisson) after a need met at a "
        "GP or a maison médicale, without a chronic condition",
        why="an episode of care in general practice runs from its first to its last "
        "encounter, and most span more than one (Lamberts & Hofmans-Okkes 1996, Dutch "
        "family practice): a return visit for results, a check or a prescription about "
        "once an episode (order of magnitude)",
        uncertainty=Uniform(0.5, 1.5),
    )
    followup_chronic_rr: RelativeRisk = assumption(
        1.0, description="added relative number of follow-up contacts per chronic condition",
        why="a managed chronic condition brings regular checks: people with chronic "
        "conditions consult about twice as often (as needs.chronic_rr)",
        uncertainty=Uniform(0.5, 2.0),
    )


class RegularGp(Module):
    """Follow-up contacts after each need met at a GP or a maison médicale, in the same
    month and channel (priced by costs as contacts); DMGs gained at first GP visits, lost
    at a small monthly rate."""

    name = "regular_gp"
    order = 55.0
    changes_groups = False
    Params = RegularGpParams
    optional = ("cascade",)
    measures = (
        Measure("dmg_opened", "persons", "DMGs opened"),
        Measure("dmg_lost", "persons", "DMGs lost"),
        Measure("gp_followups", "visits", "follow-up contacts at a GP or maison médicale "
                "after a met need"),
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
        for channel in FOLLOWED_UP:
            self.follow_up(sim, channel, sim.encounters.get(channel))

    def follow_up(self, sim, channel: str, uids: np.ndarray) -> None:
        """Add the follow-up contacts of the needs of ``uids`` met in ``channel`` this month."""
        p = self.pars
        mean = p.followups_per_need * (1 + p.followup_chronic_rr * sim.people.chronic[uids])
        counts = poisson_ppf(self.uniform(sim, f"followups_{channel}", uids), mean)
        followed = np.repeat(uids, counts)
        sim.encounters.add(channel, followed)
        sim.record("gp_followups", followed)

