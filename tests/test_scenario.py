"""Scenarios: loading, ``extends``, overrides, and errors that say what is wrong and where."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from support import SMALL, small
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.config.memory import FIXED_BYTES, WORKING_BYTES, bytes_needed
from passerelle.config.scenario import builtin, from_dict, load
from passerelle.config.scenario_problems import MAX_SHOWN
from passerelle.engine.module import Module
from passerelle.engine.plan import ScenarioError
from passerelle.engine.sim import Sim
from passerelle.modules import BUILTIN, DEFAULT


def test_builtin_scenarios_all_validate():
    assert "baseline" in builtin()
    for name, path in builtin().items():
        scenario = load(name)
        assert scenario.source == str(path)
        assert scenario.description.strip()


def test_baseline_has_the_documented_defaults():
    baseline = load("baseline")
    assert baseline.modules == DEFAULT
    assert (baseline.population.region, baseline.population.size) == ("brussels", 100_000)
    assert (baseline.run.start, baseline.run.months, baseline.run.burn_in) == ("2016-01", 120,
                                                                               24)


def test_a_file_that_only_extends_baseline_gives_identical_results(write_toml, small_run):
    child = write_toml("same.toml", 'extends = "baseline"\n')
    results = Sim(small(scenario=child)).run()
    assert results.scenario.name == "same"
    assert results.cells.keys() == small_run.cells.keys()
    for measure, array in small_run.cells.items():
        np.testing.assert_array_equal(results.cells[measure], array, err_msg=measure)


def test_extends_merges_tables_and_resolves_paths_relative_to_the_file(write_toml, tmp_path):
    (tmp_path / "nested").mkdir()
    write_toml("parent.toml", 'extends = "baseline"\ndescription = "parent"\n'
               "[run]\nmonths = 36\n[escalation]\nforgo_per_month = 0.5\n")
    child = write_toml("nested/child.toml", 'extends = "../parent.toml"\n[run]\nseed = 9\n')
    scenario = load(child)
    assert scenario.name == "child"
    assert scenario.description == ""  # a description is not inherited
    assert (scenario.run.months, scenario.run.seed, scenario.run.start) == (36, 9, "2016-01")
    assert scenario.params["escalation"].forgo_per_month == 0.5
    assert scenario.population.size == 100_000


def test_overrides_parse_toml_values_and_bare_strings():
    scenario = load("baseline", ["run.months=6", "population.region=belgium",
                                 "population.size='full'", "needs.chronic_rr=0.75",
                                 "population.undocumented_ages=[0.2, 0.7, 0.1]"])
    assert scenario.run.months == 6
    assert scenario.population.region == "belgium"
    assert scenario.population.size == "full"
    assert scenario.params["needs"].chronic_rr == 0.75
    assert scenario.population.undocumented_ages == (0.2, 0.7, 0.1)


def test_with_overrides_equals_loading_with_overrides(small_scenario):
    assert small_scenario.with_overrides(["run.seed=5"]) == small("run.seed=5")
    assert load("baseline").with_overrides(SMALL) == small_scenario


def test_to_dict_round_trips(small_scenario):
    assert from_dict(small_scenario.to_dict(), small_scenario.source) == small_scenario


def test_a_scenario_may_choose_its_modules(write_toml):
    reduced = load(write_toml("reduced.toml", 'modules = ["demography", "needs", "outcomes"]\n'))
    assert reduced.modules == ("demography", "needs", "outcomes")
    assert set(reduced.params) == {"demography", "needs", "outcomes"}


# Each bad file, and what its error must say: the field, the bad value, what is allowed.
BAD_FILES = {
    "out-of-range": ("[run]\nmonths = 0\n", ["run.months = 0", "greater than or equal to 1"]),
    "module-parameter-out-of-range": (
        "[escalation]\nforgo_per_month = 1.5\n",
        ["escalation.forgo_per_month = 1.5", "less than or equal to 1"],
    ),
    "unknown-field": (
        "[run]\nseeed = 3\n",
        ["run.seeed: unknown field", "did you mean 'seed'?",
         "allowed fields of [run]: start, months, burn_in, seed"],
    ),
    "unknown-section": (
        "[cascad]\nseek_base = 1.0\n",
        ["[cascad]: unknown section", "did you mean 'cascade'?", "population, run"],
    ),
    "wrong-type": ("[run]\nmonths = \"ten\"\n", ["run.months = 'ten'", "valid integer"]),
    "bad-month": ("[run]\nstart = \"2016-13\"\n",
                  ["run.start = '2016-13'", "'2016-13' is not a month written YYYY-MM"]),
    "invalid-toml": ("[run\nmonths = 3\n", ["not valid TOML"]),
    "unknown-module": (
        'modules = ["demography", "needz"]\n',
        ["modules: unknown module 'needz'", "did you mean 'needs'?", "known: ["],
    ),
    "section-of-an-absent-module": (
        'modules = ["demography", "needs", "outcomes"]\n[costs]\ngp_fee = 1.0\n',
        ["[costs]: module 'costs' is not in this scenario's modules"],
    ),
    "population-size": ("[population]\nsize = \"many\"\n",
                        ["population.size", "'many'", "'full'"]),
}


@pytest.fixture(params=sorted(BAD_FILES))
def bad_file(request, write_toml):
    text, expected = BAD_FILES[request.param]
    prefix = "" if request.param in ("unknown-module", "section-of-an-absent-module") else (
        'extends = "baseline"\n')
    return write_toml(f"{request.param}.toml", prefix + text), expected


def test_a_bad_file_names_the_file_the_field_the_value_and_what_is_allowed(bad_file):
    path, expected = bad_file
    with pytest.raises(ScenarioError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"scenario {path} is invalid:")
    for text in expected:
        assert text in message
    # Not chained to the parser's or pydantic's exception: the message stands alone.
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_every_problem_of_a_file_is_listed(write_toml):
    path = write_toml("many.toml", 'extends = "baseline"\n[run]\nmonths = 0\nseed = -1\n'
                      "[needs]\nchronic_rr = -2\n")
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert len(caught.value.problems) == 3


def test_an_extends_cycle_is_reported(write_toml):
    write_toml("a.toml", 'extends = "b.toml"\n')
    b = write_toml("b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match=r"`extends` forms a cycle: .*b\.toml → "
                       r".*a\.toml → .*b\.toml"):
        load(b)


def test_an_unknown_scenario_lists_the_builtin_ones():
    with pytest.raises(ScenarioError, match=r"no such file, and not a built-in scenario; "
                       r"built-in: \[.*'baseline'"):
        load("baselin")


@pytest.mark.parametrize("override", ["run.months", "months=3", "run.months.x=1", ".x=1",
                                      "name.x=1"])
def test_a_malformed_override_is_reported(override):
    with pytest.raises(ScenarioError) as caught:
        load("baseline", [override])
    assert f"--set {override!r}" in str(caught.value)


# The replay of malformed scenario files (issue 8): each file's first line says what the
# message must name. `validate` and `run` share one check, so both refuse every file with
# exit code 2, one message naming the file and the field, no traceback, and nothing written.
MALFORMED = sorted((Path(__file__).parent / "malformed").glob("*.toml"))
runner = CliRunner()


def _expected(path: Path) -> str:
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    assert first.startswith("# expect: "), f"{path.name}: first line must be # expect: ..."
    return first.removeprefix("# expect: ")


def test_the_replay_covers_the_issue_and_more():
    assert len(MALFORMED) >= 80


@pytest.mark.parametrize("path", MALFORMED, ids=lambda path: path.stem)
def test_validate_and_run_refuse_every_malformed_file_alike(path, tmp_path):
    expected = _expected(path)
    out = tmp_path / "out"
    messages = []
    for args in (["validate", str(path)], ["run", str(path), "--out", str(out)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args[0], result.output)
        assert isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        assert f"scenario {path} is invalid" in result.stderr, result.stderr
        assert expected in result.stderr, result.stderr
        # The memory guard quotes the memory available now, which moves between the calls.
        messages.append(re.sub(r"[\d.]+ GB are available", "N GB are available", result.stderr))
    assert messages[0] == messages[1]
    assert not out.exists()


@pytest.mark.parametrize("command, name", [("validate", "run-seed-true.toml"),
                                           ("run", "facilitators-caseload-inf.toml")])
def test_a_real_process_refuses_a_malformed_file_with_one_message(command, name, tmp_path):
    path = Path(__file__).parent / "malformed" / name
    done = subprocess.run([Path(sys.executable).with_name("passerelle"), command, str(path),
                           *(["--out", str(tmp_path / "out")] if command == "run" else [])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()  # a single problem stays on one line
    assert len(lines) == 1 and lines[0].startswith(f"error: scenario {path} is invalid: - ")
    assert _expected(path) in lines[0]


def test_a_folder_and_a_huge_name_get_a_short_message(tmp_path):
    folder = runner.invoke(app, ["validate", str(tmp_path)])
    assert folder.exit_code == 2 and "is a folder, not a scenario file" in folder.stderr
    huge = tmp_path / "huge.toml"
    huge.write_text(f'extends = "baseline"\nname = "{"x" * 200_000}"\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(huge)])
    assert result.exit_code == 2
    assert "name = 'xxx" in result.stderr and "(200,002 characters)" in result.stderr
    assert len(result.stderr) < len(str(huge)) + 4 * MAX_SHOWN + 200


@pytest.mark.parametrize("override, field", [("cascade.seek_trust=nan", "cascade.seek_trust"),
                                             ("run.seed=true", "run.seed"),
                                             ("needs.urgent_share=inf", "needs.urgent_share")])
def test_a_bad_override_is_refused_by_validate_and_run(override, field, tmp_path):
    for args in (["validate", "baseline"], ["run", "baseline", "--out", str(tmp_path)]):
        result = runner.invoke(app, [*args, "--set", override])
        assert result.exit_code == 2 and field in result.stderr, result.stderr


def test_an_extends_that_fails_names_the_file_holding_it(write_toml):
    parent = write_toml("parent.toml", "[run\n")
    child = write_toml("child.toml", 'extends = "parent.toml"\n')
    with pytest.raises(ScenarioError, match=r"scenario .*parent\.toml is invalid:\n  - not "
                       "valid TOML"):
        load(child)
    orphan = write_toml("orphan.toml", 'extends = "missing.toml"\n')
    with pytest.raises(ScenarioError) as caught:
        load(orphan)
    assert caught.value.source == str(orphan) and "extends = 'missing.toml'" in str(caught.value)
    assert parent.exists()


def test_a_section_configuring_an_intervention_adds_its_module(write_toml):
    path = write_toml("amu.toml", 'extends = "baseline"\n[policies]\n'
                      'amu_simple_from = "2020-01"\n')
    scenario = load(path)
    assert scenario.modules == (*DEFAULT, "policies")
    assert scenario.params["policies"].amu_simple_from == "2020-01"
    assert load("baseline", ["facilitators.caseload=80"]).params["facilitators"].caseload == 80


def test_sim_refuses_modules_missing_a_requirement():
    reduced = from_dict({"name": "reduced", "modules": ["demography", "needs", "outcomes"],
                         "run": {"months": 1, "burn_in": 0},
                         "population": {"size": 1000}})
    with pytest.raises(ScenarioError, match="centres requires cascade, which is not in the "
                       "run's modules"):
        Sim(reduced, modules=[BUILTIN["centres"]()])


def test_a_module_may_only_use_an_optional_module_it_declares():
    class Careless(Module):
        name, order = "careless", 1.0

        def step(self, sim) -> None:
            self.uses(sim, "costs")

    with pytest.raises(ValueError, match="careless uses 'costs' without declaring it"):
        Careless().step(None)


def test_a_population_that_cannot_fit_is_refused_before_any_allocation():
    scenario = load("baseline", ["population.size=10000000000"])
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(ScenarioError) as caught:
            Sim(scenario)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    seconds = time.perf_counter() - began
    message = str(caught.value)
    assert "population.size = 10,000,000,000" in message
    assert f"{bytes_needed(scenario) / 1e9:,.1f} GB" in message and "available" in message
    # Before any allocation: nothing near even one byte a person was allocated.
    assert peak < 10_000_000_000 / 100 and seconds < 30


def test_the_memory_estimate_bounds_what_a_run_allocates():
    """The estimate (declared columns + measured working bytes) bounds the peak of numpy
    allocations of a real run, and the declared columns are really allocated."""
    scenario = load("facilitators+centres", ["population.size=50000", "run.months=2",
                                             "run.burn_in=0"])
    sim = Sim(scenario)
    columns = bytes_needed(scenario) - 50_000 * WORKING_BYTES - FIXED_BYTES
    tracemalloc.start()
    try:
        sim.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert columns < peak <= bytes_needed(scenario)
