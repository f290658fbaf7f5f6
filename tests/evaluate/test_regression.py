"""Regression estimators on simulated data with a known effect and a known sampling SE."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from passerelle.evaluate import Estimate, gee, mixed, ols, segmented


def test_ols_without_covariates_is_the_difference_in_means() -> None:
    """Exact identities: the coefficient is the mean difference; HC1 is the Welch-type SE.

    HC0 for a two-group mean difference is sqrt(v1/n1 + v0/n0) with v the within-group
    variances divided by n; HC1 multiplies the variance by n/(n-2).
    """
    rng = np.random.default_rng(0)
    d = np.repeat([0, 1], [30, 20])
    y = rng.normal(0, 1 + d, 50) + 0.7 * d
    result = ols(pd.DataFrame({"y": y, "d": d}), "y", "d")
    treated, control = y[d == 1], y[d == 0]
    assert result.estimate == pytest.approx(treated.mean() - control.mean(), abs=1e-12)
    hc0 = np.sqrt(treated.var() / 20 + control.var() / 30)
    assert result.std_error == pytest.approx(hc0 * np.sqrt(50 / 48), rel=1e-10)
    assert result.n_obs == 50


def test_ols_recovers_a_known_effect() -> None:
    """y = 1 + 2·d + 0.5·x + e, e ~ N(0, 1), d ~ Bernoulli(0.5) independent of x.

    The sampling SE of the treatment coefficient is sigma/sqrt(n·p·(1-p)) = 1/sqrt(500) =
    0.0447; the estimate must be within 4 such SEs. The HC1 SE estimates it with a
    relative SD of about 1/sqrt(2n) = 1.6%, so it must be within 10%.
    """
    rng = np.random.default_rng(1)
    n = 2000
    df = pd.DataFrame({"d": rng.integers(0, 2, n), "x": rng.normal(size=n)})
    df["region"] = np.where(rng.random(n) < 0.5, "north", "south")
    df["y"] = 1 + 2 * df["d"] + 0.5 * df["x"] + rng.normal(size=n)
    sampling_se = 1 / np.sqrt(n * 0.25)
    result = ols(df, "y", "d", covariates=["x", "region"])
    assert result.estimate == pytest.approx(2.0, abs=4 * sampling_se)
    assert result.std_error == pytest.approx(sampling_se, rel=0.10)
    assert result.conf_int[0] < 2.0 < result.conf_int[1]
    assert result.details["coefficients"].loc["x", "coef"] == pytest.approx(0.5, abs=0.1)
    assert "region_south" in result.details["coefficients"].index


def test_cluster_robust_errors_reflect_the_design() -> None:
    """Treatment assigned to 30 of 60 clusters of 20, cluster effect SD 0.5, noise SD 1.

    The sampling SE of the mean difference is sqrt((0.5^2 + 1/20)·(1/30 + 1/30)) = 0.141.
    The cluster-robust SE has a relative SD of about 1/sqrt(2·59) = 9%, so it must be
    within 30% of 0.141; the HC1 SE ignores the clustering and is about
    sqrt(1.25/300) = 0.065, less than 60% of it.
    """
    rng = np.random.default_rng(2)
    clusters, size = 60, 20
    cluster = np.repeat(np.arange(clusters), size)
    treated = (rng.permutation(clusters) < clusters // 2).astype(int)
    df = pd.DataFrame({"cluster": cluster, "d": treated[cluster]})
    df["y"] = 1.5 * df["d"] + rng.normal(0, 0.5, clusters)[cluster] + rng.normal(0, 1, len(df))
    sampling_se = np.sqrt((0.25 + 1 / size) * (2 / 30))
    clustered = ols(df, "y", "d", cluster="cluster")
    assert clustered.estimate == pytest.approx(1.5, abs=4 * sampling_se)
    assert clustered.std_error == pytest.approx(sampling_se, rel=0.30)
    assert clustered.details["n_clusters"] == clusters
    assert ols(df, "y", "d").std_error < 0.6 * clustered.std_error


STEPS = 4
CLUSTERS, PERIODS, PER_CELL = 12, 5, 20
CLUSTER_SD, NOISE_SD, EFFECT = 0.5, 1.0, 1.0


def stepped_wedge(seed: int) -> pd.DataFrame:
    """12 clusters cross over in 4 steps of 3 (periods 1-4), 20 people per cluster-period."""
    rng = np.random.default_rng(seed)
    cluster = np.repeat(np.arange(CLUSTERS), PERIODS * PER_CELL)
    period = np.tile(np.repeat(np.arange(PERIODS), PER_CELL), CLUSTERS)
    treat = (period >= 1 + cluster % STEPS).astype(int)
    u = rng.normal(0, CLUSTER_SD, CLUSTERS)[cluster]
    y = 0.2 * period + EFFECT * treat + u + rng.normal(0, NOISE_SD, len(cluster))
    return pd.DataFrame({"cluster": cluster, "period": period, "treat": treat, "y": y})


def hussey_hughes_se() -> float:
    """Var(theta) of Hussey & Hughes (2007, eq. 8) for the design of `stepped_wedge`.

    With I clusters, T periods, X the cluster x period treatment matrix, U = sum X,
    W = sum_t (sum_i X)^2, V = sum_i (sum_t X)^2, sigma2 the variance of a cluster-period
    mean and tau2 the cluster variance:
    I·sigma2·(sigma2 + T·tau2) / ((I·U - W)·sigma2 + (U^2 + I·T·U - T·W - I·V)·tau2).
    """
    x = np.array([[int(t >= 1 + i % STEPS) for t in range(PERIODS)] for i in range(CLUSTERS)])
    u, w, v = x.sum(), (x.sum(axis=0) ** 2).sum(), (x.sum(axis=1) ** 2).sum()
    i, t = CLUSTERS, PERIODS
    sigma2, tau2 = NOISE_SD**2 / PER_CELL, CLUSTER_SD**2
    variance = (
        i
        * sigma2
        * (sigma2 + t * tau2)
        / ((i * u - w) * sigma2 + (u**2 + i * t * u - t * w - i * v) * tau2)
    )
    return float(np.sqrt(variance))


def test_mixed_model_matches_hussey_hughes() -> None:
    """The SE is 0.104 by the formula (a 200-dataset simulation gives an SD of 0.104).

    Over those 200 datasets the model-based SE stayed within 0.94-1.05 times the formula,
    so we allow 10%; the estimate must be within 4 formula SEs of the true effect.
    """
    se = hussey_hughes_se()
    assert se == pytest.approx(0.104, abs=0.001)
    result = mixed(stepped_wedge(3), "y", "treat", "cluster", "period")
    assert result.estimate == pytest.approx(EFFECT, abs=4 * se)
    assert result.std_error == pytest.approx(se, rel=0.10)
    # Residual variance: about 1140 degrees of freedom, relative SD sqrt(2/1140) = 4%.
    assert result.details["residual_variance"] == pytest.approx(NOISE_SD**2, rel=0.15)
    # Cluster variance: roughly 0.25·chi2(11)/11, whose 0.1% and 99.9% quantiles are
    # 0.18 and 2.86 times 0.25.
    assert 0.18 * CLUSTER_SD**2 < result.details["cluster_variance"] < 2.86 * CLUSTER_SD**2
    assert result.n_obs == CLUSTERS * PERIODS * PER_CELL


def test_gee_on_a_stepped_wedge_trial() -> None:
    """Same design: the GEE estimate has the same sampling SD (0.105 in the simulation).

    The sandwich SE is noisy with 12 clusters; the Mancl-DeRouen correction inflates it.
    """
    df = stepped_wedge(3)
    robust = gee(df, "y", "treat", "cluster", "period")
    corrected = gee(df, "y", "treat", "cluster", "period", cov_type="bias_reduced")
    assert robust.estimate == pytest.approx(EFFECT, abs=4 * hussey_hughes_se())
    assert corrected.estimate == pytest.approx(robust.estimate, abs=1e-12)
    assert corrected.std_error > robust.std_error
    assert robust.details["n_clusters"] == CLUSTERS


def test_gee_binomial_recovers_a_log_odds_ratio() -> None:
    """logit P(y=1) = -0.5 + 0.2·period + 0.8·treat, independent outcomes, 40 clusters.

    The sampling SE of the log odds ratio is the Fisher-information SE at the true
    parameters, computed below; the estimate must be within 4 of them. The model-based
    ("naive") SE only depends on the fitted probabilities, so it must be within 10%; the
    sandwich SE has a relative SD of about 1/sqrt(2·40) = 11%, so it must be within 35%.
    """
    rng = np.random.default_rng(4)
    clusters, periods, size = 40, 5, 12
    cluster = np.repeat(np.arange(clusters), periods * size)
    period = np.tile(np.repeat(np.arange(periods), size), clusters)
    treat = (period >= 1 + cluster % 4).astype(int)
    design = np.column_stack([np.ones(len(period)), treat, np.eye(periods)[period][:, 1:]])
    linear = -0.5 + 0.8 * treat + 0.2 * period
    p = 1 / (1 + np.exp(-linear))
    information = design.T @ (design * (p * (1 - p))[:, None])
    sampling_se = np.sqrt(np.linalg.inv(information)[1, 1])
    df = pd.DataFrame(
        {"cluster": cluster, "period": period, "treat": treat, "y": rng.random(len(p)) < p}
    )
    result = gee(df, "y", "treat", "cluster", "period", family="binomial")
    naive = gee(df, "y", "treat", "cluster", "period", family="binomial", cov_type="naive")
    assert result.estimate == pytest.approx(0.8, abs=4 * sampling_se)
    assert naive.std_error == pytest.approx(sampling_se, rel=0.10)
    assert result.std_error == pytest.approx(sampling_se, rel=0.35)
    assert result.details["odds_ratio"] == pytest.approx(np.exp(result.estimate))


def its_design(n: int = 120, start: int = 60) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(n, dtype=float)
    post = (t >= start).astype(float)
    return t, np.column_stack([np.ones(n), t, post, (t - start) * post])


def test_segmented_regression_is_exact_without_noise() -> None:
    t, design = its_design()
    y = design @ np.array([10.0, 0.1, 5.0, 0.3])
    result = segmented(pd.DataFrame({"t": t[::-1], "y": y[::-1]}), "y", "t", 60)
    assert result.estimate == pytest.approx(5.0, abs=1e-9)
    assert result.details["slope_change"] == pytest.approx(0.3, abs=1e-9)
    assert result.details["pre_slope"] == pytest.approx(0.1, abs=1e-9)


def test_segmented_regression_with_autocorrelated_errors() -> None:
    """AR(1) errors, rho = 0.5, innovation SD 1, 120 periods, change at t = 60.

    The exact sampling covariance of OLS is (X'X)^-1 X' S X (X'X)^-1 with S the AR(1)
    covariance; the estimates must be within 4 exact SEs. Newey-West errors with the
    default 4 lags are biased down here: over 1000 simulated series the ratio of the HAC
    SE to the exact SE ranged from 0.41 to 1.31 (0.1% and 99.9% quantiles), hence the band.
    """
    rho = 0.5
    t, design = its_design()
    covariance = rho ** np.abs(np.subtract.outer(t, t)) / (1 - rho**2)
    bread = np.linalg.inv(design.T @ design)
    exact_se = np.sqrt(np.diag(bread @ design.T @ covariance @ design @ bread))
    rng = np.random.default_rng(5)
    errors = np.empty(len(t))
    errors[0] = rng.normal() / np.sqrt(1 - rho**2)
    for k in range(1, len(t)):
        errors[k] = rho * errors[k - 1] + rng.normal()
    y = design @ np.array([10.0, 0.1, 5.0, 0.3]) + errors
    result = segmented(pd.DataFrame({"t": t, "y": y}), "y", "t", 60)
    assert result.details["hac_lags"] == 4
    assert result.estimate == pytest.approx(5.0, abs=4 * exact_se[2])
    assert result.details["slope_change"] == pytest.approx(0.3, abs=4 * exact_se[3])
    assert 0.4 < result.std_error / exact_se[2] < 1.4
    assert 0.4 < result.details["slope_change_se"] / exact_se[3] < 1.4


def test_errors_name_the_problem() -> None:
    df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0], "d": [0, 1, 0, 1], "g": [1, 1, 2, 2]})
    with pytest.raises(ValueError, match="'x'"):
        ols(df, "y", "d", covariates=["x"])
    with pytest.raises(ValueError, match="family"):
        gee(df, "y", "d", "g", family="poisson")
    with pytest.raises(ValueError, match="duplicates"):
        segmented(pd.DataFrame({"t": [1, 1, 2, 3, 4], "y": [1, 2, 3, 4, 5]}), "y", "t", 3)
    with pytest.raises(ValueError, match="numeric"):
        ols(df.assign(y=["a", "b", "c", "d"]), "y", "d")


def test_estimate_summary_and_confidence_level() -> None:
    """Normal interval: 1 ± 1.959964·0.5 at 95%, 1 ± 1.644854·0.5 at 90%."""
    result = Estimate.normal(1.0, 0.5, method="toy", n_obs=10)
    assert result.conf_int == pytest.approx((1 - 0.979982, 1 + 0.979982), abs=1e-6)
    assert str(result) == "toy: 1 (SE 0.5; 95% CI 0.02002 to 1.98; p = 0.0455; n = 10)"
    assert result.pvalue == pytest.approx(2 * stats.norm.sf(2.0), rel=1e-12)
    ninety = Estimate.normal(1.0, 0.5, method="toy", n_obs=10, alpha=0.10)
    assert ninety.conf_int[1] == pytest.approx(1 + 0.822427, abs=1e-6)
    assert "90% CI" in ninety.summary()
    with pytest.raises(ValueError, match="alpha"):
        ols(pd.DataFrame({"y": [1.0, 2.0], "d": [0, 1]}), "y", "d", alpha=1.5)


def test_estimate_keeps_the_fitted_model_and_its_pvalue() -> None:
    """The p-value of a fitted regression is the model's own (t distribution for classical
    OLS), and the model stays reachable for its full table."""
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"d": np.repeat([0, 1], 15)})
    df["y"] = 0.8 * df["d"] + rng.normal(0, 1, len(df))
    result = ols(df, "y", "d", robust=False)
    assert result.term == "d"
    assert result.pvalue == pytest.approx(float(result.model.pvalues["d"]), rel=1e-12)
    t = result.estimate / result.std_error
    assert result.pvalue == pytest.approx(2 * stats.t.sf(abs(t), len(df) - 2), rel=1e-9)
    assert "d" in result.model.summary().as_text()
