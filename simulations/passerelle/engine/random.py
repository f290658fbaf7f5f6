"""Counter-based random streams: common random numbers by construction.

A draw is a pure function of (seed, module, stream, month, uid): SplitMix64 of a key
derived from the first four, at position ``uid``. Two scenarios on the same seed give the
same person the same draw for the same event, whatever else differs, and a run gives the
same numbers serially or on Dask workers, on any number of threads: the kernels split
people between numba's threads (``prange``), and each draw depends only on its uid.

Numba's threads come from its ``workqueue`` layer unless ``NUMBA_THREADING_LAYER`` says
otherwise. With OpenMP (numba's first choice), every split kernel waited for a thread woken
from sleep: on a busy 2-core machine each of the dozen split kernels of a month then took
about 12 ms whatever its size (30,000 draws: 0.3 ms on one thread), and the full model ran
6 times slower on two threads than on one; ``workqueue`` costs a fraction of a millisecond
there. It is not thread-safe, so ``threaded`` splits kernels only when called from the main
thread (a Dask worker's task thread, or any other, draws on its own thread: the same
numbers).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence

import numba
import numpy as np

if "NUMBA_THREADING_LAYER" not in os.environ:
    numba.config.THREADING_LAYER = "workqueue"

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_ONE = np.uint64(1)
_TO_UNIT = 2.0**-53


@numba.njit(inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@numba.njit(inline="always")
def _unit(key, uid):
    return np.float64(_mix(key + (np.uint64(uid) + _ONE) * _GAMMA) >> _S11) * _TO_UNIT


# Each kernel twice: one loop on the calling thread, one split between numba's threads
# (prange). Waking the second thread costs tens of microseconds (milliseconds on a busy
# machine), more than a short array takes, so threads start from THREADED_FROM draws.
# Measured on a quiet 2-core machine, uniform draws at given uids, best of repeated calls,
# two threads against one: 4.0x slower at 50,000 draws, 1.6x slower at 200,000, even at
# 1,000,000, 1.23x faster at 10,000,000 (from 32,768 draws, a 50,000-person baseline had run
# 1.3x slower than on one thread).
THREADED_FROM = 2**20


@numba.njit(cache=True, nogil=True)
def _uniform_all(key, n, out):
    for i in range(n):
        out[i] = _unit(key, i)


@numba.njit(cache=True, nogil=True, parallel=True)
def _uniform_all_threaded(key, n, out):
    for i in numba.prange(n):
        out[i] = _unit(key, i)


@numba.njit(cache=True, nogil=True)
def _uniform_at(key, uids, out):
    for i in range(uids.size):
        out[i] = _unit(key, uids[i])


@numba.njit(cache=True, nogil=True, parallel=True)
def _uniform_at_threaded(key, uids, out):
    for i in numba.prange(uids.size):
        out[i] = _unit(key, uids[i])


@numba.njit(cache=True, nogil=True)
def _chance_all(key, p, out):
    step = 1 if p.size > 1 else 0
    for i in range(out.size):
        out[i] = _unit(key, i) < p[i * step]


@numba.njit(cache=True, nogil=True, parallel=True)
def _chance_all_threaded(key, p, out):
    step = 1 if p.size > 1 else 0
    for i in numba.prange(out.size):
        out[i] = _unit(key, i) < p[i * step]


@numba.njit(cache=True, nogil=True)
def _chance_at(key, uids, p, out):
    step = 1 if p.size > 1 else 0
    for i in range(uids.size):
        out[i] = _unit(key, uids[i]) < p[i * step]


@numba.njit(cache=True, nogil=True, parallel=True)
def _chance_at_threaded(key, uids, p, out):
    step = 1 if p.size > 1 else 0
    for i in numba.prange(uids.size):
        out[i] = _unit(key, uids[i]) < p[i * step]


@numba.njit(cache=True, nogil=True)
def _chance_logit_at(key, uids, logits, out):
    for i in range(uids.size):
        out[i] = _unit(key, uids[i]) * (1.0 + np.exp(-np.float64(logits[i]))) < 1.0


@numba.njit(cache=True, nogil=True, parallel=True)
def _chance_logit_at_threaded(key, uids, logits, out):
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
def _first_failed(keys, uids, logits, sure, out):
    for i in range(uids.size):
        _failed_at(keys, uids, logits, sure, out, i)


@numba.njit(cache=True, nogil=True, parallel=True)
def _first_failed_threaded(keys, uids, logits, sure, out):
    for i in numba.prange(uids.size):
        _failed_at(keys, uids, logits, sure, out, i)


@numba.njit(cache=True, nogil=True)
def _chance_among(key, among, p, index, out):
    for i in range(out.size):
        out[i] = among[i] and _unit(key, i) < p[index[i]]


@numba.njit(cache=True, nogil=True, parallel=True)
def _chance_among_threaded(key, among, p, index, out):
    for i in numba.prange(out.size):
        out[i] = among[i] and _unit(key, i) < p[index[i]]


def threaded(size: int, serial, split):
    """The kernel for ``size`` items: ``split`` (between threads) for long arrays on the main
    thread of a process with more than one numba thread, ``serial`` otherwise (the two give
    the same numbers). A process limited to one thread (a Dask worker of ``local_cluster``)
    never loads the split kernels, nor pays for starting them.

    Examples
    --------
    >>> threaded(10, "serial", "split"), threaded(10**7, "serial", "split")
    ('serial', 'split')
    """
    if (size < THREADED_FROM or numba.config.NUMBA_NUM_THREADS == 1
            or threading.current_thread() is not threading.main_thread()):
        return serial
    return split


def stream_key(seed: int, module: str, stream: str, month: int) -> np.uint64:
    """64-bit key of one stream in one calendar month."""
    digest = hashlib.blake2b(
        f"{seed}|{module}|{stream}|{month}".encode(), digest_size=8
    ).digest()
    return np.uint64(int.from_bytes(digest, "little"))


class Streams:
    """The random streams of one run: ``uniform`` and ``chance`` per (module, stream, month)."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def uniform(
        self, module: str, stream: str, month: int, uids: np.ndarray | int
    ) -> np.ndarray:
        """Uniform [0, 1) draws, one per uid (``uids`` an index array, or ``n`` for 0..n-1)."""
        key = stream_key(self.seed, module, stream, month)
        if isinstance(uids, int | np.integer):
            out = np.empty(int(uids), dtype=np.float64)
            threaded(out.size, _uniform_all, _uniform_all_threaded)(key, int(uids), out)
        else:
            out = np.empty(len(uids), dtype=np.float64)
            threaded(out.size, _uniform_at, _uniform_at_threaded)(
                key, np.asarray(uids, dtype=np.int64), out)
        return out

    def chance_logit(
        self, module: str, stream: str, month: int, logits: np.ndarray, uids: np.ndarray
    ) -> np.ndarray:
        """Bernoulli draws given log-odds, one per uid: True with probability
        1 / (1 + exp(-logit)), with the same uniform draw as ``chance`` would use."""
        key = stream_key(self.seed, module, stream, month)
        if len(logits) != len(uids):
            raise ValueError(f"{len(logits)} log-odds for {len(uids)} people in {module}.{stream}")
        out = np.empty(len(uids), dtype=np.bool_)
        threaded(out.size, _chance_logit_at, _chance_logit_at_threaded)(
            key, np.asarray(uids, dtype=np.int64), np.ascontiguousarray(logits), out)
        return out

    def first_failed(
        self, module: str, streams: Sequence[str], month: int, logits: np.ndarray,
        uids: np.ndarray, sure: np.ndarray,
    ) -> np.ndarray:
        """For a chain of steps passed one after the other, each with the draw
        ``chance_logit`` would make on its stream: the first step each uid fails
        (``len(streams)`` when it passes them all). Where ``sure`` is True every step after
        the first passes. One pass over people, drawing only the steps reached.

        Parameters
        ----------
        module : str
            The module drawing.
        streams : sequence of str
            One stream per step, in order.
        month : int
            Calendar month (months since 2000-01).
        logits : ndarray
            Log-odds of passing, one row per step and one column per uid.
        uids : ndarray
            The people drawn for.
        sure : ndarray of bool
            One per uid: passes every step after the first.

        Returns
        -------
        ndarray of int64
            The step failed, one per uid.

        Examples
        --------
        >>> import numpy as np
        >>> streams, uids = Streams(7), np.arange(4)
        >>> logits = np.array([[50.0] * 4, [-50.0] * 4], dtype=np.float32)
        >>> streams.first_failed("m", ["a", "b"], 300, logits, uids,
        ...                      np.array([False, True, False, True])).tolist()
        [1, 2, 1, 2]
        """
        if logits.shape != (len(streams), len(uids)) or len(sure) != len(uids):
            raise ValueError(f"log-odds of shape {logits.shape} and {len(sure)} flags for "
                             f"{len(streams)} steps of {len(uids)} people in {module}")
        keys = np.array([stream_key(self.seed, module, stream, month) for stream in streams],
                        dtype=np.uint64)
        out = np.empty(len(uids), dtype=np.int64)
        threaded(out.size, _first_failed, _first_failed_threaded)(
            keys, np.asarray(uids, dtype=np.int64), np.ascontiguousarray(logits),
            np.ascontiguousarray(sure, dtype=np.bool_), out)
        return out

    def chance_among(
        self, module: str, stream: str, month: int, among: np.ndarray, p: np.ndarray,
        index: np.ndarray,
    ) -> np.ndarray:
        """Bernoulli draws for the people where ``among`` is True, with probability
        ``p[index]``: the draws ``chance`` makes for ``np.flatnonzero(among)`` with
        ``p[index[among]]``, in one pass over everyone without gathering them.

        Parameters
        ----------
        module, stream : str
            Who draws, and for what.
        month : int
            Calendar month (months since 2000-01).
        among : ndarray of bool
            One per person: drawn for.
        p : ndarray of float
            Probabilities (0-1) by category.
        index : ndarray of int
            One per person: the category of ``p`` (an age band, say).

        Returns
        -------
        ndarray of bool
            One per person: drawn for and True.

        Examples
        --------
        >>> import numpy as np
        >>> streams, among = Streams(7), np.array([True, False, True, True])
        >>> p, band = np.array([0.0, 1.0]), np.array([1, 1, 0, 1])
        >>> streams.chance_among("m", "s", 300, among, p, band).tolist()
        [True, False, False, True]
        """
        if len(among) != len(index):
            raise ValueError(f"{len(among)} flags for {len(index)} categories in "
                             f"{module}.{stream}")
        out = np.empty(len(among), dtype=np.bool_)
        threaded(out.size, _chance_among, _chance_among_threaded)(
            stream_key(self.seed, module, stream, month), np.ascontiguousarray(among),
            np.ascontiguousarray(p, dtype=np.float64), np.ascontiguousarray(index), out)
        return out

    def chance(
        self, module: str, stream: str, month: int, p: np.ndarray | float,
        uids: np.ndarray | int,
    ) -> np.ndarray:
        """Bernoulli draws: True with probability ``p`` (scalar or one per uid)."""
        key = stream_key(self.seed, module, stream, month)
        size = int(uids) if isinstance(uids, int | np.integer) else len(uids)
        probs = np.ascontiguousarray(p, dtype=np.float64).reshape(-1)
        if probs.size not in (1, size):
            raise ValueError(f"{probs.size} probabilities for {size} people in {module}.{stream}")
        out = np.empty(size, dtype=np.bool_)
        if isinstance(uids, int | np.integer):
            threaded(size, _chance_all, _chance_all_threaded)(key, probs, out)
        else:
            threaded(size, _chance_at, _chance_at_threaded)(
                key, np.asarray(uids, dtype=np.int64), probs, out)
        return out
