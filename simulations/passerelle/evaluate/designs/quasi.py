"""Quasi-experiments around unconditional centres: DiD, staggered DiD, interrupted time
series."""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.evaluate.designs.study import (
    StudyData,
    centre_runs,
    commune_panel,
    rates,
)
from passerelle.evaluate.estimate import Estimate
from passerelle.evaluate.regression import segmented
from passerelle.evaluate.staggered import callaway_santanna, twfe


def did_centre(seed: int, population: int = 20_000, months: int = 48,
               commune: str = "Molenbeek-Saint-Jean", opening: int = 24,
               measure: str = "unmet", capacity: float = 1.0) -> StudyData:
    """Difference-in-differences around an unconditional centre opening in one commune.

    The centre opens in ``commune`` at reported month ``opening``; the other Brussels
    communes are the comparison. The study sees each commune's monthly ``measure`` per 1,000
    residents. ``details["spillover"]`` is the mean effect in the comparison communes over
    the same months (the centre also serves its neighbours, which biases the DiD towards
    zero).

    Parameters
    ----------
    seed : int
        Simulation seed.
    population : int, default 20_000
        Simulated people in Brussels (at least 1,000).
    months : int, default 48
        Reported months from ``START``.
    commune : str, default "Molenbeek-Saint-Jean"
        The centre's commune.
    opening : int, default 24
        Reported month (0 = ``START``) the centre opens.
    measure : str, default "unmet"
        ``"unmet"`` (unmet need-months, all steps) or a measure such as ``"ed_visits"``.
    capacity : float, default 1.0
        Multiplier of the default centre's capacity.

    Returns
    -------
    StudyData
        One row per commune-month (``period``, ``commune``, ``y`` per 1,000 residents,
        ``treated``, ``first``); ``truth`` is the mean effect in the centre's commune over
        its months open (per 1,000 residents a month).

    Examples
    --------
    >>> from passerelle.evaluate.designs import did_centre
    >>> study = did_centre(seed=1, population=2000, months=19, opening=12)
    >>> study.data["commune"].nunique(), int(study.data["treated"].sum())
    (19, 7)
    """
    openings = {commune: opening}
    reference, treated = centre_runs(population, months, seed, openings, capacity)
    panel, exposed, effect = commune_panel(reference, treated, measure, openings)
    post = np.arange(months) >= opening
    others = [name for name in effect.columns if name != commune]
    return StudyData(
        data=panel, truth=float(effect.to_numpy()[exposed].mean()),
        estimand=f"mean effect of the centre on {measure} per 1,000 residents a month in "
                 f"{commune} while open",
        design="did",
        details={"spillover": float(effect.loc[post, others].to_numpy().mean()),
                 "commune": commune, "opening": opening},
    )


def analyse_did(study: StudyData) -> Estimate:
    """Two-way fixed-effects DiD, errors clustered by commune.

    Parameters
    ----------
    study : StudyData
        A ``did_centre`` study (columns ``y``, ``commune``, ``period``, ``treated``).

    Returns
    -------
    Estimate
        The centre's effect in its commune, per 1,000 residents a month.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_did, did_centre
    >>> analyse_did(did_centre(seed=1, population=2000, months=19, opening=12)).method
    'two-way fixed-effects DiD'
    """
    return twfe(study.data, "y", "commune", "period", "treated")


def did_staggered(seed: int, population: int = 20_000, months: int = 48,
                  communes: tuple[str, ...] = ("Molenbeek-Saint-Jean", "Schaerbeek",
                                               "Anderlecht"),
                  openings: tuple[int, ...] = (18, 27, 36), measure: str = "unmet",
                  capacity: float = 1.0) -> StudyData:
    """Staggered DiD: centres open in several communes at different dates.

    The dates ``openings`` are assigned to ``communes`` in a random order (``seed``); the
    other Brussels communes never get a centre. The study sees the run with the centres
    (spillovers included). ``truth`` is the mean effect over the treated commune-months
    (each commune is its own cohort: what Callaway-Sant'Anna's simple aggregate targets).

    Parameters
    ----------
    seed : int
        Seed of the dates' assignment and of the simulation.
    population : int, default 20_000
        Simulated people in Brussels (at least 1,000).
    months : int, default 48
        Reported months from ``START``.
    communes : tuple of str, default ("Molenbeek-Saint-Jean", "Schaerbeek", "Anderlecht")
        The communes that get a centre.
    openings : tuple of int, default (18, 27, 36)
        Reported months of the openings, one per commune.
    measure : str, default "unmet"
        ``"unmet"`` (unmet need-months, all steps) or a measure such as ``"ed_visits"``.
    capacity : float, default 1.0
        Multiplier of the default centre's capacity.

    Returns
    -------
    StudyData
        One row per commune-month (``period``, ``commune``, ``y`` per 1,000 residents,
        ``treated``, ``first``: the opening month, 0 for never); ``details["openings"]``
        maps each commune to its month.

    Raises
    ------
    ValueError
        When ``communes`` and ``openings`` differ in length.

    Examples
    --------
    >>> from passerelle.evaluate.designs import did_staggered
    >>> study = did_staggered(seed=1, population=2000, months=19, openings=(13, 15, 17))
    >>> sorted(study.details["openings"].values())
    [13, 15, 17]
    """
    if len(communes) != len(openings):
        raise ValueError("give one opening month per commune")
    rng = np.random.default_rng([seed, 4])
    plan = dict(zip(communes, rng.permutation(np.asarray(openings)).tolist(), strict=True))
    reference, treated = centre_runs(population, months, seed, plan, capacity)
    panel, exposed, effect = commune_panel(reference, treated, measure, plan)
    return StudyData(
        data=panel, truth=float(effect.to_numpy()[exposed].mean()),
        estimand=f"mean effect of the centres on {measure} per 1,000 residents a month over "
                 "the treated commune-months",
        design="did-staggered", details={"openings": plan},
    )


def analyse_staggered(study: StudyData) -> Estimate:
    """Callaway & Sant'Anna, never-treated communes as controls, simple aggregate.

    Parameters
    ----------
    study : StudyData
        A ``did_staggered`` study (columns ``y``, ``commune``, ``period``, ``first``).

    Returns
    -------
    Estimate
        The mean effect over the treated commune-months, per 1,000 residents a month.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_staggered, did_staggered
    >>> study = did_staggered(seed=1, population=2000, months=19, openings=(13, 15, 17))
    >>> analyse_staggered(study).method
    "Callaway-Sant'Anna (reg, never_treated, simple)"
    """
    return callaway_santanna(study.data, "y", "commune", "period", "first",
                             method="reg")


def analyse_staggered_twfe(study: StudyData) -> Estimate:
    """Two-way fixed effects on the staggered panel (biased with heterogeneous effects).

    Parameters
    ----------
    study : StudyData
        A ``did_staggered`` study (columns ``y``, ``commune``, ``period``, ``treated``).

    Returns
    -------
    Estimate
        The TWFE coefficient of ``treated``, per 1,000 residents a month.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_staggered_twfe, did_staggered
    >>> study = did_staggered(seed=1, population=2000, months=19, openings=(13, 15, 17))
    >>> analyse_staggered_twfe(study).n_obs == len(study.data)
    True
    """
    return twfe(study.data, "y", "commune", "period", "treated")


def its(seed: int, population: int = 20_000, months: int = 48,
        commune: str = "Molenbeek-Saint-Jean", opening: int = 24,
        measure: str = "ed_visits", capacity: float = 1.0) -> StudyData:
    """Interrupted time series of one commune's measure around a centre opening.

    The study sees ``commune``'s monthly ``measure`` per 1,000 residents, a centre opening at
    reported month ``opening``. ``truth`` is the level change of the true effect's path: the
    intercept at ``opening`` of the straight line fitted to the monthly effects (run with −
    run without) over the months open, the quantity segmented regression's level change
    estimates; its slope is ``details["true_slope"]``.

    Parameters
    ----------
    seed : int
        Simulation seed.
    population : int, default 20_000
        Simulated people in Brussels (at least 1,000).
    months : int, default 48
        Reported months from ``START``.
    commune : str, default "Molenbeek-Saint-Jean"
        The centre's commune.
    opening : int, default 24
        Reported month (0 = ``START``) the centre opens.
    measure : str, default "ed_visits"
        The measure followed, per 1,000 residents a month.
    capacity : float, default 1.0
        Multiplier of the default centre's capacity.

    Returns
    -------
    StudyData
        One row per month (``period``, ``y`` per 1,000 residents); ``truth`` is the level
        change, per 1,000 residents a month.

    Examples
    --------
    >>> from passerelle.evaluate.designs import its
    >>> study = its(seed=1, population=2000, months=19, opening=12)
    >>> list(study.data.columns), len(study.data), study.details["opening"]
    (['period', 'y'], 19, 12)
    """
    openings = {commune: opening}
    reference, treated = centre_runs(population, months, seed, openings, capacity)
    units = {commune: [commune]}
    y0, y1 = rates(reference, measure, units)[commune], rates(treated, measure, units)[commune]
    periods = np.arange(months)
    post = periods >= opening
    slope, level = np.polyfit(periods[post] - opening, (y1 - y0).to_numpy()[post], 1)
    data = pd.DataFrame({"period": periods, "y": y1.to_numpy()})
    return StudyData(
        data=data, truth=float(level),
        estimand=f"level change in {measure} per 1,000 residents a month in {commune} when "
                 "the centre opens",
        design="its",
        details={"true_slope": float(slope), "opening": opening,
                 "mean_effect": float((y1 - y0)[post].mean())},
    )


def analyse_its(study: StudyData) -> Estimate:
    """Segmented regression with Newey-West (HAC) errors; the level change.

    Parameters
    ----------
    study : StudyData
        An ``its`` study (columns ``period`` and ``y``; ``details["opening"]``).

    Returns
    -------
    Estimate
        The level change at the opening, per 1,000 residents a month.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_its, its
    >>> analyse_its(its(seed=1, population=2000, months=19, opening=12)).method
    'segmented regression (HAC SE)'
    """
    return segmented(study.data, "y", "period", study.details["opening"])

