"""Cost-effectiveness analysis: ICER table with dominance, net benefit, CEAC and EVPI."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from passerelle.evaluate.estimate import numeric_column, require_columns


def icer_table(
    strategies: pd.DataFrame, name: str = "name", cost: str = "cost", effect: str = "effect"
) -> pd.DataFrame:
    """Incremental cost-effectiveness ratios after removing dominated strategies.

    ``strategies`` has one row per strategy with its mean cost (currency) and effect (e.g.
    QALYs). Rows are sorted by cost (then by decreasing effect). A strategy is "dominated"
    when another costs no more and is at least as effective (strictly better on one of the
    two); it is "extendedly dominated" when a mix of its neighbours on the frontier would
    be better, i.e. its ICER exceeds that of the next more costly strategy. The others are
    the "reference" (cheapest) and "non-dominated" strategies, whose incremental cost,
    incremental effect and ICER (currency per unit of effect) are relative to the previous
    non-dominated strategy; these columns are NaN for dominated strategies.

    Parameters
    ----------
    strategies : pandas.DataFrame
        One row per strategy.
    name, cost, effect : str
        Its columns: the strategy's name, mean cost (currency) and mean effect.

    Returns
    -------
    pandas.DataFrame
        ``name``, ``cost``, ``effect``, ``incremental_cost``, ``incremental_effect``,
        ``icer`` and ``status``, sorted by cost.

    Examples
    --------
    >>> import pandas as pd
    >>> strategies = pd.DataFrame({"name": ["usual care", "facilitators", "centre"],
    ...                            "cost": [0.0, 100.0, 400.0], "effect": [0.0, 0.01, 0.012]})
    >>> table = icer_table(strategies)
    >>> table["icer"].tolist(), table["status"].tolist()
    ([nan, 10000.0, 150000.0], ['reference', 'non-dominated', 'non-dominated'])
    """
    require_columns(strategies, [name, cost, effect])
    if strategies[name].duplicated().any():
        raise ValueError(f"column {name!r} must name each strategy once")
    table = pd.DataFrame(
        {
            "name": strategies[name].to_numpy(),
            "cost": numeric_column(strategies, cost),
            "effect": numeric_column(strategies, effect),
        }
    )
    table = table.sort_values(["cost", "effect"], ascending=[True, False], kind="stable")
    table = table.reset_index(drop=True)
    status = pd.Series("non-dominated", index=table.index, dtype=object)
    best_effect = table["effect"].cummax().shift(1, fill_value=-np.inf)
    status[table["effect"] <= best_effect] = "dominated"
    frontier = list(table.index[status == "non-dominated"])
    while True:
        ratios = _icers(table, frontier)
        worse = [k for k in range(1, len(frontier) - 1) if ratios[k] > ratios[k + 1]]
        if not worse:
            break
        status[frontier.pop(worse[0])] = "extendedly dominated"
    status[frontier[0]] = "reference"
    for column in ("incremental_cost", "incremental_effect", "icer"):
        table[column] = np.nan
    for previous, current in pairwise(frontier):
        delta_cost = table.at[current, "cost"] - table.at[previous, "cost"]
        delta_effect = table.at[current, "effect"] - table.at[previous, "effect"]
        table.loc[current, ["incremental_cost", "incremental_effect", "icer"]] = (
            delta_cost,
            delta_effect,
            delta_cost / delta_effect,
        )
    table["status"] = status
    return table


def _icers(table: pd.DataFrame, frontier: Sequence[int]) -> list[float]:
    """ICER of each frontier strategy against the previous one (NaN for the first)."""
    cost = table.loc[list(frontier), "cost"].to_numpy()
    effect = table.loc[list(frontier), "effect"].to_numpy()
    return [np.nan, *(np.diff(cost) / np.diff(effect))]


def net_monetary_benefit(cost: ArrayLike, effect: ArrayLike, wtp: ArrayLike) -> np.ndarray:
    """Net monetary benefit wtp·effect - cost, in currency (arrays broadcast).

    Parameters
    ----------
    cost, effect : array_like
        Costs (currency) and effects (e.g. QALYs).
    wtp : array_like
        Willingness to pay per unit of effect (currency per QALY, say).

    Returns
    -------
    ndarray
        Currency.

    Examples
    --------
    >>> net_monetary_benefit([100, 200], [0.01, 0.01], 20_000).tolist()
    [100.0, 0.0]
    """
    return np.asarray(wtp, dtype=float) * np.asarray(effect, dtype=float) - np.asarray(
        cost, dtype=float
    )


def acceptability_curve(
    psa_costs: ArrayLike,
    psa_effects: ArrayLike,
    wtps: ArrayLike,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Cost-effectiveness acceptability curves from probabilistic sensitivity analysis.

    ``psa_costs`` and ``psa_effects`` are draws x strategies arrays. Returns, for each
    willingness to pay in ``wtps`` (rows), the share of draws in which each strategy
    (columns, named by ``names``) has the highest net monetary benefit; ties go to the
    first strategy.

    Parameters
    ----------
    psa_costs, psa_effects : array_like
        Draws x strategies: each draw's mean cost (currency) and effect (e.g. QALYs).
    wtps : array_like
        Willingness to pay per unit of effect (currency).
    names : sequence of str, optional
        The strategies' names (default: ``strategy_0``, ``strategy_1``, …).

    Returns
    -------
    pandas.DataFrame
        Shares 0-1, one row per ``wtp``, one column per strategy.

    Examples
    --------
    >>> curve = acceptability_curve([[0, 100], [0, 300]], [[0, 0.01], [0, 0.01]],
    ...                             [10_000, 50_000], names=["usual care", "facilitators"])
    >>> curve["facilitators"].tolist()
    [0.0, 1.0]
    """
    costs, effects = _psa(psa_costs, psa_effects)
    wtp = np.atleast_1d(np.asarray(wtps, dtype=float))
    labels = _names(names, costs.shape[1])
    shares = np.empty((len(wtp), costs.shape[1]))
    for row, value in enumerate(wtp):
        best = np.argmax(net_monetary_benefit(costs, effects, value), axis=1)
        shares[row] = np.bincount(best, minlength=costs.shape[1]) / costs.shape[0]
    return pd.DataFrame(shares, index=pd.Index(wtp, name="wtp"), columns=labels)


def evpi(psa_costs: ArrayLike, psa_effects: ArrayLike, wtp: float) -> float:
    """Expected value of perfect information per person, in currency.

    E[max over strategies of NMB] - max over strategies of E[NMB], over the PSA draws
    (draws x strategies arrays) at willingness to pay ``wtp`` per unit of effect. Multiply by
    the (discounted) population affected for the population EVPI.

    Parameters
    ----------
    psa_costs, psa_effects : array_like
        Draws x strategies: each draw's mean cost (currency) and effect (e.g. QALYs).
    wtp : float
        Willingness to pay per unit of effect (currency).

    Returns
    -------
    float
        Currency per person.

    Examples
    --------
    >>> evpi([[0, 100], [0, 300]], [[0, 0.01], [0, 0.01]], 20_000)
    50.0
    """
    costs, effects = _psa(psa_costs, psa_effects)
    nmb = net_monetary_benefit(costs, effects, wtp)
    return float(np.mean(nmb.max(axis=1)) - np.max(nmb.mean(axis=0)))


def _psa(psa_costs: ArrayLike, psa_effects: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    costs = np.asarray(psa_costs, dtype=float)
    effects = np.asarray(psa_effects, dtype=float)
    if costs.ndim != 2 or costs.shape != effects.shape or costs.size == 0:
        raise ValueError("psa_costs and psa_effects must be non-empty draws x strategies arrays")
    if not (np.isfinite(costs).all() and np.isfinite(effects).all()):
        raise ValueError("psa_costs and psa_effects must be finite")
    return costs, effects


def _names(names: Sequence[str] | None, n: int) -> list[str]:
    if names is None:
        return [f"strategy_{k}" for k in range(n)]
    if len(names) != n:
        raise ValueError(f"names has {len(names)} entries for {n} strategies")
    return list(names)
