"""Pre-imported sandboxed kernels: one server a batch, which forks each submission's kernel.

A kernel started afresh for a submission spends about 2.2 s of CPU before any student code
runs (measured on the course's notebooks: 0.75 s to start ipykernel, 0.55 s for pandas, 0.8 s
for the first plot, 0.2 s for ``passerelle.course``), and a batch pays it once a copy. The
server pays it once a batch: it starts under bubblewrap with the sandbox's file system (see
:mod:`passerelle.course.sandbox`: the system, Python and the package read-only, the course
invisible), with the graded folders, its own folder and its cache bound in, imports what the
kernels import (:data:`PRELOADED`), compiles the simulator's numba kernels (or loads them
from its cache, :data:`passerelle.course.sandbox.CACHE`, which only the server writes), draws
one figure, and waits on a Unix socket. The kernelspec starts
:mod:`passerelle.course.kernel_client`, which sends the server the folder being graded and the
connection file; the server forks, and the fork confines itself further before any student
code runs:

- new user, mount, PID, IPC and UTS namespaces (:mod:`passerelle.course.namespaces`), a PID 1
  of its own that reaps and ends with the kernel, the kernel as PID 2 and a ``/proc`` of that
  namespace (no other kernel, and not the server, can be seen or signalled);
- a new empty ``/tmp`` (``$HOME``), with the read-only folders that lie under ``/tmp`` bound
  again; the graded folders covered by an empty tmpfs except the one being graded, bound
  read-write at its own path; the server's folder out of sight, and its cache replaced by a
  private copy (numba reads a cache only where it can write; what a kernel writes there is
  gone with it);
- no capability left, no new privileges (set-uid files do nothing), a session of its own.

The kernel thus sees what the per-kernel bubblewrap of :func:`passerelle.course.sandbox.launcher`
shows it. What differs: the kernel inherits the server's imported modules and their state
(nothing of a student: the server has run no submission, only a public scenario), and Python's
hash seed is the server's. A kernel that cannot be confined (a failed mount, a capability
left) never starts: the client reports the error and exits with status 1, and nbgrader
retries, then reports it.

Run as ``python -m passerelle.course.kernel_server SOCKET CONFINEMENT_JSON`` by
:class:`passerelle.course.sandbox.KernelServer`, never by hand.
"""

from __future__ import annotations

import importlib
import io
import os
import signal
import socket
import sys
from pathlib import Path

from passerelle.course.assignments import MODULES
from passerelle.course.kernel_forks import Confinement, attend, probe
from passerelle.course.sandbox import READY

# What the course's notebooks, hidden tests and assignment modules import (statsmodels and
# scipy.stats cost tp06 and tp07 about 2.5 s a copy when imported there): pyplot and the
# inline backend are left to the kernel, since they hook into the running IPython when they
# are first imported.
PRELOADED = ("ipykernel.kernelapp", "numpy", "pandas", "scipy.stats", "scipy.spatial",
             "statsmodels.api", "matplotlib.figure", "matplotlib.backends.backend_agg",
             "passerelle", "passerelle.datasets", "passerelle.evaluate",
             "passerelle.course.grading", "passerelle.course.identity",
             "passerelle.course.survey_estimates", *MODULES.values())
# The built-in scenario whose run loads the compiled kernels in the server: the one with every
# module switched on.
WARM_SCENARIO = "facilitators+centres"


def _preload(cache: Path | None) -> None:
    for name in PRELOADED:
        importlib.import_module(name)
    if cache is not None:
        # Every compiled kernel a run calls, compiled or loaded once for every fork: a
        # kernel calls them without loading or compiling them (a public scenario's run and a
        # toy synthetic control, nothing of a student or of the solutions).
        import numpy as np

        from passerelle import run
        from passerelle.engine import kernels
        from passerelle.evaluate.frank_wolfe import simplex_weights
        kernels.preload()
        run(WARM_SCENARIO, population={"size": 2_000}, run={"months": 2, "burn_in": 0})
        simplex_weights(np.eye(3), 0.1, True, None, 1e-5)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    figure = Figure()
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], label="écart")
    axes.set_title("Répartition")
    axes.legend()
    figure.savefig(io.BytesIO(), format="png")


def serve(address: Path, seen: Confinement) -> None:
    """The server's loop (inside its bubblewrap): preload, probe, answer ``ready``, fork.

    Examples
    --------
    >>> serve(Path("/tmp/serveur/s"), Confinement(Path("/c/autograded"),
    ...                                          Path("/tmp/serveur")))  # doctest: +SKIP
    """
    if seen.cache is not None:
        os.environ["NUMBA_CACHE_DIR"] = str(seen.cache / "numba")
        os.environ["MPLCONFIGDIR"] = str(seen.cache / "matplotlib")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    _preload(seen.cache)
    problem = probe(seen)
    if problem:
        print(f"les noyaux ne peuvent pas être confinés : {problem}", file=sys.stderr)
        sys.exit(1)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(address))
    listener.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    while True:
        link, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            try:
                attend(link, seen)
            finally:
                os._exit(0)
        link.close()


if __name__ == "__main__":
    del sys.path[0]  # the server's working folder, /: the kernel puts its own there
    serve(Path(sys.argv[1]), Confinement.from_json(sys.argv[2]))
