"""The common result type returned by every estimator of the evaluation lab."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error and confidence interval.

    `estimate`, `std_error` and `conf_int` are in the units of the estimand named by
    `method` (e.g. the outcome's units for an average treatment effect). `conf_int` is the
    two-sided interval at level 1 - `alpha`. `n_obs` counts the rows (or units, as
    documented by the estimator) used. `details` holds optional extra results, such as a
    table of group-time effects.
    """

    estimate: float
    std_error: float
    conf_int: tuple[float, float]
    method: str
    n_obs: int
    details: dict[str, Any] = field(default_factory=dict)
    alpha: float = 0.05

    @classmethod
    def normal(
        cls,
        estimate: float,
        std_error: float,
        method: str,
        n_obs: int,
        alpha: float = 0.05,
        details: dict[str, Any] | None = None,
    ) -> Estimate:
        """Build an estimate with a normal-approximation confidence interval."""
        z = float(stats.norm.ppf(1 - alpha / 2))
        return cls(
            estimate=float(estimate),
            std_error=float(std_error),
            conf_int=(float(estimate - z * std_error), float(estimate + z * std_error)),
            method=method,
            n_obs=int(n_obs),
            details=dict(details or {}),
            alpha=alpha,
        )

    def summary(self) -> str:
        """One line: method, estimate, standard error, confidence interval and n."""
        level = round(100 * (1 - self.alpha), 1)
        low, high = self.conf_int
        return (
            f"{self.method}: {self.estimate:.4g} (SE {self.std_error:.4g}; "
            f"{level:g}% CI {low:.4g} to {high:.4g}; n = {self.n_obs})"
        )

    def __str__(self) -> str:
        return self.summary()


def require_columns(df: pd.DataFrame, columns: Iterable[str | None]) -> None:
    """Raise a ValueError naming the first column of `columns` missing from `df`."""
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
