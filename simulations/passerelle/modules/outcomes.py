"""End-of-month stocks: who is here, who has a regular GP, who went without care lately,
and who used care (a GP, the ED, AMU) in the last 12 months, as administrative sources
count people rather than contacts."""

from __future__ import annotations

import numpy as np

from passerelle.engine.module import Measure, Module
from passerelle.engine.people import Column
from passerelle.engine.timeline import MONTH, NEVER


class Outcomes(Module):
    """Counts the stocks that the summary and the calibration targets are made of."""

    name = "outcomes"
    order = 90.0
    changes_groups = False
    requires = ("needs",)
    columns = (
        Column("last_gp_month", MONTH, NEVER, "last month seen by a GP or a maison médicale"),
        Column("last_ed_month", MONTH, NEVER, "last month seen at the ED"),
        Column("last_amu_month", MONTH, NEVER, "last month with an AMU decision in force"),
    )
    measures = (
        Measure("population", "persons", "people present", "stock"),
        Measure("with_dmg", "persons", "people with a DMG", "stock"),
        Measure("with_maison_medicale", "persons", "people enrolled in a maison médicale",
                "stock"),
        Measure("needs_open", "needs", "open needs at the end of the month", "stock"),
        Measure("unmet_12m", "persons", "people with a need unmet in the last 12 months",
                "stock"),
        Measure("unmet_12m_reported", "persons",
                "people with a perceived need unmet in the last 12 months (as EU-SILC asks)",
                "stock"),
        Measure("needed_12m", "persons", "people who perceived a care need in the last 12 "
                "months (EU-SILC's people who needed care)", "stock"),
        Measure("gp_12m", "persons", "people seen by a GP or a maison médicale in the last "
                "12 months", "stock"),
        Measure("ed_12m", "persons", "people seen at the ED in the last 12 months", "stock"),
        Measure("amu_12m", "persons", "people with an AMU decision in force in the last 12 "
                "months (recourse over a year)", "stock"),
    )

    def step(self, sim) -> None:
        people = sim.people
        alive = people.alive
        since = sim.month - 11
        encounters = sim.encounters
        people.last_gp_month[np.concatenate([encounters.get("gp"),
                                             encounters.get("maison_medicale")])] = sim.month
        people.last_ed_month[np.concatenate([encounters.get("ed_urgent"),
                                             encounters.get("ed_avoidable")])] = sim.month
        people.last_amu_month[people.amu_active & alive] = sim.month
        sim.record("population", alive)
        sim.record("with_dmg", people.dmg & alive)
        sim.record("with_maison_medicale", people.mm_enrolled & alive)
        sim.record("needs_open", people.need_open & alive)
        sim.record("unmet_12m", (people.last_unmet_month >= since) & alive)
        sim.record("unmet_12m_reported", (people.last_unmet_perceived_month >= since) & alive)
        for measure, column in (("needed_12m", people.last_perceived_need_month),
                                ("gp_12m", people.last_gp_month),
                                ("ed_12m", people.last_ed_month),
                                ("amu_12m", people.last_amu_month)):
            sim.record(measure, (column >= since) & alive)
