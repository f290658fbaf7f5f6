"""Inequality measures for health: concentration, slope and relative indices, Atkinson
(distributional cost-effectiveness is in ``distributional``).

References:
- O'Donnell, O., van Doorslaer, E., Wagstaff, A. & Lindelow, M. (2008). Analyzing Health
  Equity Using Household Survey Data. World Bank (chapter 8, concentration index).
- Wagstaff, A. (2005). The bounds of the concentration index when the variable of interest
  is binary. Health Economics 14(4), 429-432.
- Erreygers, G. (2009). Correcting the concentration index. Journal of Health Economics
  28(2), 504-515.
- Mackenbach, J. P. & Kunst, A. E. (1997). Measuring the magnitude of socio-economic
  inequalities in health. Social Science & Medicine 44(6), 757-771.
- Atkinson, A. B. (1970). On the measurement of inequality. Journal of Economic Theory
  2(3), 244-263.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from passerelle.evaluate.estimate import numeric_column, require_columns

CORRECTIONS = ("standard", "wagstaff", "erreygers")


def concentration_index(
    df: pd.DataFrame,
    outcome: str,
    rank: str,
    weight: str | None = None,
    kind: str = "standard",
    bounds: tuple[float, float] = (0.0, 1.0),
) -> float:
    """Concentration index of ``outcome`` across the distribution of ``rank`` (e.g. income).

    Standard index C = 2·cov(h, R)/mean(h), with R the weighted fractional rank in ``rank``
    (ascending: poorest first; tied rank values share the mid-point of their span), using
    the population-weighted covariance. C lies in [-1, 1]; negative values mean the
    outcome is concentrated among the worse off. For an outcome bounded in ``bounds`` = (a,
    b), ``kind="wagstaff"`` gives C·(b-a)·mean/((b-mean)(mean-a)) (C/(1-mean) for a 0/1
    outcome) and ``kind="erreygers"`` gives 4·mean·C/(b-a).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per person (or group, with its population in ``weight``).
    outcome : str
        Column of the health variable (a need, a visit count).
    rank : str
        Column ranked on, ascending from the worse off (income, say).
    weight : str, optional
        Column of weights (default: 1 a row).
    kind : {"standard", "wagstaff", "erreygers"}
        The index, or a correction for a bounded outcome.
    bounds : tuple of float
        The outcome's bounds (a, b) for the corrections.

    Returns
    -------
    float
        Between -1 and 1 for the standard index.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"need": [1, 1, 0, 1, 0, 0], "income": [1, 2, 3, 4, 5, 6]})
    >>> round(concentration_index(df, "need", "income"), 4)
    -0.3889
    >>> round(concentration_index(df, "need", "income", kind="wagstaff"), 4)
    -0.7778
    """
    if kind not in CORRECTIONS:
        raise ValueError(f"kind must be one of {CORRECTIONS}, got {kind!r}")
    h, r, w = _ranked(df, outcome, rank, weight)
    mean = np.average(h, weights=w)
    if mean == 0:
        raise ValueError(f"the mean of {outcome!r} is zero: the concentration index is undefined")
    index = 2 * np.average((h - mean) * (r - np.average(r, weights=w)), weights=w) / mean
    if kind == "standard":
        return float(index)
    low, high = bounds
    if not low < high:
        raise ValueError(f"bounds must be (low, high) with low < high, got {bounds}")
    if h.min() < low or h.max() > high:
        raise ValueError(f"column {outcome!r} has values outside bounds {bounds}")
    if kind == "erreygers":
        return float(4 * mean * index / (high - low))
    if not low < mean < high:
        raise ValueError("the Wagstaff index needs a mean strictly inside the bounds")
    return float(index * (high - low) * mean / ((high - mean) * (mean - low)))


def slope_index_of_inequality(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    weight: str | None = None,
    ascending: bool = True,
) -> float:
    """Slope index of inequality (outcome units): fitted top minus fitted bottom.

    Socioeconomic groups (values of ``group``, ordered from most disadvantaged to most
    advantaged when ``ascending``) get the ridit of their mid-point in the cumulative
    population, from 0 (bottom) to 1 (top). The group mean outcomes are regressed on the
    ridits by weighted least squares with the group populations as weights; the SII is the
    slope, i.e. fitted(1) - fitted(0). Rows may be individuals or whole groups (then pass
    the group population as ``weight`` and the group mean as ``outcome``).

    Parameters
    ----------
    df : pandas.DataFrame
        Individuals, or groups with their population in ``weight``.
    outcome : str
        Column of the outcome (a rate, a share, a mean).
    group : str
        Column of the ordered socioeconomic groups (income quintile, say).
    weight : str, optional
        Column of weights (default: 1 a row).
    ascending : bool
        Whether ``group`` sorts from the most disadvantaged to the most advantaged.

    Returns
    -------
    float
        In the outcome's units; negative when the outcome falls up the hierarchy.

    Examples
    --------
    >>> import pandas as pd
    >>> quintiles = pd.DataFrame({"quintile": [1, 2, 3, 4, 5],
    ...                           "unmet": [0.30, 0.25, 0.20, 0.15, 0.10]})
    >>> round(slope_index_of_inequality(quintiles, "unmet", "quintile"), 4)
    -0.25
    """
    return _ridit_fit(df, outcome, group, weight, ascending)[1]


def relative_index_of_inequality(
    df: pd.DataFrame,
    outcome: str,
    group: str,
    weight: str | None = None,
    ascending: bool = True,
) -> float:
    """Relative index of inequality: fitted top over fitted bottom, fitted(1)/fitted(0).

    Same regression as ``slope_index_of_inequality`` (WHO HEAT convention); values above 1
    mean the outcome is higher at the top of the hierarchy.

    Parameters
    ----------
    df : pandas.DataFrame
        Individuals, or groups with their population in ``weight``.
    outcome : str
        Column of the outcome (a rate, a share, a mean).
    group : str
        Column of the ordered socioeconomic groups (income quintile, say).
    weight : str, optional
        Column of weights (default: 1 a row).
    ascending : bool
        Whether ``group`` sorts from the most disadvantaged to the most advantaged.

    Returns
    -------
    float
        A ratio (no unit).

    Examples
    --------
    >>> import pandas as pd
    >>> quintiles = pd.DataFrame({"quintile": [1, 2, 3, 4, 5],
    ...                           "unmet": [0.30, 0.25, 0.20, 0.15, 0.10]})
    >>> round(relative_index_of_inequality(quintiles, "unmet", "quintile"), 4)
    0.2308
    """
    intercept, slope = _ridit_fit(df, outcome, group, weight, ascending)
    if intercept == 0:
        raise ValueError("the fitted value at the bottom is zero: the RII is undefined")
    return float((intercept + slope) / intercept)


def equally_distributed_equivalent(
    values: ArrayLike, epsilon: float, weights: ArrayLike | None = None
) -> float:
    """Atkinson equally-distributed equivalent, in the units of ``values``.

    The level which, if everyone had it, would give the same social welfare with
    inequality aversion ``epsilon`` >= 0: (weighted mean of x^(1-epsilon))^(1/(1-epsilon)),
    the geometric mean when epsilon = 1 and the mean when epsilon = 0. Values must be
    positive (non-negative when epsilon < 1).

    Parameters
    ----------
    values : array_like
        Health (or income) of each person or group.
    epsilon : float
        Inequality aversion, >= 0.
    weights : array_like, optional
        Population of each value (default: 1 each).

    Returns
    -------
    float
        In the units of ``values``.

    Examples
    --------
    >>> equally_distributed_equivalent([1, 4], epsilon=1)
    2.0
    """
    x, w = _values_and_weights(values, weights)
    if epsilon < 0:
        raise ValueError(f"epsilon must be >= 0, got {epsilon}")
    if (x < 0).any() or (epsilon >= 1 and (x <= 0).any()):
        raise ValueError("values must be positive (non-negative when epsilon < 1)")
    if epsilon == 1:
        return float(np.exp(np.average(np.log(x), weights=w)))
    return float(np.average(x ** (1 - epsilon), weights=w) ** (1 / (1 - epsilon)))


def atkinson_index(values: ArrayLike, epsilon: float, weights: ArrayLike | None = None) -> float:
    """Atkinson index 1 - EDE/mean, the share of the mean lost to inequality (0 to 1).

    Parameters
    ----------
    values : array_like
        Health (or income) of each person or group, positive.
    epsilon : float
        Inequality aversion, >= 0.
    weights : array_like, optional
        Population of each value (default: 1 each).

    Returns
    -------
    float
        A share 0-1: 0 when everyone has the same.

    Examples
    --------
    >>> round(atkinson_index([1, 4], epsilon=1), 4), atkinson_index([3, 3], epsilon=2)
    (0.2, 0.0)
    """
    x, w = _values_and_weights(values, weights)
    return float(1 - equally_distributed_equivalent(x, epsilon, w) / np.average(x, weights=w))


def weights_column(df: pd.DataFrame, weight: str | None) -> np.ndarray:
    """Column ``weight`` of ``df`` as non-negative floats, or 1 a row when it is None."""
    if weight is None:
        return np.ones(len(df))
    w = numeric_column(df, weight)
    if (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"column {weight!r} must be non-negative with a positive total")
    return w


def _values_and_weights(
    values: ArrayLike, weights: ArrayLike | None
) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(values, dtype=float)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float)
    if x.ndim != 1 or x.shape != w.shape or len(x) == 0:
        raise ValueError("values and weights must be 1-D arrays of the same, non-zero length")
    if np.isnan(x).any() or np.isnan(w).any() or (w < 0).any() or w.sum() <= 0:
        raise ValueError("values and weights must be finite; weights non-negative, not all 0")
    return x, w


def _ranked(
    df: pd.DataFrame, outcome: str, rank: str, weight: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcome, fractional rank (ties share their mid-point) and weights."""
    require_columns(df, [outcome, rank, weight])
    h = numeric_column(df, outcome)
    w = weights_column(df, weight)
    key = numeric_column(df, rank)
    order = np.argsort(key, kind="stable")
    total = w.sum()
    sorted_key, sorted_w = key[order], w[order]
    ends = np.cumsum(sorted_w)
    starts = ends - sorted_w
    _, first, counts = np.unique(sorted_key, return_index=True, return_counts=True)
    last = first + counts - 1
    midpoints = (starts[first] + ends[last]) / 2 / total
    r = np.empty_like(h)
    r[order] = np.repeat(midpoints, counts)
    return h, r, w


def _ridit_fit(
    df: pd.DataFrame, outcome: str, group: str, weight: str | None, ascending: bool
) -> tuple[float, float]:
    """Intercept and slope of the WLS regression of group means on ridit mid-points."""
    require_columns(df, [outcome, group, weight])
    if df[group].isna().any():
        raise ValueError(f"column {group!r} must not have missing values")
    data = pd.DataFrame({"g": df[group].to_numpy(), "w": weights_column(df, weight)})
    data["wy"] = numeric_column(df, outcome) * data["w"]
    groups = data.groupby("g", sort=True)[["w", "wy"]].sum()
    groups = groups[groups["w"] > 0]
    if not ascending:
        groups = groups.iloc[::-1]
    if len(groups) < 2:
        raise ValueError(f"column {group!r} needs at least two groups")
    population = groups["w"].to_numpy()
    means = groups["wy"].to_numpy() / population
    share = population / population.sum()
    ridit = np.cumsum(share) - share / 2
    x_bar = np.average(ridit, weights=share)
    y_bar = np.average(means, weights=share)
    slope = np.sum(share * (ridit - x_bar) * (means - y_bar)) / np.sum(share * (ridit - x_bar) ** 2)
    return float(y_bar - slope * x_bar), float(slope)
