"""The engine's compiled kernels (numba), and when a call uses them rather than numpy.

Every kernel has a numpy twin beside its caller (``random``, ``groups``, the health module)
that gives the same bytes: integer hashing wraps alike, floats are added in the same order,
and the one transcendental function, ``exp``, is the C library's in both (numba calls it;
numpy's own ``exp`` differs from it in the last bit for about 5% of values on AVX-512
machines, so the twin calls ``math.exp``). ``tests/test_kernels.py`` checks each pair.

Which one runs is a matter of speed only, and the choice is a ski rental. Loading numba and
its cached kernels costs about 0.6 s in a fresh process (numba's import, scipy's BLAS check
included, and its compiler's registries as the first cached kernel loads); the numpy twins
cost about 5 ns more an item than the kernels (4-8 ns, from 5,000 to 100,000 people; a
month of the model sends about 36 items a person through them). So a process runs the
twins until it has sent ``COMPILED_AFTER`` items through them, about what loading numba
costs, and the kernels from then on: a process never pays more than twice the better of
the two choices. A call of ``COMPILED_FROM`` items or more loads numba at once, since the
twins' temporary arrays grow with the call (a large run's memory is the kernels'). A
student's notebook, the autograder's copies and a first ``passerelle run`` on a few
thousand people never import numba; a calibration or a sweep loads it in its first runs.

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

import importlib
import os
import sys
import threading
from types import ModuleType

# Measured on a quiet 2-core machine, baseline, 12 months and 24 of burn-in, best of 3: in
# a fresh process, 5,000 people took 1.22 s with the kernels and 0.67 s with the twins; in a
# warm one, 0.120 s and 0.172 s (100,000 people: 0.65 s and 1.21 s, 129 million items).
COMPILED_AFTER = 2**27
COMPILED_FROM = 2**18
_sent = 0
_threads_chosen = False
_loaded: dict[str, ModuleType] = {}

# Each kernel twice: one loop on the calling thread, one split between numba's threads
# (prange). Waking the second thread costs tens of microseconds (milliseconds on a busy
# machine), more than a short array takes, so threads start from THREADED_FROM draws.
# Measured on a quiet 2-core machine, uniform draws at given uids, best of repeated calls,
# two threads against one: 4.0x slower at 50,000 draws, 1.6x slower at 200,000, even at
# 1,000,000, 1.23x faster at 10,000,000 (from 32,768 draws, a 50,000-person baseline had run
# 1.3x slower than on one thread).
THREADED_FROM = 2**20


def compiled(size: int) -> bool:
    """Whether a call on ``size`` items uses the compiled kernels (counting the items sent
    to the numpy twins): when numba is loaded, from ``COMPILED_FROM`` items, and once the
    process has sent ``COMPILED_AFTER`` items to the twins.

    Examples
    --------
    >>> compiled(COMPILED_FROM)
    True
    """
    global _sent
    if "numba" in sys.modules or size >= COMPILED_FROM:
        return True
    _sent += size
    return _sent > COMPILED_AFTER


def load(name: str):
    """The kernel module ``name`` of this package (``"draws"``, ``"cells"``,
    ``"accrual"``), importing numba on the first call.

    Examples
    --------
    >>> hasattr(load("draws"), "uniform_at")
    True
    """
    module = _loaded.get(name)
    if module is None:  # a dictionary look-up: this is called a few hundred times a month
        preload()
        module = _loaded[name] = importlib.import_module(f"{__name__}.{name}")
    return module


def preload() -> None:
    """Import numba now, so that every call uses the kernels: for a process that will make
    many runs (a sweep's worker), which would otherwise pay for the twins first.

    Examples
    --------
    >>> preload(); compiled(1)
    True
    """
    global _threads_chosen
    if not _threads_chosen:  # before numba starts its threads, even if imported elsewhere
        import numba

        if "NUMBA_THREADING_LAYER" not in os.environ:
            numba.config.THREADING_LAYER = "workqueue"
        _threads_chosen = True


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
    import numba

    if (size < THREADED_FROM or numba.config.NUMBA_NUM_THREADS == 1
            or threading.current_thread() is not threading.main_thread()):
        return serial
    return split
