"""The access cascade (Levesque, Harris & Russell 2013): perceive, seek, reach, pay, engage.

Each open need tries once a month. Each step pairs a person's ability with a service's
dimension, as a logistic model on the person's attributes plus the value
``cascade.<step>.logit`` (log-odds, zero unless an intervention modifies it; see
``passerelle.engine.values``). The first step that fails is recorded (barrier attribution)
and the need stays open; a need that passes every step is met through a channel. Urgent
needs only have to be perceived: the emergency department takes everyone. Needs that were
perceived but failed a later step are offered to care outside the regular system (an
unconditional centre) through the value ``cascade.served``: which of them are seen
elsewhere this month (none unless a module modifies it; context ``failed``, the index of
the failed step).
"""

from __future__ import annotations

import numpy as np

from passerelle.engine import sources
from passerelle.engine.distributions import Uniform
from passerelle.engine.groups import INSURED, LAPSED, UNDOCUMENTED, coverage_group
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, calibrated, sourced
from passerelle.engine.people import Column
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA
from passerelle.engine.steps import STEPS
from passerelle.engine.units import LogOdds, RelativeRisk, Share, vector


def _non_admitted_per_admitted(admitted_share: float) -> float:
    """ED passages sent home per passage admitted to a hospital bed."""
    return (1 - admitted_share) / admitted_share


class CascadeParams(Params):
    perceive_base: LogOdds = calibrated(
        5.25, description="log-odds of perceiving a need at average literacy",
        target="unmet_need_medical@Brussels",
    )
    perceive_literacy: LogOdds = assumption(
        2.0, description="log-odds per unit of literacy (0-1)",
        why="limited health literacy halves timely recognition of needs (HLS-EU)",
    )
    perceive_urgent: LogOdds = assumption(2.0, description="log-odds added for urgent needs",
                                        why="urgent symptoms are hard to ignore")
    seek_base: LogOdds = calibrated(
        5.45, description="log-odds of seeking care at average trust",
        target="unmet_need_medical@Brussels",
    )
    seek_trust: LogOdds = assumption(1.5, description="log-odds per unit of trust (0-1)",
                                   why="mistrust and fear of institutions deter care-seeking")
    seek_language: LogOdds = assumption(2.0, description="log-odds lost with a language barrier",
                                      why="language is the first barrier in CASO reports")
    seek_undocumented: LogOdds = assumption(
        1.2, description="log-odds lost by undocumented people without AMU (fear of papers)",
        why="Médecins du Monde: fear of being reported keeps people away",
    )
    seek_substance: LogOdds = assumption(0.8, description="log-odds lost with problem substance "
                                       "use", why="stigma in regular care")
    reach_base: LogOdds = calibrated(
        5.85, description="log-odds of reaching a provider", target="unmet_need_medical@Brussels"
    )
    reach_homeless: LogOdds = assumption(1.8, description="log-odds lost when homeless",
                                       why="no address, no transport, other priorities")
    reach_deprivation: LogOdds = assumption(
        1.0, description="log-odds lost per unit of commune deprivation (0-1)",
        why="fewer GPs accept new patients in deprived communes",
    )
    reach_brussels: LogOdds = calibrated(
        1.4, description="log-odds lost in Brussels (fewer GPs per resident, many closed to "
        "new patients)", target="unmet_need_medical@Brussels against "
        "unmet_need_medical_lowest_income@Belgium",
    )
    reach_regular_gp: LogOdds = assumption(1.0, description="log-odds added with a regular GP "
                                         "(DMG or maison médicale)", why="an open door")
    pay_by_coverage: vector(LogOdds, 6) = calibrated(
        (5.0, 5.6, -0.5, 3.2, -1.5, 3.5), description="log-odds of affording care by coverage "
        "group (insured, insured BIM, lapsed, undocumented with AMU, without AMU, asylum "
        "seeker)", target="unmet_need_medical_lowest_income@Belgium",
    )
    pay_income: LogOdds = assumption(
        0.2, description="log-odds per income quintile above the middle, for the insured",
        why="unmet need for cost falls steeply with income (EU-SILC)",
    )
    pay_regular_gp: LogOdds = assumption(
        0.8, description="log-odds added with a DMG or maison médicale (lower co-payment, "
        "tiers payant)", why="DMG lowers co-payments; maisons médicales are free at use",
    )
    engage_base: LogOdds = calibrated(6.05, description="log-odds of completing care",
                                    target="unmet_need_medical@Brussels")
    engage_regular_gp: LogOdds = assumption(1.0, description="log-odds added with a regular GP",
                                          why="continuity of care")
    engage_literacy: LogOdds = assumption(1.5, description="log-odds per unit of literacy",
                                        why="following a treatment plan needs literacy")
    engage_language: LogOdds = assumption(1.5, description="log-odds lost with a language "
                                        "barrier", why="consultations without interpreter")
    ed_without_regular_gp: Share = calibrated(
        0.10, description="share of met non-urgent needs of people without a regular GP "
        "that are met at the ED", target="ed_contacts_per_1000@Brussels",
    )
    ed_with_regular_gp: Share = calibrated(
        0.02, description="same share for people with a regular GP",
        target="ed_contacts_per_1000@Brussels",
    )
    ed_flanders: RelativeRisk = sourced(
        "ed_passages_admitted_share", FLANDERS, description="ratio of the three ED shares "
        "above in Flanders to those in Brussels and Wallonia",
        derive=lambda flanders: _non_admitted_per_admitted(flanders)
        / _non_admitted_per_admitted(sources.value("ed_passages_admitted_share", WALLONIA)),
        how="ED passages not admitted per admitted one, Flanders over Wallonia (2 over 4), "
        "read as the ratio of non-admitted passages per inhabitant by assuming that admitted "
        "ones (serious emergencies) are as frequent in every region",
        uncertainty=Uniform(0.35, 0.75),
    )
    ed_newcomers: Share = assumption(
        0.25, description="same share for undocumented people and lapsed patients",
        why="hospitals cannot turn them away; GPs can (KCE 257)",
    )


class Cascade(Module):
    """One attempt a month for each open need; records met needs by channel and barriers."""

    name = "cascade"
    order = 50.0
    changes_groups = False
    Params = CascadeParams
    requires = ("needs",)
    columns = (
        Column("last_barrier", "int8", -1, "step that failed at the last unmet need (index "
               "into STEPS; -1: never unmet)"),
    )
    measures = (
        *(Measure(f"met_{c}", "needs", f"needs met at {c.replace('_', ' ')}")
          for c in ("gp", "maison_medicale", "ed")),
        *(Measure(f"unmet_{s}", "needs", f"needs that failed at '{s}' this month")
          for s in STEPS),
    )

    def init(self, sim) -> None:
        for step in STEPS:
            sim.values.expose(f"cascade.{step}.logit", _no_shift, by=self.name)
        sim.values.expose("cascade.served", _none_served, by=self.name)
        areas = sim.population.areas
        deprivation = np.array([a.deprivation for a in areas] or [0.0])
        brussels = np.array([a.region == BRUSSELS for a in areas] or [False])
        p = self.pars
        self._reach_area = (p.reach_base - p.reach_deprivation * deprivation
                            - p.reach_brussels * brussels).astype(np.float32)
        flanders = np.array([a.region == FLANDERS for a in areas] or [False])
        self._ed_area = np.where(flanders, p.ed_flanders, 1.0)

    def logits(self, sim, uids: np.ndarray) -> np.ndarray:
        """Log-odds of passing each step (rows: ``STEPS``; columns: ``uids``), float32."""
        p, people = self.pars, sim.people
        logits = np.empty((len(STEPS), uids.size), dtype=np.float32)
        for index, step in enumerate(STEPS):
            logits[index] = sim.values(f"cascade.{step}.logit", sim, uids)
        perceive, seek, reach, pay, engage = logits
        coverage = people.coverage[uids]
        amu = people.amu_active[uids]
        regular = people.dmg[uids] | people.mm_enrolled[uids]
        literacy = people.literacy[uids] - np.float32(0.5)
        language = people.language_barrier[uids]
        commune = people.commune[uids]
        perceive += p.perceive_base
        perceive += p.perceive_literacy * literacy
        perceive[people.need_urgent[uids]] += p.perceive_urgent
        seek += p.seek_base
        seek += p.seek_trust * (people.trust[uids] - np.float32(0.5))
        seek[language] -= p.seek_language
        seek[(coverage == UNDOCUMENTED) & ~amu] -= p.seek_undocumented
        seek[people.substance_use[uids]] -= p.seek_substance
        reach += self._reach_area[commune]
        reach[people.homeless[uids]] -= p.reach_homeless
        reach[regular] += p.reach_regular_gp
        pay += np.asarray(p.pay_by_coverage, dtype=np.float32)[
            coverage_group(coverage, people.bim[uids], amu)]
        insured = coverage == INSURED
        pay[insured] += np.float32(p.pay_income) * (people.quintile[uids][insured] - 2)
        pay[regular] += p.pay_regular_gp
        engage += p.engage_base
        engage += p.engage_literacy * literacy
        engage[regular] += p.engage_regular_gp
        engage[language] -= p.engage_language
        return logits

    def step(self, sim) -> None:
        people = sim.people
        uids = np.flatnonzero(people.need_open)
        urgent = people.need_urgent[uids]
        # Urgent needs only have to be perceived: the later steps pass.
        failed = sim.streams.first_failed(self.name, STEPS, sim.month, self.logits(sim, uids),
                                          uids, urgent)
        met = failed == len(STEPS)
        people.last_perceived_need_month[uids[failed >= 1]] = sim.month

        served = np.zeros(uids.size, dtype=bool)
        offered = np.flatnonzero(~met & (failed >= 1))
        served[offered] = sim.values("cascade.served", sim, uids[offered],
                                     failed=failed[offered])
        unmet = ~met & ~served
        for index, step in enumerate(STEPS):
            sim.record(f"unmet_{step}", uids[unmet & (failed == index)])
        lost = uids[unmet]
        people.last_unmet_month[lost] = sim.month
        people.last_barrier[lost] = failed[unmet]
        people.last_unmet_perceived_month[lost[failed[unmet] >= 1]] = sim.month

        self._meet(sim, uids[met], urgent[met])
        resolved = uids[met | served]
        people.need_open[resolved] = False
        people.need_urgent[resolved] = False
        people.severity[resolved] *= 0.5

    def _meet(self, sim, uids: np.ndarray, urgent: np.ndarray) -> None:
        people, p = sim.people, self.pars
        coverage = people.coverage[uids]
        mm = people.mm_enrolled[uids] & (coverage == INSURED)
        regular = people.dmg[uids] | mm
        outsiders = (coverage == LAPSED) | (coverage == UNDOCUMENTED)
        ed_share = np.select([outsiders, regular], [p.ed_newcomers, p.ed_with_regular_gp],
                             p.ed_without_regular_gp) * self._ed_area[people.commune[uids]]
        to_ed = urgent | (~mm & self.chance(sim, "ed", ed_share, uids))
        sim.encounters.add("ed_urgent", uids[to_ed & urgent])
        sim.encounters.add("ed_avoidable", uids[to_ed & ~urgent])
        sim.encounters.add("maison_medicale", uids[~to_ed & mm])
        sim.encounters.add("gp", uids[~to_ed & ~mm])
        sim.record("met_ed", uids[to_ed])
        sim.record("met_maison_medicale", uids[~to_ed & mm])
        sim.record("met_gp", uids[~to_ed & ~mm])


def _no_shift(sim, uids: np.ndarray) -> np.ndarray:
    """Log-odds added to a step before any intervention: none."""
    return np.zeros(uids.size, dtype=np.float32)


def _none_served(sim, uids: np.ndarray, failed: np.ndarray) -> np.ndarray:
    """Needs seen outside the regular system before any intervention: none."""
    return np.zeros(uids.size, dtype=bool)
