"""A balanced panel for staggered difference-in-differences, validated and reshaped to
units x periods arrays (``passerelle.evaluate.staggered``)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from passerelle.evaluate.estimate import numeric_column, require_columns


@dataclass(frozen=True)
class Panel:
    """A balanced panel as arrays: outcome and covariates are units x periods."""

    outcome: np.ndarray
    covariates: list[np.ndarray]
    groups: np.ndarray
    times: np.ndarray


def balanced_panel(
    df: pd.DataFrame,
    outcome: str,
    unit: str,
    time: str,
    group: str,
    covariates: list[str],
) -> Panel:
    """Validate the long panel and reshape it to unit x period arrays.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per unit and period.
    outcome, unit, time, group : str
        Columns: the outcome, the unit, the numeric period and the unit's first treated
        period (0, missing or after the last period: never treated).
    covariates : list of str
        Numeric columns kept as units x periods arrays.

    Returns
    -------
    Panel
        Units already treated in the first period are dropped, with a warning.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"y": [1.0, 2.0, 1.0, 4.0], "unit": ["a", "a", "b", "b"],
    ...                    "t": [1, 2, 1, 2], "first": [0, 0, 2, 2]})
    >>> panel = balanced_panel(df, "y", "unit", "t", "first", [])
    >>> panel.outcome.tolist(), panel.groups.tolist()
    ([[1.0, 2.0], [1.0, 4.0]], [inf, 2.0])
    """
    require_columns(df, [outcome, unit, time, group, *covariates])
    data = pd.DataFrame(
        {
            "unit": df[unit].to_numpy(),
            "time": numeric_column(df, time),
            "y": numeric_column(df, outcome),
            "g": pd.to_numeric(df[group], errors="coerce").to_numpy(dtype=float),
        }
    )
    for k, name in enumerate(covariates):
        data[f"x{k}"] = numeric_column(df, name)
    if data["unit"].isna().any():
        raise ValueError(f"column {unit!r} must not have missing values")
    if data.duplicated(["unit", "time"]).any():
        raise ValueError(f"several rows share the same {unit!r} and {time!r}")
    if (data.groupby("unit")["g"].nunique(dropna=False) > 1).any():
        raise ValueError(f"column {group!r} must be constant within each unit")
    times = np.sort(data["time"].unique())
    if len(times) < 2:
        raise ValueError(f"column {time!r} must hold at least two periods")
    if (data.groupby("unit")["time"].size() != len(times)).any():
        raise ValueError("the panel must be balanced: every unit observed in every period")
    never = data["g"].isna() | (data["g"] == 0) | (data["g"] > times[-1])
    data.loc[never, "g"] = np.inf
    already = data["g"] <= times[0]
    if already.any():
        n_dropped = data.loc[already, "unit"].nunique()
        warnings.warn(
            f"dropped {n_dropped} units already treated in the first period",
            UserWarning,
            stacklevel=3,
        )
        data = data.loc[~already]
    data = data.sort_values(["unit", "time"])
    n_units = data["unit"].nunique()
    shape = (n_units, len(times))
    groups = data["g"].to_numpy()[:: len(times)]
    if not np.isfinite(groups).any():
        raise ValueError(f"column {group!r} has no treated cohort within the sample periods")
    return Panel(
        outcome=data["y"].to_numpy().reshape(shape),
        covariates=[data[f"x{k}"].to_numpy().reshape(shape) for k in range(len(covariates))],
        groups=groups,
        times=times,
    )
