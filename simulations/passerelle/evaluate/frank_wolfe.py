"""The Frank-Wolfe solver of synthetic difference-in-differences: weights on the simplex
that fit one column of a matrix by the others (``synthdid:::sc.weight.fw``), for
``passerelle.evaluate.synthetic``. The loop is compiled with numba when first used, so that
importing ``passerelle.evaluate`` does not load numba (about 0.3 s of a notebook's start)."""

from __future__ import annotations

import functools

import numpy as np


def simplex_weights(
    y: np.ndarray,
    zeta: float,
    intercept: bool,
    start: np.ndarray | None,
    min_decrease: float,
) -> np.ndarray:
    """Weights on the simplex fitting the last column of ``y`` by the others, ridge ``zeta``.

    Frank-Wolfe with exact line search (``synthdid:::sc.weight.fw``): 100 iterations, then
    the weights at or below a quarter of the largest are zeroed and the solver restarted
    from there for up to 10,000 iterations.

    Parameters
    ----------
    y : ndarray
        Rows to fit; the last column is fitted by a convex combination of the others.
    zeta : float
        Ridge penalty, in the units of ``y``.
    intercept : bool
        Centre the columns first (a free intercept).
    start : ndarray, optional
        Starting weights (default: uniform).
    min_decrease : float
        Stop when an iteration decreases the objective by at most its square.

    Returns
    -------
    ndarray
        Non-negative weights summing to 1, one per column but the last.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.column_stack([np.arange(5.0), np.arange(5.0) + 10, np.arange(5.0) + 2.5])
    >>> simplex_weights(y, 0.0, False, None, 1e-12).round(2).tolist()
    [0.75, 0.25]
    """
    first = _frank_wolfe(y, zeta, intercept, start, min_decrease, max_iter=100)
    sparse = np.where(first <= first.max() / 4, 0.0, first)
    return _frank_wolfe(y, zeta, intercept, sparse / sparse.sum(), min_decrease, 10_000)


def _frank_wolfe(
    y: np.ndarray,
    zeta: float,
    intercept: bool,
    start: np.ndarray | None,
    min_decrease: float,
    max_iter: int,
) -> np.ndarray:
    """Minimise zeta^2 |x|^2 + |A x - b|^2 / rows over the simplex, A = y[:, :-1], b = y[:, -1].

    Stops when an iteration decreases the objective by at most ``min_decrease`` squared.
    """
    if intercept:
        y = y - y.mean(axis=0)
    a = np.ascontiguousarray(y[:, :-1])
    b = np.ascontiguousarray(y[:, -1])
    x = np.full(a.shape[1], 1 / a.shape[1]) if start is None else start.astype(float)
    return _compiled_loop()(a, b, x, zeta**2, min_decrease**2, max_iter)


@functools.cache
def _compiled_loop():
    import numba

    return numba.njit(cache=True, nogil=True)(_frank_wolfe_loop)


def _frank_wolfe_loop(
    a: np.ndarray, b: np.ndarray, x: np.ndarray, zeta2: float, threshold: float, max_iter: int
) -> np.ndarray:
    """Frank-Wolfe iterations with exact line search (``synthdid:::fw.step``)."""
    rows = a.shape[0]
    eta = rows * zeta2
    ax = a @ x
    previous = np.inf
    for iteration in range(max_iter):
        half_grad = (ax - b) @ a + eta * x
        i = np.argmin(half_grad)
        direction = -x
        direction[i] += 1.0
        if np.any(direction != 0.0):
            d_err = a[:, i] - ax
            step = -(half_grad @ direction) / (d_err @ d_err + eta * (direction @ direction))
            step = min(1.0, max(0.0, step))
            x = x + step * direction
            ax = ax + step * d_err
        residual = ax - b
        value = zeta2 * (x @ x) + (residual @ residual) / rows
        if iteration >= 1 and previous - value <= threshold:
            break
        previous = value
    return x
