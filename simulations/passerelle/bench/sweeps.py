"""Sweeps and the store: 8 runs on a local cluster of 2 workers against the same 8 runs
serially in this process, and a grouped DuckDB query over the 100 runs of a sweep.

The cluster is started and its workers warmed up (a short run loads numba's cache) before
the clock starts, so the speed-up is that of the runs, not of starting processes.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from passerelle.apps.sweep import SweepRun, local_cluster, sweep
from passerelle.config.scenario import load
from passerelle.engine.sim import Sim
from passerelle.engine.store import connect

SPEED_UP = "sweep: 8 runs serially / on 2 workers (time ratio)"
QUERY = "sweep: grouped DuckDB query over 100 runs, seconds"
RUNS = 8
WORKERS = 2
QUERY_RUNS = 100
# The 100 queried runs are small: the query reads their tidy tables, whatever their size.
SMALL_RUN = ("population.size=1000", "run.months=12", "run.burn_in=0")
GROUPED = """
    SELECT run, measure, group_by, "group", sum(value) AS value
    FROM results WHERE group_by <> 'all'
    GROUP BY run, measure, group_by, "group"
"""


def _best(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def measure(people: int = 50_000, repeats: int = 3) -> dict[str, float]:
    """The cluster's speed-up on 8 runs of ``people`` people (24 months after 24 of
    burn-in), and the best of ``repeats`` timings of the grouped query."""
    from distributed import Client

    run = (f"population.size={people}", "run.months=24")
    runs = [SweepRun("baseline", run, seed) for seed in range(1, RUNS + 1)]
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-sweep-") as folder:
        root = Path(folder)
        began = time.perf_counter()
        for run in runs:
            Sim(load(run.scenario, (*run.overrides, f"run.seed={run.seed}"))).run().save(
                root / "serial" / str(run.seed))
        serial = time.perf_counter() - began
        with local_cluster(WORKERS) as cluster, Client(cluster) as client:
            client.run(_warm_up)
            began = time.perf_counter()
            sweep(runs, root / "cluster", client=client)
            parallel = time.perf_counter() - began
            small = [SweepRun("baseline", SMALL_RUN, seed) for seed in range(1, QUERY_RUNS + 1)]
            sweep(small, root / "store", client=client)
        query = _best(lambda: connect(root / "store").execute(GROUPED).fetchall(), repeats)
    return {SPEED_UP: serial / parallel, QUERY: query}


def _warm_up() -> None:
    Sim(load("baseline", SMALL_RUN)).run()
