"""Difference-in-differences on panels: two-way fixed effects and Callaway & Sant'Anna (2021).

References:
- Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time
  periods. Journal of Econometrics 225(2), 200-230 (the R package ``did``).
- Sant'Anna, P. H. C. & Zhao, J. (2020). Doubly robust difference-in-differences estimators.
  Journal of Econometrics 219(1), 101-122 (the R package ``DRDID``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from passerelle.evaluate.deferred import statsmodels_api
from passerelle.evaluate.estimate import Estimate, check_alpha, numeric_column, require_columns
from passerelle.evaluate.panel import Panel, balanced_panel

CONTROLS = ("never_treated", "not_yet_treated")
METHODS = ("dr", "reg", "ipw")
BASE_PERIODS = ("varying", "universal")
AGGREGATIONS = ("simple", "dynamic")


def twfe(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    treatment: str,
    alpha: float = 0.05,
) -> Estimate:
    """Two-way fixed-effects difference-in-differences, errors clustered by unit.

    Regresses ``outcome`` on the 0/1 indicator ``treatment`` (1 for a unit in a period where it is
    under treatment) with unit and period fixed effects, absorbed by alternating projections.
    The estimate is the coefficient on ``treatment``, in the outcome's units. It is the average
    effect on the treated only with a single adoption date and homogeneous effects; with
    staggered adoption prefer ``callaway_santanna``. The cluster-robust variance uses the
    small-sample factor G/(G-1) for G units; the absorbed fixed effects, nested in the
    clusters, are not counted as parameters (as in Stata's reghdfe).

    Parameters
    ----------
    df : pandas.DataFrame
        A panel, one row per unit and period.
    outcome, unit, time, treatment : str
        Columns of the outcome, the unit, the period and the 0/1 treatment indicator.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        The coefficient on ``treatment``, in the outcome's units.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({"unit": ["a", "a", "b", "b", "c", "c"], "t": [1, 2] * 3,
    ...                       "y": [1.0, 2.0, 1.0, 5.0, 2.0, 3.0], "d": [0, 0, 0, 1, 0, 0]})
    >>> round(twfe(panel, "y", "unit", "t", "d").estimate, 6)
    3.0
    """
    check_alpha(alpha)
    require_columns(df, [outcome, unit, time, treatment])
    y = numeric_column(df, outcome)
    d = numeric_column(df, treatment)
    if df[[unit, time]].isna().any().any():
        raise ValueError(f"columns {unit!r} and {time!r} must not have missing values")
    unit_codes = pd.factorize(df[unit])[0]
    time_codes = pd.factorize(df[time])[0]
    y_within = _two_way_demean(y, unit_codes, time_codes)
    d_within = _two_way_demean(d, unit_codes, time_codes)
    if np.allclose(d_within, 0.0):
        raise ValueError(f"column {treatment!r} has no variation left after the fixed effects")
    fit = statsmodels_api().OLS(y_within, d_within[:, None]).fit(
        cov_type="cluster", cov_kwds={"groups": unit_codes}
    )
    return Estimate.normal(
        fit.params[0],
        fit.bse[0],
        method="two-way fixed-effects DiD",
        n_obs=len(y),
        alpha=alpha,
        details={"n_units": int(unit_codes.max() + 1), "n_periods": int(time_codes.max() + 1)},
        model=fit,
    )


def _two_way_demean(
    values: np.ndarray, first: np.ndarray, second: np.ndarray, tol: float = 1e-12
) -> np.ndarray:
    """Residual of ``values`` on two sets of dummies, by alternating projections."""
    out = values - values.mean()
    counts_first = np.bincount(first)
    counts_second = np.bincount(second)
    scale = max(float(np.abs(values).max()), 1.0)
    for _ in range(10_000):
        out = out - (np.bincount(first, out) / counts_first)[first]
        step = (np.bincount(second, out) / counts_second)[second]
        out = out - step
        if np.abs(step).max() <= tol * scale:
            return out
    raise RuntimeError("two-way demeaning did not converge")


def callaway_santanna(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    group: str,
    control: str = "never_treated",
    method: str = "dr",
    base_period: str = "varying",
    aggregation: str = "simple",
    covariates: Sequence[str] = (),
    anticipation: int = 0,
    alpha: float = 0.05,
) -> Estimate:
    """Callaway & Sant'Anna (2021) group-time average treatment effects on a balanced panel.

    ``time`` is numeric and ``group`` holds each unit's first treated period on the same scale
    (0, missing or infinite if never treated; units first treated after the last period
    count as never treated; units treated from the first period are dropped with a
    warning). ATT(g,t) is the average effect in period t on the units first treated in
    period g, in outcome units. Each is estimated from the change in outcome between a base
    period and t, for cohort g against the ``control`` units, by the doubly robust DiD of
    Sant'Anna & Zhao (2020) (``method="dr"``), outcome regression ("reg") or inverse
    probability weighting ("ipw"); ``covariates`` are taken at the earlier of the two
    periods, as in the ``did`` package. Post-treatment cells use the last period before
    g - ``anticipation`` as base; pre-treatment cells use the previous period with
    ``base_period="varying"`` (the ``did`` default) and the same base with "universal".

    Returns the ``aggregation`` of the post-treatment cells: "simple" (the ``aggte``
    type="simple" average weighted by cohort size) or "dynamic" (the mean of the event-study
    effects over event times e >= 0). Standard errors are analytic, from the influence
    functions (the ``did`` package's ``bstrap=FALSE``). ``details`` holds the ATT(g,t) table
    (group, time, base_period, att, se) and the event-study table (event_time, att, se).
    ``n_obs`` is the number of units.

    Parameters
    ----------
    df : pandas.DataFrame
        A balanced long panel: one row per unit and period.
    outcome, unit, time, group : str
        Columns: the outcome, the unit, the numeric period, the first treated period.
    control : {"never_treated", "not_yet_treated"}
        The comparison units.
    method : {"dr", "reg", "ipw"}
        The DiD estimator of each cell.
    base_period : {"varying", "universal"}
        The base of the pre-treatment cells.
    aggregation : {"simple", "dynamic"}
        How the post-treatment cells are averaged.
    covariates : sequence of str
        Numeric columns conditioned on.
    anticipation : int
        Periods of effect before treatment starts.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        The aggregated ATT, in outcome units.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> unit = np.repeat(np.arange(6), 6)
    >>> t = np.tile(np.arange(1, 7), 6)
    >>> first = np.array([3, 3, 5, 5, 0, 0])[unit]
    >>> df = pd.DataFrame({"y": unit + t + 2.0 * ((first > 0) & (t >= first)), "unit": unit,
    ...                    "t": t, "first": first})
    >>> round(callaway_santanna(df, "y", "unit", "t", "first").estimate, 6)
    2.0
    """
    check_alpha(alpha)
    _check_choice("control", control, CONTROLS)
    _check_choice("method", method, METHODS)
    _check_choice("base_period", base_period, BASE_PERIODS)
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    panel = balanced_panel(df, outcome, unit, time, group, list(covariates))
    cells, influence = _group_time_effects(panel, control, method, base_period, anticipation)
    n_units = panel.outcome.shape[0]
    reference = (cells["time"] == cells["base_period"]).to_numpy()
    cells["se"] = np.where(reference, np.nan, np.sqrt((influence**2).sum(axis=0)) / n_units)
    shares = np.array([np.mean(panel.groups == g) for g in cells["group"]])
    event_study, event_influence = _event_study(cells, influence, shares, panel.groups)
    if aggregation == "simple":
        post = (cells["time"] >= cells["group"]).to_numpy()
        estimate, agg_influence = _aggregate(cells, influence, shares, panel.groups, post)
    else:
        positive = (event_study["event_time"] >= 0).to_numpy()
        estimate = float(event_study.loc[positive, "att"].mean())
        agg_influence = event_influence[:, positive].mean(axis=1)
    return Estimate.normal(
        estimate,
        np.sqrt(np.sum(agg_influence**2)) / n_units,
        method=f"Callaway-Sant'Anna ({method}, {control}, {aggregation})",
        n_obs=n_units,
        alpha=alpha,
        details={"att_gt": cells, "event_study": event_study},
    )


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def _group_time_effects(
    panel: Panel, control: str, method: str, base_period: str, anticipation: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """ATT(g,t) for every cohort and period, with the n x cells influence-function matrix."""
    times = panel.times
    n_units = panel.outcome.shape[0]
    rows: list[dict[str, float]] = []
    columns: list[np.ndarray] = []
    first = 1 if base_period == "varying" else 0
    for g in np.unique(panel.groups[np.isfinite(panel.groups)]):
        before = np.flatnonzero(times + anticipation < g)
        if len(before) == 0:
            warnings.warn(f"no pre-treatment period for cohort {g:g}; dropped", stacklevel=3)
            continue
        for k in range(first, len(times)):
            t = times[k]
            base = before[-1] if (g <= t or base_period == "universal") else k - 1
            row = {"group": g, "time": t, "base_period": times[base]}
            if base == k:
                rows.append(row | {"att": 0.0})
                columns.append(np.zeros(n_units))
                continue
            treated = panel.groups == g
            later = max(t, times[base]) + anticipation
            if control == "never_treated":
                controls = np.isinf(panel.groups)
            else:
                controls = (panel.groups > later) & ~treated
            if not controls.any():
                raise ValueError(f"no control units for cohort {g:g} in period {t:g}")
            sample = treated | controls
            earlier = min(base, k)
            x = np.column_stack(
                [np.ones(sample.sum())] + [c[sample, earlier] for c in panel.covariates]
            )
            change = panel.outcome[sample, k] - panel.outcome[sample, base]
            att, inf = _drdid_panel(change, treated[sample].astype(float), x, method)
            full = np.zeros(n_units)
            full[sample] = inf * n_units / sample.sum()
            rows.append(row | {"att": att})
            columns.append(full)
    return pd.DataFrame(rows), np.column_stack(columns)


def _drdid_panel(
    change: np.ndarray, treated: np.ndarray, x: np.ndarray, method: str
) -> tuple[float, np.ndarray]:
    """Two-period panel DiD of Sant'Anna & Zhao (2020) and its influence function.

    ``change`` is the outcome change of each unit, ``treated`` its 0/1 cohort indicator and ``x``
    the covariate matrix with an intercept. Follows DRDID::drdid_panel ("dr"),
    reg_did_panel ("reg") and std_ipw_did_panel ("ipw").
    """
    n = len(change)
    if method == "reg":
        return _regression_did(change, treated, x)
    fit = statsmodels_api().Logit(treated, x).fit(disp=0)
    score = np.minimum(fit.predict(x), 1 - 1e-6)
    score_influence = ((treated - score)[:, None] * x) @ (np.asarray(fit.cov_params()) * n)
    w_treat = treated
    w_cont = score * (1 - treated) / (1 - score)
    if method == "dr":
        fitted, ols_influence = _control_regression(change, treated, x)
    else:
        fitted, ols_influence = np.zeros(n), np.zeros((n, x.shape[1]))
    residual = change - fitted
    eta_treat = np.mean(w_treat * residual) / np.mean(w_treat)
    eta_cont = np.mean(w_cont * residual) / np.mean(w_cont)
    inf_treat = (
        w_treat * (residual - eta_treat) - ols_influence @ np.mean(w_treat[:, None] * x, axis=0)
    ) / np.mean(w_treat)
    inf_cont = (
        w_cont * (residual - eta_cont)
        + score_influence @ np.mean((w_cont * (residual - eta_cont))[:, None] * x, axis=0)
        - ols_influence @ np.mean(w_cont[:, None] * x, axis=0)
    ) / np.mean(w_cont)
    return float(eta_treat - eta_cont), inf_treat - inf_cont


def _regression_did(
    change: np.ndarray, treated: np.ndarray, x: np.ndarray
) -> tuple[float, np.ndarray]:
    """Outcome-regression DiD (DRDID::reg_did_panel) and its influence function."""
    fitted, ols_influence = _control_regression(change, treated, x)
    share = np.mean(treated)
    eta_treat = np.mean(treated * change) / share
    eta_cont = np.mean(treated * fitted) / share
    inf_treat = treated * (change - eta_treat) / share
    inf_cont = (
        treated * (fitted - eta_cont) + ols_influence @ np.mean(treated[:, None] * x, axis=0)
    ) / share
    return float(eta_treat - eta_cont), inf_treat - inf_cont


def _control_regression(
    change: np.ndarray, treated: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """OLS of the change on x among controls: fitted values for all and the OLS influence."""
    control = 1.0 - treated
    xc = x * control[:, None]
    beta = np.linalg.lstsq(xc, change * control, rcond=None)[0]
    fitted = x @ beta
    bread = np.linalg.inv(xc.T @ x / len(change))
    return fitted, ((control * (change - fitted))[:, None] * x) @ bread


def _aggregate(
    cells: pd.DataFrame,
    influence: np.ndarray,
    shares: np.ndarray,
    groups: np.ndarray,
    keep: np.ndarray,
) -> tuple[float, np.ndarray]:
    """Cohort-size weighted mean of the kept ATT(g,t) and its influence function.

    Includes the term for the estimated cohort shares (the ``wif`` of the ``did`` package).
    """
    share = shares[keep]
    att = cells["att"].to_numpy()[keep]
    weights = share / share.sum()
    member = (groups[:, None] == cells["group"].to_numpy()[keep][None, :]).astype(float)
    deviation = member - share
    weight_influence = deviation / share.sum() - np.outer(
        deviation.sum(axis=1), share / share.sum() ** 2
    )
    return float(weights @ att), influence[:, keep] @ weights + weight_influence @ att


def _event_study(
    cells: pd.DataFrame, influence: np.ndarray, shares: np.ndarray, groups: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray]:
    """Effects by event time e = t - g (aggte type="dynamic") and their influence functions."""
    event_time = (cells["time"] - cells["group"]).to_numpy()
    reference = (cells["time"] == cells["base_period"]).to_numpy()
    rows, columns = [], []
    for e in np.unique(event_time):
        keep = event_time == e
        att, inf = _aggregate(cells, influence, shares, groups, keep)
        se = np.nan if reference[keep].all() else np.sqrt(np.sum(inf**2)) / len(inf)
        rows.append({"event_time": e, "att": att, "se": se})
        columns.append(inf)
    return pd.DataFrame(rows), np.column_stack(columns)
