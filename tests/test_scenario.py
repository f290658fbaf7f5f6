"""Scenarios: loading, ``extends``, overrides, and errors that say what is wrong and where."""

from __future__ import annotations

import numpy as np
import pytest
from support import SMALL, small

from passerelle.config.scenario import ScenarioError, builtin, from_dict, load
from passerelle.engine.sim import Sim
from passerelle.modules import DEFAULT


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
