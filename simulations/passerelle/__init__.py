"""Passerelle: simulate, evaluate and teach unconditional access to care in Belgium.

``load(name)`` reads a scenario, ``Scenario.replace`` changes it, ``Sim(scenario).run()``
runs it and ``run(name, **sections)`` does all three. The names load on first use
(module-level ``__getattr__``, PEP 562), so ``import passerelle`` stays fast: numba,
pydantic and the model load only when a scenario is loaded or run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from passerelle.apps.api import run
    from passerelle.config.scenario import Scenario, load
    from passerelle.engine.plan import ScenarioError
    from passerelle.engine.results import Results
    from passerelle.engine.sim import Sim

HOMES = {
    "Results": "passerelle.engine.results",
    "Scenario": "passerelle.config.scenario",
    "ScenarioError": "passerelle.engine.plan",
    "Sim": "passerelle.engine.sim",
    "load": "passerelle.config.scenario",
    "run": "passerelle.apps.api",
}
__all__ = ["Results", "Scenario", "ScenarioError", "Sim", "load", "run"]


def __getattr__(name: str):
    if name not in HOMES:
        raise AttributeError(f"module 'passerelle' has no attribute {name!r}")
    value = getattr(importlib.import_module(HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *HOMES])
