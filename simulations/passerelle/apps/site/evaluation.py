"""The evaluation lab's replication table: bias, coverage and power of a design's estimator
against the simulated truth, from real replications, cached like the validation run.

Kept small so that a cold build stays fast: the individually randomised trial re-drawn
``REPLICATIONS`` times on one pair of simulations (``sim_seed=1``: randomisation
inference on one cohort, the runs simulated once), for outcomes read from records, for
self-reported outcomes (each event reported with probability 0.8, which biases the
estimate towards zero by a fifth) and for ED visits.
"""

from __future__ import annotations

from pathlib import Path

from passerelle.apps.site.cache import cached
from passerelle.apps.site.markdown import table

KIND = "evaluation"
REPLICATIONS = 100
STUDIES = (
    ("individual-rct", {"outcome": "n_unmet_months"}),
    ("individual-rct", {"outcome": "n_unmet_months", "reporting": 0.8}),
    ("individual-rct", {"outcome": "n_ed_visits"}),
)
WORDS = {
    "fr": {"study": "étude",
           "truth": "vérité (moyenne)", "bias": "biais (± ET Monte Carlo)", "rmse": "RMSE",
           "coverage": "couverture IC 95 % (± ET)", "power": "puissance"},
    "en": {"study": "study",
           "truth": "truth (mean)", "bias": "bias (± MC SE)", "rmse": "RMSE",
           "coverage": "95% CI coverage (± SE)", "power": "power"},
}


def compute() -> list[dict]:
    """Replicate each study of ``STUDIES`` in this process (the runs are shared)."""
    from passerelle.evaluate.designs.replicate import replicate

    rows = []
    for design, options in STUDIES:
        result = replicate(design, REPLICATIONS, workers=1, sim_seed=1, **options)
        rows.append({**result.summary(), "options": options})
    return rows


def replications(cache: Path) -> list[dict]:
    """The cached replication summaries of this version of the model."""
    return cached(cache, KIND, compute)


def summary_table(language: str, rows: list[dict]) -> str:
    """The bias / coverage / power table in ``language``."""
    words = WORDS[language]
    header = [words[k] for k in ("study", "truth", "bias", "rmse", "coverage", "power")]
    body = [[" ".join([row["design"], *(f"{k}={v}" for k, v in row["options"].items())]),
             f"{row['mean_truth']:.3f}",
             f"{row['bias']:+.3f} ± {row['bias_mcse']:.3f}", f"{row['rmse']:.3f}",
             f"{100 * row['coverage']:.0f} % ± {100 * row['coverage_mcse']:.0f}",
             f"{100 * row['power']:.0f} %"] for row in rows]
    return table(header, body)
