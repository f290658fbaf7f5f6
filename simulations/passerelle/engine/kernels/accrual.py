"""Compiled accrual of QALYs and life-years: the kernel of the health module's
``accrue`` (``passerelle.modules.health``)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def accrue(present, age_band, severity, utility, utility_severity, survival, qalys,
            life_years, out):
    # One pass, with no temporary array the size of the population (five of them took 40
    # bytes a person, the run's peak).
    for k in range(present.size):
        i = present[k]
        value = utility[age_band[i]] - np.float64(severity[i] * utility_severity)
        value = max(value, 0.0) / 12.0
        out[k] = value
        qalys[i] += value * survival[i]
        life_years[i] += survival[i] / 12.0
