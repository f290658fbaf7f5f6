"""End-of-month stocks: who is here, who has a regular GP, who went without care lately."""

from __future__ import annotations

from passerelle.engine.module import Measure, Module


class Outcomes(Module):
    """Counts the stocks that the summary and the calibration targets are made of."""

    name = "outcomes"
    order = 90.0
    changes_groups = False
    requires = ("needs",)
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
    )

    def step(self, sim) -> None:
        people = sim.people
        alive = people.alive
        since = sim.month - 11
        sim.record("population", alive)
        sim.record("with_dmg", people.dmg & alive)
        sim.record("with_maison_medicale", people.mm_enrolled & alive)
        sim.record("needs_open", people.need_open & alive)
        sim.record("unmet_12m", (people.last_unmet_month >= since) & alive)
        sim.record("unmet_12m_reported", (people.last_unmet_perceived_month >= since) & alive)



