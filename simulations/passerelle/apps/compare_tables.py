"""A comparison's headline tables of text, each scenario against the reference.

Each scenario is compared with the reference in tables of its own (so that three or more
scenarios fill every cell), with units in the row labels: a table has four or five
columns of numbers and fits an 80-column terminal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.apps.compare import Comparison
from passerelle.apps.compare_equity import distributional_table
from passerelle.apps.compare_health import health_table
from passerelle.config.labels import COST, STEP_NAMES, UNMET, label
from passerelle.engine.numbers import interval, number, percent
from passerelle.engine.payers import HEALTH_CARE_PAYER, PAYER_NAMES
from passerelle.engine.steps import STEPS
from passerelle.modules.ledger import OUTCOMES

MILLION = 1e6
# Headline measures, and whether each is a flow (shown as a sum a year) or a stock (its
# mean over the months).
HEADLINE = (
    (UNMET, "flow"), ("forgone", "flow"), ("ed_visits", "flow"), ("ed_avoidable", "flow"),
    ("hospital_stays", "flow"), ("rights_reopened", "flow"), ("amu_granted", "flow"),
    ("with_dmg", "stock"), ("met_centre", "flow"), ("centre_lost", "flow"),
    ("fac_enrolled", "flow"), *((f"cost_{payer}", "flow") for payer in PAYER_NAMES),
    (COST, "flow"),
)

def _in_millions(name: str) -> bool:
    return name.startswith("cost_")


def _headline_label(name: str, kind: str) -> str:
    found = label(name)
    if _in_millions(name):
        return f"{found.text} (EUR million a year)"
    if kind == "stock":
        return f"{found.text} (mean, {found.unit})"
    return f"{found.text} ({found.unit} a year)"


def _interval_column(comparison: Comparison) -> str:
    seeds = len(comparison.seeds)
    return f"95% interval ({seeds} seeds)" if seeds > 1 else "interval (one seed: none)"


def _exact(row) -> tuple[float, float, float]:
    """Difference, low and high with float noise (below 1e-9 of the values) set to 0:
    common random numbers make an untouched measure differ by exactly nothing."""
    tiny = 1e-9 * max(abs(row.reference_value), abs(row.scenario_value), 1e-300)
    return tuple(0.0 if abs(value) < tiny else value
                 for value in (row.difference, row.low, row.high))


def _bounds(low: float, high: float) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "–"
    return f"{number(low, 3)} to {number(high, 3)}"


def effects_table(comparison: Comparison, scenario: str) -> pd.DataFrame:
    """Headline measures over the last 12 months: reference, scenario, difference and its
    interval (flows as sums a year, stocks as means, costs in EUR million)."""
    table = comparison.table()
    recent = table[(table.section == "measure") & (table.period == "last_12")
                   & (table.scenario == scenario)].set_index("quantity")
    rows = []
    for name, kind in HEADLINE:
        if name not in recent.index:
            continue
        row = recent.loc[name]
        if row.reference_value == 0 and row.scenario_value == 0:
            continue
        factor = (12 if kind == "flow" else 1) / (MILLION if _in_millions(name) else 1)
        difference, low, high = _exact(row)
        rows.append({"measure": _headline_label(name, kind),
                     comparison.reference: number(factor * row.reference_value),
                     scenario: number(factor * row.scenario_value),
                     "difference": number(factor * difference),
                     _interval_column(comparison): _bounds(factor * low, factor * high)})
    return pd.DataFrame(rows)


def person_table(comparison: Comparison, scenario: str) -> pd.DataFrame:
    """True person-level effects per person over the run, on the treated and on everyone,
    with the number of people in each group as the first row."""
    table = comparison.table()
    mine = table[(table.section == "person") & (table.scenario == scenario)]
    counts = mine[mine.quantity == "people"].set_index("group")["scenario_value"]
    groups = (("treated", "on the treated"), ("everyone", "on everyone"))
    rows = [{"outcome": "people in the group (persons)",
             **{text: number(counts.get(key, np.nan)) for key, text in groups}}]
    for outcome, (text, unit) in OUTCOMES.items():
        cells = {"outcome": f"{text} ({unit})"}
        for key, column in groups:
            found = mine[(mine.quantity == outcome) & (mine.group == key)]
            cells[column] = (interval(*found[["difference", "low", "high"]].iloc[0])
                             if len(found) else "none reached")
        rows.append(cells)
    return pd.DataFrame(rows)


def barrier_table(comparison: Comparison, scenario: str) -> pd.DataFrame:
    """Unmet need-months by failed step over the run, and each step's share before and
    after."""
    table = comparison.table()
    barriers = table[(table.section == "barrier") & (table.scenario == scenario)]
    rows = []
    for step in STEPS:
        count = barriers[(barriers.quantity == step) & (barriers.group == "all")].iloc[0]
        share = barriers[(barriers.quantity == step) & (barriers.group == "share")].iloc[0]
        rows.append({"failed step": STEP_NAMES[step],
                     comparison.reference: number(count.reference_value),
                     scenario: number(count.scenario_value),
                     "difference": interval(*_exact(count)),
                     "share before → after": f"{percent(share.reference_value)} → "
                                             f"{percent(share.scenario_value)}"})
    return pd.DataFrame(rows)


def cost_table(comparison: Comparison, scenario: str) -> pd.DataFrame:
    """Costs by payer over the run (EUR million), and the cost per unmet need-month
    averted (EUR)."""
    table = comparison.table()
    costs = table[(table.section == "cost") & (table.scenario == scenario)]
    rows = []
    for row in costs.itertuples():
        if row.quantity.startswith("cost_"):
            difference, low, high = _exact(row)
            rows.append({"cost": f"{label(row.quantity).text} (EUR million)",
                         comparison.reference: number(row.reference_value / MILLION),
                         scenario: number(row.scenario_value / MILLION),
                         "difference": number(difference / MILLION),
                         _interval_column(comparison): _bounds(low / MILLION,
                                                               high / MILLION)})
        else:
            rows.append({"cost": f"{row.quantity} (EUR)", comparison.reference: "",
                         scenario: "", "difference": number(row.difference),
                         _interval_column(comparison): _bounds(row.low, row.high)})
    return pd.DataFrame(rows)


def reports_table(comparison: Comparison, scenario: str) -> pd.DataFrame:
    """Each barrier's share as facilitators report it, as it is in their caseload and in
    the whole population."""
    table = comparison.table()
    reports = table[(table.section == "reports") & (table.scenario == scenario)]
    rows = []
    for step, part in reports.groupby("quantity", sort=False):
        by = part.set_index("group")
        rows.append({"failed step": STEP_NAMES[step],
                     "whole population (true)": percent(by.reference_value.iloc[0]),
                     "caseload (true)": percent(by.scenario_value["caseload"]),
                     "reported upward": percent(by.scenario_value["reported"])})
    return pd.DataFrame(rows)


def budget_table(comparison: Comparison, scenario: str) -> pd.DataFrame:
    """Each centre's yearly costs, revenues and funding gap (EUR, mean over seeds)."""
    table = comparison.table()
    budget = table[(table.section == "budget") & (table.scenario == scenario)]
    if budget.empty:
        return pd.DataFrame()
    wide = budget.pivot_table(index="group", columns="period", values="scenario_value",
                              aggfunc="sum", sort=False).reset_index()
    wide = wide.sort_values("group", kind="stable")
    return pd.DataFrame({"centre and year": wide["group"],
                         "costs (EUR)": wide["cost"].map(number),
                         "revenues (EUR)": wide["revenue"].map(number),
                         "funding gap (EUR)": wide["gap"].map(number)})


def tables(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """Headline tables of text by title, for each scenario against the reference:
    effects over the last 12 months, person-level effects, barriers, costs, and (when
    present) facilitators' reports and centres' budgets."""
    out: dict[str, pd.DataFrame] = {}
    for scenario in comparison.scenarios[1:]:
        versus = f"{scenario} against {comparison.reference}"
        out[f"{versus}: effects over the last 12 months"] = effects_table(comparison,
                                                                          scenario)
        out[f"{versus}: true person-level effects, per person over the run"] = (
            person_table(comparison, scenario))
        out[f"{versus}: unmet need-months by failed step over the run"] = barrier_table(
            comparison, scenario)
        out[f"{versus}: costs over the run, and cost per unmet need-month averted"] = (
            cost_table(comparison, scenario))
        health = health_table(comparison, scenario)
        if len(health):
            out[f"{versus}: health outcomes and cost per QALY over the run"] = health
        spread = distributional_table(comparison, scenario)
        if len(spread):
            out[f"{versus}: health gains by income quintile, {HEALTH_CARE_PAYER.name} "
                "perspective"] = spread
        reports = reports_table(comparison, scenario)
        if len(reports):
            out[f"{scenario}: facilitators' upward reports, share of each barrier"] = reports
        budget = budget_table(comparison, scenario)
        if len(budget):
            out[f"{scenario}: centres' budgets (mean over seeds)"] = budget
    return out


