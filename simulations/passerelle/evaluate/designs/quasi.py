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
    """Difference-in-differences: an unconditional centre opens in ``commune`` at reported
    month ``opening``; the other Brussels communes are the comparison. The study sees each
    commune's monthly ``measure`` per 1,000 residents. ``truth`` is the mean effect in the
    centre's commune over its months open; ``details["spillover"]`` is the mean effect in
    the comparison communes over the same months (the centre also serves its neighbours,
    which biases the DiD towards zero).

    >>> analyse_did(did_centre(seed=1))                      # doctest: +SKIP
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
    """Two-way fixed-effects DiD, errors clustered by commune."""
    return twfe(study.data, "y", "commune", "period", "treated")


def did_staggered(seed: int, population: int = 20_000, months: int = 48,
                  communes: tuple[str, ...] = ("Molenbeek-Saint-Jean", "Schaerbeek",
                                               "Anderlecht"),
                  openings: tuple[int, ...] = (18, 27, 36), measure: str = "unmet",
                  capacity: float = 1.0) -> StudyData:
    """Staggered DiD: centres open in ``communes`` at reported months ``openings``, the
    dates assigned to communes in a random order (``seed``); the other Brussels communes
    never get one. The study sees the run with the centres (spillovers included).
    ``truth`` is the mean effect over the treated commune-months (each
    commune is its own cohort: what Callaway-Sant'Anna's simple aggregate targets).

    >>> analyse_staggered(did_staggered(seed=1))             # doctest: +SKIP
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
    """Callaway & Sant'Anna, never-treated communes as controls, simple aggregate."""
    return callaway_santanna(study.data, "y", "commune", "period", "first",
                             method="reg")


def analyse_staggered_twfe(study: StudyData) -> Estimate:
    """Two-way fixed effects on the staggered panel (biased with heterogeneous effects)."""
    return twfe(study.data, "y", "commune", "period", "treated")


def its(seed: int, population: int = 20_000, months: int = 48,
        commune: str = "Molenbeek-Saint-Jean", opening: int = 24,
        measure: str = "ed_visits", capacity: float = 1.0) -> StudyData:
    """Interrupted time series: ``commune``'s monthly ``measure`` per 1,000 residents, a
    centre opening at reported month ``opening``. ``truth`` is the level change of the
    true effect's path: the intercept at ``opening`` of the straight line fitted to the
    monthly effects (run with − run without) over the months open, the quantity segmented
    regression's level change estimates; its slope is ``details["true_slope"]``.

    >>> analyse_its(its(seed=1))                             # doctest: +SKIP
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
    """Segmented regression with Newey-West (HAC) errors; the level change."""
    return segmented(study.data, "y", "period", study.details["opening"])

