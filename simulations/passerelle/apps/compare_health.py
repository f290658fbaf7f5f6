"""A comparison's health outcomes and cost-effectiveness: QALYs, life-years, hospital days,
avoidable stays and excess deaths gained, costs by payer discounted, and the cost per QALY
gained, each with its interval over seeds.

The perspective is the **health-care payer** (KCE Report 183C, 2012: government and
patients), widened to every payer of care: INAMI, patients, the federal state (AMU through
the CPAS, Fedasil), programme funders and the hospitals' unpaid bills, each shown apart.
Costs are discounted at ``health.discount_costs`` (3% a year), effects at
``health.discount_effects`` (1.5% a year), from the first reported month; totals are for the
whole population the run stands for (its scale), over the reported period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.apps.seed_intervals import over_seeds
from passerelle.config.labels import COST, label
from passerelle.engine.numbers import interval, number
from passerelle.engine.payers import PAYER_NAMES
from passerelle.modules.health import discount_factors

PERSPECTIVE = "health-care payer (all payers of care, unpaid bills apart)"
# Person totals of the health module: what each counts and its unit.
HEALTH_OUTCOMES = {
    "qalys": ("QALYs, discounted", "QALYs"),
    "life_years": ("life-years, discounted", "years"),
    "hospital_days": ("days in hospital", "days"),
    "n_avoidable_stays": ("avoidable hospital stays", "stays"),
    "excess_death": ("deaths from raised severity", "deaths"),
}
DISCOUNTED_EFFECTS = ("qalys", "life_years")
COST_LINES = (*(f"cost_{payer}" for payer in PAYER_NAMES), COST)


def discounted(run, name: str = COST) -> float:
    """The run's measure ``name`` summed over the reported months, discounted: at the rate
    of effects for QALYs and life-years, of costs for the rest (EUR)."""
    values = run.monthly[name].to_numpy()
    rate = run.discount_effects if name in DISCOUNTED_EFFECTS else run.discount_costs
    return float(values @ discount_factors(rate, values.size))


def total(run, column: str) -> float:
    """A person total summed over everyone, for the whole population the run stands for."""
    return float(run.people[column].sum(dtype=float)) * run.scale


def health_rows(pairs) -> list[dict]:
    """Rows of sections ``health`` (outcome totals) and ``cost-effectiveness``
    (discounted costs by payer, QALYs gained, cost per QALY gained) of one scenario."""
    scenario = pairs[0][1].scenario
    if "qalys" not in pairs[0][0].people:
        return []
    rows = []

    def row(section, quantity, unit, reference, values, group="all"):
        difference, low, high = over_seeds(np.subtract(values, reference))
        rows.append({"section": section, "scenario": scenario, "quantity": quantity,
                     "group": group, "period": "run", "unit": unit,
                     "reference_value": float(np.mean(reference)),
                     "scenario_value": float(np.mean(values)), "difference": difference,
                     "low": low, "high": high})

    for column, (_, unit) in HEALTH_OUTCOMES.items():
        measure = discounted if column in DISCOUNTED_EFFECTS else total
        row("health", column, unit, [measure(r, column) for r, _ in pairs],
            [measure(s, column) for _, s in pairs])
    for name in COST_LINES:
        row("cost-effectiveness", name, "EUR, discounted",
            [discounted(r, name) for r, _ in pairs],
            [discounted(s, name) for _, s in pairs], PERSPECTIVE)
    extra = np.array([discounted(s) - discounted(r) for r, s in pairs])
    gained = np.array([discounted(s, "qalys") - discounted(r, "qalys") for r, s in pairs])
    point = float(extra.mean() / gained.mean()) if gained.mean() > 0 else np.nan
    _, low, high = over_seeds(extra / gained) if np.all(gained > 0) else (np.nan,) * 3
    rows.append({"section": "cost-effectiveness", "scenario": scenario,
                 "quantity": "cost per QALY gained", "group": PERSPECTIVE, "period": "run",
                 "unit": "EUR per QALY", "reference_value": np.nan, "scenario_value": np.nan,
                 "difference": point, "low": low, "high": high})
    return rows


def health_table(comparison, scenario: str) -> pd.DataFrame:
    """Health outcomes gained and the cost-effectiveness of ``scenario``, as text."""
    table = comparison.table()
    mine = table[table.scenario == scenario]
    lines = []
    for found in mine[mine.section == "health"].itertuples():
        text, unit = HEALTH_OUTCOMES[found.quantity]
        lines.append({"outcome": f"{text} ({unit})",
                      comparison.reference: number(found.reference_value),
                      scenario: number(found.scenario_value),
                      "difference [95% interval]": interval(found.difference, found.low,
                                                            found.high)})
    for found in mine[mine.section == "cost-effectiveness"].itertuples():
        if found.quantity.startswith("cost"):
            name = (label(found.quantity).text if found.quantity in COST_LINES
                    else found.quantity)
        else:
            name = found.quantity
        if found.unit == "EUR per QALY":
            lines.append({"outcome": f"{name} (EUR per QALY)", comparison.reference: "",
                          scenario: "", "difference [95% interval]": interval(
                              found.difference, found.low, found.high)})
        else:
            lines.append({"outcome": f"{name} (EUR million, discounted)",
                          comparison.reference: number(found.reference_value / 1e6),
                          scenario: number(found.scenario_value / 1e6),
                          "difference [95% interval]": interval(
                              found.difference / 1e6, found.low / 1e6, found.high / 1e6)})
    return pd.DataFrame(lines)
