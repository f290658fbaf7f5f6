"""Synthetic difference-in-differences (Arkhangelsky et al. 2021) for a block design.

A port of the estimator of the R package ``synthdid`` (Algorithm 1 of the paper: unit
weights with the zeta regularisation, time weights, Frank-Wolfe solver with the
sparsifying second pass) and of its placebo standard error (Algorithm 4, `vcov(method =
"placebo")`), with the plain difference-in-differences and synthetic control estimators
on the same input for comparison.

Reference: Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. & Wager, S.
(2021). Synthetic difference-in-differences. American Economic Review 111(12), 4088-4118.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from passerelle.evaluate.estimate import Estimate, check_alpha, require_columns
from passerelle.evaluate.frank_wolfe import simplex_weights


@dataclass(frozen=True)
class _Block:
    """Outcomes as a units x periods matrix: controls first, then treated units."""

    outcome: np.ndarray
    n_control: int
    n_pre: int
    units: list[Hashable]
    periods: list[Hashable]


@dataclass(frozen=True)
class _Options:
    """Tuning of the weights, fixed once from the full data as ``synthdid`` does."""

    zeta_omega: float
    zeta_lambda: float
    min_decrease: float
    omega_intercept: bool
    update_lambda: bool


def synthetic_did(
    df: pd.DataFrame,
    treated_units: Hashable | Sequence[Hashable],
    treatment_start: Hashable,
    *,
    outcome: str | None = None,
    unit: str | None = None,
    time: str | None = None,
    n_resamples: int = 200,
    seed: int = 0,
    alpha: float = 0.05,
) -> Estimate:
    """Synthetic difference-in-differences estimate of the average effect on the treated.

    The estimand is the average effect on ``treated_units`` over the periods from
    ``treatment_start`` on, in the outcome's units. ``df`` is either long (give ``outcome``,
    ``unit`` and ``time`` columns) or wide (one row per period, one column per unit, with the
    period in column ``time`` or, if ``time`` is None, in the index). The standard error is the
    placebo standard error of ``synthdid`` (``n_resamples`` placebo assignments among the
    controls, drawn with ``seed``; NaN if ``n_resamples`` is 0), which remains valid with a
    single treated unit but needs more control than treated units. ``details`` holds the
    unit weights ``omega`` and time weights ``lambda`` (pandas Series) and the ``noise_level``.

    Parameters
    ----------
    df : pandas.DataFrame
        A balanced panel, long or wide (see above).
    treated_units, treatment_start, outcome, unit, time, n_resamples, seed, alpha
        As above: a block design, the columns of a long panel, the placebo draws.

    Returns
    -------
    Estimate
        The average effect on the treated, in outcome units.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(10)
    >>> wide = pd.DataFrame({f"u{k}": k + t / 2 + np.sin(k * t) / 10 + 3 * (k == 5) * (t >= 7)
    ...                      for k in range(6)})
    >>> round(synthetic_did(wide, "u5", 7, n_resamples=0).estimate, 1)
    3.0
    """
    block = _block(df, treated_units, treatment_start, outcome, unit, time)
    noise = _noise_level(block)
    eta_omega = ((block.outcome.shape[0] - block.n_control) * _n_post(block)) ** 0.25
    options = _Options(
        zeta_omega=eta_omega * noise,
        zeta_lambda=1e-6 * noise,
        min_decrease=1e-5 * noise,
        omega_intercept=True,
        update_lambda=True,
    )
    return _fit("synthetic DiD", block, options, n_resamples, seed, alpha, noise)


def synthetic_control(
    df: pd.DataFrame,
    treated_units: Hashable | Sequence[Hashable],
    treatment_start: Hashable,
    *,
    outcome: str | None = None,
    unit: str | None = None,
    time: str | None = None,
    n_resamples: int = 200,
    seed: int = 0,
    alpha: float = 0.05,
) -> Estimate:
    """Synthetic control estimate (``synthdid::sc_estimate``) on the same input.

    Unit weights without intercept and with a vanishing ridge penalty, no time weights; the
    estimand, input layouts and placebo standard error are those of ``synthetic_did``.

    Parameters
    ----------
    df : pandas.DataFrame
        A balanced panel, long or wide (as for ``synthetic_did``).
    treated_units : label or sequence of labels
        The treated units.
    treatment_start : label
        The first treated period.
    outcome, unit, time : str, optional
        The columns of a long panel (``time`` also names the period column of a wide one).
    n_resamples, seed : int
        Placebo assignments (0: no standard error) and their seed.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        In outcome units, with the unit weights in ``details``.

    Examples
    --------
    Unit 5 lies above every control, so no convex combination of them reaches its level
    and the synthetic control is biased, where synthetic DiD recovers the effect of 3:

    >>> import numpy as np, pandas as pd
    >>> t = np.arange(10)
    >>> wide = pd.DataFrame({f"u{k}": k + t / 2 + np.sin(k * t) / 10 + 3 * (k == 5) * (t >= 7)
    ...                      for k in range(6)})
    >>> round(synthetic_control(wide, "u5", 7, n_resamples=0).estimate, 1)
    4.0
    """
    block = _block(df, treated_units, treatment_start, outcome, unit, time)
    noise = _noise_level(block)
    options = _Options(
        zeta_omega=1e-6 * noise,
        zeta_lambda=1e-6 * noise,
        min_decrease=1e-5 * noise,
        omega_intercept=False,
        update_lambda=False,
    )
    return _fit("synthetic control", block, options, n_resamples, seed, alpha, noise)


def plain_did(
    df: pd.DataFrame,
    treated_units: Hashable | Sequence[Hashable],
    treatment_start: Hashable,
    *,
    outcome: str | None = None,
    unit: str | None = None,
    time: str | None = None,
    n_resamples: int = 200,
    seed: int = 0,
    alpha: float = 0.05,
) -> Estimate:
    """Plain difference-in-differences on the same input as ``synthetic_did``.

    Uniform weights: the treated units' mean change from the pre- to the post-treatment
    periods minus the controls', the two-way fixed-effects estimate on a balanced block.
    Same estimand, layouts and placebo standard error as ``synthetic_did``.

    Parameters
    ----------
    df : pandas.DataFrame
        A balanced panel, long or wide (as for ``synthetic_did``).
    treated_units : label or sequence of labels
        The treated units.
    treatment_start : label
        The first treated period.
    outcome, unit, time : str, optional
        The columns of a long panel (``time`` also names the period column of a wide one).
    n_resamples, seed : int
        Placebo assignments (0: no standard error) and their seed.
    alpha : float
        1 minus the confidence level.

    Returns
    -------
    Estimate
        In outcome units.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = np.arange(10)
    >>> wide = pd.DataFrame({f"u{k}": k + t / 2 + np.sin(k * t) / 10 + 3 * (k == 5) * (t >= 7)
    ...                      for k in range(6)})
    >>> round(plain_did(wide, "u5", 7, n_resamples=0).estimate, 1)
    3.0
    """
    check_alpha(alpha)
    block = _block(df, treated_units, treatment_start, outcome, unit, time)
    omega = np.full(block.n_control, 1 / block.n_control)
    lam = np.full(block.n_pre, 1 / block.n_pre)
    estimate = _contrast(block, omega, lam)
    se = _placebo_se(
        block, n_resamples, seed, lambda b, _order: _contrast(b, _uniform(b.n_control), lam)
    )
    return _result("DiD", estimate, se, block, omega, lam, alpha, {})


def _fit(
    method: str,
    block: _Block,
    options: _Options,
    n_resamples: int,
    seed: int,
    alpha: float,
    noise: float,
) -> Estimate:
    check_alpha(alpha)
    omega, lam = _weights(block, options, None, None)
    estimate = _contrast(block, omega, lam)

    def placebo(b: _Block, order: np.ndarray) -> float:
        start = omega[order[: b.n_control]]
        start = start / start.sum() if start.sum() > 0 else _uniform(b.n_control)
        return _contrast(b, *_weights(b, options, start, lam))

    se = _placebo_se(block, n_resamples, seed, placebo)
    return _result(method, estimate, se, block, omega, lam, alpha, {"noise_level": noise})


def _result(
    method: str,
    estimate: float,
    se: float,
    block: _Block,
    omega: np.ndarray,
    lam: np.ndarray,
    alpha: float,
    extra: dict[str, float],
) -> Estimate:
    n_units, n_periods = block.outcome.shape
    details = {
        "omega": pd.Series(omega, index=block.units[: block.n_control], name="omega"),
        "lambda": pd.Series(lam, index=block.periods[: block.n_pre], name="lambda"),
        "n_treated": n_units - block.n_control,
        "n_control": block.n_control,
        "n_pre": block.n_pre,
        "n_post": n_periods - block.n_pre,
        **extra,
    }
    return Estimate.normal(estimate, se, method, n_units * n_periods, alpha, details)


def _block(
    df: pd.DataFrame,
    treated_units: Hashable | Sequence[Hashable],
    treatment_start: Hashable,
    outcome: str | None,
    unit: str | None,
    time: str | None,
) -> _Block:
    """Reshape a long or wide panel to the block matrix, controls first."""
    if outcome is not None or unit is not None:
        if outcome is None or unit is None or time is None:
            raise ValueError("a long panel needs all of outcome, unit and time")
        require_columns(df, [outcome, unit, time])
        if df.duplicated([unit, time]).any():
            raise ValueError(f"several rows share the same {unit!r} and {time!r}")
        wide = df.pivot(index=time, columns=unit, values=outcome)
    else:
        require_columns(df, [time])
        wide = df.set_index(time) if time is not None else df
    if not wide.index.is_unique:
        raise ValueError("each period must appear once in the wide panel")
    wide = wide.sort_index().apply(pd.to_numeric, errors="coerce")
    if wide.isna().any().any():
        raise ValueError("the panel must be balanced, numeric and without missing outcomes")
    treated = _as_list(treated_units)
    missing = [u for u in treated if u not in wide.columns]
    if missing:
        raise ValueError(f"treated unit(s) {missing} not found in the panel")
    controls = [u for u in wide.columns if u not in treated]
    n_pre = int((wide.index < treatment_start).sum())
    if n_pre < 2 or n_pre == len(wide.index):
        raise ValueError(
            f"treatment_start={treatment_start!r} must leave at least two pre-treatment "
            "periods and one post-treatment period"
        )
    if not controls:
        raise ValueError("the panel has no control unit")
    return _Block(
        outcome=wide[controls + treated].to_numpy(dtype=float).T,
        n_control=len(controls),
        n_pre=n_pre,
        units=controls + treated,
        periods=list(wide.index),
    )


def _as_list(units: Hashable | Sequence[Hashable]) -> list[Hashable]:
    if isinstance(units, str) or not isinstance(units, Sequence):
        return [units]
    return list(units)


def _n_post(block: _Block) -> int:
    return block.outcome.shape[1] - block.n_pre


def _uniform(n: int) -> np.ndarray:
    return np.full(n, 1 / n)


def _noise_level(block: _Block) -> float:
    """Standard deviation of the controls' pre-treatment first differences."""
    pre = block.outcome[: block.n_control, : block.n_pre]
    return float(np.std(np.diff(pre, axis=1), ddof=1))


def _contrast(block: _Block, omega: np.ndarray, lam: np.ndarray) -> float:
    """Weighted double difference: treated minus weighted controls, post minus weighted pre."""
    n_treated = block.outcome.shape[0] - block.n_control
    unit_weights = np.concatenate([-omega, np.full(n_treated, 1 / n_treated)])
    time_weights = np.concatenate([-lam, np.full(_n_post(block), 1 / _n_post(block))])
    return float(unit_weights @ block.outcome @ time_weights)


def _collapsed(block: _Block) -> np.ndarray:
    """(controls + 1) x (pre + 1) matrix: treated rows and post columns averaged."""
    y, n0, t0 = block.outcome, block.n_control, block.n_pre
    top = np.column_stack([y[:n0, :t0], y[:n0, t0:].mean(axis=1)])
    bottom = np.append(y[n0:, :t0].mean(axis=0), y[n0:, t0:].mean())
    return np.vstack([top, bottom])


def _weights(
    block: _Block,
    options: _Options,
    omega_start: np.ndarray | None,
    lambda_start: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Unit weights omega and time weights lambda (``synthdid_estimate`` without covariates)."""
    collapsed = _collapsed(block)
    n0, t0 = block.n_control, block.n_pre
    if options.update_lambda:
        lam = simplex_weights(
            collapsed[:n0, :], options.zeta_lambda, True, lambda_start, options.min_decrease
        )
    else:
        lam = np.zeros(t0)
    omega = simplex_weights(
        collapsed[:, :t0].T,
        options.zeta_omega,
        options.omega_intercept,
        omega_start,
        options.min_decrease,
    )
    return omega, lam


def _placebo_se(
    block: _Block,
    n_resamples: int,
    seed: int,
    estimator: Callable[[_Block, np.ndarray], float],
) -> float:
    """Placebo standard error (Algorithm 4): controls reassigned as pseudo-treated."""
    if n_resamples == 0:
        return float("nan")
    if n_resamples < 2:
        raise ValueError(f"n_resamples must be 0 (no standard error) or >= 2, got {n_resamples}")
    n_treated = block.outcome.shape[0] - block.n_control
    if block.n_control <= n_treated:
        raise ValueError("the placebo standard error needs more control than treated units")
    rng = np.random.default_rng(seed)
    draws = np.empty(n_resamples)
    for r in range(n_resamples):
        order = rng.permutation(block.n_control)
        placebo = replace(
            block,
            outcome=block.outcome[order],
            n_control=block.n_control - n_treated,
            units=[block.units[k] for k in order],
        )
        draws[r] = estimator(placebo, order)
    return float(np.sqrt((n_resamples - 1) / n_resamples) * np.std(draws, ddof=1))
