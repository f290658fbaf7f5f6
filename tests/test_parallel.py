"""Threads and chunks split people, not results: a run on two threads, or with numpy
instead of numba, gives the bytes of a run on one thread; a population drawn in chunks is
the population drawn at once.

Each run is a fresh process with ``NUMBA_NUM_THREADS`` set, since numba fixes its thread
pool when it starts, and kernels split arrays from 64 items (not ``THREADED_FROM``) so the
small population goes through the threaded kernels; a third run uses the kernels' numpy
twins throughout. The digest covers every result cell and every per-person total.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from passerelle.config import population
from passerelle.config.scenario import load
from passerelle.engine.random import Streams

CHILD = """
import hashlib, sys
import numpy as np
import passerelle
from passerelle.engine import kernels
if sys.argv[2] == "numpy":  # the kernels' numpy twins for the whole run
    kernels.COMPILED_FROM = kernels.COMPILED_AFTER = 2**62
else:  # the compiled kernels, split between threads even for this small population
    kernels.COMPILED_FROM, kernels.THREADED_FROM = 0, 64
results = passerelle.run(sys.argv[1], population={"size": 6000},
                         run={"months": 12, "burn_in": 6})
digest = hashlib.sha256()
for name in sorted(results.cells):
    digest.update(name.encode() + np.ascontiguousarray(results.cells[name]).tobytes())
for name in sorted(results.people):
    digest.update(name.encode() + np.ascontiguousarray(results.people[name]).tobytes())
threads = sys.modules["numba"].get_num_threads() if "numba" in sys.modules else "numpy"
print(threads, digest.hexdigest())
"""


def digest_on(threads: int, scenario: str, kernels: str = "compiled") -> tuple[str, str]:
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads)}
    done = subprocess.run([sys.executable, "-c", CHILD, scenario, kernels],
                          capture_output=True, text=True, env=env, check=True)
    used, digest = done.stdout.split()[-2:]
    return used, digest


@pytest.mark.parametrize("scenario", ["baseline", "facilitators+centres"])
def test_two_threads_and_numpy_give_the_bytes_of_one_thread(scenario):
    one, two = digest_on(1, scenario), digest_on(2, scenario)
    twins = digest_on(2, scenario, "numpy")
    assert (one[0], two[0], twins[0]) == ("1", "2", "numpy")
    assert one[1] == two[1] == twins[1]


CONCURRENT = """
import hashlib
from concurrent.futures import ThreadPoolExecutor
import numba
import numpy as np
import passerelle
from passerelle.engine import kernels
kernels.THREADED_FROM = 64

def digest():
    results = passerelle.run("baseline", population={"size": 3000},
                             run={"months": 6, "burn_in": 3})
    return hashlib.sha256(b"".join(np.ascontiguousarray(results.cells[name]).tobytes()
                                   for name in sorted(results.cells))).hexdigest()

main = digest()
with ThreadPoolExecutor(max_workers=2) as pool:
    side = list(pool.map(lambda _: digest(), range(2)))
print(numba.threading_layer(), main == side[0] == side[1])
"""


def test_runs_in_concurrent_threads_give_the_bytes_of_the_main_thread():
    # numba's workqueue layer aborts the process when two threads split kernels at once:
    # only the main thread splits them, other threads draw the same numbers on their own.
    env = {**os.environ, "NUMBA_NUM_THREADS": "2"}
    env.pop("NUMBA_THREADING_LAYER", None)
    done = subprocess.run([sys.executable, "-c", CONCURRENT], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stdout.split()[-2:] == ["workqueue", "True"]


def test_population_drawn_in_chunks_is_the_population_drawn_at_once(monkeypatch):
    # Chunks bound the memory of drawing a full-size population; they must not change it.
    spec = load("baseline", ["population.size=5000"]).population

    def columns() -> dict[str, np.ndarray]:
        people = population.synthesize(spec, Streams(3), 300).people
        return {column.name: getattr(people, column.name).copy() for column in people.columns}

    whole = columns()
    monkeypatch.setattr(population, "CHUNK", 700)
    chunked = columns()
    assert whole.keys() == chunked.keys()
    for name, values in whole.items():
        assert np.array_equal(values, chunked[name]), name
