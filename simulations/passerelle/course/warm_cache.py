"""A warm numba cache for a batch: the simulator's kernels compiled once, before autograde.

A sandboxed kernel starts with an empty numba cache (its ``/tmp`` is private), so every
submission of an assignment that runs the simulator would compile the same kernels again
(several seconds each). ``warm(folder, assignment)`` computes every question's reference
answer for an example student in a fresh process whose ``NUMBA_CACHE_DIR`` is ``folder``:
the kernels the notebook's runs need are compiled there once, and the sandbox gives each
kernel a private copy (see :mod:`passerelle.course.sandbox`). numba checks each cached
kernel against its source file's time stamp and size, so a stale entry is recompiled, never
used.

Run as ``python -m passerelle.course.warm_cache ASSIGNMENT`` with ``NUMBA_CACHE_DIR`` set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

from passerelle.course.assignments import MODULES
from passerelle.course.assignments import assignment as find_assignment

EXAMPLE_STUDENT = "cache-exemple"
# Seconds the warm-up may take: compiling every kernel of the simulator takes well under a
# minute on a 2-core laptop (assumption, from the first run of ``passerelle run``).
TIMEOUT = 600


def compute(assignment: str) -> None:
    """Compute every question's reference answer of ``assignment`` for the example student."""
    module = find_assignment(assignment)
    data = module.data(EXAMPLE_STUDENT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for question in module.QUESTIONS.values():
            question.reference(data)


def warm(folder: Path, assignment: str) -> bool:
    """Fill ``folder`` with the numba kernels ``assignment`` compiles; ``False`` (and an
    empty folder) for an assignment the course's modules do not hold, or when the warm-up
    fails: the kernels then compile for themselves, as without a cache.

    Examples
    --------
    >>> warm(Path("/tmp/numba-chaud"), "tp02-cascade")  # doctest: +SKIP
    True
    """
    folder.mkdir(parents=True, exist_ok=True)
    if assignment not in MODULES:
        return False
    env = {key: value for key, value in os.environ.items() if not key.startswith("NUMBA_")}
    env["NUMBA_CACHE_DIR"] = str(folder.resolve())
    done = subprocess.run([sys.executable, "-m", "passerelle.course.warm_cache", assignment],
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)
    return done.returncode == 0


if __name__ == "__main__":
    compute(sys.argv[1])
