"""The parameters of the unconditional centres, each with its source or assumption and
its unit; the sites are in ``centre_sites``, the step in ``centres``."""

from __future__ import annotations

from pydantic import field_validator

from passerelle.engine.distributions import Uniform
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.units import (
    EurPerContact,
    Kilometres,
    LogOdds,
    MonthlyProbability,
    Months,
    Probability,
    Share,
    bounded,
    vector,
)
from passerelle.modules.centre_sites import (
    CONSULTATIONS_PER_PERSON,
    STAFF_SHARE,
    Site,
    Sites,
    brussels_centres,
)


class CentresParams(Params):
    sites: Sites = sourced(
        "centre_k_nal_opened", "Molenbeek-Saint-Jean", derive=brussels_centres,
        description="the centres: commune, opening, capacity, services, target group, costs "
        "and grants",
        how="Molenbeek: 1,000 consultations a month "
        "(centre_ribaucare_consultations_first_year ÷ 12, a 2022 figure applied from the "
        "opening) and the first-year budget centre_year1_* (954,500 EUR; the part not "
        "covered by FEDER, INAMI, social integration and fees is counted as donations); "
        "Anderlecht: opening spring 2023 and 5,500 people a year (centre_cureghem_capacity) "
        f"× {CONSULTATIONS_PER_PERSON:g} consultations each (assumption); addiction centre: "
        "Bruxelles, January 2018, 300 consultations a month (assumptions). Assumptions for "
        f"all: staff {STAFF_SHARE:.0%} of costs, building the rest; costs and grants scale "
        "with capacity from Molenbeek's; grants last until December 2020 (the end of the "
        "FEDER 2014-2020 programme), three years from opening for Anderlecht",
    )
    decay_km: Kilometres = assumption(
        2.5, description="distance (km between commune centroids) over which the chance "
        "of coming to a centre falls by a factor e",
        why="neighbourhood health centres draw most patients from within a few km",
        uncertainty=Uniform(1.5, 4.0),
    )
    uptake_by_barrier: vector(Probability, 4) = assumption(
        (0.3, 0.15, 0.5, 0.3), description="probability of coming to a centre in one's "
        "commune with a need that failed at seek, reach, pay or engage",
        why="no papers asked and no payment draw those turned away by cost most; a centre "
        "is one more door for those who could not reach a GP",
    )
    uptake_registered: Probability = assumption(
        0.7, description="probability that a followed patient brings a new failed need back "
        "to the centre", why="a known place, a known team",
        uncertainty=Uniform(0.5, 0.85),
    )
    wait_share: Share = assumption(
        0.5, description="share of people turned away for lack of capacity who are asked "
        "to come back next month (the others are lost)",
        why="half of those turned away come back (order of magnitude from MdM reports)",
    )
    social_months: bounded(Months, le=60) = assumption(
        6, description="months after a visit during which social workers follow a patient",
        why="a file stays open about half a year",
    )
    social_reopen_per_month: MonthlyProbability = assumption(
        0.2, description="added monthly probability that a followed patient's lapsed rights "
        "are reopened", why="social workers handle mutualité files daily",
        uncertainty=Uniform(0.1, 0.3),
    )
    social_bim_per_month: MonthlyProbability = assumption(
        0.2, description="added monthly probability that a followed eligible patient "
        "activates BIM", why="same paperwork as reopening rights",
    )
    social_amu_per_month: MonthlyProbability = assumption(
        0.5, description="monthly probability that social workers file an AMU application "
        "for a followed undocumented patient without AMU",
        why="helping with the CPAS is the core of their work with undocumented patients",
        uncertainty=Uniform(0.25, 0.75),
    )
    reinsertion_per_month: MonthlyProbability = assumption(
        0.1, description="monthly probability that a followed insured patient without a "
        "regular GP is referred back to one and opens a DMG (re-insertion)",
        why="referral back to regular care is the centres' stated aim",
    )
    psych_engage_effect: bounded(LogOdds, ge=0) = assumption(
        0.5, description="log-odds added to completing care for patients followed by a "
        "centre with a psychologist", why="half of a regular GP's effect",
    )
    patient_fee: EurPerContact = assumption(
        0.0, description="EUR an insured patient pays per consultation",
        why="no payment at the point of care: the co-payment is waived",
    )

    @field_validator("sites")
    @classmethod
    def _unique(cls, value: tuple[Site, ...]) -> tuple[Site, ...]:
        names = [site.name for site in value]
        if len(set(names)) != len(names):
            raise ValueError(f"centre names must be unique: {names}")
        return value
