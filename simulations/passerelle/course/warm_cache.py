"""Warm caches for a batch: every numba kernel the notebooks compile, compiled once before
autograde, and matplotlib's font list, built once; for batches graded without the kernel
server (:mod:`passerelle.course.kernel_server`, which compiles the kernels itself and keeps
them from one batch to the next), where each kernel starts afresh.

A sandboxed kernel starts with an empty ``/tmp`` (private), so every submission would compile
the same numba kernels again (several seconds each in an assignment that loads them: the
course's own runs, of a few thousand people, use the kernels' numpy twins and load none)
and matplotlib would list the system's fonts again (about 0.2 s of CPU in every notebook that
plots). ``warm(folder, assignment, notebooks)`` runs the assignment's source notebooks (the
solutions and the hidden tests) for the example student in a fresh process whose
``NUMBA_CACHE_DIR`` is ``folder/numba`` and ``MPLCONFIGDIR`` ``folder/matplotlib``: every
kernel the notebook's code compiles, the student's part and the grader's, is compiled there
once, the font list written there once, and the sandbox gives each kernel a private copy of
``folder`` as its ``/tmp`` (see :mod:`passerelle.course.sandbox`). numba checks each cached
kernel against its source file's time stamp and size, and matplotlib its font list against its
own version, so a stale entry is rebuilt, never used.

Run as ``python -m passerelle.course.warm_cache NOTEBOOK...`` with ``NUMBA_CACHE_DIR`` and
``MPLCONFIGDIR`` set.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from passerelle.course.assignments import MODULES
from passerelle.course.sandbox import MATPLOTLIB, NUMBA

# Seconds the warm-up may take: compiling every kernel of the simulator and running the
# source notebook once take well under a few minutes on a 2-core laptop (assumption, from
# the first run of ``passerelle run`` and the slowest source notebook, tp06-essai).
TIMEOUT = 600
KERNEL = "python3"


def compute(notebooks: list[Path]) -> None:
    """Run each source notebook of ``notebooks`` top to bottom, in a scratch folder (so that
    its matricule cell takes the example student)."""
    for path in notebooks:
        notebook = nbformat.read(path, 4)
        with tempfile.TemporaryDirectory(prefix="passerelle-chauffe-") as work:
            NotebookClient(notebook, timeout=TIMEOUT, kernel_name=KERNEL, allow_errors=True,
                           resources={"metadata": {"path": work}}).execute()


def warm(folder: Path, assignment: str, notebooks: list[Path]) -> bool:
    """Fill ``folder`` with the numba kernels ``assignment``'s source ``notebooks`` compile
    (in ``folder/numba``) and matplotlib's font list (in ``folder/matplotlib``);
    ``False`` (and an empty folder) for an assignment the course's modules do not hold, or
    when the warm-up fails: the kernels then compile for themselves, as without a cache.

    Examples
    --------
    >>> warm(Path("/tmp/caches-chauds"), "tp02-cascade",
    ...      [Path("course/source/tp02-cascade/tp02-cascade.ipynb")])  # doctest: +SKIP
    True
    """
    folder.mkdir(parents=True, exist_ok=True)
    if assignment not in MODULES:
        return False
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("NUMBA_") and key != "MPLCONFIGDIR"}
    env["NUMBA_CACHE_DIR"] = str((folder / NUMBA).resolve())
    env["MPLCONFIGDIR"] = str((folder / MATPLOTLIB).resolve())
    done = subprocess.run([sys.executable, "-m", "passerelle.course.warm_cache",
                           *(str(path.resolve()) for path in notebooks)],
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)
    return done.returncode == 0


if __name__ == "__main__":
    compute([Path(arg) for arg in sys.argv[1:]])
