"""A comparison's headline tables, plots and Markdown page (``passerelle compare --out``).

Each scenario is compared with the reference in tables of its own (so that three or more
scenarios fill every cell), with units in the row labels: a table has four or five
columns of numbers and fits an 80-column terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from passerelle.apps.compare import Comparison
from passerelle.apps.figures import (
    dates,
    finish,
    interventions,
    legend_below,
    mark_interventions,
    new_figure,
    percent_axis,
    plain_numbers,
    save,
    time_axis,
)
from passerelle.apps.report import what_was_run
from passerelle.config.labels import (
    COST,
    COST_SCOPE,
    STEP_NAMES,
    UNMET,
    axis,
    label,
)
from passerelle.engine.numbers import interval, number, percent
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.results import STEPS
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
# The measures the effects plot shows (cost to programme funders is zero in a reference
# without programmes: no percentage change).
EFFECTS = (UNMET, "forgone", "ed_visits", "ed_avoidable", "hospital_stays",
           "rights_reopened", "amu_granted", *(f"cost_{p}" for p in PAYER_NAMES
                                                if p != "programme"), COST)


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
        reports = reports_table(comparison, scenario)
        if len(reports):
            out[f"{scenario}: facilitators' upward reports, share of each barrier"] = reports
        budget = budget_table(comparison, scenario)
        if len(budget):
            out[f"{scenario}: centres' budgets (mean over seeds)"] = budget
    return out


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
)
NOTES = {"costs.png": f"Scope: {COST_SCOPE}."}
SEEDED = {"unmet_over_time.png": ("Lines", "bands"), "barriers.png": ("Bars", "error bars")}


def drawn_plots(comparison: Comparison) -> list[tuple[str, str, object]]:
    """The plots this comparison has data for: (file, title, drawer)."""
    sections = set(comparison.table().section)
    return [(file, title, draw) for file, title, draw in PLOTS
            if not (file == "reports.png" and "reports" not in sections)
            and not (file == "budget.png" and "budget" not in sections)]


def figures(comparison: Comparison) -> Iterator[tuple[str, object]]:
    """Each plot this comparison has data for as (file name, finished figure)."""
    for file, heading, draw in drawn_plots(comparison):
        fig, ax = new_figure()
        draw(comparison, ax)
        note = " ".join(filter(None, (_seed_note(comparison, file) if file in SEEDED else "",
                                      NOTES.get(file, ""))))
        yield file, finish(fig, heading, note)


def _markdown(frame: pd.DataFrame) -> list[str]:
    columns = list(frame.columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(
        index=False)]
    return lines


def title(comparison: Comparison) -> str:
    """``facilitators + facilitators.caseload=80 vs centres against baseline``: each
    scenario with the overrides that changed it."""
    def named(scenario: str) -> str:
        record = comparison.records.get(scenario)
        return record.title if record is not None else scenario

    others = " vs ".join(named(s) for s in comparison.scenarios[1:])
    return f"{others} against {named(comparison.reference)}"


def write_report(comparison: Comparison, folder: str | Path) -> Path:
    """Write ``comparison.csv``, ``record.json``, the plots and ``report.md`` into
    ``folder``; returns the Markdown page."""
    import json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = comparison.table()
    table.to_csv(folder / "comparison.csv", index=False)
    (folder / "record.json").write_text(json.dumps(
        {name: record.as_dict() for name, record in comparison.records.items()}, indent=2,
        sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    drawn = []
    for (file, heading, _), (_, fig) in zip(drawn_plots(comparison), figures(comparison),
                                            strict=True):
        save(fig, folder / file)
        drawn.append((file, heading))
    lines = [
        f"# {title(comparison)}", "",
        f"Seeds {', '.join(map(str, comparison.seeds))}; reported months {comparison.months[0]}"
        f" to {comparison.months[1]}; each simulated person stands for "
        f"{number(comparison.scale)} people; {len(comparison.runs)} runs in "
        f"{comparison.seconds:.1f} s. Same population and seeds in every scenario (common "
        "random numbers): differences are paired, person-level effects exact. Intervals: "
        "95% t intervals over seeds. The full table is `comparison.csv` "
        "(see `passerelle.apps.compare`); what was run, `record.json`.", "",
        f"Costs: {COST_SCOPE}.", "",
    ]
    for scenario in comparison.scenarios:
        record = comparison.records.get(scenario)
        if record is not None:
            lines += [f"## What was run: {record.title}", "",
                      *what_was_run(record, comparison.months, comparison.scale), ""]
    for heading, frame in tables(comparison).items():
        lines += [f"## {heading}", "", *_markdown(frame), ""]
    lines += [f"## {heading}\n\n![{heading}]({file})\n" for file, heading in drawn]
    page = folder / "report.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page
