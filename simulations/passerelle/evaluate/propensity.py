"""Propensity-score estimators: logit scores, inverse probability weighting, matching."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from passerelle.evaluate.deferred import kd_tree, statsmodels_api
from passerelle.evaluate.estimate import Estimate, check_alpha, numeric_column, require_columns

ESTIMANDS = ("ATE", "ATT")
IPW_ERRORS = ("robust", "bootstrap")


def propensity_score(df: pd.DataFrame, treatment: str, covariates: Sequence[str]) -> pd.Series:
    """Probability of treatment given the covariates, from a logit fitted by statsmodels.

    ``treatment`` is a 0/1 column; ``covariates`` are numeric columns (an intercept is added).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit.
    treatment : str
        Column of the 0/1 treatment.
    covariates : sequence of str
        Numeric columns.

    Returns
    -------
    pandas.Series
        Probabilities 0-1, aligned with ``df``'s index.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> d = (rng.uniform(size=400) < 1 / (1 + np.exp(-x))).astype(int)
    >>> df = pd.DataFrame({"x": x, "d": d, "y": 1 + x + 2 * d + rng.normal(0, 0.5, 400)})
    >>> score = propensity_score(df, "d", ["x"])
    >>> bool(score.between(0, 1).all()), bool(score[df["x"] > 1].mean() > score.mean())
    (True, True)
    """
    d, x = _treatment_and_covariates(df, treatment, covariates)
    return pd.Series(_logit(d, x)[0], index=df.index, name="propensity_score")


def ipw(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str],
    estimand: str = "ATE",
    se: str = "robust",
    n_resamples: int = 500,
    seed: int = 0,
    alpha: float = 0.05,
) -> Estimate:
    """Inverse probability weighting with normalised (Hajek) weights.

    The estimand is the average treatment effect ("ATE": weights 1/e for the treated and
    1/(1-e) for the controls) or the average effect on the treated ("ATT": weight 1 for the
    treated and e/(1-e) for the controls), in outcome units, where e is the logit
    propensity score. Standard errors are either the M-estimation sandwich that accounts
    for the estimated score ("robust") or the bootstrap over rows ("bootstrap", ``n_resamples``
    draws with ``seed``, refitting the score each time).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit.
    outcome, treatment : str
        Columns of the outcome and of the 0/1 treatment.
    covariates : sequence of str
        Numeric columns of the propensity score's logit.
    estimand : {"ATE", "ATT"}
    se : {"robust", "bootstrap"}
    n_resamples : int
        Bootstrap draws when ``se="bootstrap"``.
    seed : int
        Seed of the bootstrap.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        In outcome units; ``details`` gives the range of the scores.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=2_000)
    >>> d = (rng.random(2_000) < 1 / (1 + np.exp(-x))).astype(int)
    >>> df = pd.DataFrame({"x": x, "d": d, "y": 2.0 * d + x + rng.normal(size=2_000)})
    >>> bool(abs(ipw(df, "y", "d", ["x"]).estimate - 2.0) < 0.3)
    True
    """
    check_alpha(alpha)
    if estimand not in ESTIMANDS:
        raise ValueError(f"estimand must be one of {ESTIMANDS}, got {estimand!r}")
    if se not in IPW_ERRORS:
        raise ValueError(f"se must be one of {IPW_ERRORS}, got {se!r}")
    require_columns(df, [outcome])
    y = numeric_column(df, outcome)
    d, x = _treatment_and_covariates(df, treatment, covariates)
    score, hessian_inverse = _logit(d, x)
    estimate, influence = _ipw_influence(y, d, x, score, hessian_inverse, estimand)
    if se == "robust":
        std_error = float(np.sqrt(np.mean(influence**2) / len(y)))
    else:
        std_error = _bootstrap(
            lambda rows: _ipw_point(y[rows], d[rows], x[rows], estimand), len(y), n_resamples, seed
        )
    return Estimate.normal(
        estimate,
        std_error,
        method=f"IPW {estimand} ({se} SE)",
        n_obs=len(y),
        alpha=alpha,
        details={"score_min": float(score.min()), "score_max": float(score.max())},
    )


def nn_match(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str],
    n_neighbors: int = 1,
    caliper: float | None = None,
    n_resamples: int = 500,
    seed: int = 0,
    alpha: float = 0.05,
) -> Estimate:
    """Nearest-neighbour matching on the propensity score, with replacement; the ATT.

    Each treated unit is compared with the mean outcome of its ``n_neighbors`` controls with
    the closest propensity score (controls may be reused). Treated units with no
    control within ``caliper`` (in propensity-score units) are dropped, which changes the
    estimand to the matched treated; their number is in ``details``. The estimand is the
    average effect on the treated, in outcome units. The standard error is a bootstrap over
    rows (``n_resamples`` draws with ``seed``, refitting the score; NaN if ``n_resamples`` is 0);
    it is only approximately valid for matching with a fixed number of neighbours (Abadie & Imbens
    2008, Econometrica).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit.
    outcome, treatment : str
        Columns of the outcome and of the 0/1 treatment.
    covariates : sequence of str
        Numeric columns of the propensity score.
    n_neighbors : int
        Controls matched to each treated unit.
    caliper : float, optional
        Largest distance in propensity score (0-1) to a match.
    n_resamples, seed : int
        Bootstrap draws (0: no standard error) and their seed.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        The ATT in outcome units.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> d = (rng.uniform(size=400) < 1 / (1 + np.exp(-x))).astype(int)
    >>> df = pd.DataFrame({"x": x, "d": d, "y": 1 + x + 2 * d + rng.normal(0, 0.5, 400)})
    >>> round(nn_match(df, "y", "d", ["x"], n_resamples=0).estimate, 1)
    2.1
    """
    check_alpha(alpha)
    if n_neighbors < 1:
        raise ValueError(f"n_neighbors must be >= 1, got {n_neighbors}")
    if caliper is not None and caliper <= 0:
        raise ValueError(f"caliper must be positive, got {caliper}")
    require_columns(df, [outcome])
    y = numeric_column(df, outcome)
    d, x = _treatment_and_covariates(df, treatment, covariates)
    if (d == 0).sum() < n_neighbors:
        raise ValueError(f"fewer control units than n_neighbors={n_neighbors}")

    def point(rows: np.ndarray) -> float:
        return _match(y[rows], d[rows], _logit(d[rows], x[rows])[0], n_neighbors, caliper)[0]

    estimate, n_unmatched, n_controls_used = _match(y, d, _logit(d, x)[0], n_neighbors, caliper)
    return Estimate.normal(
        estimate,
        _bootstrap(point, len(y), n_resamples, seed),
        method=f"propensity-score matching ATT ({n_neighbors}-NN, bootstrap SE)",
        n_obs=len(y),
        alpha=alpha,
        details={"n_unmatched_treated": n_unmatched, "n_controls_used": n_controls_used},
    )


def _treatment_and_covariates(
    df: pd.DataFrame, treatment: str, covariates: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    require_columns(df, [treatment, *covariates])
    d = numeric_column(df, treatment)
    if not np.isin(d, (0.0, 1.0)).all():
        raise ValueError(f"column {treatment!r} must be 0/1")
    if d.min() == d.max():
        raise ValueError(f"column {treatment!r} needs both treated and control rows")
    x = np.column_stack([np.ones(len(d))] + [numeric_column(df, c) for c in covariates])
    return d, x


def _logit(d: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fitted logit probabilities and the inverse of the mean information matrix."""
    fit = statsmodels_api().Logit(d, x).fit(disp=0)
    return fit.predict(x), np.asarray(fit.cov_params()) * len(d)


def _ipw_point(y: np.ndarray, d: np.ndarray, x: np.ndarray, estimand: str) -> float:
    score, hessian_inverse = _logit(d, x)
    return _ipw_influence(y, d, x, score, hessian_inverse, estimand)[0]


def _ipw_influence(
    y: np.ndarray,
    d: np.ndarray,
    x: np.ndarray,
    score: np.ndarray,
    hessian_inverse: np.ndarray,
    estimand: str,
) -> tuple[float, np.ndarray]:
    """Hajek IPW estimate and its influence function, including the logit's estimation.

    Each arm's mean m solves mean(w·(y - m)) = 0 with weights w(score); the influence
    function is (w·(y - m) + G'·IF_gamma) / mean(w), with G = mean(dw/dgamma·(y - m)) and
    IF_gamma the logit's influence function.
    """
    logit_influence = ((d - score)[:, None] * x) @ hessian_inverse
    odds = score / (1 - score)
    if estimand == "ATE":
        arms = [
            (d / score, -(d / score * (1 - score))[:, None] * x),
            ((1 - d) / (1 - score), ((1 - d) * odds)[:, None] * x),
        ]
    else:
        arms = [(d, np.zeros_like(x)), ((1 - d) * odds, ((1 - d) * odds)[:, None] * x)]
    means, influences = [], []
    for weight, weight_gradient in arms:
        mean = np.sum(weight * y) / np.sum(weight)
        gradient = np.mean(weight_gradient * (y - mean)[:, None], axis=0)
        influences.append((weight * (y - mean) + logit_influence @ gradient) / np.mean(weight))
        means.append(mean)
    return float(means[0] - means[1]), influences[0] - influences[1]


def _match(
    y: np.ndarray, d: np.ndarray, score: np.ndarray, n_neighbors: int, caliper: float | None
) -> tuple[float, int, int]:
    """ATT by nearest-neighbour matching with replacement on the score.

    Returns the estimate, the number of treated units left unmatched by the caliper and the
    number of distinct controls used.
    """
    treated, controls = np.flatnonzero(d == 1), np.flatnonzero(d == 0)
    distance, nearest = kd_tree()(score[controls, None]).query(score[treated, None], k=n_neighbors)
    distance = distance.reshape(len(treated), n_neighbors)
    nearest = nearest.reshape(len(treated), n_neighbors)
    matched = np.ones(len(treated), dtype=bool)
    if caliper is not None:
        matched = distance.max(axis=1) <= caliper
    if not matched.any():
        raise ValueError("no treated unit has controls within the caliper")
    counterfactual = y[controls][nearest[matched]].mean(axis=1)
    estimate = float(np.mean(y[treated][matched] - counterfactual))
    return estimate, int((~matched).sum()), len(np.unique(nearest[matched]))


def _bootstrap(
    statistic: Callable[[np.ndarray], float], n: int, n_resamples: int, seed: int
) -> float:
    """Standard deviation of ``statistic`` over ``n_resamples`` resamples of the n rows
    (NaN if 0)."""
    if n_resamples == 0:
        return float("nan")
    if n_resamples < 2:
        raise ValueError(f"n_resamples must be 0 (no standard error) or >= 2, got {n_resamples}")
    rng = np.random.default_rng(seed)
    draws = [statistic(rng.integers(0, n, n)) for _ in range(n_resamples)]
    return float(np.std(draws, ddof=1))
