"""The ``passerelle`` command line, in process (typer's runner) and once as a real process."""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.apps.report import PLOTS
from passerelle.engine.output_folder import TMP_INFIX, staged
from passerelle.engine.store import RESULTS_FILE, SUMMARY_FILE, connect
from passerelle.modules import DEFAULT

PASSERELLE = Path(sys.executable).parent / "passerelle"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(arg) for arg in args])


def flat(text: str) -> str:
    """Output with every run of whitespace as one space (a terminal may wrap lines)."""
    return " ".join(text.split())


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header, after checking its signature."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE and head[12:16] == b"IHDR", path
    return struct.unpack(">II", head[16:24])


def test_run_writes_results_a_summary_and_a_report(tmp_path):
    out = tmp_path / "run"
    result = invoke("run", "--population", 3000, "--months", 12, "--out", out)
    assert result.exit_code == 0, result.output
    assert ("baseline + population.size=3000 + run.months=12: last 12 months (2016-01 to "
            "2016-12)") in flat(result.stdout)

    db = connect(out)
    months, measures = db.execute(
        "SELECT count(DISTINCT month), count(DISTINCT measure) FROM results").fetchone()
    assert (months, measures) >= (12, 30)
    assert months == 12
    population = db.execute("SELECT value FROM results WHERE measure = 'population' AND "
                            "group_by = 'all' AND month = '2016-12'").fetchone()[0]
    summary = json.loads((out / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert summary["summary"]["population"] == pytest.approx(population)
    assert summary["run"]["simulated_people"] == pytest.approx(3000, rel=0.05)
    assert summary["run"]["months"] == ["2016-01", "2016-12"]

    report = out / "report"
    for name in PLOTS:
        width, height = png_size(report / name)
        assert width > 100 and height > 100
        assert (report / name).stat().st_size > 1000
        assert f"]({name})" in (report / "report.md").read_text(encoding="utf-8")


def test_run_with_fewer_than_twelve_months(tmp_path):
    result = invoke("run", "--population", 2000, "--months", 6, "--seed", 3,
                    "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "last 6 months (2016-01 to 2016-06)" in flat(result.stdout)
    assert (tmp_path / RESULTS_FILE).stat().st_size > 0


def test_scenarios_lists_the_builtin_ones():
    result = invoke("scenarios")
    assert result.exit_code == 0
    assert "baseline" in result.stdout and "Brussels-Capital Region" in flat(result.stdout)


def test_validate_summarises_a_good_scenario():
    result = invoke("validate", "baseline", "--set", "run.months=6")
    assert result.exit_code == 0
    assert flat(result.stdout).startswith("ok baseline: brussels, 100000 people, 6 months "
                                          "from 2016-01")


BAD = {
    "out-of-range": ("[run]\nmonths = 0\n", "run.months = 0"),
    "unknown-field": ("[run]\nseeed = 3\n", "run.seeed: unknown field (did you mean 'seed'?); "
                      "allowed fields of [run]: start, months, burn_in, seed"),
    "unknown-section": ("[cascad]\nseek_base = 1.0\n",
                        "[cascad]: unknown section (did you mean 'cascade'?)"),
    "wrong-type": ("[run]\nmonths = \"ten\"\n", "run.months = 'ten': Input should be a valid "
                   "integer"),
    "bad-month": ("[run]\nstart = \"2016-13\"\n", "'2016-13' is not a month written YYYY-MM"),
    "invalid-toml": ("[run\n", "not valid TOML"),
    "unknown-module": ('modules = ["needz"]\n', "modules: unknown module 'needz' (did you "
                       "mean 'needs'?)"),
}


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_scenario_exits_with_code_2_and_says_why(command, case, write_toml, tmp_path):
    text, expected = BAD[case]
    path = write_toml(f"{case}.toml", text)
    result = invoke(command, path, "--out", tmp_path / "out") if command == "run" else invoke(
        command, path)
    assert result.exit_code == 2, result.output
    assert flat(result.stderr).startswith(f"error: scenario {path} is invalid: - ")
    assert expected in flat(result.stderr)
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_extends_cycle_exits_with_code_2(write_toml):
    write_toml("a.toml", 'extends = "b.toml"\n')
    result = invoke("validate", write_toml("b.toml", 'extends = "a.toml"\n'))
    assert result.exit_code == 2
    assert "`extends` forms a cycle" in flat(result.stderr)


@pytest.mark.parametrize("override", ["run.months", "months=3"])
def test_a_malformed_set_exits_with_code_2(override):
    result = invoke("validate", "baseline", "--set", override)
    assert result.exit_code == 2
    assert (f"--set {override!r}: write it section.field=value, e.g. --set run.months=24"
            in flat(result.stderr))


def test_the_installed_command_reports_a_bad_file_without_traceback(write_toml):
    path = write_toml("bad.toml", 'extends = "baseline"\n[run]\nmonths = -3\n')
    done = subprocess.run([str(PASSERELLE), "validate", str(path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stdout == ""
    assert flat(done.stderr) == (
        f"error: scenario {path} is invalid: - run.months = -3: Input should be greater than "
        "or equal to 1; expected: reported months (months, [1, 600])")


def test_version_prints_the_installed_version():
    from importlib.metadata import version

    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"passerelle {version('passerelle')}\n"


def test_the_licence_is_the_mit_licence_the_metadata_declares():
    root = Path(__file__).resolve().parents[1]
    text = (root / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Passerelle contributors, ULB chair in unconditional access to care" in text
    assert 'license = "MIT"' in (root / "pyproject.toml").read_text(encoding="utf-8")


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary folders a command left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_run_that_fails_midway_leaves_no_folder_and_keeps_the_previous_output(write_toml,
                                                                               tmp_path):
    """The plugin fails in the runs of seed 13, after months of simulation."""
    broken = write_toml("broken.toml", 'extends = "baseline"\nplugins = ["support:Broken"]\n'
                        f"modules = {json.dumps([*DEFAULT, 'broken'])}\n")
    fresh = tmp_path / "fresh"
    failed = invoke("run", broken, "--population", 2000, "--months", 6, "--seed", 13,
                    "--out", fresh)
    assert failed.exit_code != 0 and "broken on purpose" in str(failed.exception)
    assert not fresh.exists()

    kept = tmp_path / "kept"
    assert invoke("run", broken, "--population", 2000, "--months", 6, "--seed", 1,
                  "--out", kept).exit_code == 0
    before = {p.relative_to(kept): p.read_bytes() for p in kept.rglob("*") if p.is_file()}
    failed = invoke("run", broken, "--population", 2000, "--months", 6, "--seed", 13,
                    "--out", kept)
    assert failed.exit_code != 0
    after = {p.relative_to(kept): p.read_bytes() for p in kept.rglob("*") if p.is_file()}
    assert after == before
    assert leftovers(tmp_path) == []


def test_a_new_run_replaces_a_previous_output_whole(tmp_path):
    out = tmp_path / "run"
    assert invoke("run", "--population", 2000, "--months", 6, "--out", out).exit_code == 0
    (out / "report" / "stale.png").write_bytes(b"from an older version")
    assert invoke("run", "--population", 2000, "--months", 6, "--seed", 2,
                  "--out", out).exit_code == 0
    assert not (out / "report" / "stale.png").exists()
    assert json.loads((out / SUMMARY_FILE).read_text(encoding="utf-8"))["run"]["seed"] == 2
    assert leftovers(tmp_path) == []


def test_evaluate_passes_the_design_options_to_the_design(tmp_path):
    result = invoke("evaluate", "individual-rct", "--population", 4000, "--months", 20,
                    "-r", 2, "--workers", 1, "--staffing", 30, "--reporting", 0.5,
                    "--attrition", 0.2, "--out", tmp_path / "eval")
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "eval" / "individual-rct" / "summary.json").read_text())
    assert summary["options"] == {"population": 4000, "months": 20, "staffing": 30.0,
                                  "reporting": 0.5, "attrition": 0.2}
    assert leftovers(tmp_path / "eval") == []


def test_an_output_is_written_whole_or_not_at_all(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), staged(out) as folder:
        (folder / SUMMARY_FILE).write_text("{}", encoding="utf-8")
        raise RuntimeError("the disk is full")
    assert not out.exists() and leftovers(tmp_path) == []
    with staged(out) as folder:
        (folder / SUMMARY_FILE).write_text('{"first": true}', encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), staged(out) as folder:
        (folder / SUMMARY_FILE).write_text('{"second": true}', encoding="utf-8")
        raise KeyboardInterrupt
    assert (out / SUMMARY_FILE).read_text(encoding="utf-8") == '{"first": true}'
    assert leftovers(tmp_path) == []


def test_a_run_interrupted_while_writing_leaves_nothing(tmp_path):
    """SIGINT to the real command once its temporary folder appears (while it writes the
    results and the report's plots)."""
    out = tmp_path / "run"
    process = subprocess.Popen([str(PASSERELLE), "run", "--population", "2000", "--months",
                                "6", "--out", str(out)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not any(name.startswith(f".{out.name}{TMP_INFIX}") for name in leftovers(tmp_path)):
            assert process.poll() is None and time.monotonic() < deadline, process.poll()
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert not out.exists() and leftovers(tmp_path) == []
