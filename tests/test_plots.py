"""Every plot of ``run``, ``compare`` and ``evaluate``, rendered and read as a reader would:
human names (no variable names), a unit on every numeric axis, the log scale said, no
offset text, nothing clipped outside the figure, legends off the data, bars inside their
axes, and markers where interventions start."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.category import StrCategoryFormatter
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter
from support import small

from passerelle.apps import compare_plots, report
from passerelle.apps.compare import run_comparison
from passerelle.config.labels import dictionary, raw_names
from passerelle.engine.sim import Sim
from passerelle.evaluate.designs.replicate import replicate

# The units an axis may carry: every unit of the dictionary of measures, and those the
# plots derive from them (percentages, money in thousands or millions, calendar time, and
# the person-effects axis whose rows each carry their own unit, and the replications of
# an evaluation, counted by their seed).
UNITS = {label.unit for label in dictionary().values()} | {
    "%", "EUR million", "EUR million a year", "EUR thousand a year", "year", "month",
    "unit of each row", "seed"}
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
TINY = dict(overrides=("population.size=10000", "run.burn_in=3", "run.months=18",
                       "run.start=2021-01", "facilitators.caseload=200"))


@pytest.fixture(scope="module")
def run_figures():
    results = Sim(small("run.start=2020-01", scenario="facilitators+centres")).run()
    return list(report.figures(results))


@pytest.fixture(scope="module")
def comparison():
    return run_comparison(["baseline", "facilitators", "centres"], seeds=2, **TINY)


@pytest.fixture(scope="module")
def compare_figures(comparison):
    return list(compare_plots.figures(comparison))


@pytest.fixture(scope="module")
def evaluate_figures():
    summary = replicate("individual-rct", replications=2, workers=1, population=20_000,
                        months=24)
    return [("estimates.png", summary.figure())]


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def _drawn_texts(fig) -> list[Text]:
    """Every text the figure draws: titles, notes, axis labels, tick labels of the ticks
    inside the view, annotations and legend entries."""
    found = [*fig.texts]
    for ax in fig.axes:
        found += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label,
                  *ax.texts]
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for locs, labels in ((axis.get_majorticklocs(), axis.get_majorticklabels()),
                                 (axis.get_minorticklocs(), axis.get_minorticklabels())):
                found += [text for loc, text in zip(locs, labels, strict=False)
                          if low <= loc <= high]
        if ax.get_legend() is not None:
            found += ax.get_legend().get_texts()
    return [text for text in found if text.get_visible() and text.get_text()]


def _categorical(axis) -> bool:
    """An axis of named categories (coverage groups, steps, payers, measures): its tick
    labels are words, and it needs no unit."""
    if isinstance(axis.get_major_formatter(), StrCategoryFormatter | FixedFormatter):
        return True
    labels = [text.get_text() for text in axis.get_majorticklabels() if text.get_text()]
    return bool(labels) and all(re.search("[A-Za-z]", text) for text in labels)


def check(file: str, fig) -> None:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for text in _texts(fig):
        names = set(SNAKE.findall(text))
        assert not names, f"{file}: variable names {names} in {text!r}"
        assert not raw_names() & set(text.split()), f"{file}: {text!r}"
    figure_box = fig.bbox
    for artist in _drawn_texts(fig):
        box = artist.get_window_extent(renderer)
        assert (box.x0 >= figure_box.x0 - 1 and box.y0 >= figure_box.y0 - 1
                and box.x1 <= figure_box.x1 + 1 and box.y1 <= figure_box.y1 + 1), (
            f"{file}: {artist.get_text()!r} is clipped: {box} outside {figure_box}")
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            assert axis.get_offset_text().get_text() == "", f"{file}: {name} offset text"
            if _categorical(axis):
                continue
            text = axis.get_label_text()
            found = re.fullmatch(r".+\s\((.+?)(, log scale)?\)", text, flags=re.DOTALL)
            assert found, f"{file}: the {name} axis {text!r} has no unit"
            unit = found.group(1).split(" per ")[0]  # need-months per participant
            assert unit in UNITS, f"{file}: unknown unit in {text!r}"
            log = (ax.get_yscale() if name == "y" else ax.get_xscale()) == "log"
            assert log == bool(found.group(2)), f"{file}: {text!r} and the scale disagree"
        legend = ax.get_legend()
        if legend is not None:
            assert not legend.get_window_extent(renderer).overlaps(
                ax.get_window_extent(renderer)), f"{file}: the legend covers the data"
        low, high = sorted(ax.get_ylim()) if not _categorical(ax.yaxis) else (-np.inf, np.inf)
        left, right = sorted(ax.get_xlim()) if not _categorical(ax.xaxis) else (
            -np.inf, np.inf)
        for patch in ax.patches:
            if not isinstance(patch, Rectangle) or not np.isfinite(patch.get_height()):
                continue
            x0, y0 = patch.get_x(), patch.get_y()
            x1, y1 = x0 + patch.get_width(), y0 + patch.get_height()
            assert low - 1e-9 <= min(y0, y1) and max(y0, y1) <= high + 1e-9 * abs(high), (
                f"{file}: a bar is clipped at the top or bottom")
            assert left - 1e-9 <= min(x0, x1) and max(x0, x1) <= right + 1e-9 * abs(right), (
                f"{file}: a bar is clipped at a side")
    plt.close(fig)


def test_every_run_plot_reads_as_a_paper_figure(run_figures):
    assert [file for file, _ in run_figures] == list(report.PLOTS)
    for file, fig in run_figures:
        check(file, fig)


def test_every_compare_plot_reads_as_a_paper_figure(compare_figures):
    assert {file for file, _ in compare_figures} == {file for file, _, _ in
                                                     compare_plots.PLOTS}
    for file, fig in compare_figures:
        check(file, fig)


def test_the_evaluate_plot_reads_as_a_paper_figure(evaluate_figures):
    for file, fig in evaluate_figures:
        check(file, fig)


def test_time_plots_mark_where_interventions_start(comparison):
    """The facilitators of the scenario start in June 2021, inside the plotted months."""
    fig, ax = plt.subplots()
    compare_plots.plot_unmet(comparison, ax)
    starts = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert [np.datetime64(x, "M") for x in starts] == [np.datetime64("2021-06")]
    assert any("facilitators from 2021-06" in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_compare_bands_span_the_seeds(comparison):
    """The band around each line runs from the lowest to the highest seed."""
    fig, ax = plt.subplots()
    compare_plots.plot_unmet(comparison, ax)
    bands = ax.collections
    assert len(bands) == len(comparison.scenarios)
    runs = compare_plots._per_seed(comparison, "centres", "unmet_needs")
    vertices = bands[2].get_paths()[0].vertices[:, 1]
    assert vertices.min() == pytest.approx(runs.min(axis=1).min())
    assert vertices.max() == pytest.approx(runs.max(axis=1).max())
    plt.close(fig)


def test_the_check_catches_what_a_reader_would_notice():
    """The check itself fails on a raw name, a missing unit, an offset and a clipped
    legend, so that the tests above mean something."""
    for draw in (
        lambda ax: (ax.plot([1, 2], [1, 2]), ax.set_ylabel("ed_avoidable (visits)"),
                    ax.set_xlabel("time (year)")),
        lambda ax: (ax.plot([1, 2], [1, 2]), ax.set_ylabel("ED visits"),
                    ax.set_xlabel("time (year)")),
        lambda ax: (ax.plot([1, 2], [1e6, 1e6 + 1]), ax.set_ylabel("ED visits (visits)"),
                    ax.set_xlabel("time (year)")),
        lambda ax: (ax.plot([1, 2], [1, 2], label="a long legend entry " * 8),
                    ax.set_ylabel("ED visits (visits)"), ax.set_xlabel("time (year)"),
                    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1))),
    ):
        fig, ax = plt.subplots()
        draw(ax)
        with pytest.raises(AssertionError):
            check("bad.png", fig)
        plt.close(fig)
