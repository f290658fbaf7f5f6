"""Belgium's full population, as ``passerelle run baseline --population full --set
population.region=belgium`` runs it: wall time and peak resident memory of that command
in a fresh process (results, summary and report written to a temporary folder)."""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time

WALL = "belgium: wall seconds"
PEAK = "belgium: peak GB"
AGENT_MONTHS = "belgium: agent-months per second"

_COMMAND = ("import sys\nfrom passerelle.apps.cli import main\n"
            "sys.argv = ['passerelle', *sys.argv[1:]]\nmain()")


def measure(months: int = 120) -> dict[str, float]:
    """Wall seconds, peak GB (resident) and agent-months per second of the national run."""
    with tempfile.TemporaryDirectory(prefix="passerelle-belgium-") as out:
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _COMMAND, "run", "baseline", "--population", "full",
             "--months", str(months), "--set", "population.region=belgium", "--out", out],
            check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - began
    # ru_maxrss of children is the largest child so far, in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / 1e9
    report = {WALL: seconds, PEAK: peak}
    for line in done.stdout.splitlines():
        if "agent-months in" in line:
            count, _, rest = line.partition(" agent-months in ")
            report[AGENT_MONTHS] = int(count.replace(",", "")) / float(rest.split()[0])
    return report
