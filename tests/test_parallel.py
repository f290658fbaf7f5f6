"""Threads split people, not results: a run on two threads gives the bytes of a run on one.

Each run is a fresh process with ``NUMBA_NUM_THREADS`` set, since numba fixes its thread
pool when it starts. The digest covers every result cell and every per-person total.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CHILD = """
import hashlib, sys
import numba
import numpy as np
import passerelle
results = passerelle.run(sys.argv[1], "population.size=6000", "run.months=12",
                         "run.burn_in=6")
digest = hashlib.sha256()
for name in sorted(results.cells):
    digest.update(name.encode() + np.ascontiguousarray(results.cells[name]).tobytes())
for name in sorted(results.people):
    digest.update(name.encode() + np.ascontiguousarray(results.people[name]).tobytes())
print(numba.get_num_threads(), digest.hexdigest())
"""


def digest_on(threads: int, scenario: str) -> tuple[int, str]:
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads)}
    done = subprocess.run([sys.executable, "-c", CHILD, scenario], capture_output=True,
                          text=True, env=env, check=True)
    used, digest = done.stdout.split()[-2:]
    return int(used), digest


@pytest.mark.parametrize("scenario", ["baseline", "facilitators+centres"])
def test_two_threads_give_the_bytes_of_one(scenario):
    one, two = digest_on(1, scenario), digest_on(2, scenario)
    assert (one[0], two[0]) == (1, 2)
    assert one[1] == two[1]
