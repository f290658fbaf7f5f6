"""How long a student waits for their personal data in a fresh kernel, import included.

Each measure is a fresh Python process (as a fresh kernel is), timed from outside, repeated:
its wall-clock seconds and the CPU seconds it used (user + system, from ``getrusage``),
which a shared machine inflates much less; ``python -c pass`` in the same loop is the
reference the others are read against.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

COMMANDS = {
    "python -c pass": "pass",
    "import passerelle": "import passerelle",
    "mes_donnees tp00": "from passerelle.course import mes_donnees; "
                        "mes_donnees('tp00-prise-en-main', matricule='x')",
    "mes_donnees tp01": "from passerelle.course import mes_donnees; "
                        "mes_donnees('tp01-non-recours', matricule='x')",
    "mes_donnees tp02": "from passerelle.course import mes_donnees; "
                        "mes_donnees('tp02-cascade', matricule='x')",
    "mes_donnees tp04": "from passerelle.course import mes_donnees; "
                        "mes_donnees('tp04-facilitateurs', matricule='x')",
    "mes_donnees tp02 + first run": "import passerelle; from passerelle.course import "
                                    "mes_donnees; d = mes_donnees('tp02-cascade', "
                                    "matricule='x'); passerelle.run('baseline', **d.reglages)",
}


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of fresh processes running one step."""

    label: str
    seconds: tuple[float, ...]
    cpu_seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu_seconds)


def measure(code: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one fresh ``python -c code`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def timings(repeats: int = 5) -> list[Timing]:
    """Every step of ``COMMANDS``, interleaved so that a load change hits them alike."""
    found: dict[str, list[tuple[float, float]]] = {label: [] for label in COMMANDS}
    for _ in range(repeats):
        for label, code in COMMANDS.items():
            found[label].append(measure(code))
    return [Timing(label, tuple(w for w, _ in values), tuple(c for _, c in values))
            for label, values in found.items()]
