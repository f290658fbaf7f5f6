"""Regression estimators: OLS, stepped-wedge GEE and mixed models, interrupted time series."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from passerelle.evaluate.deferred import statsmodels_api
from passerelle.evaluate.estimate import Estimate, check_alpha, numeric_column, require_columns

# The GEE families: the name a caller gives, the class of statsmodels.genmod.families.
FAMILIES = {"gaussian": "Gaussian", "binomial": "Binomial"}
GEE_COVARIANCES = ("robust", "bias_reduced", "naive")


def ols(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    covariates: Sequence[str] = (),
    cluster: str | None = None,
    robust: bool = True,
    alpha: float = 0.05,
) -> Estimate:
    """Ordinary least squares; the estimate is the coefficient on ``treatment``.

    With a 0/1 treatment this is the (covariate-adjusted) mean difference in outcome units.
    Non-numeric covariates enter as dummies. Standard errors are cluster-robust by ``cluster``
    if given, else HC1 heteroskedasticity-robust if ``robust``, else classical.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per observation.
    outcome, treatment : str
        Columns of the outcome and of the 0/1 (or numeric) treatment.
    covariates : sequence of str
        Columns adjusted for.
    cluster : str, optional
        Column of the clusters for cluster-robust errors.
    robust : bool
        HC1 errors when there is no cluster (classical errors otherwise).
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        The coefficient on ``treatment``, with the fitted model (``model``, ``pvalue``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 3.0, 5.0, 6.0, 7.0], "d": [0, 0, 0, 1, 1, 1]})
    >>> round(ols(df, "y", "d").estimate, 6)
    4.0
    """
    check_alpha(alpha)
    require_columns(df, [outcome, treatment, *covariates, cluster])
    exog = _design(df, treatment, covariates)
    model = statsmodels_api().OLS(numeric_column(df, outcome), exog)
    if cluster is not None:
        groups = _codes(df, cluster)
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups})
        label, extra = "cluster-robust", {"n_clusters": int(groups.max() + 1)}
    elif robust:
        fit, label, extra = model.fit(cov_type="HC1"), "HC1", {}
    else:
        fit, label, extra = model.fit(), "classical", {}
    return _from_fit(fit, treatment, f"OLS ({label} SE)", alpha, extra)


def gee(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    cluster: str,
    time: str | None = None,
    family: str = "gaussian",
    covariates: Sequence[str] = (),
    cov_type: str = "robust",
    alpha: float = 0.05,
) -> Estimate:
    """Generalised estimating equations with an exchangeable working correlation.

    For cluster-randomised and stepped-wedge designs: one row per individual, ``cluster``
    the randomisation unit, ``time`` (if given) entered as period fixed effects. The estimate
    is the coefficient on ``treatment``: a mean difference in outcome units for the gaussian
    family, a log odds ratio for the binomial family (0/1 outcome; the odds ratio is in
    ``details``). This is a population-averaged effect. Standard errors are the sandwich
    ("robust"), its Mancl-DeRouen small-sample correction ("bias_reduced", advisable with
    fewer than about 40 clusters) or model-based ("naive").

    Parameters
    ----------
    df : pandas.DataFrame
        One row per individual.
    outcome, treatment, cluster : str
        Columns: the outcome, the 0/1 treatment, the randomisation unit.
    time : str, optional
        Column of the period, entered as fixed effects.
    family : {"gaussian", "binomial"}
        A mean difference, or a log odds ratio for a 0/1 outcome.
    covariates : sequence of str
        Columns adjusted for.
    cov_type : {"robust", "bias_reduced", "naive"}
        The standard error.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        The coefficient on ``treatment``; ``details`` has the working correlation and the
        number of clusters.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> cluster = np.repeat(np.arange(8), 25)
    >>> period = np.tile(np.repeat([0, 1], [12, 13]), 8)
    >>> d = ((cluster % 2 == 1) & (period == 1)).astype(int)
    >>> y = (1 + 2 * d + 0.5 * period + rng.normal(0, 0.3, 8)[cluster]
    ...      + rng.normal(0, 1, cluster.size))
    >>> df = pd.DataFrame({"y": y, "d": d, "cluster": cluster, "period": period})
    >>> round(gee(df, "y", "d", "cluster", time="period").estimate, 1)
    1.9
    """
    check_alpha(alpha)
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {tuple(FAMILIES)}, got {family!r}")
    if cov_type not in GEE_COVARIANCES:
        raise ValueError(f"cov_type must be one of {GEE_COVARIANCES}, got {cov_type!r}")
    require_columns(df, [outcome, treatment, cluster, time, *covariates])
    exog = _design(df, treatment, [*covariates, *([time] if time else [])], categorical=time)
    groups = _codes(df, cluster)
    sm = statsmodels_api()
    model = sm.GEE(
        numeric_column(df, outcome),
        exog,
        groups=groups,
        family=getattr(sm.families, FAMILIES[family])(),
        cov_struct=sm.cov_struct.Exchangeable(),
    )
    fit = model.fit(cov_type=cov_type)
    details = {
        "working_correlation": float(fit.cov_struct.dep_params),
        "n_clusters": int(groups.max() + 1),
    }
    if family == "binomial":
        details["odds_ratio"] = float(np.exp(fit.params[treatment]))
    effect = "log odds ratio" if family == "binomial" else "mean difference"
    return _from_fit(fit, treatment, f"GEE ({family}, exchangeable, {effect})", alpha, details)


def mixed(
    df: pd.DataFrame,
    outcome: str,
    treatment: str,
    cluster: str,
    time: str,
    covariates: Sequence[str] = (),
    alpha: float = 0.05,
) -> Estimate:
    """Linear mixed model of Hussey & Hughes (2007) for stepped-wedge trials.

    Fixed period effects, a random intercept per ``cluster`` and the ``treatment`` indicator,
    fitted by REML. The estimate is the treatment coefficient (a mean difference in outcome
    units, conditional on cluster) with its model-based standard error; ``details`` gives the
    cluster and residual variances and the intra-cluster correlation.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per individual.
    outcome, treatment, cluster, time : str
        Columns: the outcome, the 0/1 treatment, the cluster and the period.
    covariates : sequence of str
        Columns adjusted for.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        The treatment coefficient, conditional on cluster.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> cluster = np.repeat(np.arange(8), 25)
    >>> period = np.tile(np.repeat([0, 1], [12, 13]), 8)
    >>> d = ((cluster % 2 == 1) & (period == 1)).astype(int)
    >>> y = (1 + 2 * d + 0.5 * period + rng.normal(0, 0.3, 8)[cluster]
    ...      + rng.normal(0, 1, cluster.size))
    >>> df = pd.DataFrame({"y": y, "d": d, "cluster": cluster, "period": period})
    >>> round(mixed(df, "y", "d", "cluster", "period").estimate, 1)
    1.8
    """
    check_alpha(alpha)
    require_columns(df, [outcome, treatment, cluster, time, *covariates])
    exog = _design(df, treatment, [*covariates, time], categorical=time)
    model = statsmodels_api().MixedLM(numeric_column(df, outcome), exog, groups=_codes(df, cluster))
    fit = model.fit(reml=True)
    cluster_var = float(fit.cov_re.iloc[0, 0])
    residual_var = float(fit.scale)
    details = {
        "cluster_variance": cluster_var,
        "residual_variance": residual_var,
        "icc": cluster_var / (cluster_var + residual_var),
        "converged": bool(fit.converged),
    }
    return _from_fit(fit, treatment, "linear mixed model (Hussey-Hughes)", alpha, details)


def segmented(
    df: pd.DataFrame,
    outcome: str,
    time: str,
    intervention_time: float,
    hac_lags: int | None = None,
    alpha: float = 0.05,
) -> Estimate:
    """Segmented regression for an interrupted time series, Newey-West (HAC) errors.

    Fits outcome = b0 + b1·time + b2·post + b3·(time - intervention_time)·post on one
    series (one row per period, numeric ``time``), where post = time >= intervention_time.
    The estimate is the level change b2 at ``intervention_time`` (outcome units); the slope
    change b3 (outcome units per time unit) and the pre-intervention slope are in
    ``details``. ``hac_lags`` defaults to floor(4·(n/100)^(2/9)).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per period.
    outcome, time : str
        Columns of the series and of the numeric period.
    intervention_time : float
        The first period under the intervention, on the scale of ``time``.
    hac_lags : int, optional
        Lags of the Newey-West errors.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        The level change at ``intervention_time``, in outcome units.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(24.0)
    >>> series = pd.DataFrame({"month": t, "visits": 10 + 0.2 * t + 5 * (t >= 12)
    ...                        + np.sin(t) / 10})
    >>> estimate = segmented(series, "visits", "month", intervention_time=12)
    >>> round(estimate.estimate, 1), round(estimate.details["pre_slope"], 1)
    (5.1, 0.2)
    """
    check_alpha(alpha)
    require_columns(df, [outcome, time])
    t = numeric_column(df, time)
    if len(np.unique(t)) != len(t):
        raise ValueError(f"column {time!r} must hold one row per period (duplicates found)")
    order = np.argsort(t)
    t = t[order]
    y = numeric_column(df, outcome)[order]
    post = (t >= intervention_time).astype(float)
    if post.sum() < 2 or (1 - post).sum() < 2:
        raise ValueError("need at least two periods before and two from intervention_time on")
    if hac_lags is None:
        hac_lags = int(np.floor(4 * (len(t) / 100) ** (2 / 9)))
    if hac_lags < 0:
        raise ValueError(f"hac_lags must be >= 0, got {hac_lags}")
    exog = pd.DataFrame(
        {
            "const": 1.0,
            "time": t,
            "level_change": post,
            "slope_change": (t - intervention_time) * post,
        }
    )
    fit = statsmodels_api().OLS(y, exog).fit(cov_type="HAC", cov_kwds={"maxlags": hac_lags})
    low, high = fit.conf_int(alpha).loc["slope_change"]
    details = {
        "slope_change": float(fit.params["slope_change"]),
        "slope_change_se": float(fit.bse["slope_change"]),
        "slope_change_conf_int": (float(low), float(high)),
        "pre_slope": float(fit.params["time"]),
        "hac_lags": hac_lags,
    }
    return _from_fit(fit, "level_change", "segmented regression (HAC SE)", alpha, details)


def _design(
    df: pd.DataFrame,
    treatment: str,
    covariates: Sequence[str],
    categorical: str | None = None,
) -> pd.DataFrame:
    """Intercept, treatment and covariates; non-numeric or ``categorical`` ones as dummies."""
    columns = {"const": np.ones(len(df)), treatment: numeric_column(df, treatment)}
    exog = pd.DataFrame(columns, index=df.index)
    for name in covariates:
        values = df[name]
        if values.isna().any():
            raise ValueError(f"column {name!r} must not have missing values")
        if name == categorical or not pd.api.types.is_numeric_dtype(values):
            dummies = pd.get_dummies(values, prefix=name, drop_first=True, dtype=float)
            exog = pd.concat([exog, dummies], axis=1)
        else:
            exog[name] = values.astype(float)
    return exog


def _codes(df: pd.DataFrame, column: str) -> np.ndarray:
    if df[column].isna().any():
        raise ValueError(f"column {column!r} must not have missing values")
    return pd.factorize(df[column])[0]


def _from_fit(fit, name: str, method: str, alpha: float, details: dict) -> Estimate:
    """An Estimate for coefficient ``name`` of a statsmodels result."""
    low, high = np.asarray(fit.conf_int(alpha).loc[name], dtype=float)
    names = fit.model.exog_names
    table = pd.DataFrame({"coef": fit.params[names], "se": fit.bse[names]})
    return Estimate(
        estimate=float(fit.params[name]),
        std_error=float(fit.bse[name]),
        conf_int=(float(low), float(high)),
        method=method,
        n_obs=int(fit.model.nobs),
        details={"coefficients": table, **details},
        alpha=alpha,
        model=fit,
        term=name,
    )
