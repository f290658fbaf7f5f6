"""The ``passerelle`` command line, in process (typer's runner) and once as a real process."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.apps.report import PLOTS
from passerelle.engine.store import RESULTS_FILE, SUMMARY_FILE, connect

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
    assert "baseline — last 12 months (2016-01 to 2016-12)" in result.stdout

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
    assert "last 6 months (2016-01 to 2016-06)" in result.stdout
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
