"""Inequality measures for health: concentration, slope and relative indices, Atkinson.

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
- Asaria, M., Griffin, S. & Cookson, R. (2016). Distributional cost-effectiveness
  analysis. Medical Decision Making 36(1), 8-19.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """Atkinson index 1 - EDE/mean, the share of the mean lost to inequality (0 to 1)."""
    x, w = _values_and_weights(values, weights)
    return float(1 - equally_distributed_equivalent(x, epsilon, w) / np.average(x, weights=w))


@dataclass(frozen=True)
class DistributionalSummary:
    """Distributional cost-effectiveness summary by socioeconomic group.

    ``by_group`` has one row per group: population, population share, mean incremental cost
    (currency), mean incremental health and mean net health benefit (health units, e.g.
    QALYs), plus mean baseline and post-intervention health when a baseline is given.
    ``mean_nhb`` is the population mean net health benefit; ``ede_nhb`` its equity-weighted
    counterpart (see ``distributional_summary``).
    """

    by_group: pd.DataFrame
    mean_nhb: float
    ede_nhb: float
    threshold: float
    epsilon: float


def distributional_summary(
    df: pd.DataFrame,
    quintile: str,
    cost: str,
    health: str,
    threshold: float,
    epsilon: float = 1.0,
    weight: str | None = None,
    baseline: str | None = None,
) -> DistributionalSummary:
    """Incremental cost, health and net health benefit by group, and their EDE.

    Rows are individuals (or groups, with their population in ``weight``) with the
    intervention's incremental ``cost`` (currency) and incremental ``health`` (e.g. QALYs).
    The net health benefit is health - cost/``threshold``, with ``threshold`` the cost per
    unit of health displaced elsewhere; the opportunity cost is attributed where the cost
    is incurred. Without ``baseline``, ``ede_nhb`` is the Atkinson equally-distributed
    equivalent (aversion ``epsilon``) of the group mean net health benefits, which must then
    be positive. With a ``baseline`` health column (e.g. quality-adjusted life expectancy),
    ``ede_nhb`` is the change in the EDE of group mean health, EDE(baseline + NHB) -
    EDE(baseline), as in Asaria et al. (2016). Both are between-group measures.
    """
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    require_columns(df, [quintile, cost, health, weight, baseline])
    if df[quintile].isna().any():
        raise ValueError(f"column {quintile!r} must not have missing values")
    data = pd.DataFrame(
        {
            "group": df[quintile].to_numpy(),
            "w": _weights_column(df, weight),
            "cost": numeric_column(df, cost),
            "health": numeric_column(df, health),
        }
    )
    data["nhb"] = data["health"] - data["cost"] / threshold
    columns = ["cost", "health", "nhb"]
    if baseline is not None:
        data["baseline"] = numeric_column(df, baseline)
        columns.append("baseline")
    for column in columns:
        data[column] = data[column] * data["w"]
    table = data.groupby("group", sort=True)[["w", *columns]].sum()
    table[columns] = table[columns].div(table["w"], axis=0)
    table = table.rename(
        columns={
            "w": "population",
            "cost": "incremental_cost",
            "health": "incremental_health",
            "nhb": "net_health_benefit",
        }
    )
    table.insert(1, "share", table["population"] / table["population"].sum())
    nhb, population = table["net_health_benefit"], table["population"]
    if baseline is None:
        ede = equally_distributed_equivalent(nhb, epsilon, population)
    else:
        table["post_health"] = table["baseline"] + nhb
        ede = equally_distributed_equivalent(
            table["post_health"], epsilon, population
        ) - equally_distributed_equivalent(table["baseline"], epsilon, population)
    return DistributionalSummary(
        by_group=table,
        mean_nhb=float(np.average(nhb, weights=population)),
        ede_nhb=float(ede),
        threshold=float(threshold),
        epsilon=float(epsilon),
    )


def _weights_column(df: pd.DataFrame, weight: str | None) -> np.ndarray:
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
    w = _weights_column(df, weight)
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
    data = pd.DataFrame({"g": df[group].to_numpy(), "w": _weights_column(df, weight)})
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
