"""Distributional cost-effectiveness: incremental cost, health and net health benefit by
socioeconomic group, and their equally-distributed equivalent.

Reference: Asaria, M., Griffin, S. & Cookson, R. (2016). Distributional cost-effectiveness
analysis. Medical Decision Making 36(1), 8-19.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from passerelle.evaluate.equity import equally_distributed_equivalent, weights_column
from passerelle.evaluate.estimate import numeric_column, require_columns


@dataclass(frozen=True)
class DistributionalSummary:
    """Distributional cost-effectiveness summary by socioeconomic group.

    ``by_group`` has one row per group: population, population share, mean incremental cost
    (currency), mean incremental health and mean net health benefit (health units, e.g.
    QALYs), plus mean baseline and post-intervention health when a baseline is given.
    ``mean_nhb`` is the population mean net health benefit; ``ede_nhb`` its equity-weighted
    counterpart (see ``distributional_summary``).

    Parameters
    ----------
    by_group : pandas.DataFrame
        One row per group, as above.
    mean_nhb, ede_nhb : float
        Health units a person.
    threshold : float
        Currency per unit of health displaced.
    epsilon : float
        Inequality aversion.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q": [1, 2], "cost": [100.0, 100.0], "qaly": [0.02, 0.01]})
    >>> summary = distributional_summary(df, "q", "cost", "qaly", threshold=20_000)
    >>> summary.by_group["net_health_benefit"].round(4).tolist()
    [0.015, 0.005]
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

    Parameters
    ----------
    df : pandas.DataFrame
        One row per person or group.
    quintile : str
        Column of the socioeconomic group.
    cost, health : str
        Columns of the incremental cost (currency) and health (e.g. QALYs).
    threshold : float
        Currency per unit of health displaced elsewhere, > 0.
    epsilon : float
        Inequality aversion, >= 0.
    weight : str, optional
        Column of each row's population (default: 1 a row).
    baseline : str, optional
        Column of baseline health (quality-adjusted life expectancy, say).

    Returns
    -------
    DistributionalSummary

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"q": [1, 1, 2, 2], "cost": [100.0] * 4,
    ...                    "qaly": [0.02, 0.02, 0.01, 0.01]})
    >>> summary = distributional_summary(df, "q", "cost", "qaly", threshold=20_000)
    >>> round(summary.mean_nhb, 4), round(summary.ede_nhb, 4)
    (0.01, 0.0087)
    """
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    require_columns(df, [quintile, cost, health, weight, baseline])
    if df[quintile].isna().any():
        raise ValueError(f"column {quintile!r} must not have missing values")
    data = pd.DataFrame(
        {
            "group": df[quintile].to_numpy(),
            "w": weights_column(df, weight),
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
