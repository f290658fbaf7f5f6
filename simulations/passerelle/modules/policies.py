"""Policies that change the rules for everyone: generalised tiers payant, a simpler AMU
procedure, automatic BIM. Each is on from a month to a month (off by default).

A policy acts by changing other modules' parameters while it is in force (order 15, before
coverage and the cascade in each month), and restores them after:

- generalised tiers payant: an insured patient without BIM no longer advances the GP fee;
  ``tiers_payant_pay_effect`` log-odds are added to the cascade's ``pay`` step for them
  (the co-payment itself stays; BIM patients already have compulsory tiers payant);
- simpler AMU procedure: the CPAS refuses less, more people apply after a need went unmet,
  and decisions last longer (the coverage module's ``amu_refusal``, ``amu_apply``,
  ``amu_validity_months``, ``amu_delay_months``; the engine decides at the earliest in the
  month after an application, so a delay under a month cannot be represented);
- automatic BIM: every entitled insured person has BIM within the month (coverage's
  ``bim_take_up_per_month`` set to 1).
"""

from __future__ import annotations

import numpy as np

from passerelle.config.parameters import Params, assumption, sourced
from passerelle.config.units import LogOdds, Month, Months, Probability, Share, Until, bounded
from passerelle.engine.groups import INSURED, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.people import Column
from passerelle.engine.timeline import END_OF_TIME, NEVER
from passerelle.modules.places import month_or

POLICIES = ("tiers_payant", "amu_simple", "automatic_bim")


def _start_field(policy: str) -> str | None:
    return assumption(None, description=f"first month of {policy}, YYYY-MM (none: off)",
                      why="a policy option: off unless a scenario sets it")


def _end_field(policy: str) -> str | None:
    return assumption(None, description=f"last month of {policy}, YYYY-MM (none: until the "
                      "end of the run)", why="a policy option")


class PoliciesParams(Params):
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
        0.5, description="probability of applying for AMU in the month after a perceived "
        "need went unmet, under the simpler procedure",
        why="fewer documents to gather: the baseline's calibrated 0.3 rises by two thirds",
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
    """Switches the other modules' parameters while each policy is in force."""

    name = "policies"
    order = 15.0
    changes_groups = False
    Params = PoliciesParams
    treated_since = "policy_first_month"
    optional = ("cascade", "coverage")
    columns = (Column("policy_first_month", "int32", NEVER, "first month in a group a policy "
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
        self._original = {name: sim.module(name).pars for name in ("cascade", "coverage")
                          if self.uses(sim, name)}
        self._built: dict[tuple[bool, ...], dict] = {}

    def in_force(self, month: int) -> dict[str, bool]:
        """Which policies are in force in ``month``."""
        return {policy: start is not None
                and month_or(start, END_OF_TIME) <= month <= month_or(end, END_OF_TIME)
                for policy, (start, end) in self._windows.items()}

    def _parameters(self, state: dict[str, bool]) -> dict:
        """The cascade's and coverage's parameters under the policies in ``state``."""
        key = tuple(state.values())
        if key not in self._built:
            p, built = self.pars, dict(self._original)
            if state["tiers_payant"] and "cascade" in built:
                pay = list(built["cascade"].pay_by_coverage)
                pay[0] += p.tiers_payant_pay_effect
                built["cascade"] = built["cascade"].model_copy(
                    update={"pay_by_coverage": tuple(pay)})
            update = {}
            if state["amu_simple"]:
                update |= {"amu_refusal": p.amu_refusal, "amu_apply": p.amu_apply,
                           "amu_validity_months": p.amu_validity_months,
                           "amu_delay_months": p.amu_delay_months}
            if state["automatic_bim"]:
                update["bim_take_up_per_month"] = 1.0
            if update and "coverage" in built:
                built["coverage"] = built["coverage"].model_copy(update=update)
            self._built[key] = built
        return self._built[key]

    def step(self, sim) -> None:
        state = self.in_force(sim.month)
        for name, params in self._parameters(state).items():
            sim.module(name).pars = params
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
