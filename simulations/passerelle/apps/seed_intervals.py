"""The interval a comparison gives a difference: mean and 95% t interval over seeds.

Examples
--------
>>> over_seeds([1.0, 2.0, 3.0])[0]
2.0
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats


def over_seeds(values: Sequence[float]) -> tuple[float, float, float]:
    """Mean and 95% t interval over seeds (no interval from one seed)."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if values.size < 2:
        return mean, np.nan, np.nan
    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    return mean, mean - half, mean + half
