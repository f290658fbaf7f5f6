"""A comparison's figures: unmet needs over time, effects, barriers, costs, reports and
budgets, each scenario against the reference with the spread over seeds."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from passerelle.apps.compare import Comparison
from passerelle.apps.compare_equity import SECTION as DISTRIBUTIONAL
from passerelle.apps.compare_equity import plot_distributional
from passerelle.apps.compare_tables import MILLION
from passerelle.apps.figures import (
    dates,
    finish,
    interventions,
    legend_below,
    mark_interventions,
    new_figure,
    percent_axis,
    plain_numbers,
    time_axis,
)
from passerelle.config.labels import COST, COST_SCOPE, STEP_NAMES, UNMET, axis, label
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.steps import STEPS
from passerelle.modules.ledger import OUTCOMES

# The measures the effects plot shows (cost to programme funders is zero in a reference
# without programmes: no percentage change).
EFFECTS = (UNMET, "forgone", "ed_visits", "ed_avoidable", "hospital_stays",
           "rights_reopened", "amu_granted", *(f"cost_{p}" for p in PAYER_NAMES
                                                if p != "programme"), COST)



def _per_seed(comparison: Comparison, scenario: str, measure: str) -> pd.DataFrame:
    return pd.DataFrame({seed: comparison.runs[(scenario, seed)].monthly[measure]
                         for seed in comparison.seeds})


def _starts(comparison: Comparison) -> list[tuple[str, str]]:
    found: dict[tuple[str, str], None] = {}
    for spec in comparison.specs.values():
        found.update(dict.fromkeys(interventions(spec)))
    return sorted(found)


def _seed_note(comparison: Comparison, file: str) -> str:
    """How a plot shows the seeds: a mean, and the range over seeds around it."""
    shown, spread = SEEDED[file]
    seeds = len(comparison.seeds)
    return (f"{shown}: mean over {seeds} seeds; {spread}: range over seeds." if seeds > 1
            else f"One seed: no {spread}.")


def plot_unmet(comparison: Comparison, ax) -> None:
    """Unmet need-months each month, mean over seeds with the range over seeds."""
    months = list(comparison.runs[(comparison.reference, comparison.seeds[0])].monthly.index)
    x = dates(months)
    for scenario in comparison.scenarios:
        runs = _per_seed(comparison, scenario, UNMET)
        line, = ax.plot(x, runs.mean(axis=1), label=scenario)
        if runs.shape[1] > 1:
            ax.fill_between(x, runs.min(axis=1), runs.max(axis=1), color=line.get_color(),
                            alpha=0.2, linewidth=0)
    ax.set_ylabel(axis("needs unmet in a month", "need-months"))
    time_axis(ax, months)
    plain_numbers(ax)
    mark_interventions(ax, _starts(comparison), months)
    legend_below(ax)


def _errors(rows: pd.DataFrame, scale: np.ndarray | float = 1.0) -> np.ndarray:
    return np.nan_to_num(np.vstack([rows.difference - rows.low, rows.high - rows.difference])
                         * scale)


def plot_effects(comparison: Comparison, ax) -> None:
    """Percentage change of headline measures over the last 12 months, with intervals."""
    table = comparison.table()
    recent = table[(table.section == "measure") & (table.period == "last_12")]
    offsets = np.linspace(-0.2, 0.2, max(len(comparison.scenarios) - 1, 1))
    for offset, scenario in zip(offsets, comparison.scenarios[1:], strict=False):
        rows = recent[recent.scenario == scenario].set_index("quantity").loc[list(EFFECTS)]
        base = rows.reference_value.replace(0, np.nan).to_numpy()
        ax.errorbar(100 * rows.difference / base, np.arange(len(EFFECTS)) + offset,
                    xerr=_errors(rows, 100 / base), fmt="o", capsize=3, label=scenario)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(range(len(EFFECTS)), [label(name).text for name in EFFECTS], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(axis(f"change from {comparison.reference}, last 12 months", "%"))
    plain_numbers(ax, "x")
    legend_below(ax)


def plot_barriers(comparison: Comparison, ax) -> None:
    """Unmet need-months by failed step over the run (mean over seeds, range as error
    bars)."""
    width = 0.8 / len(comparison.scenarios)
    for i, scenario in enumerate(comparison.scenarios):
        totals = np.array([[comparison.runs[(scenario, s)].monthly[f"unmet_{step}"].sum()
                            for s in comparison.seeds] for step in STEPS])
        mean = totals.mean(axis=1)
        ax.bar(np.arange(len(STEPS)) + i * width, mean, width, label=scenario,
               yerr=np.vstack([mean - totals.min(axis=1), totals.max(axis=1) - mean]),
               capsize=2)
    ax.set_xticks(np.arange(len(STEPS)) + width * (len(comparison.scenarios) - 1) / 2,
                  [STEP_NAMES[step] for step in STEPS])
    ax.set_ylabel(axis("needs unmet over the run", "need-months"))
    plain_numbers(ax)
    legend_below(ax)


def plot_person_effects(comparison: Comparison, ax) -> None:
    """True effects on the treated per person over the run, with intervals."""
    table = comparison.table()
    persons = table[(table.section == "person") & (table.group == "treated")
                    & (table.quantity != "people")]
    offsets = np.linspace(-0.2, 0.2, max(len(comparison.scenarios) - 1, 1))
    names = list(OUTCOMES)
    for offset, scenario in zip(offsets, comparison.scenarios[1:], strict=False):
        rows = persons[persons.scenario == scenario].set_index("quantity").reindex(names)
        ax.errorbar(rows.difference, np.arange(len(names)) + offset, xerr=_errors(rows),
                    fmt="o", capsize=3, label=scenario)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(range(len(names)), [f"{text} ({unit})" for text, unit in OUTCOMES.values()],
                  fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(axis("effect per person treated over the run", "unit of each row"))
    plain_numbers(ax, "x")
    legend_below(ax)


def plot_costs(comparison: Comparison, ax) -> None:
    """Change in costs by payer over the run (EUR million), with intervals."""
    table = comparison.table()
    costs = table[(table.section == "cost") & table.quantity.str.startswith("cost_")]
    names = [f"cost_{p}" for p in PAYER_NAMES] + [COST]
    width = 0.8 / max(len(comparison.scenarios) - 1, 1)
    for i, scenario in enumerate(comparison.scenarios[1:]):
        rows = costs[costs.scenario == scenario].set_index("quantity").loc[
            names, ["difference", "low", "high"]] / MILLION
        ax.bar(np.arange(len(names)) + i * width, rows.difference, width,
               yerr=_errors(rows), capsize=3, label=scenario)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(np.arange(len(names)) + width * (len(comparison.scenarios) - 2) / 2,
                  [*PAYER_NAMES.values(), "all payers"], fontsize=8)
    ax.set_ylabel(axis(f"change from {comparison.reference} over the run", "EUR million"))
    plain_numbers(ax)
    legend_below(ax)


def _first_with(comparison: Comparison, section: str) -> str:
    table = comparison.table()
    return table[table.section == section].scenario.iloc[0]


def plot_reports(comparison: Comparison, ax) -> None:
    """Barriers' shares as facilitators report them and as they are."""
    table = comparison.table()
    scenario = _first_with(comparison, "reports")
    part = table[(table.section == "reports") & (table.scenario == scenario)]
    truth = part[part.group == "reported"].set_index("quantity").reference_value
    caseload = part[part.group == "caseload"].set_index("quantity").scenario_value
    reported = part[part.group == "reported"].set_index("quantity").scenario_value
    x = np.arange(len(STEPS))
    for i, (text, values) in enumerate((("whole population (true)", truth),
                                        ("caseload (true)", caseload),
                                        ("reported upward", reported))):
        ax.bar(x + (i - 1) * 0.27, values.reindex(STEPS), 0.27, label=text)
    ax.set_xticks(x, [STEP_NAMES[step] for step in STEPS])
    ax.set_ylabel(axis(f"share of unmet needs, {scenario}", "%"))
    percent_axis(ax)
    legend_below(ax)


def plot_budget(comparison: Comparison, ax) -> None:
    """Each centre's funding gap by year (EUR thousand)."""
    from matplotlib.ticker import MaxNLocator, ScalarFormatter

    table = comparison.table()
    scenario = _first_with(comparison, "budget")
    part = table[(table.section == "budget") & (table.scenario == scenario)
                 & (table.period == "gap")]
    for centre, rows in part.groupby(part.group.str.rsplit(" ", n=1).str[0], sort=False):
        years = rows.group.str.rsplit(" ", n=1).str[1].astype(int)
        ax.plot(years, rows.scenario_value / 1e3, marker="o",
                label=f"{centre.replace('_', ' ').capitalize()} centre")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylabel(axis(f"funding gap, {scenario}", "EUR thousand a year"))
    ax.set_xlabel("time (year)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(ScalarFormatter(useOffset=False))
    plain_numbers(ax)
    legend_below(ax)


PLOTS = (
    ("unmet_over_time.png", "Needs unmet each month", plot_unmet),
    ("effects.png", "Change in key measures, last 12 months (95% interval over seeds)",
     plot_effects),
    ("barriers.png", "Needs unmet by failed step over the run", plot_barriers),
    ("person_effects.png", "True effects on the treated (95% interval over seeds)",
     plot_person_effects),
    ("costs.png", "Change in costs by payer over the run (95% interval over seeds)",
     plot_costs),
    ("reports.png", "Barriers as reported by facilitators and as they are", plot_reports),
    ("budget.png", "Centres' funding gap by year (costs − revenues)", plot_budget),
    ("distributional.png", "Health gains by income quintile (95% interval over seeds)",
     plot_distributional),
)
NOTES = {"costs.png": f"Scope: {COST_SCOPE}.",
         "distributional.png": "Net health benefit: QALYs gained less the health-care "
         "payer's cost over the cost of a QALY displaced."}
SEEDED = {"unmet_over_time.png": ("Lines", "bands"), "barriers.png": ("Bars", "error bars")}


def drawn_plots(comparison: Comparison) -> list[tuple[str, str, object]]:
    """The plots this comparison has data for: (file, title, drawer)."""
    sections = set(comparison.table().section)
    return [(file, title, draw) for file, title, draw in PLOTS
            if not (file == "reports.png" and "reports" not in sections)
            and not (file == "budget.png" and "budget" not in sections)
            and not (file == "distributional.png" and DISTRIBUTIONAL not in sections)]


def figures(comparison: Comparison) -> Iterator[tuple[str, object]]:
    """Each plot this comparison has data for as (file name, finished figure)."""
    for file, heading, draw in drawn_plots(comparison):
        fig, ax = new_figure()
        draw(comparison, ax)
        note = " ".join(filter(None, (_seed_note(comparison, file) if file in SEEDED else "",
                                      NOTES.get(file, ""))))
        yield file, finish(fig, heading, note)


