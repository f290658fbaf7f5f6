"""The parameters a probabilistic sensitivity analysis draws, and its draws.

``uncertain(scenarios)`` lists the parameters that carry an ``uncertainty`` (the
distribution written next to their provenance) in the modules the scenarios run;
``draws(parameters, n, seed)`` lays out ``n`` Latin-hypercube points of the unit cube and
reads each parameter's value at its quantile (``passerelle.apps.psa`` runs them).
``with_posterior(table, posterior, seed)`` adds the free parameters of a calibration,
drawn jointly from its posterior ensemble (one weighted particle a draw, so that their
correlations are kept), in place of any distribution of their own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from passerelle.apps.calibration.ensemble import draw_sets, read_posterior
from passerelle.config.scenario import load
from passerelle.config.scenario_files import locate_posterior
from passerelle.engine.distributions import Distribution, from_description
from passerelle.engine.parameters import provenance
from passerelle.modules import registry


@dataclass(frozen=True)
class Uncertain:
    """A parameter drawn in the PSA: ``module.field``, its distribution, its default, and
    its group (the module: the EVPPI's groups of parameters).

    Parameters
    ----------
    key : str
        ``module.field``.
    distribution : Distribution
        What its value is drawn from (``passerelle.engine.distributions``), in the
        field's unit.
    default : float
        Its value in the model, in the field's unit.

    Examples
    --------
    >>> found = {p.key: p for p in uncertain(["baseline"])}
    >>> found["health.utility_severity"].group
    'health'
    """

    key: str
    distribution: Distribution
    default: float

    @property
    def group(self) -> str:
        """The module the parameter belongs to."""
        return self.key.partition(".")[0]


def uncertain(scenarios: Sequence[str | Path]) -> list[Uncertain]:
    """The parameters with an ``uncertainty`` in the modules any of ``scenarios`` runs.

    Parameters
    ----------
    scenarios : sequence of str or Path
        Built-in scenario names or TOML files.

    Returns
    -------
    list of Uncertain
        In module order then field order, each parameter once.

    Examples
    --------
    >>> keys = [p.key for p in uncertain(["baseline", "centres"])]
    >>> any(key.startswith("centres.") for key in keys), len(keys) == len(set(keys))
    (True, True)
    """
    found: dict[str, Uncertain] = {}
    for name in scenarios:
        scenario = load(name)
        modules = registry(scenario.plugins)
        for module in scenario.modules:
            for row in provenance(modules[module].Params):
                if row["distribution"] is not None:
                    key = f"{module}.{row['name']}"
                    found.setdefault(key, Uncertain(key, from_description(row["distribution"]),
                                                    float(row["default"])))
    return list(found.values())


def unit_draws(dimensions: int, n: int, seed: int) -> np.ndarray:
    """``n`` Latin-hypercube points of the unit cube of ``dimensions`` (fixed by ``seed``)."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=dimensions, seed=np.random.default_rng(seed)).random(n)


def values(parameters: Sequence[Uncertain], unit: np.ndarray) -> pd.DataFrame:
    """Each parameter's value at the quantiles ``unit`` (points × parameters)."""
    table = pd.DataFrame(index=range(len(unit)))
    for k, parameter in enumerate(parameters):
        table[parameter.key] = parameter.distribution.ppf(unit[:, k])
    return table


def draws(parameters: Sequence[Uncertain], n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` parameter sets drawn by Latin hypercube, each parameter at its quantile.

    Parameters
    ----------
    parameters : sequence of Uncertain
        What to draw (``uncertain``).
    n : int
        How many draws.
    seed : int, optional
        Fixes the Latin hypercube.

    Returns
    -------
    pandas.DataFrame
        One row per draw (index ``draw``, 0 first), a column per parameter
        ``module.field``, in the parameters' units.

    Examples
    --------
    >>> table = draws(uncertain(["baseline"]), 3, seed=1)
    >>> table.index.name, len(table), table.equals(draws(uncertain(["baseline"]), 3, seed=1))
    ('draw', 3, True)
    """
    table = values(parameters, unit_draws(len(parameters), n, seed))
    table.index.name = "draw"
    return table


def replicate_seed(k: int, n_draws: int) -> int:
    """The seed of draw ``k``'s second run in a PSA of ``n_draws`` draws (draw ``k`` runs
    on seed ``k + 1``): past every draw's seed, so that the two runs of a draw differ only
    by their random numbers.

    Parameters
    ----------
    k : int
        The draw (0 first).
    n_draws : int
        How many draws the PSA has.

    Returns
    -------
    int
        ``n_draws + k + 1``.

    Examples
    --------
    >>> replicate_seed(0, 3)
    4
    """
    return n_draws + k + 1


def with_posterior(table: pd.DataFrame, posterior: str | Path, seed: int = 1) -> pd.DataFrame:
    """``table``'s draws with a calibration's free parameters drawn jointly from its
    posterior ensemble: draw ``k`` takes one particle, chosen by weight (with replacement,
    fixed by ``seed``), in place of the parameters' own columns if ``table`` had them.

    Parameters
    ----------
    table : pandas.DataFrame
        Draws (``draws``), one row a draw.
    posterior : str or Path
        ``passerelle calibrate``'s ``posterior.parquet``, or ``"built-in"``.
    seed : int, optional
        Fixes which particle each draw takes.

    Returns
    -------
    pandas.DataFrame
        ``table``'s other columns, then a column per free parameter (its prior's name,
        ``section.field`` or ``section.field[index]``), in the parameters' units.

    Examples
    --------
    >>> table = with_posterior(draws(uncertain(["baseline"]), 4, seed=1), "built-in")
    >>> len(table), "coverage.amu_apply" in table, table.index.name
    (4, True, 'draw')
    """
    ensemble, meta = read_posterior(locate_posterior(posterior))
    names = [p["name"] for p in meta["priors"]]
    drawn = draw_sets(ensemble, len(table), seed)[names].set_axis(table.index)
    return pd.concat([table.drop(columns=[n for n in names if n in table]), drawn], axis=1)
