"""The reference model of ``passerelle bench``, as fixed by the issue.

Each month, in this order:

1. every person without an open need develops one with probability ``P_NEED``;
2. every person with an open need, including those who just developed it, seeks care with
   probability ``P_SEEK_INSURED`` if insured and ``P_SEEK_UNINSURED`` if not; seeking care
   resolves the need.

Insurance is fixed for the whole run and deterministic: the first
``insured_count(n_people)`` people (``round(SHARE_INSURED * n_people)``) are insured, the
others are not, in every implementation. Everyone starts without a need. The outcome is the
share of people with an open need at the end of each month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

P_NEED = 0.05
"""Probability per month that a person without an open need develops one."""
P_SEEK_INSURED = 0.8
"""Probability per month that an insured person with an open need seeks care."""
P_SEEK_UNINSURED = 0.3
"""Probability per month that an uninsured person with an open need seeks care."""
SHARE_INSURED = 0.8
"""Share of people who are insured (fraction)."""


def insured_count(n_people: int) -> int:
    """Number of insured people, who are people ``0 .. insured_count(n_people) - 1``."""
    return round(SHARE_INSURED * n_people)


def check_size(n_people: int, months: int) -> None:
    """Raise ValueError unless there is at least one person and one month."""
    if n_people < 1 or months < 1:
        raise ValueError(f"need n_people >= 1 and months >= 1, got {n_people} and {months}")


def stationary_need_probability(p_seek: float) -> float:
    """Long-run probability (fraction) that a person with seek probability ``p_seek`` has an
    open need at the end of a month.

    At month ends a person is a two-state Markov chain: no need → need with probability
    ``P_NEED * (1 - p_seek)`` (develops one and does not seek care), need → no need with
    probability ``p_seek``. Its stationary probability of "need" is therefore
    ``P_NEED (1 - p_seek) / (p_seek + P_NEED (1 - p_seek))``.
    """
    gain = P_NEED * (1.0 - p_seek)
    return gain / (p_seek + gain)


def stationary_need_share() -> float:
    """Long-run expected share (fraction) of people with an open need at the end of a month.

    ``0.8 π(0.8) + 0.2 π(0.3) = 0.8 · 0.01/0.81 + 0.2 · 0.035/0.335 ≈ 0.030772``, with π from
    :func:`stationary_need_probability` (exact for ``n_people`` a multiple of 5).
    """
    return SHARE_INSURED * stationary_need_probability(P_SEEK_INSURED) + (
        1.0 - SHARE_INSURED
    ) * stationary_need_probability(P_SEEK_UNINSURED)


@dataclass(frozen=True, eq=False)
class ReferenceRun:
    """Outcome of one run of the reference model."""

    need_share: np.ndarray
    """Share of people with an open need at the end of each month (fraction, float64, length
    months); read-only."""

    def __post_init__(self) -> None:
        share = np.array(self.need_share, dtype=np.float64)
        if share.ndim != 1:
            raise ValueError(f"need_share must be one-dimensional, got shape {share.shape}")
        share.flags.writeable = False
        object.__setattr__(self, "need_share", share)
