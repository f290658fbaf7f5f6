"""Interventions change other modules through declared values, never their parameters."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from support import monthly, small

import passerelle
from passerelle.engine.module import Module
from passerelle.engine.sim import Sim

PACKAGE = Path(passerelle.__file__).parent


class EasierReach(Module):
    """A toy intervention: ``shift`` log-odds added to reaching care for everyone."""

    name = "easier_reach"
    order = 10.0
    changes_groups = False

    def __init__(self, shift: float, value: str = "cascade.reach.logit"):
        super().__init__()
        self.shift, self.value = shift, value

    def init(self, sim) -> None:
        sim.values.modify(self.value, self._raise, by=self.name)

    def _raise(self, sim, uids, logit):
        logit += np.float32(self.shift)
        return logit

    def step(self, sim) -> None:
        """Nothing to do each month: the modifier acts when the cascade asks."""


def test_a_modifier_of_reach_is_not_silently_ignored() -> None:
    """What a policy touching ``reach_base`` could not do: the cascade caches its reach
    term at set-up, but a modifier is applied each time the cascade asks for the value."""
    scenario = small("run.months=6")
    plain = Sim(scenario).run()
    easier = Sim(scenario, modules=[EasierReach(3.0)]).run()
    assert monthly(easier, "unmet_reach").sum() < 0.5 * monthly(plain, "unmet_reach").sum()
    assert (monthly(easier, "unmet_perceive")[0] == monthly(plain, "unmet_perceive")[0])


def test_a_zero_modifier_changes_nothing() -> None:
    scenario = small("run.months=3")
    plain = Sim(scenario).run()
    zero = Sim(scenario, modules=[EasierReach(0.0)]).run()
    for measure, cells in plain.cells.items():
        assert (zero.cells[measure] == cells).all(), measure


def test_a_modifier_of_a_value_its_module_does_not_expose_is_refused() -> None:
    sim = Sim(small("run.months=1"), modules=[EasierReach(1.0, "cascade.reach.logits")])
    with pytest.raises(ValueError, match=r"easier_reach modifies 'cascade.reach.logits'.*"
                       r"'cascade.reach.logit'"):
        sim.run()


def test_a_modifier_of_an_absent_module_is_dropped() -> None:
    """An optional use: an intervention written for a run with the coverage module also
    runs without it."""
    scenario = small("run.months=1").replace(modules=("demography", "needs", "cascade"))
    Sim(scenario, modules=[EasierReach(1.0, "coverage.reopen.probability")]).run()


def test_no_module_assigns_another_modules_parameters() -> None:
    """``pars`` is set once, when a module is built (engine/module.py)."""
    assigned = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "pars":
                    owner = ast.unparse(target.value)
                    if not (path.name == "module.py" and owner == "self"):
                        assigned.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert assigned == []
