"""The package's one-call entry point from Python: run a scenario, changed with typed
values, and get its results."""

from __future__ import annotations

from typing import Any

from passerelle.config.scenario import load
from passerelle.engine.results import Results
from passerelle.engine.sim import Progress, Sim


def run(scenario: str = "baseline", progress: Progress | None = None,
        **sections: Any) -> Results:
    """Run a built-in scenario (or a TOML file), with some of its values changed.

    Parameters
    ----------
    scenario : str
        A built-in scenario's name (``passerelle scenarios`` lists them) or a file path.
    progress : callable, optional
        Called as ``progress(done, total)`` after each simulated month.
    **sections
        Tables to change, with typed values, as for ``Scenario.replace``:
        ``run={"months": 24}``, ``population={"size": 20_000}``,
        ``facilitators={"caseload": 80}``.

    Returns
    -------
    Results
        Monthly counts of every measure by group.

    Examples
    --------
    >>> results = run("baseline", population={"size": 2_000}, run={"months": 2, "burn_in": 0})
    >>> results.months
    ['2016-01', '2016-02']
    """
    return Sim(load(scenario).replace(**sections)).run(progress)
