"""SplitMix64 at given positions: the hash every random draw of a run comes from.

A draw at position ``uid`` of the stream with 64-bit ``key`` is the top 53 bits of
SplitMix64's output for ``key + (uid + 1) × γ``, scaled to [0, 1) (Steele, Lea and Flood
2014, "Fast splittable pseudorandom number generators", OOPSLA). The compiled kernels
(``passerelle.engine.kernels.draws``) read these constants at compilation: numba's cache
is keyed on its own file, so a change here must come with a change there.
"""

from __future__ import annotations

import math

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
S30, S27, S31, S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
ONE = np.uint64(1)
TO_UNIT = 2.0**-53


def units(key: np.uint64, uids: np.ndarray) -> np.ndarray:
    """The uniform [0, 1) draw at each of ``uids`` (int64) of the stream ``key``, in numpy:
    the same bytes as the compiled kernels.

    Examples
    --------
    >>> units(np.uint64(1), np.arange(3)).round(3).tolist()
    [0.567, 0.746, 0.971]
    """
    z = uids.astype(np.uint64)
    z += ONE
    z *= GAMMA
    z += key
    z ^= z >> S30
    z *= MIX1
    z ^= z >> S27
    z *= MIX2
    z ^= z >> S31
    z >>= S11
    out = z.astype(np.float64)
    out *= TO_UNIT
    return out


def exp(x: np.ndarray) -> np.ndarray:
    """``exp`` of each element, from the C library as numba's kernels compute it (numpy's
    own differs in the last bit for some values on AVX-512 machines): ``inf`` past
    overflow.

    Examples
    --------
    >>> exp(np.array([0.0, 1.0, 1000.0])).tolist()
    [1.0, 2.718281828459045, inf]
    """
    return np.fromiter(map(_exp, x.tolist()), dtype=np.float64, count=x.size)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def passes_logit(key: np.uint64, uids: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """Whether the draw at each of ``uids`` passes with log-odds ``logits`` (one each):
    ``u × (1 + exp(-logit)) < 1``, the compiled kernels' test.

    Examples
    --------
    >>> passes_logit(np.uint64(1), np.arange(3), np.array([50.0, -50.0, 0.0])).tolist()
    [True, False, False]
    """
    odds = exp(-np.asarray(logits, dtype=np.float64))
    odds += 1.0
    odds *= units(key, uids)
    return odds < 1.0
