"""Facilitators (community health workers): outreach, referral or discharge enrolment,
accompaniment while enrolled, effects that partly last, and what they report upward.

Each deployment puts a number of workers in a city (communes or a whole region) from a
start month to an end month; each worker carries an active caseload. At the end of each
month (order 65, after the cascade and the escalation of that month) free places are filled
from the deployment's area by the targeting rule, among people never enrolled before, and
each person asked accepts with a probability. Enrolment lasts ``enrolment_months`` months,
from the month after enrolment. While enrolled a person perceives, seeks and engages with
care more easily (log-odds added, in proportion to ``fac_intensity``, to the cascade's
values ``cascade.<step>.logit``), lapsed rights are reopened and BIM activated faster
(added to the coverage module's ``coverage.reopen.probability`` and
``coverage.bim.probability``), and a regular GP (DMG) is found with some probability each
month. At
graduation a share ``retention`` of the ability effects stays, then fades by
``decay_per_month``. A person enrolled in the month of a hospital discharge gets a
post-discharge primary-care visit booked with probability ``discharge_followup`` (as in the
IMPaCT trials): an open need that goes through the cascade next month.

Upward reports: each month, the barriers (failed cascade step) that the caseload met, and
the part that facilitators notice and report (``observe_by_step``): what a manager sees.

Costs: each active deployment costs ``workers × cost_per_worker_year / 12`` EUR a month,
recorded in ``cost_programme`` and attributed in equal shares to the deployment's clients
that month (to its area's residents when it has none yet).

A deployment whose area has no commune in the run's population is not simulated (the
default Brussels population only holds the Brussels deployment); a deployment with zero
workers does nothing at all.
"""

from __future__ import annotations

import numpy as np

from passerelle.engine.groups import INSURED, LAPSED, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.people import Column
from passerelle.engine.steps import STEPS
from passerelle.engine.timeline import END_OF_TIME, MONTH, NEVER, parse_month
from passerelle.modules.deployments import Deployment
from passerelle.modules.facilitators_params import FacilitatorsParams
from passerelle.modules.places import commune_mask, month_or, pick


class Facilitators(Module):
    """Community health workers per city: enrolment, accompaniment, upward reports, cost.

    Parameters
    ----------
    params : FacilitatorsParams, optional
        Its parameters (default: ``FacilitatorsParams()``, the sourced defaults).
    **overrides
        Fields of ``FacilitatorsParams`` to set when ``params`` is not given.

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> sim = Sim(load("facilitators").replace(population={"size": 20_000},
    ...           run={"start": "2022-01", "months": 3, "burn_in": 0}))
    >>> results = sim.run()
    >>> results.at_end("fac_caseload") > 0
    True
    """

    name = "facilitators"
    order = 65.0
    changes_groups = False
    Params = FacilitatorsParams
    treated_since = "fac_enrolled_month"
    requires = ("needs", "cascade")
    optional = ("coverage", "costs")
    columns = (
        Column("fac_site", "int8", -1, "deployment the person is enrolled with (-1: none)"),
        Column("fac_until_month", MONTH, NEVER, "month the enrolment ends"),
        Column("fac_enrolled_month", MONTH, NEVER, "month of (first) enrolment"),
        Column("fac_months", "int16", 0, "months of accompaniment received"),
        Column("fac_intensity", "float32", 0.0, "share of the ability effects in force"),
    )
    person_totals = ("fac_enrolled_month", "fac_months")
    measures = (
        Measure("fac_caseload", "persons", "people enrolled with a facilitator (end of month)",
                "stock"),
        Measure("fac_enrolled", "persons", "people newly enrolled"),
        Measure("fac_graduated", "persons", "people whose enrolment ended"),
        Measure("fac_gp_found", "persons", "enrolled people who got a DMG"),
        Measure("fac_followups", "needs", "post-discharge visits booked by facilitators"),
        *(Measure(f"fac_barrier_{s}", "needs", f"caseload needs unmet at '{s}' (true)")
          for s in STEPS),
        *(Measure(f"fac_reported_{s}", "needs", f"caseload needs unmet at '{s}' that "
                  "facilitators report upward") for s in STEPS),
    )

    def init(self, sim) -> None:
        areas = sim.population.areas
        self._deployments = [
            (index, d, commune_mask(d.area, areas), parse_month(d.start),
             month_or(d.end, END_OF_TIME))
            for index, d in enumerate(self.pars.deployments)
        ]
        self._deprivation = np.array([a.deprivation for a in areas] or [0.0])
        p = self.pars
        for step, effect in (("perceive", p.perceive_effect), ("seek", p.seek_effect),
                             ("engage", p.engage_effect)):
            sim.values.modify(f"cascade.{step}.logit", self._ability(effect), by=self.name)
        sim.values.modify("coverage.reopen.probability", self._paperwork(p.reopen_per_month),
                          by=self.name)
        sim.values.modify("coverage.bim.probability", self._paperwork(p.bim_per_month),
                          by=self.name)

    @staticmethod
    def _ability(effect: float):
        """Log-odds ``effect`` × each person's share of the ability effects in force."""
        def shift(sim, uids: np.ndarray, logit: np.ndarray) -> np.ndarray:
            logit += np.float32(effect) * sim.people.fac_intensity[uids]
            return logit
        return shift

    @staticmethod
    def _paperwork(per_month: float):
        """A monthly probability raised by ``per_month`` for people enrolled now."""
        def raise_(sim, uids: np.ndarray, probability: np.ndarray) -> np.ndarray:
            probability[sim.people.fac_site[uids] >= 0] += np.float32(per_month)
            return probability
        return raise_

    def active(self, sim) -> list[tuple[int, Deployment, np.ndarray]]:
        """The deployments at work this month within the run's population.

        Parameters
        ----------
        sim : Sim
            The run, at calendar month ``sim.month``.

        Returns
        -------
        list of (int, Deployment, ndarray)
            Each deployment's index, the deployment and its area (a mask of communes).

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("facilitators").replace(population={"size": 20_000},
        ...           run={"start": "2022-01", "months": 3, "burn_in": 0}))
        >>> results = sim.run()
        >>> [deployment.area for _, deployment, _ in sim.module("facilitators").active(sim)]
        [('Brussels-Capital Region',)]
        """
        return [(index, d, area) for index, d, area, start, end in self._deployments
                if d.workers > 0 and area.any() and start <= sim.month <= end]

    def capacity(self, sim, deployment: Deployment) -> int:
        """Active clients a deployment can carry, in simulated people.

        Parameters
        ----------
        sim : Sim
            The run (its ``scale``: real people a simulated person stands for).
        deployment : Deployment
            Its workers (each carrying ``caseload`` clients).

        Returns
        -------
        int
            Simulated people, rounded to the nearest.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("facilitators").replace(population={"size": 20_000},
        ...           run={"start": "2022-01", "months": 3, "burn_in": 0}))
        >>> results = sim.run()
        >>> facilitators = sim.module("facilitators")
        >>> [(facilitators.capacity(sim, d), round(d.workers * facilitators.pars.caseload
        ...                                          / sim.scale)) for _, d, _ in
        ...  facilitators.active(sim)] == [(9, 9)]
        True
        """
        return int(np.floor(deployment.workers * self.pars.caseload / sim.scale + 0.5))

    def step(self, sim) -> None:
        people = sim.people
        enrolled = np.flatnonzero(people.fac_site >= 0)
        caseload = enrolled[people.alive[enrolled]]
        people.fac_months[caseload] += 1
        self._report(sim, caseload)
        self._find_gp(sim, caseload)
        active = self.active(sim)
        graduating = self._graduate(sim, enrolled, [index for index, _, _ in active])
        new = np.concatenate([self._enrol(sim, *deployment) for deployment in active]
                             or [np.empty(0, dtype=np.int64)])
        self._follow_up(sim, new)
        self._apply_effects(sim, new, graduating)
        self._cost(sim, active)
        sim.record("fac_caseload", people.fac_site >= 0)

    def _report(self, sim, caseload: np.ndarray) -> None:
        """True barriers of this month's caseload, and the part facilitators report."""
        people = sim.people
        failed = caseload[people.last_unmet_month[caseload] == sim.month]
        step = people.last_barrier[failed]
        seen = self.chance(sim, "observe", np.asarray(self.pars.observe_by_step)[step], failed)
        for index, name in enumerate(STEPS):
            at_step = step == index
            sim.record(f"fac_barrier_{name}", failed[at_step])
            sim.record(f"fac_reported_{name}", failed[at_step & seen])

    def _find_gp(self, sim, caseload: np.ndarray) -> None:
        people = sim.people
        without = caseload[(people.coverage[caseload] == INSURED) & ~people.dmg[caseload]
                           & ~people.mm_enrolled[caseload]]
        found = without[self.chance(sim, "gp", self.pars.gp_found_per_month, without)]
        people.dmg[found] = True
        sim.record("fac_gp_found", found)

    def _graduate(self, sim, enrolled: np.ndarray, active: list[int]) -> np.ndarray:
        """End the enrolments that are over, whose deployment stopped, or whose client
        died or left."""
        people = sim.people
        done = ((people.fac_until_month[enrolled] <= sim.month) | ~people.alive[enrolled]
                | ~np.isin(people.fac_site[enrolled], active))
        graduating = enrolled[done]
        people.fac_site[graduating] = -1
        people.fac_until_month[graduating] = NEVER
        sim.record("fac_graduated", graduating)
        return graduating

    def _candidates(self, sim, area: np.ndarray) -> np.ndarray:
        people = sim.people
        return np.flatnonzero(people.alive & area[people.commune]
                              & (people.fac_enrolled_month == NEVER))

    def _referral_weights(self, sim, uids: np.ndarray) -> np.ndarray:
        """Each list gets its share of the referrals, spread evenly over its members."""
        people = sim.people
        coverage = people.coverage[uids]
        insured = coverage == INSURED
        lists = (coverage == LAPSED,
                 insured & people.bim_eligible[uids] & ~people.bim[uids],
                 insured & ~people.dmg[uids] & ~people.mm_enrolled[uids])
        weights = np.zeros(uids.size)
        for share, members in zip(self.pars.referral_lists, lists, strict=True):
            count = np.count_nonzero(members)
            if count:
                weights += members * (share / count)
        return weights

    def _outreach_weights(self, sim, uids: np.ndarray) -> np.ndarray:
        people = sim.people
        coverage = people.coverage[uids]
        vulnerable = (people.homeless[uids] | people.language_barrier[uids]
                      | people.substance_use[uids] | (coverage == LAPSED)
                      | (coverage == UNDOCUMENTED)
                      | (people.last_unmet_month[uids] >= sim.month - 2))
        return (self._deprivation[people.commune[uids]]
                * (1 + self.pars.outreach_vulnerable_rr * vulnerable))

    def _enrol(self, sim, index: int, deployment: Deployment, area: np.ndarray) -> np.ndarray:
        """Fill the free places of one deployment; returns the uids enrolled."""
        people, p = sim.people, self.pars
        free = self.capacity(sim, deployment) - int(np.count_nonzero(people.fac_site == index))
        if free <= 0:
            return np.empty(0, dtype=np.int64)
        stream = f"pick_{index}"
        if p.targeting == "discharge":
            discharged = np.unique(sim.encounters.get("hospital"))
            candidates = discharged[people.alive[discharged] & area[people.commune[discharged]]
                                    & (people.fac_enrolled_month[discharged] == NEVER)]
            asked = pick(candidates, np.ones(candidates.size), free,
                         self.uniform(sim, stream, candidates))
        else:
            candidates = self._candidates(sim, area)
            u = self.uniform(sim, stream, candidates)
            referred = {"referral": free, "outreach": 0,
                        "both": int(np.floor(free * p.referral_places + 0.5))}[p.targeting]
            by_referral = pick(candidates, self._referral_weights(sim, candidates), referred, u)
            rest = ~np.isin(candidates, by_referral)
            by_outreach = pick(candidates[rest], self._outreach_weights(sim, candidates[rest]),
                               free - by_referral.size, u[rest])
            asked = np.union1d(by_referral, by_outreach)
        enrolled = asked[self.chance(sim, f"accept_{index}", p.acceptance, asked)]
        people.fac_site[enrolled] = index
        people.fac_until_month[enrolled] = sim.month + p.enrolment_months
        people.fac_enrolled_month[enrolled] = sim.month
        sim.record("fac_enrolled", enrolled)
        return enrolled

    def _follow_up(self, sim, new: np.ndarray) -> None:
        """Book a post-discharge visit for people enrolled in the month of a discharge."""
        people = sim.people
        discharged = np.intersect1d(new, sim.encounters.get("hospital"))
        booked = discharged[~people.need_open[discharged]]
        booked = booked[self.chance(sim, "followup", self.pars.discharge_followup, booked)]
        sim.module("needs").open(sim, booked)
        sim.record("fac_followups", booked)

    def _apply_effects(self, sim, new: np.ndarray, graduating: np.ndarray) -> None:
        """Move each person's share of the ability effects to this month's value: 1 while
        enrolled, ``retention`` at graduation, then fading."""
        p = self.pars
        intensity = sim.people.fac_intensity
        fading = np.flatnonzero((intensity > 0) & (intensity < 1))
        target = intensity[fading] * np.float32(1 - p.decay_per_month)
        target[target < 0.01] = 0
        changed = np.concatenate([fading, graduating, new])
        after = np.concatenate([target, np.full(graduating.size, p.retention),
                                np.ones(new.size)]).astype(np.float32)
        intensity[changed] = after

    def _cost(self, sim, active: list[tuple[int, Deployment, np.ndarray]]) -> None:
        if not self.uses(sim, "costs"):
            return
        people = sim.people
        for index, deployment, area in active:
            eur = deployment.workers * self.pars.cost_per_worker_year / 12
            payers = np.flatnonzero(people.fac_site == index)
            if payers.size == 0:
                payers = np.flatnonzero(people.alive & area[people.commune])
            sim.record("cost_programme", payers, eur / (payers.size * sim.scale),
                       per_person=False)


__all__ = ["Deployment", "Facilitators", "FacilitatorsParams"]
