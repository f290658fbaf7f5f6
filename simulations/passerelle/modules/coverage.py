"""Coverage dynamics: mutuelle ruptures and reopening, BIM entitlement and take-up, AMU,
asylum decisions.

BIM entitlement churns: each month an entitled person loses it (income above the ceiling
at the yearly re-check, ``bim_loss_per_year``) and a registered resident of income quintile
``q`` gains it at the rate that keeps the quintile's entitled share at
``population.bim_eligible_by_quintile[q]``. An entitled insured person without BIM
activates it at the rate that keeps the share of the entitled who have BIM at
``population.bim_take_up_working_age`` (18-64) or ``bim_take_up_other_ages``: at loss
rate ``l`` the stationary share is ``a / (a + l)``, so ``a = l · take_up / (1 - take_up)``.

Values other modules may modify (``passerelle.engine.values``): per lapsed or entitled
person, ``coverage.reopen.probability`` and ``coverage.bim.probability`` (monthly); for
everyone, ``coverage.amu_apply.probability``, ``coverage.amu_refusal.probability``,
``coverage.amu_validity.months`` and ``coverage.amu_delay.months`` (the parameters of the
same names, as in force this month).
"""

from __future__ import annotations

import numpy as np

from passerelle.engine import sources
from passerelle.engine.distributions import Uniform
from passerelle.engine.groups import ASYLUM, INSURED, LAPSED, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, calibrated, sourced
from passerelle.engine.people import Column
from passerelle.engine.timeline import MONTH, NEVER
from passerelle.engine.units import (
    MeanMonths,
    MonthlyProbability,
    Months,
    Probability,
    RelativeRisk,
    Share,
    YearlyProbability,
    bounded,
)


class CoverageParams(Params):
    reopen_per_month: MonthlyProbability = assumption(
        0.05, description="monthly probability that lapsed rights are reopened",
        why="ruptures last from months to years; mean 20 months",
    )
    lapse_per_month: MonthlyProbability = calibrated(
        round(0.05 * sources.value("uninsured_persons") / sources.value("population_total")
              / (1 - sources.value("uninsured_persons") / sources.value("population_total")), 6),
        description="monthly probability that an insured resident's rights lapse (middle "
        "quintile multiplier 1, see population.lapsed_by_quintile)",
        target="uninsured share (uninsured_persons@Belgium): stationary at reopen_per_month",
    )
    lapse_homeless_rr: RelativeRisk = assumption(
        10.0, description="relative risk of a rupture when homeless",
        why="losing one's address removes the person from the register (radiation d'office)",
    )
    bim_loss_per_year: YearlyProbability = assumption(
        0.10, description="yearly probability that a person entitled to BIM loses the "
        "entitlement (and BIM with it): the household's income found above the ceiling at "
        "the mutuelle's yearly re-check", why="pensioners on GRAPA and people on disability "
        "allowances, a large part of BIM holders, rarely leave; low-income spells of working "
        "age end more often (order of magnitude: a fifth a year for them, a tenth overall)",
        uncertainty=Uniform(0.05, 0.2),
    )
    amu_apply: Probability = calibrated(
        0.06, description="probability that an undocumented person without AMU applies at "
        "the CPAS in the month after a perceived need went unmet",
        target="amu_users@Belgium: 10-20% of undocumented people use AMU in a year "
        "(recourse over a year, not the share with a decision in force on a day)",
    )
    amu_delay_months: bounded(Months, le=12) = assumption(
        1, description="months from application to decision",
        why="the CPAS has 30 days to decide (organic law of 8 July 1976)",
    )
    amu_refusal: Share = sourced(
        "amu_cpas_refusal_rate_low", description="share of applications refused",
        derive=lambda low: (low + sources.value("amu_cpas_refusal_rate_high")) / 2,
        how="midpoint of the low (2%) and high (26%) rates across CPAS",
    )
    amu_validity_months: bounded(Months, ge=1, le=24) = calibrated(
        3, description="months an AMU decision stays in force",
        target="amu_users@Belgium (10-20% of undocumented people)",
    )
    asylum_months: MeanMonths = assumption(
        11.0, description="mean months from application to decision (in reception)",
        why="reception stock (fedasil_reception_places) ÷ applications per year ≈ 0.9 years",
    )
    asylum_recognition: Share = sourced(
        "asylum_decision_recognition_share", description="share of decisions granting "
        "protection",
    )
    regularisation_per_month: MonthlyProbability = assumption(
        0.001, description="monthly probability that an undocumented person is regularised",
        why="a few thousand regularisations a year for over 100,000 people",
    )


class Coverage(Module):
    """Rights lapse and reopen; BIM is taken up; AMU is applied for, decided and expires;
    asylum seekers receive a decision."""

    name = "coverage"
    order = 20.0
    Params = CoverageParams
    requires = ("needs",)
    columns = (
        Column("amu_decision_month", MONTH, NEVER, "month the pending AMU decision is due"),
        Column("amu_expiry_month", MONTH, NEVER, "month the AMU decision expires"),
        Column("asylum_refused_month", MONTH, NEVER, "month the asylum claim was refused"),
    )
    measures = (
        Measure("lapses", "persons", "insured residents whose rights lapsed"),
        Measure("rights_reopened", "persons", "lapsed rights reopened"),
        Measure("bim_activated", "persons", "BIM activated"),
        Measure("bim_lost", "persons", "BIM lost with the entitlement"),
        Measure("amu_applications", "applications", "AMU applications at the CPAS"),
        Measure("amu_granted", "decisions", "AMU granted"),
        Measure("amu_refused", "decisions", "AMU refused"),
        Measure("amu_expired", "decisions", "AMU decisions expired"),
        Measure("asylum_recognised", "decisions", "asylum seekers granted protection"),
        Measure("asylum_rejected", "decisions", "asylum seekers refused (become undocumented)"),
        Measure("regularised", "persons", "undocumented people regularised"),
    )

    def init(self, sim) -> None:
        spec = sim.scenario.population
        self._lapse_rr = np.asarray(spec.lapsed_by_quintile) / np.mean(spec.lapsed_by_quintile)
        sim.values.expose("coverage.reopen.probability",
                          lambda sim, uids: np.full(uids.size, self.pars.reopen_per_month),
                          by=self.name)
        self._bim_loss = 1 - (1 - self.pars.bim_loss_per_year) ** (1 / 12)
        entitled = np.asarray(spec.bim_eligible_by_quintile)
        self._bim_gain = np.minimum(
            self._bim_loss * entitled / np.maximum(1 - entitled, 1e-12), 1)
        self._bim_activation = tuple(
            min(self._bim_loss * take_up / max(1 - take_up, 1e-12), 1.0)
            for take_up in (spec.bim_take_up_working_age, spec.bim_take_up_other_ages))
        sim.values.expose("coverage.bim.probability", self._bim_probability, by=self.name)
        for value, field in (("amu_apply.probability", "amu_apply"),
                             ("amu_refusal.probability", "amu_refusal"),
                             ("amu_validity.months", "amu_validity_months"),
                             ("amu_delay.months", "amu_delay_months")):
            sim.values.expose(f"coverage.{value}",
                              lambda sim, uids, field=field: getattr(self.pars, field),
                              by=self.name)

    def step(self, sim) -> None:
        self._ruptures(sim)
        self._bim(sim)
        self._amu(sim)
        self._asylum(sim)

    def _ruptures(self, sim) -> None:
        people, p = sim.people, self.pars
        insured = np.flatnonzero((people.coverage == INSURED) & people.alive)
        lapsed = np.flatnonzero((people.coverage == LAPSED) & people.alive)
        # In place: one float64 array the size of the insured, not four.
        hazard = self._lapse_rr[people.quintile[insured]]
        hazard *= p.lapse_per_month
        hazard[people.homeless[insured]] *= p.lapse_homeless_rr
        lapsing = insured[self.chance(sim, "lapse", np.minimum(hazard, 1, out=hazard),
                                      insured)]
        reopen = np.minimum(sim.values("coverage.reopen.probability", sim, lapsed), 1)
        reopened = lapsed[self.chance(sim, "reopen", reopen, lapsed)]
        people.coverage[lapsing] = LAPSED
        people.coverage[reopened] = INSURED
        sim.record("lapses", lapsing)
        sim.record("rights_reopened", reopened)

    def _bim_probability(self, sim, uids: np.ndarray) -> np.ndarray:
        """Monthly activation of BIM for entitled ``uids``, by age (see the module doc)."""
        age = sim.age_years(uids)
        working, other = self._bim_activation
        return np.where((age >= 18) & (age < 65), working, other)

    def _bim(self, sim) -> None:
        people = sim.people
        entitled = np.flatnonzero(people.bim_eligible & people.alive)
        losing = entitled[self.chance(sim, "bim_loss", self._bim_loss, entitled)]
        people.bim_eligible[losing] = False
        sim.record("bim_lost", losing[people.bim[losing]])
        people.bim[losing] = False
        residents = np.flatnonzero(~people.bim_eligible & people.alive
                                   & (people.coverage <= LAPSED))
        gaining = residents[self.chance(sim, "bim_entitled",
                                        self._bim_gain[people.quintile[residents]], residents)]
        people.bim_eligible[gaining] = True
        waiting = np.flatnonzero(people.bim_eligible & ~people.bim & people.alive
                                 & (people.coverage == INSURED))
        rate = np.minimum(sim.values("coverage.bim.probability", sim, waiting), 1)
        activated = waiting[self.chance(sim, "bim", rate, waiting)]
        people.bim[activated] = True
        sim.record("bim_activated", activated)

    def _amu(self, sim) -> None:
        people, month = sim.people, sim.month
        refusal, apply, validity = (
            sim.values(f"coverage.{value}", sim) for value in (
                "amu_refusal.probability", "amu_apply.probability", "amu_validity.months"))
        undocumented = np.flatnonzero((people.coverage == UNDOCUMENTED) & people.alive)
        active = undocumented[people.amu_active[undocumented]]
        expired = active[people.amu_expiry_month[active] <= month]
        people.amu_active[expired] = False
        sim.record("amu_expired", expired)

        due = undocumented[people.amu_decision_month[undocumented] == month]
        refused = self.chance(sim, "refusal", refusal, due)
        granted = due[~refused]
        people.amu_active[granted] = True
        people.amu_expiry_month[granted] = month + validity
        people.amu_decision_month[due] = NEVER
        sim.record("amu_granted", granted)
        sim.record("amu_refused", due[refused])

        idle = undocumented[~people.amu_active[undocumented]
                            & (people.amu_decision_month[undocumented] < month)]
        blocked = idle[people.need_open[idle]
                       & (people.last_unmet_perceived_month[idle] == month - 1)]
        self.file_amu(sim, blocked[self.chance(sim, "apply", apply, blocked)])

        regularised = undocumented[self.chance(sim, "regularise",
                                               self.pars.regularisation_per_month,
                                               undocumented)]
        self._become_insured(people, regularised)
        sim.record("regularised", regularised)

    def file_amu(self, sim, uids: np.ndarray) -> None:
        """File an AMU application at the CPAS for ``uids``; it decides after the delay,
        at the earliest the month after (``coverage.amu_delay.months``).

        Parameters
        ----------
        sim : Sim
            The running simulation.
        uids : numpy.ndarray
            Undocumented people without AMU and without a pending application.

        Examples
        --------
        A social worker, written as a plugin, who files for every undocumented person
        without AMU or a pending application:

        >>> import numpy as np
        >>> from passerelle import Sim, load
        >>> from passerelle.engine.groups import UNDOCUMENTED
        >>> from passerelle.engine.module import Module
        >>> class Filing(Module):
        ...     name, order, changes_groups, requires = "filing", 25.0, False, ("coverage",)
        ...     def step(self, sim):
        ...         p = sim.people
        ...         idle = np.flatnonzero((p.coverage == UNDOCUMENTED) & p.alive
        ...                               & ~p.amu_active & (p.amu_decision_month < sim.month))
        ...         self.filed = idle.size
        ...         sim.module("coverage").file_amu(sim, idle)
        >>> one = load("baseline").replace(population={"size": 2000},
        ...                                run={"months": 1, "burn_in": 0})
        >>> filing = Filing()
        >>> plain, filed = Sim(one).run(), Sim(one, modules=[filing]).run()
        >>> extra = filed.total("amu_applications").sum() - plain.total("amu_applications").sum()
        >>> filing.filed > 0, round(extra / plain.scale) == filing.filed
        (True, True)
        """
        delay = sim.values("coverage.amu_delay.months", sim)
        sim.people.amu_decision_month[uids] = sim.month + max(delay, 1)
        sim.record("amu_applications", uids)

    def _asylum(self, sim) -> None:
        people, p = sim.people, self.pars
        waiting = np.flatnonzero((people.coverage == ASYLUM) & people.alive)
        decided = waiting[self.chance(sim, "decision", 1 / p.asylum_months, waiting)]
        recognised = self.chance(sim, "recognition", p.asylum_recognition, decided)
        self._become_insured(people, decided[recognised])
        rejected = decided[~recognised]
        people.coverage[rejected] = UNDOCUMENTED
        people.asylum_refused_month[rejected] = sim.month
        sim.record("asylum_recognised", decided[recognised])
        sim.record("asylum_rejected", rejected)

    @staticmethod
    def _become_insured(people, uids: np.ndarray) -> None:
        people.coverage[uids] = INSURED
        people.amu_active[uids] = False
        people.amu_decision_month[uids] = NEVER
