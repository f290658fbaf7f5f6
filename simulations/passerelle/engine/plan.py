"""What the engine needs of a scenario (``Plan``), what it keeps of what was run
(``Record``), and the error it raises for a plan it cannot run (``ScenarioError``).

The engine knows no scenario file: ``passerelle.config.scenario.Scenario`` implements
``Plan`` (reading files, the memory guard, the record of what was run), and the engine
only calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from passerelle.engine.module import Module
    from passerelle.engine.random import Streams


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is the message to show, one problem a line.

    Parameters
    ----------
    source : str
        Where the scenario was read from (a file, ``"<python>"``).
    problems : list of str
        One line each, naming the field, the bad value and what is allowed.

    Examples
    --------
    >>> error = ScenarioError("toy.toml", ["run.months = 0: must be at least 1"])
    >>> print(error)
    scenario toy.toml is invalid:
      - run.months = 0: must be at least 1
    """

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"scenario {source} is invalid:\n{lines}")


class Record(Protocol):
    """What was run, as the outputs carry it; ``passerelle.config.record.RunRecord`` is one."""

    title: str
    params_hash: str

    def as_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values."""

    def to_json(self) -> str:
        """The record as JSON text."""


class Plan(Protocol):
    """What the engine needs of a scenario; ``passerelle.config.scenario.Scenario`` is one.

    ``run`` has ``seed``, ``start`` (YYYY-MM), ``burn_in`` and ``months``; ``modules``
    names the modules to build; ``source`` says where the plan was read from;
    ``synthesize`` draws the population (an object with ``people``, ``grouping``,
    ``scale``, ``areas`` and ``fill(uids, kind, streams, month)``).
    """

    name: str
    source: str
    run: Any
    population: Any
    modules: tuple[str, ...]

    def build_module(self, name: str) -> Module:
        """A fresh instance of the module called ``name``."""

    def synthesize(self, streams: Streams, month: int) -> Any:
        """The population, drawn in calendar ``month``."""

    def check(self, modules: Sequence[Module]) -> None:
        """Raise ``ScenarioError`` if a run of ``modules`` cannot be made (too large for
        the machine's memory, say), before anything is allocated."""

    def run_record(self) -> Record:
        """The record of what a run of this plan runs."""
