"""The model page's figures: the five-step access cascade (a diagram) and the barrier
attribution of the baseline by coverage group (from the cached run)."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from passerelle.apps.site.figures import figure, svg
from passerelle.apps.site.model_run import coverage_groups
from passerelle.engine.steps import STEPS

WORDS = {
    "fr": {
        "steps": {"perceive": "percevoir", "seek": "chercher", "reach": "atteindre",
                  "pay": "payer", "engage": "s'engager"},
        "abilities": ("littératie", "confiance, langue", "mobilité, temps",
                      "couverture, revenu", "continuité"),
        "need": "besoin\nde soins", "met": "besoin\nsatisfait",
        "failed": "échec : barrière attribuée à l'étape, le besoin reste ouvert",
        "barrier_axis": "part des échecs des 12 derniers mois",
        "groups": {"insured": "assurés", "insured_bim": "assurés BIM",
                   "lapsed": "hors ordre de mutuelle", "undocumented_amu": "sans papiers, AMU",
                   "undocumented_no_amu": "sans papiers, sans AMU",
                   "asylum_seeker": "demandeurs d'asile"},
    },
    "en": {
        "steps": {step: step for step in STEPS},
        "abilities": ("health literacy", "trust, language", "mobility, time",
                      "coverage, income", "continuity"),
        "need": "care\nneed", "met": "need\nmet",
        "failed": "failure: the barrier is attributed to the step, the need stays open",
        "barrier_axis": "share of the last 12 months' failures",
        "groups": {"insured": "insured", "insured_bim": "insured, BIM",
                   "lapsed": "lapsed rights", "undocumented_amu": "undocumented, AMU",
                   "undocumented_no_amu": "undocumented, no AMU",
                   "asylum_seeker": "asylum seekers"},
    },
}
STEP_COLOURS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828")


def cascade(language: str) -> str:
    """SVG: a need passes the five steps of Levesque et al. (2013) in turn."""
    words = WORDS[language]
    fig, ax = figure(9.0, 2.6)
    ax.set_xlim(-0.2, 8.7)
    ax.set_ylim(-1.3, 1.0)
    ax.axis("off")

    def box(x: float, text: str, colour: str, width: float = 1.05) -> None:
        ax.add_patch(FancyBboxPatch((x - width / 2, -0.32), width, 0.64,
                                    boxstyle="round,pad=0.04", facecolor=colour,
                                    edgecolor="none"))
        ax.text(x, 0, text, ha="center", va="center", color="white", fontweight="bold")

    def arrow(x0: float, x1: float) -> None:
        ax.add_patch(FancyArrowPatch((x0, 0), (x1, 0), arrowstyle="-|>", mutation_scale=12,
                                     color="#555555"))

    box(0.35, words["need"], "#616161", 0.8)
    for index, (step, colour) in enumerate(zip(STEPS, STEP_COLOURS, strict=True)):
        x = 1.55 + 1.3 * index
        arrow(x - 1.3 + 0.55 if index else 0.78, x - 0.55)
        box(x, words["steps"][step], colour)
        ax.text(x, 0.5, words["abilities"][index], ha="center", va="bottom", fontsize=8,
                color="#333333")
        ax.add_patch(FancyArrowPatch((x, -0.36), (x, -0.8), arrowstyle="-|>",
                                     mutation_scale=10, color=colour))
    arrow(1.55 + 1.3 * 4 + 0.55, 7.75)
    box(8.2, words["met"], "#37474f", 0.8)
    ax.text(4.15, -1.05, words["failed"], ha="center", va="center", fontsize=9,
            color="#333333")
    return svg(fig)


def barriers(language: str, run: dict) -> str:
    """SVG: for each coverage group, the share of failed needs at each step."""
    words = WORDS[language]
    groups = coverage_groups(run)
    counts = np.array([[run["barriers"][step].get(group, 0.0) for step in STEPS]
                       for group in groups])
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1e-12)
    fig, ax = figure(8.0, 0.45 * len(groups) + 1.4)
    y = np.arange(len(groups))[::-1]
    left = np.zeros(len(groups))
    for index, (step, colour) in enumerate(zip(STEPS, STEP_COLOURS, strict=True)):
        ax.barh(y, shares[:, index], left=left, color=colour, label=words["steps"][step])
        left += shares[:, index]
    ax.set_yticks(y, [words["groups"].get(g, g) for g in groups])
    ax.set_xlim(0, 1)
    ax.set_xlabel(words["barrier_axis"])
    ax.legend(ncol=5, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    return svg(fig)
