"""Costs of care by payer, following the money: INAMI/RIZIV, patients, the federal state (AMU
through the CPAS, Fedasil for asylum seekers), programme funders (recorded by the
interventions) and unpaid bills (hospital bad debt) as a line of their own.

- Insured people: INAMI pays the fee less the co-payment, the patient the co-payment.
- Asylum seekers (Fedasil) and undocumented people with AMU in force: the federal state.
- Undocumented people without AMU: a bill for care received while an AMU application is
  pending is held (``amu_pending_eur``) and paid by the federal state if AMU is granted,
  treated as uncovered if refused (care before an AMU decision is paid after it); a hospital
  or ED bill without an application is taken to the CPAS afterwards by the hospital's
  social service with probability ``amu_after_care``.
- Uncovered bills (lapsed people; undocumented people without AMU): a GP is paid at the
  visit by the patient; of a hospital or ED bill the patient pays ``uncovered_collection``,
  the rest stays unpaid.

Prices: each sourced fee at its source's year, indexed by ``price_growth`` a year to the
month of care; a hospital stay priced by its length (``health.stay_days``) when the health
module runs; each GP or maison médicale contact carries the average specialist follow-up
and reimbursed drugs it leads to.
"""

from __future__ import annotations

import numpy as np

from passerelle.engine import sources
from passerelle.engine.distributions import Beta, Gamma, Uniform
from passerelle.engine.groups import ASYLUM, INSURED, LAPSED, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.people import Column
from passerelle.engine.timeline import NEVER
from passerelle.engine.units import EurPerContact, EurPerDay, EurPerStay, GrowthRate, Share

PAYERS = tuple(PAYER_NAMES)
_GP_FEE = sources.value("gp_consultation_fee")
_LOS = sources.value("hospital_los_days", sources.BRUSSELS)
_DAY = round(sources.value("hospital_standard_stay_cost") / _LOS, 2)
# Spreads (coefficients of variation) of sourced prices, assumptions: a fee schedule is
# known to about 5% (it changed by 10% in a year, note of gp_consultation_fee); a cost per
# day that divides a national stay cost by a Brussels length of stay to about 20%.


class CostsParams(Params):
    gp_fee: EurPerContact = sourced("gp_consultation_fee", description="EUR per GP consultation",
                                    uncertainty=Gamma(_GP_FEE, 0.05 * _GP_FEE))
    copay_dmg: EurPerContact = sourced("gp_copay_with_dmg", description="EUR paid by the patient "
                               "with a DMG")
    copay_no_dmg: EurPerContact = sourced("gp_copay_without_dmg",
                                          description="EUR paid without a DMG")
    copay_bim_dmg: EurPerContact = sourced("gp_copay_bim_with_dmg", description="EUR paid by a BIM "
                                   "patient with a DMG")
    copay_bim_no_dmg: EurPerContact = assumption(
        1.5, description="EUR paid by a BIM patient without a DMG",
        why="the note of gp_copay_bim_with_dmg (1.50 without DMG)",
    )
    maison_medicale_per_contact: EurPerContact = assumption(
        30.0, description="INAMI flat-rate payment per maison médicale contact, EUR",
        why="the forfait is per enrolled person; valued here at one GP fee per contact",
    )
    ed_fees: EurPerContact = sourced("ed_physician_fees_per_patient",
                             description="EUR of physician fees per ED visit")
    ed_patient_fee: EurPerContact = sourced(
        "ed_patient_flat_fee_self_referred", description="EUR paid by the patient per ED "
        "visit (average of self-referred and referred)",
        derive=lambda fee: round(
            (fee * sources.value("ed_self_referred") + 4.0 * 693000)
            / (sources.value("ed_self_referred") + 693000), 2),
        how="weighted with 4.00 EUR for the 693,000 referred contacts (notes of the rows)",
    )
    hospital_stay: EurPerStay = sourced("hospital_standard_stay_cost",
                                   description="EUR per hospital stay (when the health module "
                                   "does not give its length)")
    hospital_day: EurPerDay = sourced(
        "hospital_standard_stay_cost", description="EUR per day of a hospital stay",
        derive=lambda stay: round(stay / _LOS, 2),
        how="a standard stay over the Brussels mean length of stay (hospital_los_days)",
        uncertainty=Gamma(_DAY, 0.2 * _DAY),
    )
    specialist_per_contact: EurPerContact = assumption(
        15.0, description="expected specialist cost that follows a GP or maison médicale "
        "contact, EUR (of which the patient pays specialist_copay_share)",
        why="about one referral in four primary-care contacts at a specialist fee of about "
        "EUR 60 (order of the INAMI convention fee)",
        uncertainty=Uniform(7.5, 30.0),
    )
    specialist_copay_share: Share = sourced(
        "specialist_copay", description="share of the specialist cost paid by an insured "
        "patient", derive=lambda copay: round(copay / 60.0, 2),
        how="the co-payment over a fee of about EUR 60 (assumption of specialist_per_contact)",
    )
    drugs_per_contact: EurPerContact = assumption(
        25.0, description="expected reimbursable drugs prescribed at a GP or maison médicale "
        "contact, EUR (of which the patient pays drugs_copay_share)",
        why="a prescription at about half of contacts at about EUR 50 a prescription (order "
        "of INAMI's ambulatory drug spending per GP contact)",
        uncertainty=Uniform(10.0, 50.0),
    )
    drugs_copay_share: Share = assumption(
        0.25, description="share of the drug cost paid by an insured patient",
        why="ticket modérateur of 25% on the most common category B drugs",
        uncertainty=Beta.of_mean(0.25, 0.05),
    )
    price_growth: GrowthRate = assumption(
        0.02, description="growth a year of fees and hospital prices between the year of "
        "their source and the month of care",
        why="order of the Belgian health index over 2011-2025 (about 2% a year, more in "
        "2022-2023); the co-payments are legal amounts, kept as sourced",
        uncertainty=Uniform(0.01, 0.03),
    )
    uncovered_collection: Share = assumption(
        0.3, description="share of an uncovered patient's hospital or ED bill that the "
        "hospital recovers from the patient; the rest is unpaid",
        why="people without cover are mostly poor: hospitals recover little of such bills",
        uncertainty=Uniform(0.1, 0.6),
    )
    amu_after_care: Share = assumption(
        0.5, description="probability that a hospital or ED bill of an undocumented person "
        "without AMU (and no application pending) is covered afterwards by an AMU decision",
        why="the hospital's social service may apply to the CPAS after urgent care (KCE "
        "Report 257 describes the route and its frequent failures)",
        uncertainty=Uniform(0.2, 0.8),
    )
    hospital_patient_share: EurPerStay = sourced(
        "hospital_patient_share_shared_room", description="EUR of a stay paid by an insured "
        "patient",
    )


# Year of each indexed price's source: prices are indexed from there to the month of care.
PRICE_YEARS = {
    "gp_fee": int(sources.figure("gp_consultation_fee").year),
    "maison_medicale_per_contact": int(sources.figure("gp_consultation_fee").year),
    "ed_fees": int(sources.figure("ed_physician_fees_per_patient").year),
    "hospital_stay": int(sources.figure("hospital_standard_stay_cost").year),
    "hospital_day": int(sources.figure("hospital_standard_stay_cost").year),
    "specialist_per_contact": 2024,
    "drugs_per_contact": 2024,
}
BILLED = ("ed", "hospital")  # care billed after the fact (the rest is paid at the visit)


class Costs(Module):
    """Prices each contact of the month and splits it by payer (EUR)."""

    name = "costs"
    order = 80.0
    changes_groups = False
    Params = CostsParams
    optional = ("cascade", "escalation", "health", "coverage")
    columns = (Column("amu_pending_eur", "float64", 0.0, "EUR of care received while an AMU "
                      "application is pending, paid when it is decided"),)
    measures = tuple(Measure(f"cost_{payer}", "EUR", f"costs borne by {payer}")
                     for payer in PAYERS)

    def price(self, name: str, month: int) -> float:
        """The price ``name`` (EUR) indexed to calendar ``month``."""
        year = 2000 + month // 12
        return getattr(self.pars, name) * (1 + self.pars.price_growth) ** (
            year - PRICE_YEARS[name])

    def step(self, sim) -> None:
        p, people, contacts, month = self.pars, sim.people, sim.encounters, sim.month
        if self.uses(sim, "coverage"):
            self._settle(sim)
        gp = contacts.get("gp")
        dmg, bim = people.dmg[gp], people.bim[gp]
        copay = np.where(bim, np.where(dmg, p.copay_bim_dmg, p.copay_bim_no_dmg),
                         np.where(dmg, p.copay_dmg, p.copay_no_dmg))
        self._split(sim, gp, self.price("gp_fee", month), copay)
        mm = contacts.get("maison_medicale")
        sim.record("cost_inami", mm, self.price("maison_medicale_per_contact", month))
        primary = np.concatenate([gp, mm])
        for name, share in (("specialist_per_contact", p.specialist_copay_share),
                            ("drugs_per_contact", p.drugs_copay_share)):
            cost = self.price(name, month)
            self._split(sim, primary, cost, cost * share)
        ed = np.concatenate([contacts.get("ed_urgent"), contacts.get("ed_avoidable")])
        self._split(sim, ed, self.price("ed_fees", month) + p.ed_patient_fee,
                    p.ed_patient_fee, "ed")
        stays = contacts.get("hospital")
        if self.uses(sim, "health"):
            price = self.price("hospital_day", month) * people.stay_days[stays]
        else:
            price = np.full(stays.shape, self.price("hospital_stay", month))
        self._split(sim, stays, price, np.minimum(p.hospital_patient_share, price), "hospital")

    def _settle(self, sim) -> None:
        """Pay the bills held for an AMU decision: by the federal state once AMU is in force,
        as uncovered care once the application was refused (or the person left cover)."""
        people = sim.people
        held = np.flatnonzero(people.amu_pending_eur > 0)
        granted = held[people.amu_active[held]]
        sim.record("cost_federal", granted, people.amu_pending_eur[granted])
        closed = held[~people.amu_active[held] & (people.amu_decision_month[held] == NEVER)]
        self._uncovered(sim, closed, people.amu_pending_eur[closed])
        people.amu_pending_eur[granted] = 0.0
        people.amu_pending_eur[closed] = 0.0

    def _uncovered(self, sim, uids: np.ndarray, bill: np.ndarray) -> None:
        collected = self.pars.uncovered_collection
        sim.record("cost_patient", uids, bill * collected)
        sim.record("cost_unpaid", uids, bill * (1 - collected))

    def _split(self, sim, uids: np.ndarray, price, copay, billed: str = "") -> None:
        """Insured: INAMI pays the price less the co-payment; AMU and asylum seekers' care
        is paid by the federal state; uncovered people pay it at the visit, or, for care
        ``billed`` afterwards (ED, hospital), as the module docstring says."""
        people = sim.people
        coverage = people.coverage[uids]
        amu = people.amu_active[uids]
        price = np.broadcast_to(np.asarray(price, dtype=float), uids.shape)
        copay = np.broadcast_to(np.asarray(copay, dtype=float), uids.shape)
        insured = coverage == INSURED
        federal = (coverage == ASYLUM) | ((coverage == UNDOCUMENTED) & amu)
        own = (coverage == LAPSED) | ((coverage == UNDOCUMENTED) & ~amu)
        sim.record("cost_inami", uids[insured], price[insured] - copay[insured])
        sim.record("cost_patient", uids[insured], copay[insured])
        sim.record("cost_federal", uids[federal], price[federal])
        if not billed:
            sim.record("cost_patient", uids[own], price[own])
            return
        undocumented = own & (coverage == UNDOCUMENTED)
        pending = undocumented & (people.amu_decision_month[uids] != NEVER
                                  if self.uses(sim, "coverage") else False)
        np.add.at(people.amu_pending_eur, uids[pending], price[pending])
        later = np.flatnonzero(undocumented & ~pending)
        later = later[self.chance(sim, f"amu_after_{billed}", self.pars.amu_after_care,
                                  uids[later])]
        after = np.zeros(uids.shape, dtype=bool)
        after[later] = True
        sim.record("cost_federal", uids[after], price[after])
        rest = own & ~pending & ~after
        self._uncovered(sim, uids[rest], price[rest])
