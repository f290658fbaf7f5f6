"""What a comparison keeps of one run: each measure's monthly totals, the person counters,
who the interventions reached, the centres' budgets and a few measures by income quintile
(``passerelle.apps.compare`` pairs them by seed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from passerelle.apps.budget import budget
from passerelle.config.labels import COST, UNMET
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.results import Results
from passerelle.engine.steps import STEPS
from passerelle.engine.timeline import NEVER
from passerelle.modules import registry

# Measures kept by income quintile (months × quintiles) for the distributional analysis.
QUINTILE_MEASURES = ("population", "qalys", "life_years", *(f"cost_{p}" for p in PAYER_NAMES))

@dataclass
class RunSummary:
    """What a comparison keeps of one run: monthly totals, person counters, budget.

    Parameters
    ----------
    scenario : str
        The scenario's name.
    seed : int
        The run's seed.
    monthly : pandas.DataFrame
        Each measure's total per reported month in the real population (a column per
        measure, with the unmet need-months and the total cost).
    units : dict of str to str
        Each column's unit.
    people : dict of str to numpy.ndarray
        The person counters at the end of the run (one entry per person drawn).
    treated : numpy.ndarray of bool
        Who the scenario's interventions reached.
    budget : pandas.DataFrame
        Each centre's yearly budget lines (EUR; ``passerelle.apps.budget``).
    scale : float
        Real people per simulated person.
    discount_costs, discount_effects : float
        Yearly discount rates of the run's health module (0 without one).
    by_quintile : dict of str to numpy.ndarray
        Some measures by income quintile (months × quintiles).

    Examples
    --------
    >>> from passerelle.config.scenario import load
    >>> from passerelle.engine.sim import Sim
    >>> from passerelle.modules.ledger import Ledger
    >>> small = load("baseline").replace(population={"size": 2_000},
    ...                                  run={"months": 12, "burn_in": 0})
    >>> summary = RunSummary.of(Sim(small, modules=[Ledger()]).run())
    >>> summary.monthly.shape[0], summary.units["unmet_needs"]
    (12, 'need-months')
    """

    scenario: str
    seed: int
    monthly: pd.DataFrame
    units: dict[str, str]
    people: dict[str, np.ndarray]
    treated: np.ndarray
    budget: pd.DataFrame
    scale: float
    discount_costs: float = 0.0
    discount_effects: float = 0.0
    by_quintile: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, results: Results) -> RunSummary:
        """Reduce ``results`` (whose cells are large) to what a comparison needs.

        Parameters
        ----------
        results : Results
            A finished run.

        Returns
        -------
        RunSummary
        """
        monthly = pd.DataFrame(
            {name: cells.sum(axis=1) * results.scale for name, cells in results.cells.items()},
            index=results.months,
        )
        monthly[UNMET] = sum(monthly[f"unmet_{s}"] for s in STEPS)
        monthly[COST] = sum(monthly[f"cost_{p}"] for p in PAYER_NAMES)
        units = {m.name: m.unit for m in results.measures} | {UNMET: "need-months",
                                                               COST: "EUR"}
        modules = registry(results.scenario.plugins)
        treated = np.zeros(results.people["months_present"].size, dtype=bool)
        for name in results.scenario.modules:
            column = getattr(modules[name], "treated_since", None)
            if column is not None:
                treated |= results.people[column] != NEVER
        health = results.scenario.params.get("health")
        by_quintile = {name: results.by(name, "quintile").to_numpy()
                       for name in QUINTILE_MEASURES if name in results.cells}
        return cls(results.scenario.name, results.scenario.run.seed, monthly, units,
                   results.people, treated, budget(results), results.scale,
                   *((health.discount_costs, health.discount_effects) if health is not None
                     else (0.0, 0.0)), by_quintile)
