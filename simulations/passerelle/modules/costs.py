"""Costs of care by payer: INAMI/RIZIV, patients, the federal state (AMU through the CPAS,
Fedasil for asylum seekers) and programme funders (recorded by the interventions)."""

from __future__ import annotations

import numpy as np

from passerelle.engine import sources
from passerelle.engine.groups import ASYLUM, INSURED, LAPSED, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.units import EurPerContact, EurPerStay

PAYERS = tuple(PAYER_NAMES)


class CostsParams(Params):
    gp_fee: EurPerContact = sourced("gp_consultation_fee", description="EUR per GP consultation")
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
                                   description="EUR per hospital stay")
    hospital_patient_share: EurPerStay = sourced(
        "hospital_patient_share_shared_room", description="EUR of a stay paid by an insured "
        "patient",
    )


class Costs(Module):
    """Prices each contact of the month and splits it by payer (EUR)."""

    name = "costs"
    order = 80.0
    changes_groups = False
    Params = CostsParams
    optional = ("cascade", "escalation")
    measures = tuple(Measure(f"cost_{payer}", "EUR", f"costs borne by {payer}")
                     for payer in PAYERS)

    def step(self, sim) -> None:
        p, people, contacts = self.pars, sim.people, sim.encounters
        gp = contacts.get("gp")
        dmg, bim = people.dmg[gp], people.bim[gp]
        copay = np.where(bim, np.where(dmg, p.copay_bim_dmg, p.copay_bim_no_dmg),
                         np.where(dmg, p.copay_dmg, p.copay_no_dmg))
        self._split(sim, gp, p.gp_fee, copay)
        mm = contacts.get("maison_medicale")
        sim.record("cost_inami", mm, p.maison_medicale_per_contact)
        ed = np.concatenate([contacts.get("ed_urgent"), contacts.get("ed_avoidable")])
        self._split(sim, ed, p.ed_fees + p.ed_patient_fee, p.ed_patient_fee)
        stays = contacts.get("hospital")
        self._split(sim, stays, p.hospital_stay, p.hospital_patient_share)

    def _split(self, sim, uids: np.ndarray, price: float, copay) -> None:
        """Insured: INAMI pays the price less the co-payment; lapsed and undocumented people
        without AMU pay it all; AMU and asylum seekers' care is paid by the federal state."""
        coverage = sim.people.coverage[uids]
        amu = sim.people.amu_active[uids]
        copay = np.broadcast_to(np.asarray(copay, dtype=float), uids.shape)
        insured = coverage == INSURED
        federal = (coverage == ASYLUM) | ((coverage == UNDOCUMENTED) & amu)
        own = (coverage == LAPSED) | ((coverage == UNDOCUMENTED) & ~amu)
        sim.record("cost_inami", uids[insured], price - copay[insured])
        sim.record("cost_patient", uids[insured], copay[insured])
        sim.record("cost_patient", uids[own], price)
        sim.record("cost_federal", uids[federal], price)
