"""The Python API a researcher calls: typed changes to a scenario, and a Sim that runs once."""

from __future__ import annotations

import pytest

import passerelle
from passerelle.config.scenario import ScenarioError, load
from passerelle.engine.sim import Sim


def test_replace_takes_typed_values_and_validates_them_as_a_file_would() -> None:
    base = load("facilitators")
    changed = base.replace(run={"months": 24}, facilitators={"caseload": 80})
    assert changed.run.months == 24
    assert changed.params["facilitators"].caseload == 80.0
    assert changed.run.seed == base.run.seed
    assert base.run.months != 24, "replace must not change the scenario it starts from"
    assert changed.to_dict() == base.with_overrides(
        ["run.months=24", "facilitators.caseload=80"]).to_dict()
    with pytest.raises(ScenarioError, match=r"facilitators\.caseload = -1"):
        base.replace(facilitators={"caseload": -1})
    with pytest.raises(ScenarioError, match="unknown field"):
        base.replace(run={"month": 24})


def test_replace_changes_the_modules_and_keeps_tuples_typed() -> None:
    changed = load("baseline").replace(modules=("demography", "coverage"))
    assert changed.modules == ("demography", "coverage")
    with pytest.raises(ScenarioError, match="unknown module 'nope'"):
        load("baseline").replace(modules=["nope"])


def test_a_sim_runs_once(small_scenario) -> None:
    sim = Sim(small_scenario.replace(run={"months": 1, "burn_in": 0}))
    sim.run()
    with pytest.raises(RuntimeError, match="already run"):
        sim.run()


def test_run_from_the_package_is_the_scenario_replaced_then_run(small_scenario) -> None:
    settings = {"population": {"size": 2_000}, "run": {"months": 2, "burn_in": 0}}
    direct = Sim(load("baseline").replace(**settings)).run()
    shortcut = passerelle.run("baseline", **settings)
    for measure, cells in direct.cells.items():
        assert (shortcut.cells[measure] == cells).all(), measure
