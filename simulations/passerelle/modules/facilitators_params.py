"""The parameters of the facilitators (community health workers), each with its source
or assumption and its unit; ``passerelle.modules.facilitators`` steps them."""

from __future__ import annotations

from typing import Annotated, Literal

from passerelle.engine.distributions import Uniform
from passerelle.engine.parameters import Params, assumption, calibrated, sourced
from passerelle.engine.units import (
    ClientsPerWorker,
    EurPerYear,
    LogOdds,
    MonthlyProbability,
    MonthlyShare,
    Months,
    Probability,
    RelativeRisk,
    Share,
    Unit,
    Weight,
    bounded,
    normalised,
    vector,
)
from passerelle.modules.deployments import Deployments, roll_out

ENROLMENT_MONTHS = 6


Targeting = Annotated[Literal["outreach", "referral", "both", "discharge"], Unit("choice")]


class FacilitatorsParams(Params):
    """The facilitators' parameters: where they work, whom they recruit, what they change.

    Examples
    --------
    >>> from passerelle.modules.facilitators import FacilitatorsParams
    >>> params = FacilitatorsParams(caseload=80)
    >>> params.caseload, len(params.deployments), params.deployments[0].area
    (80.0, 9, ('Liège',))
    """

    deployments: Deployments = sourced(
        "chw_first_in_post", description="workers per city, with start and end months",
        derive=roll_out,
        how="50 workers (chw_budget@Belgium) from June 2021, 17 in Wallonia and 6 in Gent "
        "(note of chw_first_in_post); assumption: the rest shared by city size (Antwerpen 8, "
        "Genk 3, Oostende 2, Tienen 2, Brussels 12; Liège 7, Dison/Verviers 3, Charleroi 7) "
        "and no end within the run",
    )
    enrolment_months: bounded(Months, ge=1, le=60) = assumption(
        ENROLMENT_MONTHS, description="months a person stays enrolled",
        why="IMPaCT's longer trials accompany people for six months (Kangovi et al. 2018)",
    )
    caseload: ClientsPerWorker = sourced(
        "chw_caseload_per_year", description="active clients per worker at a time",
        derive=lambda per_year: per_year * ENROLMENT_MONTHS / 12,
        how=f"× {ENROLMENT_MONTHS}/12: clients a year × months enrolled / 12",
    )
    targeting: Targeting = assumption(
        "both", description="who is enrolled: outreach in the neighbourhood, referrals from "
        "mutualité records (lapsed members, BIM-eligible non-takers, people without a GP), "
        "both, or people leaving hospital (the IMPaCT trials)",
        why="the Belgian project combines outreach with referrals from the mutualités",
    )
    referral_places: Share = assumption(
        0.5, description="share of free places filled from referrals when targeting is "
        "'both'", why="no figure: an even split",
    )
    referral_lists: normalised(vector(Weight, 3)) = assumption(
        (0.5, 0.3, 0.2), description="shares of referrals drawn from each mutualité list: "
        "lapsed members, BIM-eligible non-takers, members without a regular GP (normalised; "
        "a person on several lists is drawn through each)",
        why="the lists are the project's referral routes; lapsed members come first, and the "
        "list of members without a GP (half of them) would otherwise swamp the others",
    )
    outreach_vulnerable_rr: RelativeRisk = assumption(
        4.0, description="relative chance that outreach meets a vulnerable person (homeless, "
        "language barrier, problem substance use, lapsed or undocumented, or with a need "
        "unmet in the last three months) rather than another resident; outreach also "
        "follows commune deprivation",
        why="outreach works where people gather: social services, associations, the street",
    )
    acceptance: Probability = assumption(
        0.7, description="probability that a person offered accompaniment accepts",
        why="IMPaCT enrolled about two thirds of eligible patients approached",
        uncertainty=Uniform(0.5, 0.85),
    )
    perceive_effect: bounded(LogOdds, ge=0) = assumption(
        1.0, description="log-odds added to perceiving a need while enrolled",
        why="information and health education; order of magnitude of literacy's own effect",
        uncertainty=Uniform(0.25, 1.5),
    )
    seek_effect: bounded(LogOdds, ge=0) = assumption(
        1.0, description="log-odds added to seeking care while enrolled",
        why="accompaniment and trust: about the cascade's gap between high and low trust",
        uncertainty=Uniform(0.25, 1.5),
    )
    engage_effect: bounded(LogOdds, ge=0) = assumption(
        1.0, description="log-odds added to completing care while enrolled",
        why="appointments reminded, interpreters found: as much as a regular GP gives",
        uncertainty=Uniform(0.25, 1.5),
    )
    reopen_per_month: MonthlyProbability = assumption(
        0.15, description="added monthly probability that an enrolled person's lapsed rights "
        "are reopened",
        why="a facilitator files the mutualité paperwork: about half reopened in 4 months",
        uncertainty=Uniform(0.05, 0.25),
    )
    bim_per_month: MonthlyProbability = assumption(
        0.15, description="added monthly probability that an enrolled eligible person "
        "activates BIM", why="same paperwork as reopening rights",
    )
    gp_found_per_month: MonthlyProbability = assumption(
        0.10, description="monthly probability that an enrolled insured person without a "
        "regular GP gets a DMG",
        why="many Brussels GPs are closed to new patients: about half succeed in six months",
    )
    retention: Share = assumption(
        0.5, description="share of the ability effects (perceive, seek, engage) kept at "
        "graduation", why="skills learnt stay; accompaniment stops",
        uncertainty=Uniform(0.25, 0.75),
    )
    decay_per_month: MonthlyShare = assumption(
        0.1, description="monthly relative fading of the retained effects",
        why="half-life of about six and a half months",
    )
    discharge_followup: Probability = calibrated(
        0.10, description="probability that, for a person enrolled in the month of a "
        "hospital discharge, the facilitator books a post-discharge primary-care visit the "
        "person would not otherwise have made (an open need next month)",
        target="impact_2014_primary_care_14d_treated@USA (OR 1.52, see "
        "passerelle.config.plausibility)",
    )
    observe_by_step: vector(Probability, 5) = assumption(
        (0.2, 0.6, 0.8, 0.9, 0.5), description="probability that a facilitator notices and "
        "reports a client's unmet need, by failed step (perceive, seek, reach, pay, engage)",
        why="clients tell about bills and paperwork; needs they did not perceive stay "
        "unseen",
    )
    cost_per_worker_year: EurPerYear = sourced(
        "chw_cost_per_worker_year", description="EUR per worker and year (salary, "
        "training, coordination)",
        how="the federal budget for 50 workers ÷ 50, assuming it is annual (grade E: flag)",
    )
