"""Replay of bad command-line arguments: each is refused before any work, with exit code 2
and one line on stderr (``error: ...``), no traceback, and no output folder left behind.

Placeholders in a case: ``{tmp}`` a fresh folder, ``{file}`` an existing file in it,
``{foreign}`` a folder holding a file that no command wrote, ``{closed}`` a local TCP port
that refuses connections. Scenario-file problems are replayed by the scenario tests; here
only what is typed on the command line.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from passerelle.apps.cli import app

OUT = "{tmp}/out"
CASES: dict[str, list[str]] = {
    # run
    "run-population-zero": ["run", "--population", "0", "--out", OUT],
    "run-population-negative": ["run", "--population", "-5", "--out", OUT],
    "run-population-text": ["run", "--population", "lots", "--out", OUT],
    "run-population-fraction": ["run", "--population", "1.5", "--out", OUT],
    "run-out-existing-file": ["run", "--out", "{file}"],
    "run-out-under-a-file": ["run", "--out", "{file}/run"],
    "run-out-unwritable": ["run", "--out", "/sys/passerelle-out"],
    "run-out-foreign-folder": ["run", "--out", "{foreign}"],
    "run-months-text": ["run", "--months", "many", "--out", OUT],
    "run-months-zero": ["run", "--months", "0", "--out", OUT],
    "run-seed-text": ["run", "--seed", "x", "--out", OUT],
    "run-unknown-scenario": ["run", "nosuch-scenario", "--out", OUT],
    "run-set-malformed": ["run", "--set", "months=3", "--out", OUT],
    "run-unknown-option": ["run", "--speed", "3", "--out", OUT],
    "run-extra-argument": ["run", "baseline", "extra", "--out", OUT],
    # validate
    "validate-missing-argument": ["validate"],
    "validate-missing-file": ["validate", "{tmp}/absent.toml"],
    # sweep
    "sweep-seeds-descending": ["sweep", "baseline", "--seeds", "8-1", "--out", OUT],
    "sweep-seeds-text": ["sweep", "baseline", "--seeds", "x", "--out", OUT],
    "sweep-seeds-empty": ["sweep", "baseline", "--seeds", "", "--out", OUT],
    "sweep-workers-zero": ["sweep", "baseline", "--workers", "0", "--out", OUT],
    "sweep-workers-negative": ["sweep", "baseline", "--workers", "-1", "--out", OUT],
    "sweep-workers-text": ["sweep", "baseline", "--workers", "two", "--out", OUT],
    "sweep-scheduler-unreachable": ["sweep", "baseline", "--scheduler",
                                    "tcp://127.0.0.1:{closed}", "--out", OUT],
    "sweep-scheduler-malformed": ["sweep", "baseline", "--scheduler", "nonsense", "--out", OUT],
    "sweep-out-existing-file": ["sweep", "baseline", "--out", "{file}"],
    "sweep-out-under-a-file": ["sweep", "baseline", "--out", "{file}/sweep"],
    "sweep-population-zero": ["sweep", "baseline", "--population", "0", "--out", OUT],
    "sweep-population-beyond-memory": ["sweep", "baseline", "--population", "10" + "0" * 11,
                                       "--out", OUT],
    "sweep-no-scenario": ["sweep", "--out", OUT],
    "sweep-grid-no-values": ["sweep", "baseline", "--grid", "needs.chronic_rr", "--out", OUT],
    "sweep-grid-empty-value": ["sweep", "baseline", "--grid", "needs.chronic_rr=0.5,,0.7",
                               "--out", OUT],
    "sweep-grid-not-a-field": ["sweep", "baseline", "--grid", "caseload=40,80", "--out", OUT],
    "sweep-grid-unknown-section": ["sweep", "baseline", "--grid", "nosuch.field=40,80",
                                   "--out", OUT],
    "sweep-grid-out-of-range": ["sweep", "baseline", "--grid", "run.months=12,0",
                                "--out", OUT],
    # compare
    "compare-one-scenario": ["compare", "baseline", "--out", OUT],
    "compare-seeds-zero": ["compare", "baseline", "facilitators", "--seeds", "0",
                           "--out", OUT],
    "compare-out-existing-file": ["compare", "baseline", "facilitators", "--out", "{file}"],
    "compare-population-negative": ["compare", "baseline", "facilitators", "--population",
                                    "-5", "--out", OUT],
    "compare-unknown-scenario": ["compare", "baseline", "nosuch", "--out", OUT],
    # evaluate
    "evaluate-unknown-design": ["evaluate", "nosuch-design", "--out", OUT],
    "evaluate-replications-zero": ["evaluate", "individual-rct", "-r", "0", "--out", OUT],
    "evaluate-workers-zero": ["evaluate", "individual-rct", "--workers", "0", "--out", OUT],
    "evaluate-population-zero": ["evaluate", "individual-rct", "--population", "0",
                                 "--out", OUT],
    "evaluate-months-negative": ["evaluate", "individual-rct", "--months", "-3", "--out", OUT],
    "evaluate-staffing-zero": ["evaluate", "individual-rct", "--staffing", "0", "--out", OUT],
    "evaluate-staffing-nan": ["evaluate", "individual-rct", "--staffing", "nan", "--out", OUT],
    "evaluate-reporting-above-one": ["evaluate", "individual-rct", "--reporting", "1.5",
                                     "--out", OUT],
    "evaluate-attrition-one": ["evaluate", "individual-rct", "--attrition", "1", "--out", OUT],
    "evaluate-option-of-another-design": ["evaluate", "did", "--reporting", "0.5",
                                          "--out", OUT],
    "evaluate-out-under-a-file": ["evaluate", "individual-rct", "--out", "{file}"],
    # datasets, bench, targets, the program itself
    "datasets-build-out-existing-file": ["datasets", "build", "--out", "{file}"],
    "datasets-unknown-command": ["datasets", "nosuch"],
    "datasets-list-extra-argument": ["datasets", "list", "extra"],
    "bench-people-zero": ["bench", "--people", "0"],
    "bench-months-text": ["bench", "--months", "x"],
    "targets-set-malformed": ["targets", "--set", "x"],
    "compare-posterior-missing": ["compare", "baseline", "facilitators", "--posterior",
                                  "{tmp}/nosuch.parquet", "--out", OUT],
    "compare-posterior-not-an-ensemble": ["compare", "baseline", "facilitators",
                                          "--posterior", "{file}", "--out", OUT],
    "calibrate-unknown-parameter": ["calibrate", "--parameter", "cascade.nosuch",
                                    "--out", OUT],
    "calibrate-out-a-file": ["calibrate", "--out", "{file}"],
    "targets-role-unknown": ["targets", "--role", "fitted"],
    "targets-plot-under-a-file": ["targets", "--plot", "{file}/validation.svg"],
    "unknown-command": ["nosuch"],
    "unknown-option": ["--nosuch"],
}


@pytest.fixture
def closed() -> Iterator[int]:
    """A local TCP port bound but not listening for the test's duration: a connection is
    refused, and no other process (such as a Dask cluster of a parallel test) can take it."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


def materialise(args: list[str], tmp: Path, closed: int) -> list[str]:
    """``args`` with the placeholders filled in (see the module)."""
    (tmp / "note.txt").write_text("not a folder\n", encoding="utf-8")
    (tmp / "foreign").mkdir(exist_ok=True)
    (tmp / "foreign" / "thesis.tex").write_text("mine\n", encoding="utf-8")
    places = {"tmp": str(tmp), "file": str(tmp / "note.txt"), "foreign": str(tmp / "foreign"),
              "closed": str(closed)}
    return [arg.format(**places) for arg in args]


def test_the_replay_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_argument_exits_2_with_one_line(case, tmp_path, closed):
    args = materialise(CASES[case], tmp_path, closed)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, (result.output, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    assert sorted(p.name for p in (tmp_path / "foreign").iterdir()) == ["thesis.tex"]
