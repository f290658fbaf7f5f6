"""Start-up as a student or the autograder meets it: each figure is a fresh interpreter.

``import passerelle``, ``passerelle --help``, and a 5,000-person × 12-month baseline run
(24 months of burn-in) with numba's cache already filled, as on a kernel's second start.
Each is the best of ``repeats`` wall times, interpreter start included.
"""

from __future__ import annotations

import subprocess
import sys
import time

IMPORT = "start-up: import passerelle, seconds"
HELP = "start-up: passerelle --help, seconds"
FIRST_RUN = "start-up: 5,000 people × 12 months in a fresh process, seconds"

_COMMANDS = {
    IMPORT: "import passerelle",
    HELP: "import sys; sys.argv = ['passerelle', '--help']\n"
          "from passerelle.apps.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass",
    FIRST_RUN: "import passerelle\n"
               "passerelle.run('baseline', population={'size': 5000}, run={'months': 12})",
}


def wall(code: str, repeats: int) -> float:
    """Best wall time (seconds) of ``python -c code`` in a fresh interpreter."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return min(times)


def measure(repeats: int = 3) -> dict[str, float]:
    """Seconds of each start-up figure (the run once first, to fill numba's cache)."""
    wall(_COMMANDS[FIRST_RUN], 1)
    return {figure: wall(code, repeats) for figure, code in _COMMANDS.items()}
