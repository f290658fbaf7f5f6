"""Sweeps and the store: 8 runs on a local cluster of 2 workers against the same 8 runs
serially in this process, and a grouped DuckDB query over the 100 runs of a sweep.

The serial runs are timed twice, as two references: on this process's main thread, where
numba splits long kernels between its threads (what a user gets without Dask), and on one
thread, as each worker runs (the ratio to that is the sweep's parallel efficiency, times
the number of workers). The cluster is started and each worker warmed up before the clock
starts, with a short run computed as a sweep computes it: numba's cache, pandas and
pyarrow load then (the first ``save`` imports the last two: 0.3 s of CPU in a fresh
worker, beside 0.4 s for each of its 4 runs on 15,000 people), so the speed-up is that of
the runs, not of starting processes. This process is warmed up the same way.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from passerelle.apps.sweep import SweepRun, compute, local_cluster, sweep
from passerelle.config.scenario import load
from passerelle.engine.sim import Sim
from passerelle.engine.store import connect

SPEED_UP = "sweep: 8 runs serially (threaded) / on 2 workers (time ratio)"
EFFICIENCY = "sweep: 8 runs serially on one thread / on 2 workers (time ratio)"
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


def _serial(runs: list[SweepRun], root: Path) -> float:
    """Seconds to run and save ``runs`` one after the other on the calling thread."""
    began = time.perf_counter()
    for run in runs:
        Sim(run.resolve()).run().save(root / str(run.seed))
    return time.perf_counter() - began


def measure(people: int = 50_000, repeats: int = 3) -> dict[str, float]:
    """The cluster's speed-up on 8 runs of ``people`` people (24 months after 24 of
    burn-in) over both serial references, and the grouped query: each timing the best of
    ``repeats`` (timed once each way, the serial batch took from 1.5 to 2.1 times the
    cluster's, from one call to the next on the same quiet machine)."""
    from distributed import Client

    run = (f"population.size={people}", "run.months=24")
    runs = [SweepRun("baseline", run, seed) for seed in range(1, RUNS + 1)]
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-sweep-") as folder:
        root = Path(folder)
        _warm_up()
        threaded = min(_serial(runs, root / f"threaded-{k}") for k in range(repeats))
        # Off the main thread, numba's kernels run on the calling thread only
        # (passerelle.engine.kernels.threaded), as in a worker limited to one thread.
        with ThreadPoolExecutor(1) as one_thread:
            single = min(one_thread.submit(_serial, runs, root / f"single-{k}").result()
                         for k in range(repeats))
        with local_cluster(WORKERS) as cluster, Client(cluster) as client:
            client.run(_warm_up)
            parallel = _best(lambda: sweep(runs, root / f"cluster-{uuid.uuid4().hex}",
                                           client=client), repeats)
            small = [SweepRun("baseline", SMALL_RUN, seed) for seed in range(1, QUERY_RUNS + 1)]
            sweep(small, root / "store", client=client)
        query = _best(lambda: connect(root / "store").execute(GROUPED).fetchall(), repeats)
    return {SPEED_UP: threaded / parallel, EFFICIENCY: single / parallel, QUERY: query}


def _warm_up() -> None:
    """Run and save a small run as a sweep's worker does (``compute``)."""
    compute(load("baseline", SMALL_RUN))
