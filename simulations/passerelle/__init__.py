"""Passerelle: simulate, evaluate and teach unconditional access to care in Belgium.

The names below load on first use (module-level ``__getattr__``), so ``import passerelle``
stays fast: numba, pydantic and the model load only when a scenario is loaded or run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from passerelle.config.scenario import Scenario, ScenarioError, load
    from passerelle.engine.results import Results
    from passerelle.engine.sim import Sim

__all__ = ["Results", "Scenario", "ScenarioError", "Sim", "load", "run"]

_LAZY = {
    "Results": "passerelle.engine.results",
    "Scenario": "passerelle.config.scenario",
    "ScenarioError": "passerelle.config.scenario",
    "Sim": "passerelle.engine.sim",
    "load": "passerelle.config.scenario",
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'passerelle' has no attribute {name!r}")
    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


def run(scenario: str = "baseline", *overrides: str, progress=None) -> Results:
    """Run a built-in scenario (or a TOML file) with ``section.field=value`` overrides.

    Examples
    --------
    >>> import passerelle
    >>> results = passerelle.run("baseline", "population.size=2000", "run.months=2")
    >>> len(results.months)
    2
    """
    from passerelle.config.scenario import load
    from passerelle.engine.sim import Sim

    return Sim(load(scenario, overrides)).run(progress)
