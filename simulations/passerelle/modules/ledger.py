"""Per-person counters over the reported months, for person-level counterfactuals.

Two runs on the same seed hold the same people under the same uids (demography does not
depend on care) and the same draws (common random numbers), so the difference of a
person's counters between a scenario and its reference is that person's true effect of
the intervention. ``passerelle.apps.compare`` adds this module to every run it makes; it
draws nothing and records no measure, so it never changes a run's results.
"""

from __future__ import annotations

import numpy as np

from passerelle.engine.groups import INSURED, LAPSED, UNDOCUMENTED
from passerelle.engine.module import Module
from passerelle.engine.people import Column
from passerelle.engine.timeline import MONTH, NEVER

PRIMARY_CARE = ("gp", "maison_medicale", "centre")

# The outcomes a comparison reports per person: column, what it counts, unit.
OUTCOMES: dict[str, tuple[str, str]] = {
    "n_unmet_months": ("months with a need that went unmet", "need-months"),
    "n_ed_visits": ("emergency department visits", "visits"),
    "n_hospital_stays": ("hospital stays", "stays"),
    "n_rights_reopened": ("lapsed rights reopened (lapsed → insured)", "events"),
    "n_months_uncovered": ("months lapsed, or undocumented without AMU", "months"),
    "n_amu_granted": ("AMU decisions that came into force", "events"),
    "n_primary_care": ("contacts with a GP, a maison médicale or a centre", "contacts"),
}


class Ledger(Module):
    """Counts, per person and over the reported months only: months present, unmet
    need-months, ED visits, hospital stays, rights reopened, months without cover, AMU
    granted and primary-care contacts (``OUTCOMES``); and, for the first hospital discharge
    of the reported period, whether a primary-care contact followed in the next month (the
    IMPaCT analogue, see ``passerelle.config.plausibility``). Runs last (order 95), after every
    contact of the month."""

    name = "ledger"
    order = 95.0
    changes_groups = False
    requires = ("needs",)
    optional = ("cascade", "escalation", "centres")
    columns = (
        Column("months_present", "int16", 0, "reported months the person was present"),
        *(Column(name, "int16", 0, f"{text} ({unit}), reported months")
          for name, (text, unit) in OUTCOMES.items()),
        Column("first_discharge_month", MONTH, NEVER,
               "month of the first hospital discharge in the reported period"),
        Column("first_discharge_followed", "int8", -1, "primary-care contact in the month "
               "after first_discharge_month: 1 yes, 0 no, -1 not (yet) known"),
        Column("ledger_coverage", "int8", -1, "coverage at the end of last month"),
        Column("ledger_amu", "bool", False, "AMU in force at the end of last month"),
    )
    person_totals = ("months_present", *OUTCOMES, "first_discharge_month",
                     "first_discharge_followed")

    def init(self, sim) -> None:
        sim.people.ledger_coverage[:] = sim.people.coverage
        sim.people.ledger_amu[:] = sim.people.amu_active

    def step(self, sim) -> None:
        people, month = sim.people, sim.month
        if sim.t >= 0:
            contacts = sim.encounters
            primary = np.concatenate([contacts.get(channel) for channel in PRIMARY_CARE])
            ed = np.concatenate([contacts.get("ed_urgent"), contacts.get("ed_avoidable")])
            stays = contacts.get("hospital")
            alive = people.alive
            people.months_present[alive] += 1
            people.n_unmet_months[alive & (people.last_unmet_month == month)] += 1
            np.add.at(people.n_ed_visits, ed, 1)
            np.add.at(people.n_hospital_stays, stays, 1)
            np.add.at(people.n_primary_care, primary, 1)
            people.n_rights_reopened[(people.ledger_coverage == LAPSED)
                                     & (people.coverage == INSURED) & alive] += 1
            people.n_amu_granted[~people.ledger_amu & people.amu_active & alive] += 1
            uncovered = (people.coverage == LAPSED) | ((people.coverage == UNDOCUMENTED)
                                                       & ~people.amu_active)
            people.n_months_uncovered[uncovered & alive] += 1
            waiting = np.flatnonzero(people.first_discharge_month == month - 1)
            people.first_discharge_followed[waiting] = 0
            followed = np.intersect1d(waiting, primary)
            people.first_discharge_followed[followed] = 1
            first = stays[people.first_discharge_month[stays] == NEVER]
            people.first_discharge_month[first] = month
        people.ledger_coverage[:] = people.coverage
        people.ledger_amu[:] = people.amu_active
