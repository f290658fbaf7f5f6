"""Sweeps: many independent runs (scenario × seed × overrides) on a Dask cluster.

Each run is one task on a worker: it simulates and returns the bytes of its
``results.parquet`` and ``summary.json``. The client writes each run as soon as it
finishes (``distributed.as_completed``) into ``out/<run id>/``, atomically: into a hidden
temporary folder first, renamed into place once complete. A run whose folder holds its
results is kept only once verified (``passerelle.engine.store.problem``: the SHA-256 of
each file and the table's rows, recorded in its ``run.json``, still match), so an
interrupted sweep resumes where it stopped and a damaged run is computed again; leftover
temporary folders of an interrupted sweep are removed when the next one starts (one sweep
at a time writes into a folder). ``passerelle.engine.store.connect(out)`` queries every
run at once, with the scenario, the seed, the run id and each override as columns.

``grid`` crosses lists of values (``facilitators.caseload=40,80,120``) into overrides,
which ``runs`` crosses with scenarios and seeds.

A run id is ``<scenario name>-seed<seed>-<hash>``, where the hash covers the run's resolved
scenario: every parameter after ``extends``, overrides and seed. Two ways of asking for the
same run give the same id; the id does not cover the model's code, so sweep into a new
folder after changing the model. Runs are bit for bit the same on workers as serially
(``Sim(scenario).run().save(folder)`` writes the same Parquet bytes).

The cluster is a ``distributed.LocalCluster`` (one single-threaded worker process per
core, see ``local_cluster``) unless a ``Client`` or a scheduler address is given; workers
elsewhere need Passerelle installed and a clone of the repository (for
``datasets/sources``), and the ``KeepHeap`` plugin if they only simulate.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, LocalCluster, WorkerPlugin, as_completed

from passerelle.config.scenario import Scenario, load
from passerelle.engine import kernels
from passerelle.engine.heap import keep_heap
from passerelle.engine.sim import Sim
from passerelle.engine.store import (
    RESULTS_FILE,
    RUN_FILE,
    SUMMARY_FILE,
    parquet_rows,
    problem,
    sha256,
)

TMP_PREFIX = ".tmp-"
PART = ".part"
# Seconds to wait for a remote scheduler before giving up (assumption: a reachable
# scheduler answers in well under a second, even across a campus network; Dask's own
# default of 30 s leaves a mistyped address looking like a hang).
SCHEDULER_TIMEOUT = 5

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep: a built-in scenario name or a TOML path, overrides, a seed."""

    scenario: str | Path = "baseline"
    overrides: tuple[str, ...] = ()
    seed: int = 1

    def resolve(self) -> Scenario:
        """The validated scenario (raises ``ScenarioError`` with the usual message)."""
        return load(self.scenario, (*self.overrides, f"run.seed={self.seed}"))


class SchedulerError(ConnectionError):
    """No Dask scheduler could be reached at the address given."""


class SweepError(RuntimeError):
    """Some runs failed; the others were written. ``failures`` maps run ids to errors."""

    def __init__(self, failures: dict[str, BaseException]):
        self.failures = failures
        lines = "\n".join(f"  - {run_id}: {error!r}" for run_id, error in failures.items())
        super().__init__(f"{len(failures)} runs failed:\n{lines}")


def run_id(scenario: Scenario) -> str:
    """Deterministic id of a run: scenario name, seed and a hash of every parameter."""
    content = json.dumps(scenario.to_dict(), sort_keys=True, default=str)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.+-]", "_", scenario.name)
    return f"{name}-seed{scenario.run.seed}-{digest}"


def parse_seeds(text: str) -> list[int]:
    """Seeds written ``1-8``, ``1,3,5`` or ``1-4,10``, in that order, without repeats.

    Examples
    --------
    >>> parse_seeds("1-3,10")
    [1, 2, 3, 10]
    """
    seeds: list[int] = []
    for part in text.replace(" ", "").split(","):
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise ValueError(f"seeds {text!r}: write them like 1-8, 1,3,5 or 1-4,10")
        if dash and int(high) < int(low):
            raise ValueError(f"seeds {text!r}: the range {part} runs downwards; write it "
                             f"{high}-{low}")
        seeds.extend(range(int(low), int(high or low) + 1))
    return list(dict.fromkeys(seeds))


def grid(axes: Sequence[str]) -> list[tuple[str, ...]]:
    """Overrides crossing every value of each axis ``section.field=v1,v2,...``: one tuple
    of ``section.field=value`` per point, the first axis varying slowest. A comma inside
    brackets or quotes belongs to its value (``needs.incidence_by_age=[1,2],[3,4]``).

    Examples
    --------
    >>> grid(["facilitators.caseload=40,80", "run.seed=1"])
    [('facilitators.caseload=40', 'run.seed=1'), ('facilitators.caseload=80', 'run.seed=1')]
    """
    values = []
    for axis in axes:
        key, equals, text = axis.partition("=")
        items = _split_values(text)
        if not equals or not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", key.strip()) \
                or not items or "" in items:
            raise ValueError(f"--grid {axis!r}: write it section.field=value,value,..., e.g. "
                             "--grid facilitators.caseload=40,80,120")
        values.append([f"{key.strip()}={item}" for item in items])
    return list(itertools.product(*values))


def _split_values(text: str) -> list[str]:
    """``text`` split at the commas outside brackets and quotes, each part stripped."""
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts if text.strip() else []


def runs(scenarios: Sequence[str | Path], seeds: Sequence[int], overrides: Sequence[str] = (),
         axes: Sequence[str] = ()) -> list[SweepRun]:
    """Every scenario × point of the ``grid`` of ``axes`` × seed, with ``overrides``."""
    return [SweepRun(scenario, (*overrides, *point), seed)
            for scenario in scenarios for point in grid(axes) for seed in seeds]


def compute(scenario: Scenario) -> dict[str, bytes]:
    """Run ``scenario`` (on a worker) and return its output files' bytes by file name; the
    worker uses the compiled kernels from its first run (it will make many)."""
    kernels.preload()
    results = Sim(scenario).run()
    with tempfile.TemporaryDirectory(prefix="passerelle-run-") as folder:
        results.save(folder)
        return {name: (Path(folder) / name).read_bytes()
                for name in (RESULTS_FILE, SUMMARY_FILE)}


def sweep(
    runs: Iterable[SweepRun | tuple],
    out: str | Path,
    client: Client | str | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
    compute: Callable[[Scenario], dict[str, bytes]] = compute,
) -> Path:
    """Compute every run of ``runs`` not yet in ``out`` and write each as it finishes.

    ``runs`` holds ``SweepRun``s or ``(scenario, overrides, seed)`` tuples; ``client`` is
    a ``distributed.Client``, a scheduler address, or ``None`` for a local cluster of
    ``workers`` processes (default: one per core). ``progress(done, total)`` is called
    after each run, skipped ones included. ``compute`` runs one scenario on a worker and
    returns its files by name, ``results.parquet`` among them (default: the full results;
    ``passerelle.apps.psa`` keeps only the totals it needs). Returns ``out``."""
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    planned = plan(runs)
    out = Path(out)
    for leftover in out.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(leftover)
    todo = {}
    for rid, item in planned.items():
        wrong = problem(out / rid) if (out / rid).exists() else "not computed yet"
        if wrong is None:
            log.info("%s: already in %s", rid, out)
        else:
            if (out / rid).exists():
                log.warning("%s: computed again: %s", rid, wrong)
            todo[rid] = item
    done = len(planned) - len(todo)
    if progress is not None:
        progress(done, len(planned))
    if not todo:
        return out
    failures: dict[str, BaseException] = {}
    with dask_client(client, workers) as dask:
        out.mkdir(parents=True, exist_ok=True)  # once a cluster is there to fill it
        futures = {dask.submit(compute, scenario, key=f"passerelle-run-{rid}"): rid
                   for rid, (_, scenario) in todo.items()}
        for future in as_completed(futures):
            rid = futures.pop(future)
            if future.status == "error":
                failures[rid] = future.exception()
                log.error("%s: failed: %r", rid, failures[rid])
            else:
                _write(out, rid, *todo[rid], future.result())
                log.info("%s: computed", rid)
            future.release()
            done += 1
            if progress is not None:
                progress(done, len(planned))
    if failures:
        raise SweepError(failures)
    return out


def plan(runs: Iterable[SweepRun | tuple]) -> dict[str, tuple[SweepRun, Scenario]]:
    """Validate every run (before anything starts) and key them by run id, without repeats."""
    planned: dict[str, tuple[SweepRun, Scenario]] = {}
    for item in runs:
        run = item if isinstance(item, SweepRun) else SweepRun(item[0], tuple(item[1]),
                                                               int(item[2]))
        scenario = run.resolve()
        planned.setdefault(run_id(scenario), (run, scenario))
    return planned


@contextmanager
def dask_client(client: Client | str | None, workers: int | None = None) -> Iterator[Client]:
    """A Dask client: ``client`` itself, a connection to the scheduler at that address, or
    a local cluster of ``workers`` processes (``local_cluster``) closed on exit."""
    if isinstance(client, Client):
        yield client
    elif client is not None:
        try:
            connected = Client(client, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as error:
            reason = str(error).split("\n")[0] or type(error).__name__
            raise SchedulerError(
                f"--scheduler {client}: no Dask scheduler answered within "
                f"{SCHEDULER_TIMEOUT} s ({reason}); give an address like "
                "tcp://host:8786, or leave --scheduler out for a local cluster") from None
        with connected:
            yield connected
    else:
        with local_cluster(workers) as cluster, Client(cluster) as local:
            yield local


def local_cluster(workers: int | None = None) -> LocalCluster:
    """A cluster of ``workers`` single-threaded processes (default: one per core) that only
    simulate, numba's kernels on one thread each (a process a core already uses them all).
    No dashboard (its HTTP server takes a free port rather than warn that 8787 is taken),
    and Dask's own logs only when critical: a run's error comes back with its future, and
    closing the cluster may log harmless errors of heartbeats cut short."""
    return LocalCluster(n_workers=workers or len(os.sched_getaffinity(0)), threads_per_worker=1,
                        processes=True, dashboard_address=None, silence_logs=logging.CRITICAL,
                        scheduler_kwargs={"dashboard_address": ":0"}, plugins={KeepHeap()},
                        env={"NUMBA_NUM_THREADS": "1"})


class KeepHeap(WorkerPlugin):
    """Keep a worker's large temporaries on the heap (``passerelle.engine.heap``): Dask's nanny
    sets ``MALLOC_TRIM_THRESHOLD_`` so that workers give memory back, which makes every
    month's arrays fault their pages in again (runs took 15-35% more CPU time)."""

    name = "passerelle-keep-heap"

    def setup(self, worker) -> None:
        keep_heap()


def _overridden(run: SweepRun, scenario: Scenario) -> dict[str, object]:
    """Each overridden ``section.field`` with its resolved value in ``scenario``."""
    resolved = scenario.to_dict()
    values: dict[str, object] = {}
    for override in run.overrides:
        key = override.partition("=")[0].strip()
        value: object = resolved
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        values[key] = value
    return values


def _write(out: Path, rid: str, run: SweepRun, scenario: Scenario,
           files: dict[str, bytes]) -> None:
    """Write a run's files into ``out/<rid>`` atomically: a file is complete under its own
    name, and the run's folder appears complete or not at all."""
    final = out / rid
    if final.exists():  # a folder without results (deleted by hand) is replaced
        shutil.rmtree(final)
    folder = out / f"{TMP_PREFIX}{rid}-{uuid.uuid4().hex}"
    folder.mkdir()
    checksums = {name: {"sha256": sha256(data)} for name, data in files.items()}
    checksums[RESULTS_FILE]["rows"] = parquet_rows(files[RESULTS_FILE])
    described = {"id": rid, "scenario": scenario.name, "source": str(run.scenario),
                 "overrides": list(run.overrides), "parameters": _overridden(run, scenario),
                 "seed": run.seed, "files": checksums}
    text = json.dumps(described, indent=2, default=str) + "\n"
    files = {**files, RUN_FILE: text.encode("utf-8")}
    for name, data in files.items():
        (folder / (name + PART)).write_bytes(data)
        os.replace(folder / (name + PART), folder / name)
    os.rename(folder, final)
