"""The Python API a researcher calls: typed changes to a scenario, and a Sim that runs once."""

from __future__ import annotations

import json

import numpy as np
import pytest

import passerelle
from passerelle.config.scenario import load
from passerelle.engine.module import Measure, Module
from passerelle.engine.plan import ScenarioError
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
    changed = load("baseline").replace(modules=("demography", "needs"))
    assert changed.modules == ("demography", "needs")
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


class Queue(Module):
    """A plugin with one stock and one flow: people waiting, and people who joined."""

    name = "queue"
    order = 30.0
    changes_groups = False
    measures = (Measure("queue_length", "persons", "people waiting", "stock"),
                Measure("queue_joined", "persons", "people who joined the queue"))

    def step(self, sim) -> None:
        joined = self.chance(sim, "join", 0.01, sim.people.n)
        sim.record("queue_joined", joined)
        sim.record("queue_length", np.ones(sim.people.n, dtype=bool))


def test_summary_and_save_work_for_a_run_of_plugins(tmp_path) -> None:
    """Without the model's population measure, one row per measure: a stock at the end,
    a flow over the last 12 months (its monthly mean × 12 for a shorter run)."""
    scenario = load("baseline").replace(modules=("demography",), population={"size": 2_000},
                                        run={"months": 6, "burn_in": 0})
    results = Sim(scenario, modules=[Queue()]).run()
    summary = results.summary().set_index("key")
    assert summary.loc["queue_length", "value"] == results.at_end("queue_length")
    assert summary.loc["queue_joined", "value"] == pytest.approx(
        results.total("queue_joined").sum() * 12 / 6)
    assert summary.loc["queue_joined", "unit"] == "persons a year"
    assert "births" in summary.index
    saved = results.save(tmp_path / "run")
    assert json.loads((saved / "summary.json").read_text())["summary"]["queue_length"] > 0
