"""Figures of the site drawn with matplotlib into SVG text (deterministic: fixed hash salt,
no date), so a build writes the same bytes from the same numbers."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

STYLE = {"svg.hashsalt": "passerelle", "svg.fonttype": "none", "font.size": 10,
         "font.family": "DejaVu Sans"}


def svg(figure) -> str:
    """``figure`` as SVG text without a creation date; the figure is closed."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def figure(width: float, height: float):
    """A new figure and axes in the site's style (inches)."""
    with plt.rc_context(STYLE):
        return plt.subplots(figsize=(width, height))
