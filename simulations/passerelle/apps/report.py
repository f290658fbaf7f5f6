"""A run's report: four PNG plots and a Markdown page that shows them with what was run and
the summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

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
from passerelle.config.labels import COST_SCOPE, STEP_NAMES, axis, group
from passerelle.config.record import RunRecord, canonical_json
from passerelle.engine.groups import COVERAGE_GROUPS
from passerelle.engine.numbers import number, shown
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.results import Results
from passerelle.engine.steps import STEPS

PLOTS = {
    "unmet_by_coverage.png": "Needs unmet each month per 1,000 people, by coverage status "
                             "(3-month moving average)",
    "barriers.png": "Which step of the access cascade failed (last 12 months), by coverage "
                    "status",
    "ed_visits.png": "Emergency department visits per 1,000 people a year (12-month rolling "
                     "sum)",
    "costs_by_payer.png": "Costs of care by payer and calendar year",
}
NOTES = {"costs_by_payer.png": f"Scope: {COST_SCOPE}."}


def _unmet(results: Results, dimension: str) -> pd.DataFrame:
    return sum(results.by(f"unmet_{step}", dimension) for step in STEPS)


def plot_unmet_by_coverage(results: Results, ax) -> None:
    """Unmet needs per 1,000 people by coverage group over time (log scale)."""
    population = results.by("population", "coverage")
    rate = (1000 * _unmet(results, "coverage") / population).rolling(3, min_periods=1).mean()
    for key in COVERAGE_GROUPS:
        if population[key].iloc[-1] > 0:
            ax.plot(dates(rate.index), rate[key], label=group(key))
    ax.set_yscale("log")
    ax.set_ylabel(axis("needs unmet a month per 1,000", "need-months", log=True))
    time_axis(ax, results.months)
    plain_numbers(ax)
    mark_interventions(ax, interventions(results.scenario), results.months)
    legend_below(ax)


def plot_barriers(results: Results, ax) -> None:
    """Share of unmet needs by failed step, for each coverage group (last 12 months)."""
    counts = pd.DataFrame({s: results.by(f"unmet_{s}", "coverage").iloc[-12:].sum()
                           for s in STEPS})
    counts = counts[counts.sum(axis=1) > 0]
    shares = counts.div(counts.sum(axis=1), axis=0)
    left = np.zeros(len(shares))
    labels = [group(key) for key in shares.index]
    for step in STEPS:
        ax.barh(labels, shares[step], left=left, label=STEP_NAMES[step])
        left += shares[step].to_numpy()
    ax.set_xlabel(axis("share of the group's unmet needs", "%"))
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    percent_axis(ax, "x")
    legend_below(ax, ncol=3)


def plot_ed_visits(results: Results, ax) -> None:
    """ED visits per 1,000 a year (rolling 12 months), avoidable ones apart."""
    population = results.total("population")
    for measure, label in (("ed_visits", "all ED visits"),
                           ("ed_avoidable", "avoidable ED visits")):
        yearly = results.total(measure).rolling(12).sum() / population * 1000
        ax.plot(dates(population.index), yearly, label=label)
    ax.set_ylabel(axis("ED visits per 1,000 people a year", "visits"))
    time_axis(ax, results.months)
    ax.set_ylim(bottom=0)
    plain_numbers(ax)
    mark_interventions(ax, interventions(results.scenario), results.months)
    legend_below(ax, ncol=2)


def plot_costs(results: Results, ax) -> None:
    """Costs by payer per calendar year, stacked (EUR million)."""
    frame = pd.DataFrame({p: results.total(f"cost_{p}") for p in PAYER_NAMES})
    yearly = frame.groupby(frame.index.str[:4]).sum() / 1e6
    months = frame.groupby(frame.index.str[:4]).size()
    labels = [year if months[year] == 12 else f"{year}\n({months[year]} months)"
              for year in yearly.index]
    bottom = np.zeros(len(yearly))
    for payer, text in PAYER_NAMES.items():
        ax.bar(labels, yearly[payer], bottom=bottom, label=text)
        bottom += yearly[payer].to_numpy()
    ax.set_ylabel(axis("costs", "EUR million a year"))
    ax.set_xlabel("calendar year")
    ax.set_ylim(0, 1.08 * bottom.max() if bottom.max() > 0 else 1)
    plain_numbers(ax)
    legend_below(ax, ncol=4)


DRAWERS = (plot_unmet_by_coverage, plot_barriers, plot_ed_visits, plot_costs)


def _value(value) -> str:
    return canonical_json(value) if not isinstance(value, str) else value


def _simulated(record: RunRecord) -> str:
    size = record.population["size"]
    return "every resident simulated" if size == "full" else f"{number(size)} simulated people"


def what_was_run(record: RunRecord, months: tuple[str, str], scale: float) -> list[str]:
    """Markdown lines: the record of a run over ``months`` (first, last) in which each
    simulated person stands for ``scale`` people, as a table."""
    changes = record.changes
    software = record.software
    commit = software.commit[:12] + (" (with uncommitted changes)" if software.dirty else "")
    rows = [
        ("scenario", f"`{record.scenario}` ({record.source})"),
        ("overrides", ", ".join(f"`--set {o}`" for o in record.overrides) or "none"),
        ("changed from the scenario file",
         "; ".join(f"`{key}`: {_value(c['was'])} → {_value(c['value'])}"
                   for key, c in changes.items()) or "nothing"),
        ("differs from the built-in defaults",
         ", ".join(f"`{key}`" for key in record.changed_from_defaults) or "nothing"),
        ("parameters' hash (sha256, seed excluded)", f"`{record.params_hash}`"),
        ("seed", ", ".join(map(str, record.seeds))),
        ("population", f"{record.population['region']}, {_simulated(record)}, each "
         f"standing for {number(scale)}"),
        ("reported months", f"{months[0]} to {months[1]}"),
        ("passerelle", f"{software.version}, commit {commit}"),
        ("command", f"`{software.command}`"),
    ]
    return ["| what was run | |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]


def figures(results: Results) -> Iterator[tuple[str, object]]:
    """Each plot of the report as (file name, finished matplotlib figure)."""
    for (file, title), draw in zip(PLOTS.items(), DRAWERS, strict=True):
        fig, ax = new_figure()
        draw(results, ax)
        yield file, finish(fig, title, NOTES.get(file, ""))


def write_report(results: Results, folder: str | Path) -> Path:
    """Write the plots and ``report.md`` into ``folder``; returns the Markdown file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for file, fig in figures(results):
        save(fig, folder / file)
    record = results.run_record()
    if record.changes:
        about = (f"This run changes the scenario file `{record.scenario}` (see above): the "
                 "file's own description does not hold for it.")
    else:
        about = results.scenario.description.strip()
    lines = [
        f"# {record.title}", "", *what_was_run(record, (results.months[0], results.months[-1]),
                                                 results.scale), "", about, "",
        "| indicator | value | unit |", "|---|---:|---|",
        *(f"| {row.indicator.strip()} | {shown(row.value, row.unit)} | "
          f"{'%' if row.unit == 'share 0-1' else row.unit} |"
          for row in results.summary().itertuples()),
        "", *(f"## {title}\n\n![{title}]({file})\n" for file, title in PLOTS.items()),
        f"Costs: {COST_SCOPE}.", "",
    ]
    page = folder / "report.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page
