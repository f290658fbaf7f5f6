"""How long a student waits for their personal data in a fresh kernel, import included.

Each measure is a fresh Python process (as a fresh kernel is), timed from outside, repeated;
``python -c pass`` in the same loop is the reference the others are read against, since the
machine may be shared.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

STEPS = {
    "python -c pass": "pass",
    "import passerelle": "import passerelle",
    "mes_donnees tp00": "from passerelle.course import mes_donnees; "
                        "mes_donnees('tp00-prise-en-main', matricule='x')",
    "mes_donnees tp01": "from passerelle.course import mes_donnees; "
                        "mes_donnees('tp01-non-recours', matricule='x')",
    "mes_donnees tp02": "from passerelle.course import mes_donnees; "
                        "mes_donnees('tp02-cascade', matricule='x')",
    "mes_donnees tp02 + first run": "import passerelle; from passerelle.course import "
                                    "mes_donnees; d = mes_donnees('tp02-cascade', "
                                    "matricule='x'); passerelle.run('baseline', *d.reglages)",
}


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of ``repeats`` fresh processes running ``code``."""

    label: str
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(code: str, repeats: int) -> tuple[float, ...]:
    """Seconds of ``repeats`` fresh ``python -c code`` processes."""
    found = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        found.append(time.perf_counter() - start)
    return tuple(found)


def timings(repeats: int = 5) -> list[Timing]:
    """Every step of ``STEPS``, interleaved so that a load change hits them alike."""
    seconds: dict[str, list[float]] = {label: [] for label in STEPS}
    for _ in range(repeats):
        for label, code in STEPS.items():
            seconds[label].extend(measure(code, 1))
    return [Timing(label, tuple(values)) for label, values in seconds.items()]
