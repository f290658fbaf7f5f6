"""A plugin module for the course's person-level comparisons: each person's coverage group
at the start of the reported period and at the end of the run.

``Results.people`` keeps the ledger's counters per person but not the group a person was
in, which is what "who gains" is asked by. ``CoverageTracker`` reads people and draws
nothing, so a run with it gives the results of its scenario alone (the course's runs add
it with ``plugins=[PLUGIN]``).
"""

from __future__ import annotations

from passerelle.engine.groups import coverage_group
from passerelle.engine.module import Module
from passerelle.engine.people import Column

PLUGIN = "passerelle.course.coverage_tracker:CoverageTracker"
# Code of a person absent at that time (born or arrived later, or gone).
ABSENT = -1


class CoverageTracker(Module):
    """Keeps each person's coverage group when the reported period starts and at the end.

    ``coverage_start`` is the group at the end of the last burn-in month (at the start of
    the run without burn-in), ``coverage_end`` the group at the end of the run, as indices
    of ``passerelle.engine.groups.COVERAGE_GROUPS``; ``ABSENT`` for someone not present
    then. Runs last in the month (order 99).

    Parameters
    ----------
    params : Params or None, default None
        None: the module has no parameters.

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> from passerelle.course.coverage_tracker import ABSENT, CoverageTracker
    >>> small = load("baseline").replace(population={"size": 1000},
    ...                                  run={"months": 1, "burn_in": 0})
    >>> results = Sim(small, modules=[CoverageTracker()]).run()
    >>> start = results.people["coverage_start"]
    >>> bool((start >= ABSENT).all()), bool((start != ABSENT).any())
    (True, True)
    """

    name = "coverage_tracker"
    order = 99.0
    changes_groups = False
    columns = (
        Column("coverage_start", "int8", ABSENT, "coverage group when the reported period "
               "starts (index of COVERAGE_GROUPS)"),
        Column("coverage_end", "int8", ABSENT, "coverage group at the end of the run"),
    )
    person_totals = ("coverage_start", "coverage_end")

    def init(self, sim) -> None:
        if sim.t >= 0:
            self._keep(sim, sim.people.coverage_start)

    def step(self, sim) -> None:
        if sim.t == -1:
            self._keep(sim, sim.people.coverage_start)
        self._keep(sim, sim.people.coverage_end)

    @staticmethod
    def _keep(sim, column) -> None:
        people = sim.people
        column[:] = ABSENT
        alive = people.alive
        column[alive] = coverage_group(people.coverage[alive], people.bim[alive],
                                       people.amu_active[alive])


__all__ = ["ABSENT", "PLUGIN", "CoverageTracker"]
