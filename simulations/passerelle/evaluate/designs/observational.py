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
    """Participants and non-participants of the facilitators programme in Brussels, as
    routine data show them: participants are whoever the facilitators enrolled (targeted
    at lapsed, vulnerable and unmet-need people), outcomes from the run with facilitators,
    baseline covariates from the end of the pre-period. ``truth`` is the average effect on
    the participants (ATT, ``outcome`` units per person over the post-period)."""
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
    """Participants against non-participants: a plain difference in means (HC1 errors)."""
    return ols(study.data, "y", "treated", robust=True)


def analyse_propensity(study: StudyData) -> Estimate:
    """Inverse probability weighting for the ATT on the baseline covariates."""
    return ipw(study.data, "y", "treated", list(COVARIATES), estimand="ATT")

