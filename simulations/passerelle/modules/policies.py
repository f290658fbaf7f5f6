"""Policies that change the rules for everyone: generalised tiers payant, a simpler AMU
procedure, automatic BIM. Each is on from a month to a month (off by default).

A policy acts, while it is in force, by modifying values that the cascade and the
coverage module expose (``passerelle.engine.values``); it never changes their parameters:

- generalised tiers payant: an insured patient without BIM no longer advances the GP fee;
  ``tiers_payant_pay_effect`` log-odds are added to ``cascade.pay.logit`` for them (the
  co-payment itself stays; BIM patients already have compulsory tiers payant);
- simpler AMU procedure: the CPAS refuses less, more people apply after a need went unmet,
  and decisions last longer (``coverage.amu_refusal.probability``,
  ``coverage.amu_apply.probability``, ``coverage.amu_validity.months``,
  ``coverage.amu_delay.months`` take this module's values; the engine decides at the
  earliest in the month after an application, so a delay under a month cannot be
  represented);
- automatic BIM: every entitled insured person has BIM within the month
  (``coverage.bim.probability`` set to 1).
"""

from __future__ import annotations

import numpy as np

from passerelle.engine.groups import INSURED, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.people import Column
from passerelle.engine.timeline import END_OF_TIME, MONTH, NEVER
from passerelle.engine.units import LogOdds, Month, Months, Probability, Share, Until, bounded
from passerelle.modules.coverage import CoverageParams
from passerelle.modules.places import month_or

POLICIES = ("tiers_payant", "amu_simple", "automatic_bim")


def _start_field(policy: str) -> str | None:
    return assumption(None, description=f"first month of {policy}, YYYY-MM (none: off)",
                      why="a policy option: off unless a scenario sets it")


def _end_field(policy: str) -> str | None:
    return assumption(None, description=f"last month of {policy}, YYYY-MM (none: until the "
                      "end of the run)", why="a policy option")


class PoliciesParams(Params):
    """When each policy is in force, and what it changes while it is.

    Examples
    --------
    >>> from passerelle.modules.policies import PoliciesParams
    >>> PoliciesParams(tiers_payant_from="2025-01").tiers_payant_until is None
    True
    >>> try:
    ...     PoliciesParams(tiers_payant_from="2025-01", tiers_payant_until="2024-01")
    ... except ValueError as error:
    ...     print(error.errors()[0]["msg"])
    Value error, ends (2024-01) before it starts (tiers_payant_from 2025-01)
    """

    tiers_payant_from: Month | None = _start_field("generalised tiers payant")
    tiers_payant_until: Until = _end_field("generalised tiers payant")
    tiers_payant_pay_effect: bounded(LogOdds, ge=0) = assumption(
        0.4, description="log-odds added to affording care for insured patients without BIM",
        why="two thirds of the cascade's calibrated gap between insured people with and "
        "without BIM (0.6), who differ by tiers payant and by a lower co-payment",
    )
    amu_simple_from: Month | None = _start_field("the simpler AMU procedure")
    amu_simple_until: Until = _end_field("the simpler AMU procedure")
    amu_refusal: Share = sourced(
        "amu_cpas_refusal_rate_low", description="share of AMU applications refused under "
        "the simpler procedure", how="every CPAS as the least refusing one",
    )
    amu_apply: Probability = assumption(
        round(CoverageParams().amu_apply * 5 / 3, 4), description="probability of applying "
        "for AMU in the month after a perceived need went unmet, under the simpler procedure",
        why="fewer documents to gather: the baseline's calibrated coverage.amu_apply rises "
        "by two thirds",
    )
    amu_validity_months: bounded(Months, ge=1, le=24) = assumption(
        12, description="months an AMU decision stays in force under the simpler procedure",
        why="a yearly card, as some CPAS already give",
    )
    amu_delay_months: bounded(Months, ge=1, le=12) = assumption(
        1, description="months from application to decision under the simpler procedure",
        why="the engine's shortest delay: decided in the next month",
    )
    automatic_bim_from: Month | None = _start_field("automatic BIM")
    automatic_bim_until: Until = _end_field("automatic BIM")


class Policies(Module):
    """Modifies the cascade's and the coverage module's values while each policy is in
    force.

    Parameters
    ----------
    params : PoliciesParams, optional
        Its parameters (default: ``PoliciesParams()``, the sourced defaults).
    **overrides
        Fields of ``PoliciesParams`` to set when ``params`` is not given.

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> scenario = load("tiers-payant").replace(population={"size": 2_000},
    ...                                         run={"start": "2021-01", "burn_in": 0,
    ...                                              "months": 2})
    >>> results = Sim(scenario).run()
    >>> results.at_end("policy_exposed") > 0
    True
    """

    name = "policies"
    order = 15.0
    changes_groups = False
    Params = PoliciesParams
    treated_since = "policy_first_month"
    optional = ("cascade", "coverage")
    columns = (Column("policy_first_month", MONTH, NEVER, "first month in a group a policy "
                      "in force applies to"),)
    person_totals = ("policy_first_month",)
    measures = (Measure("policy_exposed", "persons", "people in a group a policy in force "
                        "applies to", "stock"),)

    def init(self, sim) -> None:
        p = self.pars
        self._windows = {
            policy: (getattr(p, f"{policy}_from"), getattr(p, f"{policy}_until"))
            for policy in POLICIES
        }
        sim.values.modify("cascade.pay.logit", self._tiers_payant, by=self.name)
        for value, field in (("amu_refusal.probability", "amu_refusal"),
                             ("amu_apply.probability", "amu_apply"),
                             ("amu_validity.months", "amu_validity_months"),
                             ("amu_delay.months", "amu_delay_months")):
            sim.values.modify(f"coverage.{value}", self._amu_simple(getattr(p, field)),
                              by=self.name)
        sim.values.modify("coverage.bim.probability", self._automatic_bim, by=self.name)

    def in_force(self, month: int) -> dict[str, bool]:
        """Which policies are in force in ``month``.

        Parameters
        ----------
        month : int
            Months since 2000-01.

        Returns
        -------
        dict of str to bool
            Each policy of ``POLICIES``.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> from passerelle.engine.timeline import parse_month
        >>> sim = Sim(load("tiers-payant").replace(population={"size": 2_000},
        ...                                        run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> policies = sim.module("policies")
        >>> [policies.in_force(parse_month(month))["tiers_payant"]
        ...  for month in ("2019-12", "2020-01")]
        [False, True]
        """
        return {policy: start is not None
                and month_or(start, END_OF_TIME) <= month <= month_or(end, END_OF_TIME)
                for policy, (start, end) in self._windows.items()}

    def _tiers_payant(self, sim, uids: np.ndarray, logit: np.ndarray) -> np.ndarray:
        if self.in_force(sim.month)["tiers_payant"]:
            people = sim.people
            no_bim = (people.coverage[uids] == INSURED) & ~people.bim[uids]
            logit[no_bim] += np.float32(self.pars.tiers_payant_pay_effect)
        return logit

    def _amu_simple(self, simpler: float):
        """The coverage module's AMU value, or ``simpler`` while the procedure is in force."""
        def value(sim, uids, usual):
            return simpler if self.in_force(sim.month)["amu_simple"] else usual
        return value

    def _automatic_bim(self, sim, uids: np.ndarray, probability: np.ndarray) -> np.ndarray:
        if self.in_force(sim.month)["automatic_bim"]:
            probability[:] = 1.0
        return probability

    def step(self, sim) -> None:
        state = self.in_force(sim.month)
        if not any(state.values()):
            return
        people = sim.people
        coverage = people.coverage
        insured = people.alive & (coverage == INSURED)
        exposed = np.zeros(people.n, dtype=bool)
        if state["tiers_payant"]:
            exposed |= insured & ~people.bim
        if state["amu_simple"]:
            exposed |= people.alive & (coverage == UNDOCUMENTED)
        if state["automatic_bim"]:
            exposed |= insured & people.bim_eligible & ~people.bim
        first = exposed & (people.policy_first_month == NEVER)
        people.policy_first_month[first] = sim.month
        sim.record("policy_exposed", exposed)


__all__ = ["POLICIES", "Policies", "PoliciesParams"]
