"""The module interface: what every part of the model (and every intervention) implements."""

from __future__ import annotations

from collections.abc import Iterable
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

    ``kind`` says how months add up: a ``flow`` (events of the month: needs, visits, EUR)
    sums over a year; a ``stock`` (people present, open needs at the end of the month) is
    read at one month or averaged, never summed.

    Parameters
    ----------
    name : str
        The measure's key in ``Results.cells``.
    unit : str
        What one count is (``"persons"``, ``"needs"``, ``"EUR"``).
    description : str
        What it counts, as a reader reads it.
    kind : {"flow", "stock"}
        How months add up.

    Examples
    --------
    >>> Measure("headcount", "persons", "people present", kind="stock").kind
    'stock'
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

    ``requires`` names the modules it cannot run without (their columns, measures or
    encounters are read); ``optional`` those it uses when they are part of the run (it
    checks ``sim.has(name)``). ``Sim`` refuses a run whose modules miss a requirement.

    Parameters
    ----------
    params : Params, optional
        The module's parameters (an instance of its ``Params``).
    **overrides
        Fields of ``Params`` to set when ``params`` is not given.

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> class Headcount(Module):
    ...     name, order, changes_groups = "headcount", 99, False
    ...     measures = (Measure("headcount", "persons", "people present", kind="stock"),)
    ...     def step(self, sim):
    ...         sim.record("headcount", sim.people.alive)
    >>> scenario = load("baseline").replace(population={"size": 2_000},
    ...                                     run={"months": 2, "burn_in": 0})
    >>> results = Sim(scenario, modules=[Headcount()]).run()
    >>> results.at_end("headcount") == results.at_end("population")
    True
    """

    name: ClassVar[str]
    order: ClassVar[float]
    Params: ClassVar[type[Params]] = Params
    columns: ClassVar[tuple[Column, ...]] = ()
    measures: ClassVar[tuple[Measure, ...]] = ()
    changes_groups: ClassVar[bool] = True
    person_totals: ClassVar[tuple[str, ...]] = ()
    requires: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: Params | None = None, **overrides):
        self.pars = params if params is not None else self.Params(**overrides)

    def uses(self, sim: Sim, name: str) -> bool:
        """Whether ``name``, one of the modules declared in ``optional``, is in this run.

        Parameters
        ----------
        sim : Sim
            The run.
        name : str
            A module named in ``optional``; any other name raises ``ValueError``.

        Returns
        -------
        bool

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> costs = sim.module("costs")
        >>> costs.optional, costs.uses(sim, "cascade")
        (('cascade', 'escalation', 'health', 'coverage'), True)
        """
        if name not in self.optional:
            raise ValueError(f"module {self.name} uses {name!r} without declaring it: add it "
                             "to `optional` (or to `requires`)")
        return sim.has(name)

    def init(self, sim: Sim) -> None:
        """Set up state once the population exists (default: nothing).

        Parameters
        ----------
        sim : Sim
            The run, its people drawn and its columns added.

        Examples
        --------
        >>> Module().init(sim=None) is None
        True
        """

    def step(self, sim: Sim) -> None:
        """Advance one month: draw, change columns, ``sim.record`` the measures.

        Parameters
        ----------
        sim : Sim
            The run, at calendar month ``sim.month``.

        Examples
        --------
        >>> Module().step(sim=None)
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError

    def chance(
        self, sim: Sim, stream: str, p: np.ndarray | float, uids: np.ndarray | int
    ) -> np.ndarray:
        """True with probability ``p`` for each uid (or for 0..n-1 when ``uids`` is a count).

        Parameters
        ----------
        sim : Sim
            The run (its seed and month key the draws).
        stream : str
            The stream's name within the module: one per kind of event.
        p : float or ndarray
            Probabilities (0-1), one for all or one per uid.
        uids : ndarray or int
            The people drawn for, or a count.

        Returns
        -------
        ndarray of bool

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> needs = sim.module("needs")
        >>> draws = needs.chance(sim, "demo", 0.5, sim.people.n)
        >>> bool((draws == needs.chance(sim, "demo", 0.5, sim.people.n)).all())
        True
        """
        return sim.streams.chance(self.name, stream, sim.month, p, uids)

    def chance_logit(self, sim: Sim, stream: str, logits: np.ndarray, uids: np.ndarray
                     ) -> np.ndarray:
        """True with probability 1 / (1 + exp(-logit)) for each uid.

        Parameters
        ----------
        sim : Sim
            The run.
        stream : str
            The stream's name within the module.
        logits : ndarray
            Log-odds, one per uid.
        uids : ndarray
            The people drawn for.

        Returns
        -------
        ndarray of bool

        Examples
        --------
        >>> import numpy as np
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> sim.module("needs").chance_logit(sim, "demo", np.full(3, -50.0), np.arange(3))
        array([False, False, False])
        """
        return sim.streams.chance_logit(self.name, stream, sim.month, logits, uids)

    def uniform(self, sim: Sim, stream: str, uids: np.ndarray | int) -> np.ndarray:
        """Uniform [0, 1) draws, one per uid.

        Parameters
        ----------
        sim : Sim
            The run.
        stream : str
            The stream's name within the module.
        uids : ndarray or int
            The people drawn for, or a count.

        Returns
        -------
        ndarray of float

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> draws = sim.module("needs").uniform(sim, "demo", 1_000)
        >>> bool(((draws >= 0) & (draws < 1)).all())
        True
        """
        return sim.streams.uniform(self.name, stream, sim.month, uids)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.pars!r})"


def missing_requirements(modules: Iterable[type[Module] | Module]) -> list[str]:
    """One line per module of ``modules`` whose ``requires`` names a module not among them.

    Examples
    --------
    >>> from passerelle.modules import BUILTIN
    >>> missing_requirements([BUILTIN["demography"], BUILTIN["cascade"]])
    ["cascade requires needs, which is not in the run's modules (demography, cascade)"]
    """
    modules = list(modules)
    names = [module.name for module in modules]
    problems = []
    for module in modules:
        absent = [name for name in module.requires if name not in names]
        if absent:
            problems.append(f"{module.name} requires {', '.join(absent)}, which "
                            f"{'is' if len(absent) == 1 else 'are'} not in the run's modules "
                            f"({', '.join(names)})")
    return problems
