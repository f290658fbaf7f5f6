"""Truth recovery: designs drawn from simulation runs, scored against the simulated truth.

Every check uses fixed seeds. Tolerances are derived from Monte Carlo standard errors
(MCSE) of the replications, never tuned until green.
"""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.evaluate.designs import (
    DESIGNS,
    analyse_naive,
    analyse_propensity,
    individual_rct,
    observational,
)
from passerelle.evaluate.designs import replicate as rows
from passerelle.evaluate.designs.replicate import replicate


def test_rct_interval_covers_the_truth_95_percent_of_the_time():
    # Randomisation inference: one pair of runs (sim_seed=1: 721 participants, both
    # potential outcomes known), the 1:1 assignment and the 10% MCAR attrition re-drawn
    # R = 1000 times. The MCSE of a coverage of 0.95 is sqrt(.95 * .05 / 1000) = 0.0069,
    # so 0.93-0.97 is +-2.9 MCSE. The HC1 (Neyman) variance overstates the variance of
    # the difference in means by Var(effect)/n for the cohort's mean effect: with an
    # effect SD of 0.78 against outcome SDs of about 2.7-3.2 need-months this raises the
    # SE by about 1%, i.e. coverage by a few tenths of a point: still inside the band.
    result = replicate("individual-rct", 1000, workers=1, sim_seed=1)
    summary = result.summary()
    assert 0.93 <= summary["coverage"] <= 0.97
    # Unbiased: the mean error is within 3 MCSE of zero.
    assert abs(summary["bias"]) < 3 * summary["bias_mcse"]
    assert result.table["truth"].nunique() == 1


def test_under_reported_outcome_attenuates_the_rct_towards_zero():
    # Measurement error: each unmet need-month is reported with probability 0.8 in both
    # arms (binomial thinning), so E[estimate] = 0.8 x truth (thinning is linear in the
    # counts). Over R = 1000 re-randomisations of one cohort the mean estimate has a
    # Monte Carlo SE of bias_mcse (about 0.006 need-months): it must lie within 4 MCSE of
    # 0.8 x truth, and the attenuation (0.2 x |truth|, about 0.04) is then 7 MCSE away
    # from the unbiased value, so the second check can fail if thinning did nothing.
    summary = replicate("individual-rct", 1000, workers=1, sim_seed=1,
                        reporting=0.8).summary()
    expected = 0.8 * summary["mean_truth"]
    assert abs(summary["mean_estimate"] - expected) < 4 * summary["bias_mcse"]
    assert abs(summary["mean_estimate"] - summary["mean_truth"]) > 4 * summary["bias_mcse"]


def test_stepped_wedge_mixed_model_unbiased_for_a_constant_effect():
    # Controlled check: the outcome is the run without facilitators (sim_seed=1) plus an
    # injected effect of -2 unmet need-months per 1,000 a month from each city's start;
    # the order of the nine cities is re-randomised R = 40 times. The Hussey-Hughes
    # estimate is linear in the outcome given the variance components, so its bias is the
    # mean estimate on the untreated series over random orders: zero in expectation.
    # We accept |bias| < 3 MCSE (MCSE of the bias = SD of the errors / sqrt(40)).
    summary = replicate("stepped-wedge", 40, workers=1, injected="constant",
                        sim_seed=1).summary()
    assert summary["mean_truth"] == pytest.approx(-2.0)
    assert abs(summary["bias"]) < 3 * summary["bias_mcse"]


def test_stepped_wedge_mixed_model_biased_when_the_effect_grows_with_exposure():
    # Same check with an effect growing linearly with exposure (-2 per 1,000 a month
    # after 12 months). The immediate-treatment model assumes a constant effect; with a
    # time-varying effect it is biased, typically towards zero and possibly beyond
    # (Kenny et al. 2022, Stat Med 41:4311; Maleyeff et al. 2023). We require a bias
    # towards zero larger than 5 MCSE and an estimate below half of the true mean.
    summary = replicate("stepped-wedge", 40, workers=1, injected="growing",
                        sim_seed=1).summary()
    assert summary["bias"] > 5 * summary["bias_mcse"]
    assert abs(summary["mean_estimate"]) < 0.5 * abs(summary["mean_truth"])


def test_naive_comparison_biased_as_selection_predicts_and_adjustment_reduces_it():
    # Facilitators target lapsed and vulnerable people and people with recent unmet
    # needs, who have more unmet need-months with or without support: comparing
    # participants with non-participants must overstate unmet needs among participants,
    # i.e. bias the effect upwards (towards harm). IPW on the baseline covariates (which
    # include the pre-period outcome) must remove part of that bias. Four seeds; the
    # naive bias must be positive on each, and the mean absolute IPW bias smaller than
    # the mean naive bias.
    naive, adjusted = [], []
    for seed in (1, 2, 3, 4):
        study = observational(seed)
        naive.append(analyse_naive(study).estimate - study.truth)
        adjusted.append(analyse_propensity(study).estimate - study.truth)
    assert min(naive) > 0
    assert np.mean(np.abs(adjusted)) < np.mean(naive)


def test_replications_identical_whatever_the_parallelism():
    rows._ROWS.clear()
    serial = replicate("did-staggered", seeds=[1, 2], workers=1)
    rows._ROWS.clear()  # the parallel run must draw its rows, not recall the serial ones
    parallel = replicate("did-staggered", seeds=[1, 2], workers=2)
    assert serial.table.equals(parallel.table)


def test_a_replication_drawn_once_is_recalled_not_simulated_again(monkeypatch):
    options = {"population": 2000, "months": 19, "opening": 12}
    rows._ROWS.clear()
    first = replicate("its", seeds=[1, 2], workers=1, **options)
    drawn, analysed = [], rows._analysed
    monkeypatch.setattr(rows, "_analysed", lambda *args: drawn.append(args) or analysed(*args))
    again = replicate("its", seeds=[2, 1], workers=1, **options)
    assert drawn == []
    assert again.table.set_index("seed").sort_index().equals(first.table.set_index("seed"))
    row = rows.one("its", 1, options)
    row["estimate"] = None  # a caller's change to its row does not reach the cache
    assert rows.one("its", 1, options)["estimate"] == first.table["estimate"].iloc[0]
    # Other options are another replication: drawn, not recalled.
    replicate("its", seeds=[1], workers=1, **{**options, "population": 3000})
    assert drawn == [("its", 1, {**options, "population": 3000})]


def test_study_data_and_truth():
    study = individual_rct(seed=3, sim_seed=1)
    assert study.design == "individual-rct"
    assert set(study.data["arm"]) == {0, 1}
    assert study.details["followed"] < study.details["cohort"]
    with pytest.raises(ValueError, match="attrition"):
        individual_rct(seed=1, attrition=1.0)
    with pytest.raises(ValueError, match="unknown design"):
        replicate("crossover", 2)
    with pytest.raises(ValueError, match="outcome"):
        DESIGNS["naive"].draw(1, outcome="happiness")


def test_evaluate_command_writes_a_report(tmp_path):
    result = CliRunner().invoke(app, ["evaluate", "its", "--replications", "2", "--population",
                                      "5000", "--months", "36", "--workers", "1", "--out",
                                      str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "its"
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["replications"] == 2
    assert (folder / "estimates.png").stat().st_size > 0
    assert len((folder / "replications.csv").read_text().splitlines()) == 3
