"""The real run behind the validation page and the model page's barrier figure.

One ``passerelle targets`` run (the baseline on Brussels and on a Belgian population,
``passerelle.config.targets.baseline_runs``) gives every calibration target against the
model's value and, from the Brussels run, the barrier attribution of the last 12 months
by coverage group. ``model_run(cache)`` computes it once per version of the model
(``passerelle.apps.site.cache``): ``make docs`` re-simulates only when the model changed.
"""

from __future__ import annotations

from pathlib import Path

from passerelle.apps.site.cache import cached
from passerelle.config.targets import baseline_runs, check
from passerelle.engine.groups import COVERAGE_GROUPS
from passerelle.engine.steps import STEPS

KIND = "model-run"


def compute() -> dict:
    """Run the baseline twice (Brussels, Belgium) and read the targets and barriers."""
    runs = baseline_runs()
    brussels = runs["brussels"]
    barriers = {step: brussels.by(f"unmet_{step}", "coverage").iloc[-12:].sum().to_dict()
                for step in STEPS}
    return {
        "checks": [c.as_dict() for c in check(runs)],
        "barriers": {step: {group: float(value) for group, value in groups.items()}
                     for step, groups in barriers.items()},
        "months": [brussels.months[0], brussels.months[-1]],
        "compared": [brussels.months[-12], brussels.months[-1]],
        "population": float(brussels.at_end("population")),
    }


def model_run(cache: Path) -> dict:
    """The cached run of this version of the model (computed when the model changed)."""
    return cached(cache, KIND, compute)


def coverage_groups(run: dict) -> list[str]:
    """The coverage groups of the barrier table, in the model's order."""
    present = set().union(*(set(groups) for groups in run["barriers"].values()))
    return [group for group in COVERAGE_GROUPS if group in present]

