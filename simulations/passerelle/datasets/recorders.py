"""The recorders behind the intervention data sets: modules that read people each month
and keep what a case log or a centre's registry would note. They draw only their own
streams (or re-read another module's draw with the same key) and change no one, so a run
with them gives the results of its scenario alone.

``CaseLog`` serves ``caselogs``; ``DmgBeforeCentres`` and ``CentreRegistry`` serve
``registry``; ``runs.observed()`` attaches all three to the shared intervention run.
"""

from __future__ import annotations

import numpy as np

from passerelle.datasets.schemas import INTAKE_NEEDS
from passerelle.engine.groups import INSURED, LAPSED, UNDOCUMENTED, coverage_group
from passerelle.engine.module import Module

CONSULTATION, WAITING, AMU, REFERRAL = "consultation", "liste_attente", "demande_amu", (
    "renvoi_medecin_traitant")
KINDS = (CONSULTATION, WAITING, AMU, REFERRAL)


class CaseLog(Module):
    """Reads the facilitators' clients each month, after the facilitators' step (order
    65): their intake, and for the clients enrolled at the start of the month what
    happened during it. Draws only its own stream (the barrier heard at intake)."""

    name = "caselog_recorder"
    order = 66.0
    changes_groups = False

    def init(self, sim) -> None:
        self.intakes: list[dict[str, np.ndarray]] = []
        self.months: list[dict[str, np.ndarray]] = []
        self._snapshot(sim)

    def _snapshot(self, sim) -> None:
        people = sim.people
        self._site = (people.fac_site.copy() if "fac_site" in people
                      else np.full(people.n, -1, dtype=np.int8))
        self._coverage = people.coverage.copy()
        self._bim = people.bim.copy()
        self._dmg = people.dmg.copy()
        self._amu = people.amu_decision_month.copy()

    def step(self, sim) -> None:
        if not sim.has("facilitators"):
            return
        people, month = sim.people, sim.month
        observe = np.asarray(sim.module("facilitators").pars.observe_by_step)
        before = np.flatnonzero(self._site >= 0)
        failed = people.last_unmet_month[before] == month
        step = np.where(failed, people.last_barrier[before], -1)
        noted = np.zeros(before.size, dtype=bool)
        noted[failed] = sim.streams.chance("facilitators", "observe", month,
                                           observe[step[failed]], before[failed])
        centre = (people.centre_last_visit_month[before] == month
                  if "centre_last_visit_month" in people else np.zeros(before.size, dtype=bool))
        self.months.append({
            "uid": before,
            "month": np.full(before.size, month),
            "barrier": step.astype(np.int8),
            "noted": noted,
            "reopened": (self._coverage[before] == LAPSED) & (people.coverage[before] == INSURED),
            "bim": ~self._bim[before] & people.bim[before],
            "gp": ~self._dmg[before] & people.dmg[before],
            "amu": (people.amu_decision_month[before] > month)
            & (people.amu_decision_month[before] != self._amu[before]),
            "centre": centre,
            "closed": people.fac_site[before] < 0,
            "gone": ~people.alive[before],
        })
        new = np.flatnonzero(people.fac_enrolled_month == month)
        needs = np.stack([
            (people.coverage[new] == LAPSED) | ((people.coverage[new] == UNDOCUMENTED)
                                                & ~people.amu_active[new])
            | (people.bim_eligible[new] & ~people.bim[new] & (people.coverage[new] == INSURED)),
            ~people.dmg[new] & ~people.mm_enrolled[new],
            people.language_barrier[new],
            people.homeless[new],
            people.substance_use[new],
        ])
        recent = people.last_unmet_month[new] >= month - 2
        heard_step = np.where(recent, people.last_barrier[new], 0)
        heard = recent & self.chance(sim, "intake", observe[heard_step], new)
        self.intakes.append({
            "uid": new,
            "month": np.full(new.size, month),
            "site": people.fac_site[new],
            "age": sim.age_years(new).astype(np.int16),
            "sex": people.sex[new],
            "coverage": coverage_group(people.coverage[new], people.bim[new],
                                       people.amu_active[new]),
            "commune": people.commune[new],
            "barrier": np.where(heard, heard_step, -1).astype(np.int8),
            "needs": (needs * (1 << np.arange(len(INTAKE_NEEDS)))[:, None]).sum(axis=0),
        })
        self._snapshot(sim)


class DmgBeforeCentres(Module):
    """Notes each person's DMG and pending AMU decision just before the centres' step."""

    name = "registry_before_centres"
    order = 55.5
    changes_groups = False

    def step(self, sim) -> None:
        self.dmg = sim.people.dmg.copy()
        self.amu_decision = sim.people.amu_decision_month.copy()


class CentreRegistry(Module):
    """Reads the centres' patients each month after the centres' step (order 56)."""

    name = "registry_recorder"
    order = 56.5
    changes_groups = False

    def init(self, sim) -> None:
        self.rows: list[dict[str, np.ndarray]] = []

    def step(self, sim) -> None:
        if not sim.has("centres"):
            return
        people, month = sim.people, sim.month
        before = sim.module("registry_before_centres")
        patients = np.flatnonzero(people.centre_site >= 0)
        events = (
            (CONSULTATION, patients[people.centre_last_visit_month[patients] == month],
             people.centre_site),
            (WAITING, np.flatnonzero(people.centre_wait_month == month),
             people.centre_wait_site),
            (AMU, patients[(people.amu_decision_month[patients] > month)
                           & (people.amu_decision_month[patients]
                              != before.amu_decision[patients])], people.centre_site),
            (REFERRAL, patients[people.dmg[patients] & ~before.dmg[patients]],
             people.centre_site),
        )
        for kind, uids, site in events:
            self.rows.append({
                "uid": uids,
                "month": np.full(uids.size, month),
                "kind": np.full(uids.size, KINDS.index(kind), dtype=np.int8),
                "site": site[uids],
                "age": sim.age_years(uids).astype(np.int16),
                "sex": people.sex[uids],
                "commune": people.commune[uids],
                "homeless": people.homeless[uids],
                "language": people.language_barrier[uids],
                "coverage": coverage_group(people.coverage[uids], people.bim[uids],
                                           people.amu_active[uids]),
                "regular_gp": people.dmg[uids] | people.mm_enrolled[uids],
            })
