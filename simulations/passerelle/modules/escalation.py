"""What happens to unmet needs: they worsen, turn urgent, end at the ED, or are given up."""

from __future__ import annotations

import numpy as np

from passerelle.engine.distributions import Beta, Uniform
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, calibrated
from passerelle.engine.units import MonthlyProbability, RelativeRisk, SeverityPoints, Share


class EscalationParams(Params):
    severity_step: SeverityPoints = assumption(
        0.1, description="severity added (0-1 scale) for each month a need goes unmet",
        why="untreated conditions worsen over months",
        uncertainty=Uniform(0.05, 0.2),
    )
    urgent_per_month: MonthlyProbability = calibrated(
        0.04, description="monthly probability that an unmet need becomes urgent",
        target="ed_contacts_per_1000@Brussels",
    )
    urgent_chronic_rr: RelativeRisk = assumption(
        0.5, description="added relative risk of turning urgent per chronic condition",
        why="ambulatory-care-sensitive conditions are mostly chronic (KCE 263)",
        uncertainty=Uniform(0.25, 1.0),
    )
    forgo_per_month: MonthlyProbability = assumption(
        0.25, description="monthly probability that an unmet non-urgent need is given up",
        why="most self-limiting needs resolve or are given up within months",
        uncertainty=Uniform(0.15, 0.35),
    )
    admission_urgent: Share = assumption(
        0.25, description="share of urgent ED visits ending in a hospital stay",
        why="about a quarter of Belgian ED contacts are admitted (KCE 263)",
        uncertainty=Beta.of_mean(0.25, 0.04),
    )
    admission_avoidable: Share = assumption(
        0.03, description="share of non-urgent ED visits ending in a hospital stay",
        why="primary-care-type ED visits are rarely admitted",
    )


class Escalation(Module):
    """Unmet needs worsen; ED visits and hospital stays are counted (avoidable ones apart)."""

    name = "escalation"
    order = 60.0
    changes_groups = False
    Params = EscalationParams
    requires = ("needs",)
    optional = ("cascade",)
    measures = (
        Measure("escalations", "needs", "unmet needs that turned urgent"),
        Measure("forgone", "needs", "needs given up without care (or left with their owner)"),
        Measure("ed_visits", "visits", "emergency department visits"),
        Measure("ed_avoidable", "visits", "ED visits for a non-urgent need, or for a need "
                "that turned urgent after going unmet"),
        Measure("hospital_stays", "stays", "hospital admissions"),
    )

    def step(self, sim) -> None:
        people, p = sim.people, self.pars
        ed_urgent = sim.encounters.get("ed_urgent")
        ed_avoidable = sim.encounters.get("ed_avoidable")
        sim.record("ed_visits", ed_urgent)
        sim.record("ed_visits", ed_avoidable)
        sim.record("ed_avoidable", ed_avoidable)
        sim.record("ed_avoidable", ed_urgent[people.need_since_month[ed_urgent] < sim.month])
        admitted = np.concatenate([
            ed_urgent[self.chance(sim, "admit_urgent", p.admission_urgent, ed_urgent)],
            ed_avoidable[self.chance(sim, "admit_avoidable", p.admission_avoidable,
                                     ed_avoidable)],
        ])
        sim.encounters.add("hospital", admitted)
        sim.record("hospital_stays", admitted)

        waiting = np.flatnonzero(people.need_open & (people.last_unmet_month == sim.month))
        people.severity[waiting] = np.minimum(people.severity[waiting] + p.severity_step, 1)
        calm = waiting[~people.need_urgent[waiting]]
        turn = p.urgent_per_month * (1 + p.urgent_chronic_rr * people.chronic[calm])
        escalating = self.chance(sim, "urgent", np.minimum(turn, 1), calm)
        people.need_urgent[calm[escalating]] = True
        sim.record("escalations", calm[escalating])
        still = calm[~escalating]
        self.forgo(sim, still[self.chance(sim, "forgo", p.forgo_per_month, still)])

    def forgo(self, sim, uids: np.ndarray) -> None:
        """Close the open needs of ``uids`` without care."""
        sim.people.need_open[uids] = False
        sim.people.need_urgent[uids] = False
        sim.record("forgone", uids)
