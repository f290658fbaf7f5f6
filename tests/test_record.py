"""What was run: the record in summary.json, the Parquet metadata and the report's title."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from passerelle.apps.report import what_was_run, write_report
from passerelle.config import record
from passerelle.config.record import RunRecord, Software
from passerelle.config.scenario import load
from passerelle.engine.sim import Sim
from passerelle.engine.store import RESULTS_FILE, SUMMARY_FILE
from passerelle.modules.coverage import CoverageParams

PASSERELLE = Path(sys.executable).parent / "passerelle"
CLAIM = "Every parameter takes its default."
SMALL_FILE = f'''name = "small"
extends = "baseline"
description = "{CLAIM}"
[population]
size = 2000
[run]
months = 12
burn_in = 0
'''


def head_commit() -> str:
    return subprocess.run(["git", "-C", str(record.PACKAGE_DIR), "rev-parse", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_the_title_and_the_changes_name_the_overrides():
    default = CoverageParams().amu_refusal
    assert default != 0.02
    chosen = RunRecord.of(load("baseline", ["coverage.amu_refusal=0.02"]),
                          ["coverage.amu_refusal=0.02"])
    assert chosen.title == "baseline + coverage.amu_refusal=0.02"
    assert chosen.changed_from_scenario == {"coverage.amu_refusal": {"value": 0.02,
                                                                     "was": default}}
    assert chosen.changed_from_defaults["coverage.amu_refusal"] == {"value": 0.02,
                                                                    "was": default}
    assert chosen.source == "scenarios/baseline.toml"  # the same on every machine


def test_without_overrides_given_the_title_shows_the_changes_from_the_file():
    chosen = RunRecord.of(load("baseline", ["run.months=6"]))
    assert chosen.overrides == ()
    assert chosen.title == "baseline + run.months=6"


def test_an_intervention_scenario_differs_from_the_defaults_not_from_its_file():
    chosen = RunRecord.of(load("facilitators"))
    assert chosen.changed_from_scenario == {}
    assert chosen.title == "facilitators"
    modules = chosen.changed_from_defaults["modules"]
    assert set(modules["value"]) - set(modules["was"]) == {"facilitators"}


def test_the_hash_depends_on_the_values_not_on_how_they_were_given(write_toml):
    baseline = RunRecord.of(load("baseline")).params_hash
    default = CoverageParams().amu_refusal
    same = load("baseline", [f"coverage.amu_refusal={default}"])
    assert RunRecord.of(same).params_hash == baseline
    copy = write_toml("copy.toml", 'name = "copy"\nextends = "baseline"\n')
    assert RunRecord.of(load(copy)).params_hash == baseline  # name and file aside
    assert RunRecord.of(load("baseline", ["run.seed=7"])).params_hash == baseline
    changed = load("baseline", ["coverage.amu_refusal=0.02"])
    assert RunRecord.of(changed).params_hash != baseline
    assert len(baseline) == 64 and int(baseline, 16) >= 0


def test_the_commit_is_read_from_the_checkout_or_said_unknown(tmp_path, monkeypatch):
    software = Software.now(["passerelle", "run"])
    assert software.commit == head_commit()
    assert software.command == "passerelle run"
    assert software.version != record.UNKNOWN
    monkeypatch.setattr(record, "PACKAGE_DIR", tmp_path)  # not a checkout
    assert record._commit() == (record.UNKNOWN, None)
    monkeypatch.setenv("PATH", str(tmp_path))  # no git at all
    assert record._commit() == (record.UNKNOWN, None)


def test_a_run_records_what_was_run_in_every_output(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_FILE, encoding="utf-8")
    out = tmp_path / "out"
    command = [str(PASSERELLE), "run", str(path), "--set", "coverage.amu_refusal=0.02",
               "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / SUMMARY_FILE).read_text(encoding="utf-8"))
    written = summary["run"]["record"]
    assert summary["run"]["title"] == "small + coverage.amu_refusal=0.02"
    assert written["overrides"] == ["coverage.amu_refusal=0.02"]
    assert written["changed_from_scenario"] == {
        "coverage.amu_refusal": {"value": 0.02, "was": CoverageParams().amu_refusal}}
    assert set(written["changed_from_defaults"]) == {
        "coverage.amu_refusal", "population.size", "run.months", "run.burn_in"}
    assert written["seeds"] == [1]
    assert written["population"] == {"region": "brussels", "size": 2000}
    assert written["software"]["commit"] == head_commit()
    assert written["software"]["command"].split()[1:] == command[1:]
    assert written["params_hash"] == RunRecord.of(
        load(path, ["coverage.amu_refusal=0.02"])).params_hash

    metadata = pq.read_schema(out / RESULTS_FILE).metadata
    assert json.loads(metadata[b"passerelle.record"]) == written
    assert metadata[b"passerelle.title"].decode() == "small + coverage.amu_refusal=0.02"

    page = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert page.startswith("# small + coverage.amu_refusal=0.02\n")
    assert CLAIM not in page
    assert f"`coverage.amu_refusal`: {CoverageParams().amu_refusal} → 0.02" in page


def test_a_run_of_the_file_as_it_is_keeps_its_description(tmp_path):
    path = tmp_path / "small.toml"
    path.write_text(SMALL_FILE, encoding="utf-8")
    results = Sim(load(path)).run()
    page = write_report(results, tmp_path / "report").read_text(encoding="utf-8")
    assert page.startswith("# small\n")
    assert CLAIM in page
    assert "| changed from the scenario file | nothing |" in page


@pytest.mark.parametrize("overrides", [(), ("coverage.amu_refusal=0.02",)])
def test_the_record_is_json_and_reads_back(overrides):
    chosen = RunRecord.of(load("baseline", overrides), overrides)
    data = json.loads(chosen.to_json())
    assert data["overrides"] == list(overrides)
    assert data["scenario"] == "baseline"
    assert set(data) >= {"params_hash", "changed_from_defaults", "changed_from_scenario",
                         "seeds", "population", "software", "source", "defaults"}


@pytest.mark.parametrize("size, shown", [("full", "every resident simulated"),
                                         (2000, "2,000 simulated people")])
def test_the_report_says_how_many_people_were_simulated(size, shown):
    # `--population full` runs every resident of the region: its report was written
    # after a whole national run and failed on the word "full" where a number was read.
    scenario = load("baseline", [f"population.size={json.dumps(size)}"])
    lines = what_was_run(scenario.run_record(), ("2016-01", "2016-12"), 1.0)
    assert f"| population | brussels, {shown}, each standing for 1 |" in lines
