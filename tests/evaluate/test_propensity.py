"""Propensity-score estimators on simulated data with confounding and known effects.

Design (n = 2000): x ~ N(0, 1); P(d = 1 | x) = logistic(-0.3 + x);
y = 1 + (2 + x)·d + 3·x + e, e ~ N(0, 1). Then ATE = 2 and ATT = 2 + E[x | d = 1] =
2.4651 (numerical integration below). The naive difference in means has expectation
2 + E[x | d=1] + 3·(E[x | d=1] - E[x | d=0]) = 4.949: biased by about 3.
The Monte Carlo SDs of the estimators over 500 simulated data sets were 0.121 (IPW ATE),
0.138 (IPW ATT), 0.081 (1-NN matching ATT) and 0.151 (naive difference).
"""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from passerelle.evaluate import ipw, nn_match, ols, propensity_score

N = 2000
MC_SD = {"ate": 0.121, "att": 0.138, "match": 0.081, "naive": 0.151}


def simulate(seed: int, n: int = N, confounding: float = 1.0) -> pd.DataFrame:
    """The design above; `confounding` is the coefficient of x in the treatment logit."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    d = (rng.random(n) < 1 / (1 + np.exp(0.3 - confounding * x))).astype(int)
    y = 1 + (2 + x) * d + 3 * x + rng.normal(size=n)
    return pd.DataFrame({"y": y, "d": d, "x": x})


def conditional_means() -> tuple[float, float]:
    """E[x | d = 1] and E[x | d = 0] by numerical integration."""
    score = lambda v: 1 / (1 + np.exp(0.3 - v))  # noqa: E731
    share = integrate.quad(lambda v: stats.norm.pdf(v) * score(v), -12, 12)[0]
    first_moment = integrate.quad(lambda v: v * stats.norm.pdf(v) * score(v), -12, 12)[0]
    return first_moment / share, -first_moment / (1 - share)


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return simulate(2024)


def test_truth_of_the_design() -> None:
    treated, control = conditional_means()
    assert 2 + treated == pytest.approx(2.4651, abs=1e-4)
    assert 2 + treated + 3 * (treated - control) == pytest.approx(4.9489, abs=1e-4)


def test_naive_difference_is_biased_and_weighting_removes_the_bias(data: pd.DataFrame) -> None:
    """Every estimate must be within 4 Monte Carlo SDs of its estimand; the naive one is
    more than 10 of its SDs (about 1.5) away from both the ATE and the ATT."""
    att = 2 + conditional_means()[0]
    naive = ols(data, "y", "d").estimate
    assert naive - 2.0 > 10 * MC_SD["naive"]
    assert naive - att > 10 * MC_SD["naive"]
    ate_ipw = ipw(data, "y", "d", ["x"], estimand="ATE")
    att_ipw = ipw(data, "y", "d", ["x"], estimand="ATT")
    matched = nn_match(data, "y", "d", ["x"], n_resamples=200, seed=1)
    assert ate_ipw.estimate == pytest.approx(2.0, abs=4 * MC_SD["ate"])
    assert att_ipw.estimate == pytest.approx(att, abs=4 * MC_SD["att"])
    assert matched.estimate == pytest.approx(att, abs=4 * MC_SD["match"])
    for estimate in (att_ipw, matched):
        assert abs(estimate.estimate - att) < abs(naive - att) / 5
    # The bootstrap SE of matching is a noisy (and, for matching, only approximately
    # valid) estimate of the sampling SD: allow 30%.
    assert matched.std_error == pytest.approx(MC_SD["match"], rel=0.30)
    assert matched.details["n_unmatched_treated"] == 0


@pytest.mark.parametrize("estimand", ["ATE", "ATT"])
def test_sandwich_standard_error_is_calibrated(estimand: str) -> None:
    """Over 400 simulated data sets (n = 1000, milder confounding with coefficient 0.5 so
    the weights stay moderate) the mean sandwich SE must match the SD of the estimates.

    The estimates have a kurtosis of about 3.2, so the SD over R = 400 data sets has a
    relative Monte Carlo error of sqrt((3.2 - 1)/(4·400)) = 3.7%: we allow 3 of them, 11%.
    """
    results = [
        ipw(simulate(seed, 1000, confounding=0.5), "y", "d", ["x"], estimand=estimand)
        for seed in range(400)
    ]
    estimates = np.array([r.estimate for r in results])
    errors = np.array([r.std_error for r in results])
    assert errors.mean() == pytest.approx(estimates.std(ddof=1), rel=0.11)


def test_bootstrap_and_sandwich_agree(data: pd.DataFrame) -> None:
    """The bootstrap SE (200 draws: 5% Monte Carlo error) must be within 25% of the sandwich."""
    robust = ipw(data, "y", "d", ["x"], estimand="ATT")
    boot = ipw(data, "y", "d", ["x"], estimand="ATT", se="bootstrap", n_resamples=200, seed=3)
    assert boot.estimate == robust.estimate
    assert boot.std_error == pytest.approx(robust.std_error, rel=0.25)
    again = ipw(data, "y", "d", ["x"], estimand="ATT", se="bootstrap", n_resamples=200, seed=3)
    assert again.std_error == boot.std_error


def test_without_covariates_weighting_is_the_difference_in_means() -> None:
    """An intercept-only score is constant, so both IPW estimands are the mean difference,
    and the sandwich SE is the unpooled two-sample SE with variances divided by n."""
    df = pd.DataFrame({"y": [1.0, 3.0, 2.0, 6.0, 4.0, 8.0], "d": [0, 0, 0, 1, 1, 1]})
    # Treated mean 6, control mean 2; within-group variances (divided by 3) 8/3 and 2/3.
    expected_se = np.sqrt((8 / 3) / 3 + (2 / 3) / 3)
    for estimand in ("ATE", "ATT"):
        result = ipw(df, "y", "d", [], estimand=estimand)
        assert result.estimate == pytest.approx(4.0, abs=1e-12)
        assert result.std_error == pytest.approx(expected_se, rel=1e-6)


def test_matching_by_hand() -> None:
    """Each treated unit has a control with the same x, hence the same score, as nearest
    neighbour: treated (x, y) = (1, 13), (3, 31), (4, 47) match controls with y = 10, 30,
    40, so the ATT is (3 + 1 + 7) / 3 = 11/3."""
    df = pd.DataFrame(
        {
            "x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 1.0, 3.0, 4.0],
            "y": [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 13.0, 31.0, 47.0],
            "d": [0, 0, 0, 0, 0, 0, 1, 1, 1],
        }
    )
    result = nn_match(df, "y", "d", ["x"], n_resamples=0)
    assert result.estimate == pytest.approx(11 / 3, abs=1e-12)
    assert result.details["n_controls_used"] == 3
    assert np.isnan(result.std_error)


def test_propensity_score_is_close_to_the_truth(data: pd.DataFrame) -> None:
    """A correctly specified logit with n = 2000: mean absolute error well under 0.02."""
    score = propensity_score(data, "d", ["x"])
    truth = 1 / (1 + np.exp(0.3 - data["x"]))
    assert score.index.equals(data.index)
    assert np.mean(np.abs(score - truth)) < 0.02


def test_errors_name_the_problem(data: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="0/1"):
        ipw(data.assign(d=data["d"] * 2), "y", "d", ["x"])
    with pytest.raises(ValueError, match="estimand"):
        ipw(data, "y", "d", ["x"], estimand="ATC")
    with pytest.raises(ValueError, match="'z'"):
        nn_match(data, "y", "d", ["z"])
    with pytest.raises(ValueError, match="caliper"):
        nn_match(data, "y", "d", ["x"], caliper=1e-12, n_resamples=2)
