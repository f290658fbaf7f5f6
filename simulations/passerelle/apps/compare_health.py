"""A comparison's health outcomes and cost-effectiveness: QALYs, life-years, hospital days,
avoidable stays and excess deaths gained, costs by payer discounted, and the cost per QALY
gained, each with its interval over seeds.

Every payer's line is shown apart (INAMI, patients, the federal state, programme funders,
hospitals' unpaid bills); the total cost and the cost per QALY are given from each
perspective of ``passerelle.engine.payers.PERSPECTIVES`` (the health-care payer of KCE's
reference case, and the societal variant that adds the unpaid bills), each row naming its
perspective in ``group``. Costs are discounted at ``health.discount_costs`` (3% a year), effects at
``health.discount_effects`` (1.5% a year), from the first reported month; totals are for the
whole population the run stands for (its scale), over the reported period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.apps.seed_intervals import over_seeds
from passerelle.config.labels import label
from passerelle.engine.numbers import interval, number
from passerelle.engine.payers import PAYER_NAMES, PERSPECTIVES
from passerelle.modules.health import discount_factors

BY_PAYER = "by payer"
# Person totals of the health module: what each counts and its unit.
HEALTH_OUTCOMES = {
    "qalys": ("QALYs, discounted", "QALYs"),
    "life_years": ("life-years, discounted", "years"),
    "hospital_days": ("days in hospital", "days"),
    "n_avoidable_stays": ("avoidable hospital stays", "stays"),
    "excess_death": ("deaths from raised severity", "deaths"),
}
DISCOUNTED_EFFECTS = ("qalys", "life_years")
PERSPECTIVE_MEASURES = {p.measure: p for p in PERSPECTIVES.values()}
COST_LINES = tuple(f"cost_{payer}" for payer in PAYER_NAMES)


def discounted(run, name: str) -> float:
    """The run's measure ``name`` summed over the reported months, discounted: at the rate
    of effects for QALYs and life-years, of costs for the rest (EUR). A perspective's total
    (``cost_health_care_payer``, ``cost_societal``) adds its payers' lines."""
    if name in PERSPECTIVE_MEASURES:
        return sum(discounted(run, f"cost_{payer}")
                   for payer in PERSPECTIVE_MEASURES[name].payers)
    values = run.monthly[name].to_numpy()
    rate = run.discount_effects if name in DISCOUNTED_EFFECTS else run.discount_costs
    return float(values @ discount_factors(rate, values.size))


def total(run, column: str) -> float:
    """A person total summed over everyone, for the whole population the run stands for;
    ``excess_death``, each person's probability of having died of raised severity, is one
    less their ``survival``."""
    values = 1.0 - run.people["survival"] if column == "excess_death" else run.people[column]
    return float(values.sum(dtype=float)) * run.scale


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
            [discounted(s, name) for _, s in pairs], BY_PAYER)
    gained = np.array([discounted(s, "qalys") - discounted(r, "qalys") for r, s in pairs])
    for perspective in PERSPECTIVES.values():
        name = perspective.measure
        row("cost-effectiveness", name, "EUR, discounted",
            [discounted(r, name) for r, _ in pairs],
            [discounted(s, name) for _, s in pairs], perspective.name)
        extra = np.array([discounted(s, name) - discounted(r, name) for r, s in pairs])
        point = float(extra.mean() / gained.mean()) if gained.mean() > 0 else np.nan
        _, low, high = over_seeds(extra / gained) if np.all(gained > 0) else (np.nan,) * 3
        rows.append({"section": "cost-effectiveness", "scenario": scenario,
                     "quantity": "cost per QALY gained", "group": perspective.name,
                     "period": "run", "unit": "EUR per QALY", "reference_value": np.nan,
                     "scenario_value": np.nan, "difference": point, "low": low, "high": high})
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
        if found.quantity in COST_LINES:
            name = label(found.quantity).text
        elif found.quantity in PERSPECTIVE_MEASURES:
            name = f"total cost, {found.group} perspective"
        else:
            name = f"{found.quantity}, {found.group} perspective"
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
