"""The module interface: what every part of the model (and every intervention) implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np

from passerelle.engine.parameters import Params
from passerelle.engine.people import Column

if TYPE_CHECKING:
    from passerelle.engine.sim import Sim


@dataclass(frozen=True)
class Measure:
    """A result a module records each month, counted in each group cell.

    A ``flow`` counts events of the month (needs met, EUR spent) and adds up over months;
    a ``stock`` counts who is in a state at the end of the month (people present) and is
    read at a date, never summed over months.
    """

    name: str
    unit: str
    description: str
    kind: Literal["stock", "flow"] = "flow"


class Module:
    """A part of the model run once a month, in ``order`` (smaller first).

    Subclasses set ``name``, ``order``, ``Params``, ``columns`` and ``measures``, and
    implement ``step``; ``init`` runs once, after the population exists. Draws go through
    ``chance`` and ``uniform`` so that they are keyed by (seed, module, stream, month, uid).
    A module that never changes what results are grouped by (coverage, BIM, AMU, income
    quintile, commune, presence) may set ``changes_groups = False``; the engine then skips
    recomputing every person's group each month when no module of the run needs it.
    ``person_totals`` names columns whose final values ``Results.people`` keeps, one per
    uid, for person-level comparisons between scenarios run on the same seed.
    """

    name: ClassVar[str]
    order: ClassVar[float]
    Params: ClassVar[type[Params]] = Params
    columns: ClassVar[tuple[Column, ...]] = ()
    measures: ClassVar[tuple[Measure, ...]] = ()
    changes_groups: ClassVar[bool] = True
    person_totals: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: Params | None = None, **overrides):
        self.pars = params if params is not None else self.Params(**overrides)

    def init(self, sim: Sim) -> None:
        """Set up state once the population exists (default: nothing)."""

    def step(self, sim: Sim) -> None:
        """Advance one month."""
        raise NotImplementedError

    def chance(
        self, sim: Sim, stream: str, p: np.ndarray | float, uids: np.ndarray | int
    ) -> np.ndarray:
        """True with probability ``p`` for each uid (or for 0..n-1 when ``uids`` is a count)."""
        return sim.streams.chance(self.name, stream, sim.month, p, uids)

    def chance_logit(self, sim: Sim, stream: str, logits: np.ndarray, uids: np.ndarray
                     ) -> np.ndarray:
        """True with probability 1 / (1 + exp(-logit)) for each uid."""
        return sim.streams.chance_logit(self.name, stream, sim.month, logits, uids)

    def uniform(self, sim: Sim, stream: str, uids: np.ndarray | int) -> np.ndarray:
        """Uniform [0, 1) draws, one per uid."""
        return sim.streams.uniform(self.name, stream, sim.month, uids)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.pars!r})"
