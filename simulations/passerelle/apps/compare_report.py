"""A comparison's headline tables, plots and Markdown page (``passerelle compare --out``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from passerelle.apps.compare import COST, UNMET, Comparison
from passerelle.engine.results import STEPS
from passerelle.modules.costs import PAYERS
from passerelle.modules.ledger import OUTCOMES

# Headline measures: name, label, and whether it is a flow (shown per year) or a stock
# (shown as its mean).
HEADLINE = (
    (UNMET, "needs unmet (need-months)", "flow"),
    ("forgone", "needs given up", "flow"),
    ("ed_visits", "ED visits", "flow"),
    ("ed_avoidable", "  of which avoidable", "flow"),
    ("hospital_stays", "hospital stays", "flow"),
    ("rights_reopened", "lapsed rights reopened", "flow"),
    ("amu_granted", "AMU granted", "flow"),
    ("with_dmg", "people with a DMG", "stock"),
    ("met_centre", "needs met at a centre", "flow"),
    ("centre_lost", "turned away by a centre, lost", "flow"),
    ("fac_enrolled", "people enrolled by facilitators", "flow"),
    *((f"cost_{payer}", f"cost to {payer} (EUR)", "flow") for payer in PAYERS),
    (COST, "cost, all payers (EUR)", "flow"),
)


def _fmt(value: float) -> str:
    if value is None or not np.isfinite(value):
        return "–"
    if value != 0 and abs(value) < 0.01:
        return f"{value:.2e}"
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _with_interval(row) -> str:
    text = _fmt(row.difference)
    if np.isfinite(row.low):
        text += f" [{_fmt(row.low)}, {_fmt(row.high)}]"
    return text


def tables(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """Headline tables as text, by title: effects per year, person-level effects,
    barriers, costs, and (when present) facilitators' reports and centres' budgets."""
    table = comparison.table()
    seeds = len(comparison.seeds)
    interval = f"difference [95% interval over {seeds} seeds]" if seeds > 1 else "difference"
    out: dict[str, pd.DataFrame] = {}
    rows = []
    recent = table[(table.section == "measure") & (table.period == "last_12")]
    for name, label, kind in HEADLINE:
        found = recent[recent.quantity == name]
        factor = 12 if kind == "flow" else 1
        for row in found.itertuples():
            if row.reference_value == 0 and row.scenario_value == 0:
                continue
            scaled = row._replace(**{k: getattr(row, k) * factor for k in (
                "reference_value", "scenario_value", "difference", "low", "high")})
            rows.append({"scenario": row.scenario, "indicator": label,
                         "per": "year" if kind == "flow" else "mean",
                         row.reference: _fmt(scaled.reference_value),
                         "scenario value": _fmt(scaled.scenario_value),
                         interval: _with_interval(scaled)})
    out["Effects over the last 12 months"] = pd.DataFrame(rows)
    rows = []
    persons = table[table.section == "person"]
    for scenario in comparison.scenarios[1:]:
        mine = persons[persons.scenario == scenario]
        counts = mine[mine.quantity == "people"].set_index("group")["scenario_value"]
        for outcome, (text, unit) in OUTCOMES.items():
            cells = {"scenario": scenario, "outcome": f"{text} ({unit})"}
            for group, label in (("treated", "on the treated"), ("everyone", "on everyone")):
                found = mine[(mine.quantity == outcome) & (mine.group == group)]
                cells[f"{label} (n={_fmt(counts.get(group, np.nan))})"] = (
                    _with_interval(next(found.itertuples())) if len(found) else "–")
            rows.append(cells)
    out["True person-level effects, per person over the run"] = pd.DataFrame(rows)
    rows = []
    barriers = table[table.section == "barrier"]
    for row in barriers.itertuples():
        if row.group == "all":
            share = barriers[(barriers.scenario == row.scenario) & (barriers.quantity ==
                                                                     row.quantity)
                             & (barriers.group == "share")].iloc[0]
            rows.append({"scenario": row.scenario, "step": row.quantity,
                         f"{row.reference} (need-months)": _fmt(row.reference_value),
                         "scenario (need-months)": _fmt(row.scenario_value),
                         interval: _with_interval(row),
                         "share before → after": f"{share.reference_value:.1%} → "
                                                 f"{share.scenario_value:.1%}"})
    out["Barriers: unmet need-months by failed step over the run"] = pd.DataFrame(rows)
    rows = []
    for row in table[table.section == "cost"].itertuples():
        per_need = "per unmet need-month" in row.quantity
        rows.append({"scenario": row.scenario, "quantity": row.quantity,
                     "unit": row.unit,
                     row.reference: "" if per_need else _fmt(row.reference_value),
                     "scenario value": "" if per_need else _fmt(row.scenario_value),
                     interval: _with_interval(row)})
    out["Costs over the run, and cost per unmet need-month averted"] = pd.DataFrame(rows)
    reports = table[table.section == "reports"]
    if len(reports):
        rows = []
        for (scenario, step), part in reports.groupby(["scenario", "quantity"], sort=False):
            by = part.set_index("group")
            rows.append({"scenario": scenario, "step": step,
                         "whole population (true)": f"{by.reference_value.iloc[0]:.1%}",
                         "caseload (true)": f"{by.scenario_value['caseload']:.1%}",
                         "reported upward": f"{by.scenario_value['reported']:.1%}"})
        out["Facilitators' upward reports: share of each barrier"] = pd.DataFrame(rows)
    budget = table[table.section == "budget"]
    if len(budget):
        wide = budget.pivot_table(index=["scenario", "group"], columns="period",
                                  values="scenario_value", aggfunc="sum", sort=False)
        wide = wide.reset_index().rename(columns={"group": "centre and year"})
        wide = wide[["scenario", "centre and year", "cost", "revenue", "gap"]]
        wide = wide.sort_values(["scenario", "centre and year"], kind="stable")
        for column in ("cost", "revenue", "gap"):
            wide[column] = wide[column].map(_fmt)
        wide = wide.rename(columns={"cost": "costs (EUR)", "revenue": "revenues (EUR)",
                                    "gap": "funding gap (EUR)"})
        out["Centres' budgets (mean over seeds)"] = wide
    return out


def _mean_monthly(comparison: Comparison, scenario: str, measure: str) -> pd.Series:
    series = [comparison.runs[(scenario, s)].monthly[measure] for s in comparison.seeds]
    return sum(series) / len(series)


def plot_unmet(comparison: Comparison, ax: plt.Axes) -> None:
    for scenario in comparison.scenarios:
        series = _mean_monthly(comparison, scenario, UNMET)
        ax.plot(pd.to_datetime(series.index), series, label=scenario)
    ax.set_ylabel("unmet need-months per month")
    ax.legend(fontsize=8)


def plot_effects(comparison: Comparison, ax: plt.Axes) -> None:
    table = comparison.table()
    recent = table[(table.section == "measure") & (table.period == "last_12")]
    names = [name for name, _, kind in HEADLINE if kind == "flow" and name.startswith(
        (UNMET, "forgone", "ed_", "hospital", "rights", "amu", "cost"))
        and name != "cost_programme"]  # zero in a reference without programmes
    offsets = np.linspace(-0.2, 0.2, max(len(comparison.scenarios) - 1, 1))
    for offset, scenario in zip(offsets, comparison.scenarios[1:], strict=False):
        rows = recent[recent.scenario == scenario].set_index("quantity").loc[names]
        base = rows.reference_value.replace(0, np.nan)
        y = np.arange(len(names)) + offset
        x = 100 * rows.difference / base
        err = 100 * np.vstack([rows.difference - rows.low, rows.high - rows.difference]) / [
            base.to_numpy(), base.to_numpy()]
        ax.errorbar(x, y, xerr=np.nan_to_num(err), fmt="o", capsize=3, label=scenario)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel(f"% change from {comparison.reference} (last 12 months)")
    ax.legend(fontsize=8)


def plot_barriers(comparison: Comparison, ax: plt.Axes) -> None:
    width = 0.8 / len(comparison.scenarios)
    for i, scenario in enumerate(comparison.scenarios):
        totals = [np.mean([comparison.runs[(scenario, s)].monthly[f"unmet_{step}"].sum()
                           for s in comparison.seeds]) for step in STEPS]
        ax.bar(np.arange(len(STEPS)) + i * width, totals, width, label=scenario)
    ax.set_xticks(np.arange(len(STEPS)) + width * (len(comparison.scenarios) - 1) / 2, STEPS)
    ax.set_ylabel("unmet need-months over the run")
    ax.legend(fontsize=8)


def plot_person_effects(comparison: Comparison, ax: plt.Axes) -> None:
    table = comparison.table()
    persons = table[(table.section == "person") & (table.group == "treated")
                    & (table.quantity != "people")]
    offsets = np.linspace(-0.2, 0.2, max(len(comparison.scenarios) - 1, 1))
    names = list(OUTCOMES)
    for offset, scenario in zip(offsets, comparison.scenarios[1:], strict=False):
        rows = persons[persons.scenario == scenario].set_index("quantity").reindex(names)
        y = np.arange(len(names)) + offset
        err = np.vstack([rows.difference - rows.low, rows.high - rows.difference])
        ax.errorbar(rows.difference, y, xerr=np.nan_to_num(err), fmt="o", capsize=3,
                    label=scenario)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("effect on the treated, per person over the run")
    ax.legend(fontsize=8)


def plot_costs(comparison: Comparison, ax: plt.Axes) -> None:
    table = comparison.table()
    costs = table[(table.section == "cost") & table.quantity.str.startswith("cost_")]
    names = [f"cost_{p}" for p in PAYERS] + [COST]
    width = 0.8 / max(len(comparison.scenarios) - 1, 1)
    for i, scenario in enumerate(comparison.scenarios[1:]):
        rows = costs[costs.scenario == scenario].set_index("quantity").loc[
            names, ["difference", "low", "high"]] / 1e6
        err = np.vstack([rows.difference - rows.low, rows.high - rows.difference])
        ax.bar(np.arange(len(names)) + i * width, rows.difference, width,
               yerr=np.nan_to_num(err), capsize=3, label=scenario)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(np.arange(len(names)), [n.removeprefix("cost_") for n in names])
    ax.set_ylabel(f"EUR million over the run, vs {comparison.reference}")
    ax.legend(fontsize=8)


def plot_reports(comparison: Comparison, ax: plt.Axes) -> None:
    reports = comparison.table()
    reports = reports[reports.section == "reports"]
    scenario = reports.scenario.iloc[0]
    part = reports[reports.scenario == scenario]
    truth = part[part.group == "reported"].set_index("quantity").reference_value
    caseload = part[part.group == "caseload"].set_index("quantity").scenario_value
    reported = part[part.group == "reported"].set_index("quantity").scenario_value
    x = np.arange(len(STEPS))
    for i, (label, values) in enumerate((("whole population (true)", truth),
                                         ("caseload (true)", caseload),
                                         ("reported upward", reported))):
        ax.bar(x + (i - 1) * 0.27, values.reindex(STEPS), 0.27, label=label)
    ax.set_xticks(x, STEPS)
    ax.set_ylabel(f"share of unmet needs ({scenario})")
    ax.legend(fontsize=8)


def plot_budget(comparison: Comparison, ax: plt.Axes) -> None:
    budget = comparison.table()
    budget = budget[(budget.section == "budget")]
    scenario = budget.scenario.iloc[0]
    part = budget[(budget.scenario == scenario) & (budget.period == "gap")]
    for centre, rows in part.groupby(part.group.str.rsplit(" ", n=1).str[0], sort=False):
        years = rows.group.str.rsplit(" ", n=1).str[1].astype(int)
        ax.plot(years, rows.scenario_value / 1e3, marker="o", label=centre)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylabel(f"funding gap, EUR thousand a year ({scenario})")
    ax.legend(fontsize=8)


PLOTS = (
    ("unmet_over_time.png", "Unmet need-months each month (mean over seeds)", plot_unmet),
    ("effects.png", "Change in key measures, last 12 months (95% interval over seeds)",
     plot_effects),
    ("barriers.png", "Unmet need-months by failed step over the run", plot_barriers),
    ("person_effects.png", "True effects on the treated (95% interval over seeds)",
     plot_person_effects),
    ("costs.png", "Change in costs by payer over the run", plot_costs),
    ("reports.png", "Barriers as reported by facilitators and as they are", plot_reports),
    ("budget.png", "Centres' funding gap by year (costs − revenues)", plot_budget),
)


def _markdown(frame: pd.DataFrame) -> list[str]:
    columns = list(frame.columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(
        index=False)]
    return lines


def write_report(comparison: Comparison, folder: str | Path) -> Path:
    """Write ``comparison.csv``, the plots and ``report.md`` into ``folder``; returns the
    Markdown page."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = comparison.table()
    table.to_csv(folder / "comparison.csv", index=False)
    drawn = []
    for name, title, draw in PLOTS:
        if name == "reports.png" and not (table.section == "reports").any():
            continue
        if name == "budget.png" and not (table.section == "budget").any():
            continue
        fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
        draw(comparison, ax)
        ax.set_title(title, fontsize=10)
        fig.savefig(folder / name, dpi=110, metadata={"Software": None})
        plt.close(fig)
        drawn.append((name, title))
    lines = [
        f"# {' vs '.join(comparison.scenarios[1:])} against {comparison.reference}", "",
        f"Seeds {', '.join(map(str, comparison.seeds))}; reported months {comparison.months[0]}"
        f" to {comparison.months[1]}; each simulated person stands for "
        f"{comparison.scale:.2f} people; {len(comparison.runs)} runs in "
        f"{comparison.seconds:.1f} s. Same population and seeds in every scenario (common "
        "random numbers): differences are paired, person-level effects exact. Intervals: "
        "95% t intervals over seeds. The full table is `comparison.csv` "
        "(see `passerelle.apps.compare`).", "",
    ]
    for title, frame in tables(comparison).items():
        lines += [f"## {title}", "", *_markdown(frame), ""]
    lines += [f"## {title}\n\n![{title}]({name})\n" for name, title in drawn]
    page = folder / "report.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page
