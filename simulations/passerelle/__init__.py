"""Passerelle: simulate, evaluate and teach unconditional access to care in Belgium."""

from passerelle.config.scenario import Scenario, ScenarioError, load
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim

__all__ = ["Results", "Scenario", "ScenarioError", "Sim", "load", "run"]


def run(scenario: str = "baseline", *overrides: str, progress=None) -> Results:
    """Run a built-in scenario (or a TOML file) with ``section.field=value`` overrides."""
    return Sim(load(scenario, overrides)).run(progress)
