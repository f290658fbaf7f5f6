"""Conventions every plot of the reports follows: a date axis, plain numbers (no offset, no
scientific notation), dated markers where an intervention starts, a legend off the data,
and a figure saved without clipping anything.

matplotlib is imported inside the functions: importing this module costs nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from passerelle.config.labels import POLICY_NAMES
from passerelle.config.scenario import Scenario
from passerelle.engine.timeline import month_label, parse_month

FIGSIZE = (8, 4.5)
DPI = 110


def interventions(scenario: Scenario) -> list[tuple[str, str]]:
    """(month, what starts) for each intervention of ``scenario``, by month: facilitators'
    deployments, centres' openings and policies coming into force."""
    starts: dict[str, list[str]] = defaultdict(list)
    facilitators = scenario.params.get("facilitators")
    if facilitators is not None:
        for deployment in facilitators.deployments:
            if deployment.workers > 0:
                starts[deployment.start].append("facilitators")
    centres = scenario.params.get("centres")
    if centres is not None:
        for site in centres.sites:
            starts[site.opening].append(f"{site.name.replace('_', ' ').capitalize()} centre")
    policies = scenario.params.get("policies")
    if policies is not None:
        for field, value in policies.model_dump().items():
            if field.endswith("_from") and value is not None:
                starts[value].append(POLICY_NAMES[field.removesuffix("_from")])
    return [(month, ", ".join(dict.fromkeys(what))) for month, what in sorted(starts.items())]


def mark_interventions(ax, starts: Sequence[tuple[str, str]], months: Sequence[str]
                       ) -> None:
    """A dashed vertical line at each of ``starts`` (month, what starts; see
    ``interventions``) within ``months`` (YYYY-MM labels of the x axis), labelled above the
    axes, off the data."""
    if not months:
        return
    first, last = parse_month(months[0]), parse_month(months[-1])
    shown = [(month, what) for month, what in starts if first <= parse_month(month) <= last]
    for index, (month, what) in enumerate(shown):
        x = pd.Timestamp(month_label(parse_month(month)))
        ax.axvline(x, color="0.35", linestyle="--", linewidth=0.8, zorder=1)
        ax.annotate(f"{what} from {month}", (x, 1), xycoords=("data", "axes fraction"),
                    xytext=(0, 2 + 9 * (index % 2)), textcoords="offset points",
                    va="bottom", ha="center", fontsize=7, color="0.25")


def dates(months: Sequence[str]) -> pd.DatetimeIndex:
    """YYYY-MM labels as the dates of the x axis."""
    return pd.to_datetime(list(months))


def time_axis(ax, months: Sequence[str]) -> None:
    """The x axis over ``months`` (YYYY-MM): ticks on years (on months for a run under
    three years), labelled with its unit, no offset."""
    import matplotlib.dates as mdates

    span = dates([months[0], months[-1]])
    ax.set_xlim(span[0], span[1])
    if len(months) >= 36:
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_xlabel("time (year)")
    else:
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
        ax.set_xlabel("time (month)")


def plain_numbers(ax, *axes: str) -> None:
    """Tick labels with thousands separators, no offset and no ``1e6`` factor."""
    from matplotlib.ticker import FuncFormatter

    from passerelle.engine.numbers import number

    for which in axes or ("y",):
        getattr(ax, f"{which}axis").set_major_formatter(
            FuncFormatter(lambda value, _: number(value, 3)))


def percent_axis(ax, which: str = "y") -> None:
    """Tick labels of a share (0-1) as percentages."""
    from matplotlib.ticker import PercentFormatter

    getattr(ax, f"{which}axis").set_major_formatter(PercentFormatter(1.0, decimals=0))


def legend_below(ax, ncol: int = 3, **options) -> None:
    """The legend under the axes, off the data."""
    ax.legend(fontsize=8, ncol=ncol, loc="upper center", bbox_to_anchor=(0.5, -0.16),
              frameon=False, **options)


def legend_outside(ax, **options) -> None:
    """The legend right of the axes, off the data."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False,
              **options)


def new_figure(figsize: tuple[float, float] = FIGSIZE):
    """A figure and its axes, laid out so that nothing is clipped."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")


def finish(fig, title: str, note: str = ""):
    """Title the figure and add ``note`` (e.g. the scope of costs) at its foot; returns
    the figure."""
    fig.suptitle(title, fontsize=10)
    if note:
        fig.supxlabel(note, fontsize=7, color="0.3", wrap=True)
    return fig


def save(fig, path: Path) -> Path:
    """Save ``fig`` to ``path`` (PNG, no timestamp, so the same data give the same bytes)
    and close it."""
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return path
