"""Observational data on the facilitators programme: participants against the others."""

from __future__ import annotations

import numpy as np

from passerelle.evaluate.designs.study import (
    COVARIATES,
    StudyData,
    pair,
    persons,
)
from passerelle.evaluate.estimate import Estimate
from passerelle.evaluate.propensity import ipw
from passerelle.evaluate.regression import ols


def observational(seed: int, population: int = 20_000, months: int = 36,
                  outcome: str = "n_unmet_months", staffing: float = 20.0) -> StudyData:
    """Participants and non-participants of the facilitators programme in Brussels.

    As routine data show them: participants are whoever the facilitators enrolled (targeted
    at lapsed, vulnerable and unmet-need people), outcomes from the run with facilitators,
    baseline covariates from the end of the pre-period.

    Parameters
    ----------
    seed : int
        Simulation seed.
    population : int, default 20_000
        Simulated people in Brussels (at least 1,000).
    months : int, default 36
        Reported months from ``START``; the first ``PRE_MONTHS`` are the pre-period.
    outcome : str, default "n_unmet_months"
        A ledger counter (``passerelle.modules.ledger.OUTCOMES``).
    staffing : float, default 20.0
        Multiplier of the default Brussels facilitator workers.

    Returns
    -------
    StudyData
        One row per resident (``uid``, ``COVARIATES``, ``treated`` 0/1, ``y``); ``truth`` is
        the average effect on the participants (ATT, ``outcome`` units per person over the
        post-period).

    Examples
    --------
    >>> from passerelle.evaluate.designs import observational
    >>> study = observational(seed=1, population=2000, months=19)
    >>> int(study.data["treated"].sum()) == study.details["participants"]
    True
    """
    reference, treated = pair(population, months, seed, staffing=staffing)
    people = persons(reference, treated, outcome)
    data = people[list(COVARIATES)].assign(
        treated=people["enrolled"],
        y=np.where(people["enrolled"] == 1, people["y1"], people["y0"]))
    effect = (people["y1"] - people["y0"])[people["enrolled"] == 1]
    return StudyData(
        data=data.reset_index(), truth=float(effect.mean()),
        estimand=f"average effect of facilitator support on {outcome} on the participants "
                 "(ATT, post-period)",
        design="observational",
        details={"outcome": outcome, "participants": int(people["enrolled"].sum())},
    )


def analyse_naive(study: StudyData) -> Estimate:
    """Participants against non-participants: a plain difference in means (HC1 errors).

    Parameters
    ----------
    study : StudyData
        An ``observational`` study (columns ``y`` and ``treated``).

    Returns
    -------
    Estimate
        Participants' mean outcome minus the others', in the outcome's units per person
        (confounded by who enrols).

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_naive, observational
    >>> analyse_naive(observational(seed=1, population=2000, months=19)).method
    'OLS (HC1 SE)'
    """
    return ols(study.data, "y", "treated", robust=True)


def analyse_propensity(study: StudyData) -> Estimate:
    """Inverse probability weighting for the ATT on the baseline covariates.

    Parameters
    ----------
    study : StudyData
        An ``observational`` study (columns ``y``, ``treated`` and ``COVARIATES``).

    Returns
    -------
    Estimate
        The average effect on the participants, in the outcome's units per person.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_propensity, observational
    >>> analyse_propensity(observational(seed=1, population=2000, months=19)).method
    'IPW ATT (robust SE)'
    """
    return ipw(study.data, "y", "treated", list(COVARIATES), estimand="ATT")

