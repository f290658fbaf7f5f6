"""Compiled random draws: each kernel twice, one loop on the calling thread and one split
between numba's threads (``prange``); each draw depends only on its uid, so the two give
the same numbers (see ``passerelle.engine.random`` for what each draws, and
``passerelle.engine.splitmix`` for the hash)."""

from __future__ import annotations

import numba
import numpy as np

from passerelle.engine.splitmix import GAMMA, MIX1, MIX2, ONE, S11, S27, S30, S31, TO_UNIT


@numba.njit(inline="always")
def _mix(z):
    z = (z ^ (z >> S30)) * MIX1
    z = (z ^ (z >> S27)) * MIX2
    return z ^ (z >> S31)


@numba.njit(inline="always")
def _unit(key, uid):
    return np.float64(_mix(key + (np.uint64(uid) + ONE) * GAMMA) >> S11) * TO_UNIT


@numba.njit(cache=True, nogil=True)
def uniform_all(key, n, out):
    for i in range(n):
        out[i] = _unit(key, i)


@numba.njit(cache=True, nogil=True, parallel=True)
def uniform_all_threaded(key, n, out):
    for i in numba.prange(n):
        out[i] = _unit(key, i)


@numba.njit(cache=True, nogil=True)
def uniform_at(key, uids, out):
    for i in range(uids.size):
        out[i] = _unit(key, uids[i])


@numba.njit(cache=True, nogil=True, parallel=True)
def uniform_at_threaded(key, uids, out):
    for i in numba.prange(uids.size):
        out[i] = _unit(key, uids[i])


@numba.njit(cache=True, nogil=True)
def chance_all(key, p, out):
    step = 1 if p.size > 1 else 0
    for i in range(out.size):
        out[i] = _unit(key, i) < p[i * step]


@numba.njit(cache=True, nogil=True, parallel=True)
def chance_all_threaded(key, p, out):
    step = 1 if p.size > 1 else 0
    for i in numba.prange(out.size):
        out[i] = _unit(key, i) < p[i * step]


@numba.njit(cache=True, nogil=True)
def chance_at(key, uids, p, out):
    step = 1 if p.size > 1 else 0
    for i in range(uids.size):
        out[i] = _unit(key, uids[i]) < p[i * step]


@numba.njit(cache=True, nogil=True, parallel=True)
def chance_at_threaded(key, uids, p, out):
    step = 1 if p.size > 1 else 0
    for i in numba.prange(uids.size):
        out[i] = _unit(key, uids[i]) < p[i * step]


@numba.njit(cache=True, nogil=True)
def chance_logit_at(key, uids, logits, out):
    for i in range(uids.size):
        out[i] = _unit(key, uids[i]) * (1.0 + np.exp(-np.float64(logits[i]))) < 1.0


@numba.njit(cache=True, nogil=True, parallel=True)
def chance_logit_at_threaded(key, uids, logits, out):
    for i in numba.prange(uids.size):
        out[i] = _unit(key, uids[i]) * (1.0 + np.exp(-np.float64(logits[i]))) < 1.0


@numba.njit(inline="always")
def _failed_at(keys, uids, logits, sure, out, i):
    out[i] = keys.size
    for step in range(keys.size):
        if step > 0 and sure[i]:
            break
        if not _unit(keys[step], uids[i]) * (1.0 + np.exp(-np.float64(logits[step, i]))) < 1.0:
            out[i] = step
            break


@numba.njit(cache=True, nogil=True)
def first_failed(keys, uids, logits, sure, out):
    for i in range(uids.size):
        _failed_at(keys, uids, logits, sure, out, i)


@numba.njit(cache=True, nogil=True, parallel=True)
def first_failed_threaded(keys, uids, logits, sure, out):
    for i in numba.prange(uids.size):
        _failed_at(keys, uids, logits, sure, out, i)


@numba.njit(cache=True, nogil=True)
def chance_among(key, among, p, index, out):
    for i in range(out.size):
        out[i] = among[i] and _unit(key, i) < p[index[i]]


@numba.njit(cache=True, nogil=True, parallel=True)
def chance_among_threaded(key, among, p, index, out):
    for i in numba.prange(out.size):
        out[i] = among[i] and _unit(key, i) < p[index[i]]
