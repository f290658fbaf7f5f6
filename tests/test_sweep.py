"""Sweeps on a real Dask cluster: two worker processes of one thread each."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from distributed import Client
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.apps.sweep import (
    PART,
    RUN_FILE,
    TMP_PREFIX,
    KeepHeap,
    SweepError,
    SweepRun,
    grid,
    local_cluster,
    parse_seeds,
    plan,
    run_id,
    runs,
    sweep,
)
from passerelle.engine.sim import Sim
from passerelle.engine.store import (
    RESULTS_FILE,
    SUMMARY_FILE,
    CorruptRunWarning,
    connect,
    problem,
)
from passerelle.modules import DEFAULT

TINY = ("population.size=2000", "run.months=12")
RUNS = [SweepRun("baseline", TINY, seed) for seed in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def client():
    with local_cluster(2) as cluster, Client(cluster) as connected:
        yield connected


@pytest.fixture(scope="module")
def swept(client, tmp_path_factory) -> Path:
    """A sweep of the four tiny runs (read-only: copy it to change it)."""
    return sweep(RUNS, tmp_path_factory.mktemp("sweep") / "out", client=client)


def computed(caplog) -> list[str]:
    """Run ids the sweep computed (it logs one line each)."""
    return sorted(r.getMessage().split(":")[0] for r in caplog.records
                  if r.name == "passerelle.apps.sweep" and r.getMessage().endswith(": computed"))


def test_each_run_has_its_own_folder(swept):
    ids = sorted(plan(RUNS))
    assert sorted(p.name for p in swept.iterdir()) == ids
    for rid in ids:
        assert {p.name for p in (swept / rid).iterdir()} == {RESULTS_FILE, SUMMARY_FILE,
                                                              RUN_FILE}
        described = json.loads((swept / rid / RUN_FILE).read_text(encoding="utf-8"))
        assert described["id"] == rid and described["overrides"] == list(TINY)
        summary = json.loads((swept / rid / SUMMARY_FILE).read_text(encoding="utf-8"))
        assert summary["run"]["seed"] == described["seed"]


def test_a_run_on_workers_is_byte_identical_to_the_serial_run(swept, tmp_path):
    for run in RUNS:
        scenario = run.resolve()
        rid = run_id(scenario)
        Sim(scenario).run().save(tmp_path / rid)
        serial = (tmp_path / rid / RESULTS_FILE).read_bytes()
        assert (swept / rid / RESULTS_FILE).read_bytes() == serial, rid


def test_the_local_clusters_workers_keep_their_heap(client):
    plugins = client.run(lambda dask_worker: sorted(dask_worker.plugins))
    assert len(plugins) == 2
    assert all(KeepHeap.name in names for names in plugins.values())


def test_run_ids_are_the_same_in_another_process(client):
    """A worker process (another interpreter, another hash seed) computes the same ids."""
    scenarios = [scenario for _, scenario in plan(RUNS).values()]
    assert client.gather(client.map(run_id, scenarios, pure=False)) == list(plan(RUNS))


def test_run_ids_name_what_is_computed():
    same = SweepRun("baseline", (*TINY, "run.seed=3"), 3)
    assert run_id(same.resolve()) == run_id(SweepRun("baseline", TINY, 3).resolve())
    assert run_id(same.resolve()).startswith("baseline-seed3-")
    changed = SweepRun("baseline", (*TINY, "needs.chronic_rr=0.6"), 3)
    assert run_id(changed.resolve()) != run_id(same.resolve())
    assert len(plan([*RUNS, *RUNS, ("baseline", TINY, 1)])) == len(RUNS)


def test_an_interrupted_sweep_resumes_with_the_missing_runs_only(client, swept, tmp_path,
                                                                 caplog):
    out = tmp_path / "out"
    shutil.copytree(swept, out)
    ids = sorted(plan(RUNS))
    kept = {rid: (out / rid / RESULTS_FILE).stat() for rid in ids[2:]}
    shutil.rmtree(out / ids[0])
    (out / ids[1] / RESULTS_FILE).unlink()  # a folder without its results is redone
    # What an interruption leaves: a temporary folder with a half-written file.
    partial = out / f"{TMP_PREFIX}{ids[0]}-interrupted"
    partial.mkdir()
    (partial / (RESULTS_FILE + PART)).write_bytes(b"PAR1 half a file")
    assert connect(out).execute("SELECT count(DISTINCT run) FROM results").fetchone() == (2,)

    with caplog.at_level(logging.INFO, logger="passerelle.apps.sweep"):
        sweep(RUNS, out, client=client)
    assert computed(caplog) == ids[:2]
    for rid, before in kept.items():
        after = (out / rid / RESULTS_FILE).stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert not partial.exists()
    for rid in ids[:2]:
        assert (out / rid / RESULTS_FILE).read_bytes() == (swept / rid / RESULTS_FILE).read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ids


def damage(out: Path, ids: list[str]) -> None:
    """Three ways a kept run goes bad: a truncated table, an empty one, one changed byte."""
    table = out / ids[0] / RESULTS_FILE
    table.write_bytes(table.read_bytes()[: table.stat().st_size // 2])
    (out / ids[1] / RESULTS_FILE).write_bytes(b"")
    summary = out / ids[2] / SUMMARY_FILE
    data = bytearray(summary.read_bytes())
    data[len(data) // 2] ^= 1
    summary.write_bytes(bytes(data))


def test_a_kept_run_records_the_checksums_and_rows_of_its_files(swept):
    for rid in plan(RUNS):
        described = json.loads((swept / rid / RUN_FILE).read_text(encoding="utf-8"))
        assert set(described["files"]) == {RESULTS_FILE, SUMMARY_FILE}
        assert described["files"][RESULTS_FILE]["rows"] == len(
            connect(swept / rid).execute("SELECT * FROM results").fetchall())
        assert problem(swept / rid) is None


def test_resume_redoes_a_truncated_an_empty_and_a_changed_run(client, swept, tmp_path,
                                                               caplog):
    out = tmp_path / "out"
    shutil.copytree(swept, out)
    ids = sorted(plan(RUNS))
    damage(out, ids)
    assert [problem(out / rid) is None for rid in ids] == [False, False, False, True]
    with caplog.at_level(logging.INFO, logger="passerelle.apps.sweep"):
        sweep(RUNS, out, client=client)
    assert computed(caplog) == ids[:3]
    for rid in ids:  # summary.json records the run's speed: only the table is reproducible
        assert problem(out / rid) is None
        assert (out / rid / RESULTS_FILE).read_bytes() == (swept / rid / RESULTS_FILE
                                                           ).read_bytes(), rid


def test_connect_names_a_corrupt_run_and_serves_the_others(swept, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(swept, out)
    ids = sorted(plan(RUNS))
    damage(out, ids)
    with pytest.warns(CorruptRunWarning, match="3 of 4 runs") as caught:
        db = connect(out)
    for rid in ids[:3]:
        assert rid in str(caught[0].message)
    assert db.execute("SELECT DISTINCT run_id FROM results").fetchall() == [(ids[3],)]


def test_duckdb_has_the_scenario_seed_run_id_and_overrides_as_columns(swept):
    rows = connect(swept).execute(
        'SELECT DISTINCT scenario, seed, run_id, "population.size", "run.months" '
        "FROM results ORDER BY seed").fetchall()
    assert rows == [("baseline", r.seed, run_id(r.resolve()), 2000, 12) for r in RUNS]


def test_grid_crosses_every_value_of_every_axis():
    points = grid(["needs.chronic_rr=0.6,0.8", "run.start=\"2016-01\",\"2017-01\""])
    assert points == [("needs.chronic_rr=0.6", 'run.start="2016-01"'),
                      ("needs.chronic_rr=0.6", 'run.start="2017-01"'),
                      ("needs.chronic_rr=0.8", 'run.start="2016-01"'),
                      ("needs.chronic_rr=0.8", 'run.start="2017-01"')]
    assert grid(["needs.incidence_by_age=[1, 2],[3, 4]"]) == [
        ("needs.incidence_by_age=[1, 2]",), ("needs.incidence_by_age=[3, 4]",)]
    assert grid([]) == [()]
    crossed = runs(["baseline", "centres"], [1, 2], TINY, ["needs.chronic_rr=0.6,0.8"])
    assert len(crossed) == 8 and len(plan(crossed)) == 8


@pytest.mark.parametrize("axis", ["needs.chronic_rr", "needs.chronic_rr=", "chronic_rr=1,2",
                                  "needs.chronic_rr=1,,2", "=1,2"])
def test_grid_rejects_a_malformed_axis(axis):
    with pytest.raises(ValueError, match=r"write it section\.field=value,value"):
        grid([axis])


def test_the_sweep_command_sweeps_a_grid_crossed_with_seeds(client, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "sweep", "baseline", "--seeds", "1-2", "--population", "2000", "--months", "12",
        "--grid", "needs.chronic_rr=0.6,0.8", "--scheduler", client.scheduler.address,
        "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = connect(out).execute(
        'SELECT DISTINCT "needs.chronic_rr", seed FROM results ORDER BY ALL').fetchall()
    assert rows == [(0.6, 1), (0.6, 2), (0.8, 1), (0.8, 2)]


def test_an_interrupted_sweep_says_how_many_runs_were_kept_and_how_to_resume(tmp_path):
    """SIGINT to the real command, once its first run is written."""
    out = tmp_path / "out"
    command = [str(Path(sys.executable).parent / "passerelle"), "sweep", "baseline",
               "--seeds", "1-8", "--population", "2000", "--months", "12", "--workers", "1",
               "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 240
        while not (out.is_dir() and any(p.name[0] != "." for p in out.iterdir())):
            assert process.poll() is None and time.monotonic() < deadline, process.poll()
            time.sleep(0.2)
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    kept = [p for p in out.iterdir() if p.name[0] != "."]
    assert process.returncode == 130, stderr
    assert all(problem(p) is None for p in kept)
    assert stderr.strip().splitlines()[-1] == (
        f"error: interrupted: {len(kept)} of 8 runs kept in {out}; run the same command "
        "again to compute the other runs")


def test_a_complete_sweep_needs_no_cluster(swept, caplog):
    """Nothing to compute: the sweep returns without connecting (this address is closed)."""
    with caplog.at_level(logging.INFO, logger="passerelle.apps.sweep"):
        assert sweep(RUNS, swept, client="tcp://127.0.0.1:9") == swept
    assert computed(caplog) == []


def test_progress_counts_skipped_and_computed_runs(client, swept, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(swept, out)
    shutil.rmtree(out / sorted(plan(RUNS))[-1])
    calls = []
    sweep(RUNS, out, client=client, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 4), (4, 4)]


def test_duckdb_returns_one_row_per_run(swept):
    db = connect(swept)
    rows = db.execute(
        "SELECT r.run, j.seed, r.value FROM results r JOIN read_json(?) j "
        "ON r.run LIKE '%/' || j.id WHERE r.measure = 'needs_new' AND r.group_by = 'all' "
        "AND r.month = '2016-12' ORDER BY j.seed",
        [str(swept / "*" / RUN_FILE)]).fetchall()
    assert [Path(run).name for run, _, _ in rows] == [run_id(r.resolve()) for r in RUNS]
    assert [seed for _, seed, _ in rows] == [1, 2, 3, 4]
    series = db.execute(
        "SELECT r.run, list(r.value ORDER BY r.month) FROM results r WHERE r.measure = "
        "'needs_new' AND r.group_by = 'all' GROUP BY r.run").fetchall()
    # Four seeds, four outcomes: a month's count alone can coincide between two seeds.
    assert len(series) == 4 and len({tuple(values) for _, values in series}) == 4


def test_a_failing_run_is_reported_and_the_others_are_written(client, write_toml, tmp_path):
    broken = write_toml("broken.toml", 'extends = "baseline"\nplugins = ["support:Broken"]\n'
                        f"modules = {json.dumps([*DEFAULT, 'broken'])}\n")
    runs = [SweepRun(broken, TINY, seed) for seed in (1, 13)]
    with pytest.raises(SweepError, match="1 runs failed") as caught:
        sweep(runs, tmp_path / "out", client=client)
    [failed] = caught.value.failures
    assert failed.startswith("broken-seed13-")
    assert "broken on purpose" in str(caught.value)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [run_id(runs[0].resolve())]


@pytest.mark.parametrize("text, seeds", [("1-4", [1, 2, 3, 4]), ("3", [3]),
                                         ("1,3,5", [1, 3, 5]), ("1-3, 10, 2", [1, 2, 3, 10])])
def test_parse_seeds(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", "a", "1-", "-3", "1-x", "1;2"])
def test_parse_seeds_rejects_anything_else(text):
    with pytest.raises(ValueError, match="write them like 1-8"):
        parse_seeds(text)


def test_parse_seeds_rejects_a_range_that_runs_downwards():
    with pytest.raises(ValueError, match="the range 8-1 runs downwards; write it 1-8"):
        parse_seeds("3,8-1")


def test_the_sweep_command(client, swept, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [
        "sweep", "baseline", "--seeds", "1-2", "--population", "2000", "--months", "12",
        "--scheduler", client.scheduler.address, "--out", str(out)])
    assert result.exit_code == 0, result.output
    ids = sorted(p.name for p in out.iterdir())
    assert ids == sorted(plan(RUNS[:2]))
    for rid in ids:
        assert (out / rid / RESULTS_FILE).read_bytes() == (swept / rid / RESULTS_FILE).read_bytes()


def test_the_sweep_command_rejects_bad_input(tmp_path):
    runner = CliRunner()
    bad_seeds = runner.invoke(app, ["sweep", "baseline", "--seeds", "x", "--out", str(tmp_path)])
    assert bad_seeds.exit_code == 2 and "write them like 1-8" in bad_seeds.stderr
    bad = runner.invoke(app, ["sweep", "baseline", "--set", "run.months=0", "--out",
                              str(tmp_path / "out")])
    assert bad.exit_code == 2 and "run.months = 0" in bad.stderr
    assert not (tmp_path / "out").exists()
