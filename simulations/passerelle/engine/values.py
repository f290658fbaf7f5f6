"""Named values that one module exposes and others modify, as Vivarium's value pipelines.

A module exposes a value it uses in its step (``"cascade.seek.logit"``: the log-odds
added to seeking care; ``"coverage.reopen.probability"``: the monthly probability that
lapsed rights are reopened) with a *source* that gives its base value. An intervention
registers a *modifier* on it and never touches the module's columns or parameters; the
modified module never knows who modifies it. Each time the module needs the value it asks
``sim.values``, which calls the source and then every modifier, in the order the modules
run. Values are arrays over the people asked about (or scalars), so a modifier is a few
numpy operations, never a loop over people.

A source is ``source(sim, uids, **context) -> value``; a modifier is
``modifier(sim, uids, value, **context) -> value`` (it may change ``value`` in place and
return it). ``uids`` is None for a value that is the same for everyone.

Examples
--------
>>> import numpy as np
>>> values = Values()
>>> values.expose("demo.rate", lambda sim, uids: np.full(uids.size, 0.1), by="demo")
>>> values.modify("demo.rate", lambda sim, uids, rate: rate + 0.05 * (uids % 2), by="plan")
>>> values("demo.rate", None, np.arange(4)).round(2).tolist()
[0.1, 0.15, 0.1, 0.15]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Source = Callable[..., Any]
Modifier = Callable[..., Any]


class Values:
    """The named values of one run: who exposes each, and the modifiers registered on it.

    Examples
    --------
    >>> values = Values()
    >>> values.expose("demo.rate", lambda sim, uids: 0.1, by="demo")
    >>> values.modify("demo.rate", lambda sim, uids, rate: 2 * rate, by="plan")
    >>> values("demo.rate", None)
    0.2
    """

    def __init__(self) -> None:
        self._sources: dict[str, tuple[Source, str]] = {}
        self._modifiers: dict[str, list[tuple[Modifier, str]]] = {}

    def expose(self, name: str, source: Source, by: str) -> None:
        """Make ``name`` a value of module ``by``, whose base value ``source`` gives.

        Parameters
        ----------
        name : str
            ``"<module>.<what>"``, e.g. ``"cascade.seek.logit"``.
        source : callable
            ``source(sim, uids, **context) -> value``.
        by : str
            The module exposing it; a name exposed twice raises ``ValueError``.

        Examples
        --------
        >>> values = Values()
        >>> values.expose("demo.rate", lambda sim, uids: 0.1, by="demo")
        >>> values.exposed()
        ('demo.rate',)
        """
        if name in self._sources:
            raise ValueError(f"value {name!r} is exposed twice: by "
                             f"{self._sources[name][1]!r} and by {by!r}")
        self._sources[name] = (source, by)

    def modify(self, name: str, modifier: Modifier, by: str) -> None:
        """Apply ``modifier`` (of module ``by``) to ``name`` each time it is asked for.

        Parameters
        ----------
        name : str
            A value another module exposes.
        modifier : callable
            ``modifier(sim, uids, value, **context) -> value``.
        by : str
            The module registering it.

        Examples
        --------
        >>> values = Values()
        >>> values.expose("demo.rate", lambda sim, uids: 0.1, by="demo")
        >>> values.modify("demo.rate", lambda sim, uids, rate: rate + 0.05, by="plan")
        >>> round(values("demo.rate", None), 2)
        0.15
        """
        self._modifiers.setdefault(name, []).append((modifier, by))

    def exposed(self) -> tuple[str, ...]:
        """The names of the values exposed in this run.

        Returns
        -------
        tuple of str
            Sorted.

        Examples
        --------
        >>> Values().exposed()
        ()
        """
        return tuple(sorted(self._sources))

    def check(self, modules: Iterable[str]) -> None:
        """Refuse a modifier of a value that no module exposes, when the module the name
        belongs to (its first part) is in the run; drop the modifiers of absent modules'
        values (an optional use: facilitators run without the coverage module).

        Parameters
        ----------
        modules : iterable of str
            The names of the run's modules.

        Examples
        --------
        >>> values = Values()
        >>> values.modify("coverage.reopen.probability", lambda sim, uids, p: p, by="plan")
        >>> values.check(["plan", "coverage"])
        Traceback (most recent call last):
        ...
        ValueError: plan modifies 'coverage.reopen.probability', which module 'coverage' ...
        >>> values.check(["plan"])  # without the coverage module, the modifier is dropped
        """
        present = set(modules)
        for name in list(self._modifiers):
            if name in self._sources:
                continue
            owner = name.partition(".")[0]
            if owner in present:
                users = sorted({by for _, by in self._modifiers[name]})
                raise ValueError(f"{', '.join(users)} modifies {name!r}, which module "
                                 f"{owner!r} does not expose; it exposes: "
                                 f"{[n for n in self._sources if n.startswith(owner + '.')]}")
            del self._modifiers[name]

    def __call__(self, name: str, sim: Any, uids: Any = None, **context: Any) -> Any:
        """The value ``name`` for ``uids`` (None: a value shared by everyone): the source's
        base value, then each modifier in turn."""
        if name not in self._sources:
            raise KeyError(f"no module of this run exposes the value {name!r}; "
                           f"values: {self.exposed()}")
        value = self._sources[name][0](sim, uids, **context)
        for modifier, _ in self._modifiers.get(name, ()):
            value = modifier(sim, uids, value, **context)
        return value
