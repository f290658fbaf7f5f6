"""The rows of a comparison's sections that come from monthly totals, person counters and
budgets (``measure``, ``person``, ``barrier``, ``cost``, ``reports``, ``budget``; see
``passerelle.apps.compare``). Each takes the (reference run, scenario run) pairs of one
scenario, one per seed, and returns the rows of its section as dicts of the table's
columns.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from passerelle.apps.seed_intervals import over_seeds as _interval
from passerelle.config.labels import COST, UNMET
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.steps import STEPS
from passerelle.modules.ledger import OUTCOMES


def row(section: str, scenario: str, quantity: str, group: str, period: str, unit: str,
         reference: Sequence[float], values: Sequence[float]) -> dict:
    """One row of the table: the mean of ``reference`` and ``values`` over seeds, and the
    mean paired difference with its 95% t interval over seeds."""
    difference, low, high = _interval(np.subtract(values, reference))
    return {"section": section, "scenario": scenario, "quantity": quantity, "group": group,
            "period": period, "unit": unit, "reference_value": float(np.mean(reference)),
            "scenario_value": float(np.mean(values)), "difference": difference, "low": low,
            "high": high}


def measure_rows(pairs) -> list[dict]:
    """Section ``measure``: each measure's mean per month over the run and its last 12
    months."""
    scenario = pairs[0][1].scenario
    names = sorted(set(pairs[0][0].monthly) | set(pairs[0][1].monthly))
    units = pairs[0][0].units | pairs[0][1].units
    rows = []
    for period, months in (("run", slice(None)), ("last_12", slice(-12, None))):
        for name in names:
            ref = [r.monthly[name].iloc[months].mean() if name in r.monthly else 0.0
                   for r, _ in pairs]
            new = [s.monthly[name].iloc[months].mean() if name in s.monthly else 0.0
                   for _, s in pairs]
            rows.append(row("measure", scenario, name, "all", period,
                             f"{units[name]} per month", ref, new))
    return rows


def person_rows(pairs) -> list[dict]:
    """Section ``person``: the ledger's per-person effects on the treated and on everyone."""
    scenario = pairs[0][1].scenario
    rows = []
    for group in ("treated", "everyone"):
        masks = [s.treated if group == "treated" else r.people["months_present"] > 0
                 for r, s in pairs]
        counts = [float(mask.sum()) * s.scale for (_, s), mask in zip(pairs, masks, strict=True)]
        _, low, high = _interval(counts)
        rows.append({"section": "person", "scenario": scenario, "quantity": "people",
                     "group": group, "period": "run", "unit": "persons",
                     "reference_value": np.nan, "scenario_value": float(np.mean(counts)),
                     "difference": np.nan, "low": low, "high": high})
        if not all(counts):
            continue
        for outcome, (_, unit) in OUTCOMES.items():
            ref, new = zip(*((r.people[outcome][mask].mean(), s.people[outcome][mask].mean())
                             for (r, s), mask in zip(pairs, masks, strict=True)), strict=True)
            rows.append(row("person", scenario, outcome, group, "run", f"{unit} per person",
                             ref, new))
    return rows


def barrier_rows(pairs) -> list[dict]:
    """Section ``barrier``: unmet need-months by failed step, and their shares."""
    scenario = pairs[0][1].scenario
    rows = []
    for step in STEPS:
        ref = [r.monthly[f"unmet_{step}"].sum() for r, _ in pairs]
        new = [s.monthly[f"unmet_{step}"].sum() for _, s in pairs]
        rows.append(row("barrier", scenario, step, "all", "run", "need-months", ref, new))
        share = [[run.monthly[f"unmet_{step}"].sum() / run.monthly[UNMET].sum() for run in pair]
                 for pair in pairs]
        rows.append(row("barrier", scenario, step, "share", "run", "share 0-1",
                         [a for a, _ in share], [b for _, b in share]))
    return rows


def cost_rows(pairs) -> list[dict]:
    """Section ``cost``: costs by payer and in total (EUR), and the cost per unmet
    need-month averted."""
    scenario = pairs[0][1].scenario
    rows = []
    for name in (*(f"cost_{p}" for p in PAYER_NAMES), COST):
        ref = [r.monthly[name].sum() for r, _ in pairs]
        new = [s.monthly[name].sum() for _, s in pairs]
        rows.append(row("cost", scenario, name, "all", "run", "EUR", ref, new))
    averted = np.array([r.monthly[UNMET].sum() - s.monthly[UNMET].sum() for r, s in pairs])
    for name, label in ((COST, "cost per unmet need-month averted"),
                        ("cost_programme", "programme cost per unmet need-month averted")):
        extra = np.array([s.monthly[name].sum() - r.monthly[name].sum() for r, s in pairs])
        if np.all(averted > 0):
            _, low, high = _interval(extra / averted)
            point = float(extra.mean() / averted.mean())
        else:
            point = low = high = np.nan
        rows.append({"section": "cost", "scenario": scenario, "quantity": label, "group": "all",
                     "period": "run", "unit": "EUR per need-month",
                     "reference_value": np.nan, "scenario_value": np.nan, "difference": point,
                     "low": low, "high": high})
    return rows


def report_rows(pairs) -> list[dict]:
    """Section ``reports``: the facilitators' reported barrier shares beside the true ones."""
    scenario = pairs[0][1].scenario
    if "fac_reported_pay" not in pairs[0][1].monthly:
        return []
    rows = []
    totals = {prefix: [sum(s.monthly[f"{prefix}{step}"].sum() for step in STEPS)
                       for _, s in pairs] for prefix in ("fac_reported_", "fac_barrier_",
                                                         "unmet_")}
    if not all(totals["fac_reported_"]):
        return []
    for step in STEPS:
        truth = [s.monthly[f"unmet_{step}"].sum() / t
                 for (_, s), t in zip(pairs, totals["unmet_"], strict=True)]
        for group, prefix in (("reported", "fac_reported_"), ("caseload", "fac_barrier_")):
            seen = [s.monthly[f"{prefix}{step}"].sum() / t
                    for (_, s), t in zip(pairs, totals[prefix], strict=True)]
            rows.append(row("reports", scenario, step, group, "run", "share 0-1", truth, seen)
                        | {"reference": "population (true)"})
    return rows


def budget_rows(pairs) -> list[dict]:
    """Section ``budget``: each centre's yearly budget lines (EUR)."""
    scenario = pairs[0][1].scenario
    frames = [s.budget for _, s in pairs if not s.budget.empty]
    if not frames:
        return []
    keys = ["year", "centre", "kind", "line"]
    values = pd.concat(frames).groupby(keys)["eur"].apply(list)
    rows = []
    for (year, centre, kind, line), eur in values.items():
        mean, low, high = _interval(eur)
        rows.append({"section": "budget", "scenario": scenario, "reference": "",
                     "quantity": line, "group": f"{centre} {year}", "period": kind,
                     "unit": "EUR", "reference_value": np.nan, "scenario_value": mean,
                     "difference": np.nan, "low": low, "high": high})
    return rows
