"""A run's report: four PNG plots and a Markdown page that shows them with the summary."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from passerelle.engine.groups import COVERAGE_GROUPS
from passerelle.engine.results import STEPS, Results

PAYERS = ("inami", "patient", "federal", "programme")
PLOTS = {
    "unmet_by_coverage.png": "Needs unmet each month per 1,000 people, by coverage status",
    "barriers.png": "Which step of the cascade failed (last 12 months), by coverage status",
    "ed_visits.png": "ED visits per 1,000 a year (12-month rolling), avoidable ones apart",
    "costs_by_payer.png": "Costs of care by payer and year (EUR million)",
}


def _unmet(results: Results, dimension: str) -> pd.DataFrame:
    return sum(results.by(f"unmet_{step}", dimension) for step in STEPS)


def plot_unmet_by_coverage(results: Results, ax: plt.Axes) -> None:
    """Unmet needs per 1,000 people by coverage group over time."""
    rate = 1000 * _unmet(results, "coverage") / results.by("population", "coverage")
    for group in COVERAGE_GROUPS:
        if results.by("population", "coverage")[group].iloc[-1] > 0:
            ax.plot(pd.to_datetime(rate.index), rate[group], label=group.replace("_", " "))
    ax.set_ylabel("unmet needs per 1,000 per month")
    ax.set_yscale("log")
    ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.08))


def plot_barriers(results: Results, ax: plt.Axes) -> None:
    """Share of unmet needs by failed step, for each coverage group (last 12 months)."""
    counts = pd.DataFrame({s: results.by(f"unmet_{s}", "coverage").iloc[-12:].sum()
                           for s in STEPS})
    counts = counts[counts.sum(axis=1) > 0]
    shares = counts.div(counts.sum(axis=1), axis=0)
    left = np.zeros(len(shares))
    labels = [g.replace("_", " ") for g in shares.index]
    for step in STEPS:
        ax.barh(labels, shares[step], left=left, label=step)
        left += shares[step].to_numpy()
    ax.set_xlabel("share of unmet needs")
    ax.set_xlim(0, 1)
    ax.legend(ncol=5, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12))


def plot_ed_visits(results: Results, ax: plt.Axes) -> None:
    """ED visits per 1,000 a year (rolling 12 months)."""
    population = results.total("population")
    dates = pd.to_datetime(population.index)
    for measure, label in (("ed_visits", "all ED visits"), ("ed_avoidable", "avoidable")):
        yearly = results.total(measure).rolling(12).sum() / population * 1000
        ax.plot(dates, yearly, label=label)
    ax.set_ylabel("per 1,000 a year")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)


def plot_costs(results: Results, ax: plt.Axes) -> None:
    """Costs by payer per calendar year, stacked (EUR million)."""
    frame = pd.DataFrame({p: results.total(f"cost_{p}") for p in PAYERS})
    yearly = frame.groupby(frame.index.str[:4]).sum() / 1e6
    bottom = np.zeros(len(yearly))
    for payer in PAYERS:
        ax.bar(yearly.index, yearly[payer], bottom=bottom, label=payer)
        bottom += yearly[payer].to_numpy()
    ax.set_ylabel("EUR million")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(fontsize=8)


def write_report(results: Results, folder: str | Path) -> Path:
    """Write the plots and ``report.md`` into ``folder``; returns the Markdown file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    drawers = (plot_unmet_by_coverage, plot_barriers, plot_ed_visits, plot_costs)
    for (name, title), draw in zip(PLOTS.items(), drawers, strict=True):
        fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
        draw(results, ax)
        ax.set_title(title, fontsize=10)
        fig.savefig(folder / name, dpi=110, metadata={"Software": None})
        plt.close(fig)
    summary = results.summary()
    lines = [
        f"# {results.scenario.name}", "", results.scenario.description.strip(), "",
        f"Seed {results.scenario.run.seed}, {results.months[0]} to {results.months[-1]}, "
        f"{results.scenario.population.region}; each simulated person stands for "
        f"{results.scale:.2f} people.", "",
        "| indicator | value | unit |", "|---|---:|---|",
        *(f"| {row.indicator.strip()} | {row.value:,.4g} | {row.unit} |"
          for row in summary.itertuples()),
        "", *(f"## {title}\n\n![{title}]({name})\n" for name, title in PLOTS.items()),
    ]
    page = folder / "report.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page
