"""Care needs: each month people without an open need may develop one."""

from __future__ import annotations

import numpy as np

from passerelle.engine.distributions import LogNormal
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, calibrated, sourced
from passerelle.engine.people import Column
from passerelle.engine.timeline import MONTH, NEVER
from passerelle.engine.units import MonthlyProbability, RelativeRisk, Share, vector


class NeedsParams(Params):
    incidence_by_age: vector(MonthlyProbability, 6) = calibrated(
        (0.128, 0.096, 0.112, 0.136, 0.176, 0.224), description="monthly probability of a new "
        "care need by age band (0-15, 16-24, 25-44, 45-64, 65-74, 75+), no chronic condition, "
        "in the middle income quintile",
        target="ed_contacts_per_1000@Brussels (with the channels' ED shares); about 3 GP "
        "contacts a year per adult",
    )
    income_ratio: RelativeRisk = sourced(
        "poor_self_rated_health_ratio_low_high_education", description="ratio of the "
        "monthly rate of new needs in the lowest income quintile to that in the highest "
        "(log-linear over the quintiles, 1 in the middle one); newcomers count as lowest",
        how="the age-adjusted ratio of poor or fair self-rated health between the lowest "
        "and highest education level, taken as the ratio of care needs between the lowest "
        "and highest income quintile", uncertainty=LogNormal(2.2, 1.6, 3.0),
    )
    chronic_rr: RelativeRisk = assumption(
        0.5, description="added relative rate of needs per chronic condition",
        why="people with chronic conditions consult about twice as often (INAMI/IMA data)",
    )
    severity_rr: RelativeRisk = assumption(
        1.0, description="added relative rate of needs at severity 1",
        why="deteriorating health brings further needs",
    )
    urgent_share: Share = assumption(
        0.06, description="share of new needs that are urgent (need the ED or a hospital)",
        why="about 1 in 15 care episodes is an emergency (order of magnitude)",
    )
    urgent_severity_rr: RelativeRisk = assumption(
        2.0, description="added relative risk that a need is urgent at severity 1",
        why="unmet needs worsen",
    )


class Needs(Module):
    """New needs by age, income quintile, chronic conditions and severity; urgent ones
    flagged."""

    name = "needs"
    order = 40.0
    changes_groups = False
    Params = NeedsParams
    columns = (
        Column("need_open", "bool", False, "has an open care need"),
        Column("need_since_month", MONTH, NEVER, "month the open need arose"),
        Column("need_urgent", "bool", False, "the open need is urgent"),
        Column("last_unmet_month", MONTH, NEVER, "last month a need went unmet"),
        Column("last_unmet_perceived_month", MONTH, NEVER,
               "last month a perceived need went unmet (what a survey would hear)"),
        Column("last_perceived_need_month", MONTH, NEVER,
               "last month a need was perceived (it passed the cascade's first step): "
               "the people a survey hears as having needed care"),
    )
    measures = (Measure("needs_new", "needs", "new care needs"),)

    def step(self, sim) -> None:
        people, pars = sim.people, self.pars
        rate = np.asarray(pars.incidence_by_age)[people.age_band]
        rate *= income_multiplier(pars.income_ratio, people.quintile)
        rate *= 1 + pars.chronic_rr * people.chronic + pars.severity_rr * people.severity
        rate *= people.alive & ~people.need_open
        new = np.flatnonzero(self.chance(sim, "new", rate, people.n))
        urgent_p = pars.urgent_share * (1 + pars.urgent_severity_rr * people.severity[new])
        self.open(sim, new, self.chance(sim, "urgent", np.minimum(urgent_p, 1), new))

    def open(self, sim, uids: np.ndarray, urgent: np.ndarray | bool = False) -> None:
        """Open a need this month for ``uids`` (people without one), ``urgent`` or not.

        Parameters
        ----------
        sim : Sim
            The running simulation.
        uids : numpy.ndarray
            People whose need opens (none of them has an open need).
        urgent : numpy.ndarray of bool, or bool, default False
            Whether each need is urgent.

        Examples
        --------
        A check-up, written as a plugin, that opens a need for ten people a month:

        >>> import numpy as np
        >>> from passerelle import Sim, load
        >>> from passerelle.engine.module import Module
        >>> class Checkup(Module):
        ...     name, order, changes_groups, requires = "checkup", 45.0, False, ("needs",)
        ...     def step(self, sim):
        ...         idle = np.flatnonzero(sim.people.alive & ~sim.people.need_open)
        ...         sim.module("needs").open(sim, idle[:10])
        >>> one = load("baseline").replace(population={"size": 1000},
        ...                                run={"months": 1, "burn_in": 0})
        >>> plain, checked = Sim(one).run(), Sim(one, modules=[Checkup()]).run()
        >>> extra = checked.total("needs_new").sum() - plain.total("needs_new").sum()
        >>> round(extra / plain.scale)
        10
        """
        people = sim.people
        people.need_open[uids] = True
        people.need_since_month[uids] = sim.month
        people.need_urgent[uids] = urgent
        sim.record("needs_new", uids)


def income_multiplier(ratio: float, quintile: np.ndarray) -> np.ndarray:
    """The relative rate of each income quintile (0: lowest, 4: highest) when the lowest
    has ``ratio`` times the rate of the highest, log-linear over the quintiles and 1 in
    the middle one.

    Examples
    --------
    >>> [round(float(x), 3) for x in income_multiplier(4.0, np.arange(5))]
    [2.0, 1.414, 1.0, 0.707, 0.5]
    """
    return np.float32(ratio) ** ((2 - quintile.astype(np.float32)) / np.float32(4))
