"""Synthetic populations drawn from sourced marginals, one row per person.

Who is in it: registered residents of each commune, undocumented people and asylum
seekers in reception (neither is in the register). A sample of ``size`` people stands for
the whole region, each person for ``scale`` real ones; ``size="full"`` draws everyone.
Every attribute comes from a per-person draw keyed by uid, so the same seed and size give
the same people in every scenario. The draws, one per attribute, are in ``attributes``;
the areas and how many people of each kind they hold, in ``geography``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, Field, Strict

from passerelle.config.attributes import fill
from passerelle.config.geography import KINDS, REGIONS, areas_of, people_by_kind
from passerelle.engine import sources
from passerelle.engine.groups import INSURED, Grouping
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.people import Column, People
from passerelle.engine.random import Streams
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA
from passerelle.engine.timeline import MONTH
from passerelle.engine.units import (
    GrowthRate,
    LogOdds,
    Persons,
    RatePerYear,
    RelativeRisk,
    Share,
    StandardDeviations,
    Unit,
    bounded,
    normalised,
    summing_to_one,
    vector,
)

COLUMNS = (
    Column("birth_month", MONTH, 0, "month of birth (months since 2000-01)"),
    Column("sex", "int8", 0, "0 female, 1 male"),
    Column("commune", "int16", 0, "index into the run's communes"),
    Column("quintile", "int8", 0, "national income quintile, 0 (lowest) to 4"),
    Column("coverage", "int8", INSURED, "insured, lapsed, undocumented, asylum seeker"),
    Column("bim", "bool", False, "increased reimbursement (BIM) active"),
    Column("bim_eligible", "bool", False, "entitled to BIM"),
    Column("amu_active", "bool", False, "Aide Médicale Urgente decision in force"),
    Column("dmg", "bool", False, "has a global medical record (DMG) with a GP"),
    Column("mm_enrolled", "bool", False, "enrolled in a flat-rate maison médicale"),
    Column("literacy", "float32", 0.5, "health literacy, 0-1 (below 0.5: limited)"),
    Column("trust", "float32", 0.5, "trust in care institutions, 0-1"),
    Column("language_barrier", "bool", False, "speaks none of the local languages well"),
    Column("homeless", "bool", False, "homeless or badly housed"),
    Column("substance_use", "bool", False, "problem drug or alcohol use"),
    Column("chronic", "int8", 0, "number of chronic conditions, 0-3"),
    Column("severity", "float32", 0.0, "current health severity, 0-1"),
    Column("age_band", "int8", 0, "age band index as of January"),
    Column("cell", "int32", 0, "result cell this month"),
)


# The largest size a scenario may ask for: keeps size × bytes a person inside int64; the
# memory guard (passerelle.engine.sim) refuses far smaller sizes that would not fit.
MAX_SIZE = 2**40
PopulationSize = Annotated[int, Strict(), Field(ge=1, le=MAX_SIZE), Unit("persons")]
Region = Annotated[Literal["brussels", "belgium", "facilitator-cities", "none"], Unit("choice")]


def _nested(shares: tuple[float, float]) -> tuple[float, float]:
    two, three = shares
    if three > two:
        raise ValueError(f"the share with three conditions ({three:g}) cannot exceed the share "
                         f"with two ({two:g})")
    return shares


Multimorbidity = Annotated[tuple[Share, Share], AfterValidator(_nested)]


class PopulationSpec(Params):
    """Where the population lives, how many people are simulated, and its marginals."""

    region: Region = Field(
        default="brussels", description="; ".join(f"{k}: {v}" for k, v in REGIONS.items()),
        json_schema_extra={"source": "design choice"},
    )
    size: PopulationSize | Literal["full"] = Field(
        default=100_000, description="simulated people (a weighted sample) or 'full'",
        json_schema_extra={"source": "design choice"},
    )
    undocumented_brussels: Persons = sourced(
        "undocumented_persons", BRUSSELS, description="persons"
    )
    undocumented_belgium: Persons = sourced(
        "undocumented_persons", "Belgium", description="persons"
    )
    asylum_in_reception: Persons = sourced(
        "fedasil_reception_places", description="persons in reception (places × 0.94 occupancy)",
        derive=lambda places: round(places * 0.94), how="× 0.94 occupancy (note of the row)",

    )
    lapsed_share: Share = sourced(
        "uninsured_persons", description="share of registered residents not in order "
        "with their mutuelle", derive=lambda n: n / sources.value("population_total"),
        how="÷ population_total@Belgium",
    )
    lapsed_by_quintile: normalised(vector(RelativeRisk, 5)) = assumption(
        (3.0, 1.2, 0.5, 0.2, 0.1), description="relative risk of a lapsed mutuelle by "
        "quintile (mean 1)", why="ruptures concentrate among low incomes (CAW/CPAS reports)",
    )
    bim_eligible_by_quintile: vector(Share, 5) = assumption(
        (0.9, 0.45, 0.12, 0.03, 0.0), description="share entitled to BIM by quintile",
        why="BIM is means-tested; with the take-up below gives about a fifth of residents, "
        "AIM's count for 2021 (2,137,000, 18.5%, note of bim_beneficiaries) and the Mutualité "
        "chrétienne's 'a little under 20%' for 2022 (LUSS, 2023)",
    )
    bim_take_up_working_age: Share = sourced(
        "bim_non_take_up_18_64", description="share of entitled 18-64 year olds who have BIM",
        derive=lambda share: round(1 - share, 3), how="1 − non-take-up",
    )
    bim_take_up_other_ages: Share = assumption(
        0.85, description="share of entitled children and 65+ who have BIM",
        why="largely automatic for pensioners on GRAPA and through family status",
    )
    dmg_brussels: Share = sourced("dmg_coverage", BRUSSELS, description="share")
    dmg_flanders: Share = sourced("dmg_coverage", FLANDERS, description="share")
    dmg_wallonia: Share = sourced("dmg_coverage", WALLONIA, description="share")
    mm_brussels: Share = sourced(
        "maison_medicale_enrolled_share_2014", BRUSSELS, description="share of insured "
        "residents enrolled in a flat-rate maison médicale at the end of 2014",
    )
    mm_flanders: Share = sourced(
        "maison_medicale_enrolled_share_2014", FLANDERS, description="as mm_brussels",
    )
    mm_wallonia: Share = sourced(
        "maison_medicale_enrolled_share_2014", WALLONIA, description="as mm_brussels",
    )
    mm_growth: GrowthRate = sourced(
        "maison_medicale_enrolment_growth", description="yearly growth of the enrolled "
        "share, every region (regular_gp enrols the insured to follow it)",
    )
    homeless_brussels: Share = sourced(
        "homeless_persons", BRUSSELS, description="share of Brussels' population",
        derive=lambda n: n / sources.value("population_total", BRUSSELS),
        how="÷ population_total@Brussels",
    )
    homeless_elsewhere: Share = assumption(
        0.0025, description="share of the population outside Brussels",
        why="counts in Ghent, Antwerp, Liège and Charleroi (2020-2022) are 0.2-0.3%",
    )
    limited_literacy: Share = sourced(
        "limited_health_literacy", description="share with literacy below 0.5"
    )
    language_barrier_brussels: Share = assumption(
        0.10, description="residents of Brussels with a language barrier",
        why="share of residents speaking none of French, Dutch or English well (order of "
        "magnitude of the BRIO language barometer)",
    )
    language_barrier_elsewhere: Share = assumption(
        0.04, description="residents elsewhere with a language barrier",
        why="a third of the Brussels share",
    )
    language_barrier_newcomers: tuple[Share, Share] = assumption(
        (0.5, 0.7), description="undocumented people, asylum seekers with a language barrier",
        why="newcomers; most asylum seekers arrived within a year",
    )
    substance_use: Share = assumption(
        0.006, description="adults 18-64 with problem drug or alcohol use (not homeless)",
        why="high-risk drug use in Belgium is estimated at 0.3-0.6% of adults (EUDA)",

    )
    substance_use_homeless: Share = assumption(
        0.3, description="homeless people with problem substance use",
        why="a third in street surveys of homeless people",
    )
    undocumented_ages: summing_to_one(vector(Share, 3)) = assumption(
        (0.10, 0.87, 0.03), description="undocumented people under 18, 18-64, 65+",
        why="Médecins du Monde patient profiles: mostly working-age adults",
    )
    asylum_seeker_ages: summing_to_one(vector(Share, 3)) = assumption(
        (0.28, 0.71, 0.01), description="asylum seekers under 18, 18-64, 65+",
        why="Fedasil reception: about a quarter are minors",
    )
    male_undocumented: Share = assumption(
        0.55, description="share of men among undocumented people",
        why="Médecins du Monde patient profiles",
    )
    male_asylum_seeker: Share = assumption(
        0.65, description="share of men among asylum seekers",
        why="Fedasil/CGRS applications are about two thirds men",
    )
    old_age_decay: RatePerYear = assumption(
        0.08, description="yearly decay of the age density above 65 (ages 65-100)",
        why="roughly the shape of Statbel's age pyramid above 65",
    )
    male_residents: Share = assumption(
        0.49, description="share of men among residents",
        why="Statbel population structure (about 49%)",
    )
    quintile_deprivation: bounded(LogOdds, ge=0) = assumption(
        2.5, description="log-odds per quintile step per unit of commune deprivation (0-1)",
        why="income ranks follow communes' deprivation (Statbel fiscal statistics)",
    )
    homeless_concentration: bounded(RelativeRisk, ge=1) = assumption(
        3.0, description="homelessness rate of the lowest quintile and undocumented people "
        "relative to the region's rate", why="both groups make up about a third of "
        "the population and nearly all homeless people",
    )
    lapsed_homeless: Share = assumption(
        0.3, description="share of homeless residents whose rights have lapsed",
        why="losing one's address removes the person from the register (CAW/CPAS reports)",
    )
    literacy_income: StandardDeviations = assumption(
        0.25, description="latent literacy (standard deviations) per income quintile",
        why="limited literacy is twice as common in the lowest as in the highest quintile "
        "(Health Interview Survey 2018)",
    )
    literacy_language: bounded(StandardDeviations, ge=0) = assumption(
        0.6, description="latent literacy lost (standard deviations) with a language barrier",
        why="health information is mostly in French and Dutch",
    )
    trust_base: StandardDeviations = assumption(
        0.6, description="latent trust (standard deviations) of a middle-quintile resident",
        why="about 70% of Belgians trust their health system (Eurobarometer order)",
    )
    trust_income: StandardDeviations = assumption(
        0.15, description="latent trust per income quintile",
        why="trust rises with income (Eurobarometer)")
    trust_homeless: bounded(StandardDeviations, ge=0) = assumption(
        0.8, description="latent trust lost when homeless",
        why="repeated refusals (street surveys)")
    trust_newcomer: bounded(StandardDeviations, ge=0) = assumption(
        0.3, description="latent trust lost by newcomers (undocumented, asylum seekers)",
        why="unfamiliar system")
    trust_undocumented: bounded(StandardDeviations, ge=0) = assumption(
        0.7, description="further latent trust lost by undocumented people",
        why="fear of being reported (Médecins du Monde)",
    )
    chronic_multiple: Multimorbidity = assumption(
        (0.4, 0.15), description="shares of people with a chronic condition who have at "
        "least two and three (relative to at least one)",
        why="multimorbidity rises steeply with age (Health Interview Survey)",
    )
    chronic_by_age: vector(Share, 6) = assumption(
        (0.05, 0.12, 0.2, 0.4, 0.6, 0.72), description="share with at least one chronic "
        "condition by age band", why="Health Interview Survey orders of magnitude",
    )


@dataclass
class Population:
    """A synthesized population: its people, the group cells, and real people per person."""

    people: People
    grouping: Grouping
    scale: float
    areas: tuple[sources.Commune, ...]
    spec: PopulationSpec

    def fill(self, uids: np.ndarray, kind: str, streams: Streams, month: int) -> None:
        """Draw every attribute of the people ``uids`` of ``kind`` (see ``KINDS``)."""
        fill(self.spec, self.people, self.areas, uids, kind, streams, month)


def simulated_people(spec: PopulationSpec) -> int:
    """How many people ``synthesize`` draws for ``spec`` (``size``, or everyone for "full").

    Examples
    --------
    >>> simulated_people(PopulationSpec(size=5_000))
    5000
    """
    if spec.region == "none":
        return 100_000 if spec.size == "full" else spec.size
    if spec.size != "full":
        return int(spec.size)
    return round(sum(people_by_kind(spec, areas_of(spec.region)).values()))


def region_problems(spec: PopulationSpec, built_in: list[str]) -> list[str]:
    """Why ``spec`` cannot hold a run of the ``built_in`` modules, if it cannot: region
    ``none`` draws no commune, no income and no coverage, which they all read.

    Examples
    --------
    >>> region_problems(PopulationSpec(region="none"), ["demography"])[0][:26]
    "population.region = 'none'"
    >>> region_problems(PopulationSpec(region="none"), [])
    []
    """
    if spec.region != "none" or not built_in:
        return []
    return [f"population.region = 'none': {REGIONS['none']}; the built-in modules "
            f"{tuple(built_in)} need a region: "
            f"{', '.join(repr(r) for r in REGIONS if r != 'none')}"]


# People created (births, newcomers) a month, per person drawn at the start: measured on
# the baseline, 100,000 people, 144 months (24 of burn-in): 14.1% more people were created in
# Brussels, 15.4% in Belgium, 0.10-0.11% a month; rounded up.
ARRIVALS_PER_MONTH = 0.0012


def capacity(size: int, months: int) -> int:
    """Rows allocated for ``size`` people in a run of ``months`` months (burn-in included):
    room for the arrivals of the whole run, so that no column is copied into a larger one.
    A fixed 10% was too little past seven years: the columns grew to 1.375 times the people
    drawn (139 bytes a person where about 118 are needed over 12 years), and the copy held
    old and new columns at once.

    Examples
    --------
    >>> capacity(100_000, 144)
    117344
    """
    return int(size * (1 + ARRIVALS_PER_MONTH * months)) + 64


def synthesize(spec: PopulationSpec, streams: Streams, month: int, months: int = 0
               ) -> Population:
    """Draw the population of ``spec.region`` in calendar ``month``, with room for the
    arrivals of ``months`` months."""
    if spec.region == "none":
        size = simulated_people(spec)
        people = People(size)
        for column in COLUMNS:
            people.add(column)
        people.birth_month[:] = month - 40 * 12
        return Population(people, Grouping(("none",)), 1.0, (), spec)
    areas = areas_of(spec.region)
    counts = people_by_kind(spec, areas)
    total = sum(counts.values())
    size = simulated_people(spec)
    people = People(size, capacity=capacity(size, months))
    for column in COLUMNS:
        people.add(column)
    population = Population(people, Grouping(tuple(a.name for a in areas)), total / size,
                            areas, spec)
    draw = streams.uniform("population", "kind", month, size)
    shares = np.cumsum([counts[k] / total for k in KINDS])
    kind_index = np.searchsorted(shares, draw, side="right").clip(0, len(KINDS) - 1)
    for index, kind in enumerate(KINDS):
        chosen = np.flatnonzero(kind_index == index)
        for chunk in np.array_split(chosen, max(1, chosen.size // CHUNK)):
            population.fill(chunk, kind, streams, month)
    return population


CHUNK = 50_000  # people drawn at once: bounds the temporaries (about 300 bytes each)
