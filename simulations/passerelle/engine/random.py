"""Counter-based random streams: common random numbers by construction.

A draw is a pure function of (seed, module, stream, month, uid): SplitMix64 of a key
derived from the first four, at position ``uid`` (``passerelle.engine.splitmix``). Two
scenarios on the same seed give the same person the same draw for the same event, whatever
else differs, and a run gives the same numbers serially or on Dask workers, on any number of
threads, with numpy or with the compiled kernels (``passerelle.engine.kernels``): each draw
depends only on its uid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from passerelle.engine import kernels, splitmix


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
        every = isinstance(uids, int | np.integer)
        size = int(uids) if every else len(uids)
        if not kernels.compiled(size):
            return splitmix.units(key, np.arange(size) if every else np.asarray(uids))
        draws = kernels.load("draws")
        out = np.empty(size, dtype=np.float64)
        if every:
            kernels.threaded(size, draws.uniform_all, draws.uniform_all_threaded)(
                key, size, out)
        else:
            kernels.threaded(size, draws.uniform_at, draws.uniform_at_threaded)(
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
        if not kernels.compiled(len(uids)):
            return splitmix.passes_logit(key, np.asarray(uids), logits)
        draws = kernels.load("draws")
        out = np.empty(len(uids), dtype=np.bool_)
        kernels.threaded(out.size, draws.chance_logit_at, draws.chance_logit_at_threaded)(
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
        if not kernels.compiled(len(uids)):
            return _first_failed(keys, np.asarray(uids), logits, np.asarray(sure, dtype=bool))
        draws = kernels.load("draws")
        out = np.empty(len(uids), dtype=np.int64)
        kernels.threaded(out.size, draws.first_failed, draws.first_failed_threaded)(
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
        key = stream_key(self.seed, module, stream, month)
        probs = np.ascontiguousarray(p, dtype=np.float64)
        if not kernels.compiled(len(among)):
            return among & (splitmix.units(key, np.arange(len(among))) < probs[index])
        draws = kernels.load("draws")
        out = np.empty(len(among), dtype=np.bool_)
        kernels.threaded(out.size, draws.chance_among, draws.chance_among_threaded)(
            key, np.ascontiguousarray(among), probs, np.ascontiguousarray(index), out)
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
        every = isinstance(uids, int | np.integer)
        if not kernels.compiled(size):
            return splitmix.units(key, np.arange(size) if every else np.asarray(uids)) < probs
        draws = kernels.load("draws")
        out = np.empty(size, dtype=np.bool_)
        if every:
            kernels.threaded(size, draws.chance_all, draws.chance_all_threaded)(key, probs, out)
        else:
            kernels.threaded(size, draws.chance_at, draws.chance_at_threaded)(
                key, np.asarray(uids, dtype=np.int64), probs, out)
        return out


def _first_failed(keys: np.ndarray, uids: np.ndarray, logits: np.ndarray,
                  sure: np.ndarray) -> np.ndarray:
    """``Streams.first_failed`` in numpy, step by step over the people still passing."""
    out = np.full(uids.size, keys.size, dtype=np.int64)
    pending = np.arange(uids.size)
    for step, key in enumerate(keys):
        if step > 0:
            pending = pending[~sure[pending]]
        if pending.size == 0:
            break
        passed = splitmix.passes_logit(key, uids[pending], logits[step, pending])
        out[pending[~passed]] = step
        pending = pending[passed]
    return out
