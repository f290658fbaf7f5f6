"""The common result type returned by every estimator of the evaluation lab."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error, confidence interval and p-value.

    Every estimator of the evaluation lab returns one. ``estimate``, ``std_error`` and
    ``conf_int`` are in the units of the estimand named by ``method`` (the outcome's units
    for an average treatment effect); ``conf_int`` is the two-sided interval at level
    1 - ``alpha``.

    Parameters
    ----------
    estimate : float
        Point estimate, in the estimand's units.
    std_error : float
        Standard error, same units (NaN when the estimator was asked for none).
    conf_int : tuple of float
        Lower and upper bounds of the two-sided 1 - ``alpha`` interval.
    method : str
        The estimator and its standard error, in words.
    n_obs : int
        Rows (or units, as documented by the estimator) used.
    details : dict
        Extra results, such as a table of group-time effects or the weights.
    alpha : float
        1 minus the interval's confidence level.
    model : object, optional
        The fitted statsmodels result behind the estimate, when there is one
        (``model.summary()`` prints its full table).
    term : str, optional
        Name of the estimate's coefficient in ``model``.

    Examples
    --------
    >>> e = Estimate.normal(2.0, 1.0, method="difference in means", n_obs=100)
    >>> round(e.pvalue, 4), tuple(round(x, 2) for x in e.conf_int)
    (0.0455, (0.04, 3.96))
    """

    estimate: float
    std_error: float
    conf_int: tuple[float, float]
    method: str
    n_obs: int
    details: dict[str, Any] = field(default_factory=dict)
    alpha: float = 0.05
    model: Any = field(default=None, repr=False, compare=False)
    term: str | None = None

    @classmethod
    def normal(
        cls,
        estimate: float,
        std_error: float,
        method: str,
        n_obs: int,
        alpha: float = 0.05,
        details: dict[str, Any] | None = None,
        model: Any = None,
        term: str | None = None,
    ) -> Estimate:
        """An estimate with a normal-approximation confidence interval.

        Parameters
        ----------
        estimate, std_error : float
            Point estimate and standard error, in the estimand's units.
        method : str
            The estimator, in words.
        n_obs : int
            Rows or units used.
        alpha : float
            1 minus the confidence level.
        details : dict, optional
            Extra results.
        model, term : optional
            The fitted model and the estimate's coefficient name in it.

        Returns
        -------
        Estimate
            With ``conf_int`` = estimate ± z(1 - alpha/2) × std_error.

        Examples
        --------
        >>> Estimate.normal(1.0, 0.5, "OLS", 40).conf_int[0] < 0.1
        True
        """
        z = float(ndtri(1 - alpha / 2))
        return cls(
            estimate=float(estimate),
            std_error=float(std_error),
            conf_int=(float(estimate - z * std_error), float(estimate + z * std_error)),
            method=method,
            n_obs=int(n_obs),
            details=dict(details or {}),
            alpha=alpha,
            model=model,
            term=term,
        )

    @property
    def pvalue(self) -> float:
        """Two-sided p-value of the null hypothesis that the estimand is zero.

        The fitted model's own p-value for ``term`` when there is one (its t or z
        distribution), else from the normal approximation; NaN without a standard error.

        Examples
        --------
        >>> round(Estimate.normal(1.96, 1.0, "z test", 10).pvalue, 3)
        0.05
        """
        if self.model is not None and self.term is not None:
            return float(self.model.pvalues[self.term])
        if not np.isfinite(self.std_error) or self.std_error <= 0:
            return float("nan")
        return float(2 * ndtr(-abs(self.estimate) / self.std_error))

    def summary(self) -> str:
        """One line: method, estimate, standard error, confidence interval, p-value and n.

        Returns
        -------
        str

        Examples
        --------
        >>> Estimate.normal(2.0, 1.0, "DiD", 50).summary()
        'DiD: 2 (SE 1; 95% CI 0.04004 to 3.96; p = 0.0455; n = 50)'
        """
        level = round(100 * (1 - self.alpha), 1)
        low, high = self.conf_int
        return (
            f"{self.method}: {self.estimate:.4g} (SE {self.std_error:.4g}; "
            f"{level:g}% CI {low:.4g} to {high:.4g}; p = {self.pvalue:.3g}; n = {self.n_obs})"
        )

    def __str__(self) -> str:
        return self.summary()


def require_columns(df: pd.DataFrame, columns: Iterable[str | None]) -> None:
    """Raise a ValueError naming the first column of ``columns`` missing from ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
    for column in columns:
        if column is not None and column not in df.columns:
            raise ValueError(f"column {column!r} not found in the data frame")


def check_alpha(alpha: float) -> None:
    """Raise a ValueError unless 0 < alpha < 1."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha}")


def numeric_column(df: pd.DataFrame, column: str) -> np.ndarray:
    """The column as a float array; a ValueError if it is not numeric or has missing values."""
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError(f"column {column!r} must be numeric without missing values")
    return values
