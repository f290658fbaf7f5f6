"""The reference model in plain vectorised numpy: the yardstick of ``passerelle bench``.

One boolean per person, two float32 uniform draws per person per month into a preallocated
buffer, in-place comparisons; since the insured are the first people, each seek probability
applies to a contiguous slice and no per-person probability array is needed.
"""

from __future__ import annotations

import numpy as np

from passerelle.bench.reference import (
    P_NEED,
    P_SEEK_INSURED,
    P_SEEK_UNINSURED,
    ReferenceRun,
    check_size,
    insured_count,
)


def run(n_people: int, months: int, seed: int) -> ReferenceRun:
    """Simulate ``n_people`` people for ``months`` months with ``np.random.default_rng(seed)``."""
    check_size(n_people, months)
    rng = np.random.default_rng(seed)
    insured = insured_count(n_people)
    need = np.zeros(n_people, dtype=bool)
    flag = np.empty(n_people, dtype=bool)
    draw = np.empty(n_people, dtype=np.float32)
    n_need = np.empty(months, dtype=np.int64)
    for month in range(months):
        rng.random(out=draw, dtype=np.float32)
        np.less(draw, P_NEED, out=flag)
        need |= flag
        rng.random(out=draw, dtype=np.float32)
        np.greater_equal(draw[:insured], P_SEEK_INSURED, out=flag[:insured])
        np.greater_equal(draw[insured:], P_SEEK_UNINSURED, out=flag[insured:])
        need &= flag
        n_need[month] = np.count_nonzero(need)
    return ReferenceRun(n_need / n_people)
