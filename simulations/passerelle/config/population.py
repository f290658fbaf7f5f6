"""Synthetic populations drawn from sourced marginals, one row per person.

Who is in it: registered residents of each commune, undocumented people and asylum
seekers in reception (neither is in the register). A sample of ``size`` people stands for
the whole region, each person for ``scale`` real ones; ``size="full"`` draws everyone.
Every attribute comes from a per-person draw keyed by uid, so the same seed and size give
the same people in every scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Literal

import numpy as np
from pydantic import AfterValidator, Field, Strict

from passerelle.config import sources
from passerelle.config.parameters import Params, assumption, sourced
from passerelle.config.units import (
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
from passerelle.engine.groups import ASYLUM, INSURED, LAPSED, UNDOCUMENTED, Grouping, age_band
from passerelle.engine.people import Column, People
from passerelle.engine.random import Streams

BRUSSELS, FLANDERS, WALLONIA = "Brussels-Capital Region", "Flemish Region", "Walloon Region"
REGIONS: dict[str, str] = {
    "brussels": "the 19 communes of the Brussels-Capital Region",
    "belgium": "Belgium: Brussels' communes, the facilitators' cities and the rest of each region",
    "facilitator-cities": "Brussels and the eight other cities where facilitators work",
    "none": "people with default attributes only (for benchmarks and toy modules)",
}
RESIDENT, NEWBORN = "resident", "newborn"

COLUMNS = (
    Column("birth_month", "int32", 0, "month of birth (months since 2000-01)"),
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
        "undocumented_persons", "Brussels-Capital Region", description="persons"
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
        why="BIM is means-tested; with the take-up below gives about bim_beneficiaries "
        "(21% of residents)",
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
        "maison_medicale_enrolled_share", BRUSSELS, description="share of insured residents "
        "enrolled in a maison médicale",
    )
    mm_elsewhere: Share = sourced(
        "maison_medicale_enrolled_share", description="share outside Brussels",
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
        _fill(self, uids, kind, streams, month)


def areas_of(region: str) -> tuple[sources.Commune, ...]:
    """The communes and rest-of-region areas of ``region``, with populations filled in."""
    everything = sources.communes()
    if region == "brussels":
        chosen = [c for c in everything if c.region == BRUSSELS]
    elif region == "facilitator-cities":
        chosen = [c for c in everything if c.region == BRUSSELS or
                  (c.population and not c.name.startswith("Rest of"))]
    else:
        chosen = list(everything)
    filled = []
    for region_name in (BRUSSELS, FLANDERS, WALLONIA):
        members = [c for c in chosen if c.region == region_name]
        listed = sum(c.population or 0 for c in members)
        total = sources.value("population_total", region_name)
        for c in members:
            if c.population is None:
                population = total - sum(
                    x.population or 0 for x in everything if x.region == region_name
                )
            elif region_name == BRUSSELS and region in ("brussels", "belgium"):
                population = c.population * total / listed
            else:
                population = c.population
            filled.append(sources.Commune(
                c.name, c.nis, c.region, population, c.lat, c.lon, c.deprivation
            ))
    return tuple(filled)


@cache
def national_deprivation() -> float:
    """Population-weighted mean deprivation of Belgium: the centre of the national quintiles."""
    areas = areas_of("belgium")
    return float(np.average([a.deprivation for a in areas],
                            weights=[a.population for a in areas]))


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
    return round(sum(_kind_totals(spec, areas_of(spec.region)).values()))


def capacity(size: int) -> int:
    """Rows allocated for ``size`` people: room for arrivals without copying each month."""
    return int(size * 1.1) + 64


def synthesize(spec: PopulationSpec, streams: Streams, month: int) -> Population:
    """Draw the population of ``spec.region`` in calendar ``month``."""
    if spec.region == "none":
        size = simulated_people(spec)
        people = People(size)
        for column in COLUMNS:
            people.add(column)
        people.birth_month[:] = month - 40 * 12
        return Population(people, Grouping(("none",)), 1.0, (), spec)
    areas = areas_of(spec.region)
    counts = _kind_totals(spec, areas)
    total = sum(counts.values())
    size = simulated_people(spec)
    people = People(size, capacity=capacity(size))
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


KINDS = (RESIDENT, "undocumented", "asylum_seeker")


def _kind_totals(spec: PopulationSpec, areas: tuple[sources.Commune, ...]) -> dict[str, float]:
    residents = sum(a.population for a in areas)
    brussels = sum(a.population for a in areas if a.region == BRUSSELS)
    outside = residents - brussels
    belgium = sources.value("population_total")
    undocumented = spec.undocumented_brussels * (brussels > 0) + (
        spec.undocumented_belgium - spec.undocumented_brussels
    ) * outside / (belgium - sources.value("population_total", BRUSSELS))
    return {
        RESIDENT: residents,
        "undocumented": undocumented,
        "asylum_seeker": spec.asylum_in_reception * residents / belgium,
    }


def _categorical(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.searchsorted(cumulative, u, side="right").clip(0, len(weights) - 1)


def _fill(population: Population, uids: np.ndarray, kind: str, streams: Streams,
          month: int) -> None:
    from scipy.special import ndtr, ndtri

    if uids.size == 0:
        return
    spec, people, areas = population.spec, population.people, population.areas

    def u(stream: str) -> np.ndarray:
        return streams.uniform("population", stream, month, uids)

    newcomer = kind in ("undocumented", "asylum_seeker")
    pop = np.array([a.population for a in areas])
    deprivation = np.array([a.deprivation for a in areas])
    brussels = np.array([a.region == BRUSSELS for a in areas])
    if kind == "undocumented":
        weights = pop * deprivation
        totals = _kind_totals(spec, areas)
        in_brussels = spec.undocumented_brussels * brussels.any() / totals["undocumented"]
        weights = np.where(brussels, weights / max(weights[brussels].sum(), 1e-12) * in_brussels,
                           weights / max(weights[~brussels].sum(), 1e-12) * (1 - in_brussels))
    else:
        weights = pop
    commune = _categorical(u("commune"), weights)
    people.commune[uids] = commune
    region_brussels = brussels[commune]

    # Age: residents by the sourced shares of their region; newcomers by assumption.
    if kind == NEWBORN:
        age_months = np.zeros(uids.size, dtype=np.int64)
    else:
        if kind == RESIDENT:
            shares_b = [sources.value(k, BRUSSELS) for k in _AGE_KEYS]
            shares_o = [sources.value(k) for k in _AGE_KEYS]
            shares = np.where(region_brussels[:, None], shares_b, shares_o)
        else:
            shares = np.broadcast_to(getattr(spec, f"{kind}_ages"), (uids.size, 3))
        cumulative = np.cumsum(shares, axis=1) / shares.sum(axis=1, keepdims=True)
        band = (u("age_band")[:, None] >= cumulative).sum(axis=1).clip(0, 2)
        within = u("age_within")
        decay = spec.old_age_decay
        old = 65 - np.log1p(-within * (1 - np.exp(-decay * 35))) / decay
        years = np.select([band == 0, band == 1], [within * 18, 18 + within * 47], old)
        age_months = (years * 12).astype(np.int64)
    people.birth_month[uids] = month - age_months
    age = age_months // 12
    people.age_band[uids] = age_band(age)
    male = {"undocumented": spec.male_undocumented, "asylum_seeker": spec.male_asylum_seeker}
    male = male.get(kind, spec.male_residents)
    people.sex[uids] = u("sex") < male

    # Income quintile: residents shifted by their commune's deprivation; newcomers lowest.
    if newcomer:
        quintile = np.zeros(uids.size, dtype=np.int8)
    else:
        q = np.arange(5)
        logits = -spec.quintile_deprivation * (q[None, :] - 2) * (
            deprivation[commune][:, None] - national_deprivation())
        probs = np.exp(logits)
        cumulative = np.cumsum(probs, axis=1) / probs.sum(axis=1, keepdims=True)
        quintile = (u("quintile")[:, None] >= cumulative).sum(axis=1).clip(0, 4).astype(np.int8)
    people.quintile[uids] = quintile

    # Homelessness falls on the lowest quintile and undocumented people (about a third of
    # the population at most): their rate is three times the region's.
    homeless_rate = np.where(region_brussels, spec.homeless_brussels, spec.homeless_elsewhere)
    exposed = (quintile == 0) & (kind in (RESIDENT, "undocumented"))
    homeless = u("homeless") < np.where(
        exposed, spec.homeless_concentration * homeless_rate, 0.0)
    people.homeless[uids] = homeless

    coverage = np.full(uids.size, INSURED, dtype=np.int8)
    if kind == "undocumented":
        coverage[:] = UNDOCUMENTED
    elif kind == "asylum_seeker":
        coverage[:] = ASYLUM
    elif kind == RESIDENT:
        rr = np.asarray(spec.lapsed_by_quintile) / np.mean(spec.lapsed_by_quintile)
        p_lapsed = np.where(homeless, spec.lapsed_homeless, spec.lapsed_share * rr[quintile])
        coverage[u("lapsed") < p_lapsed] = LAPSED
    people.coverage[uids] = coverage
    insured = coverage == INSURED

    eligible = (u("bim_eligible") < np.asarray(spec.bim_eligible_by_quintile)[quintile]) & ~newcomer
    working = (age >= 18) & (age < 65)
    take_up = np.where(working, spec.bim_take_up_working_age, spec.bim_take_up_other_ages)
    people.bim_eligible[uids] = eligible
    people.bim[uids] = eligible & insured & (u("bim") < take_up)

    mm_share = np.where(region_brussels, spec.mm_brussels, spec.mm_elsewhere)
    mm = insured & (u("mm") < mm_share)
    region_of = np.array([a.region for a in areas])[commune]
    dmg_share = np.select(
        [region_of == BRUSSELS, region_of == FLANDERS], [spec.dmg_brussels, spec.dmg_flanders],
        spec.dmg_wallonia,
    ) / (1 - mm_share)
    dmg_share = np.where(coverage == LAPSED, dmg_share / 2, dmg_share)
    people.mm_enrolled[uids] = mm
    people.dmg[uids] = ~mm & (insured | (coverage == LAPSED)) & (u("dmg") < dmg_share)

    newcomer_barrier = dict(zip(("undocumented", "asylum_seeker"),
                                spec.language_barrier_newcomers, strict=True))
    barrier_p = newcomer_barrier.get(kind, 0.0) if newcomer else np.where(
        region_brussels, spec.language_barrier_brussels, spec.language_barrier_elsewhere
    )
    language = (u("language") < barrier_p) & (kind != NEWBORN)
    people.language_barrier[uids] = language

    # Latent scores mapped to 0-1; limited literacy (below 0.5) in about spec.limited_literacy.
    centre = -ndtri(spec.limited_literacy)
    literacy_z = (centre + spec.literacy_income * (quintile - 2)
                  - spec.literacy_language * language + ndtri(u("literacy")))
    people.literacy[uids] = ndtr(literacy_z)
    trust_z = (spec.trust_base + spec.trust_income * (quintile - 2)
               - spec.trust_homeless * homeless - spec.trust_newcomer * newcomer
               - spec.trust_undocumented * (kind == "undocumented") + ndtri(u("trust")))
    people.trust[uids] = ndtr(trust_z)

    adult = (age >= 18) & (age < 65)
    substance_p = np.where(homeless, spec.substance_use_homeless, spec.substance_use * adult)
    people.substance_use[uids] = u("substance") < substance_p
    p_chronic = np.asarray(spec.chronic_by_age)[age_band(age)]
    c = u("chronic")
    two, three = spec.chronic_multiple
    people.chronic[uids] = (c < p_chronic).astype(np.int8) + (c < two * p_chronic) + (
        c < three * p_chronic)
    people.severity[uids] = 0.0
    people.alive[uids] = True


_AGE_KEYS = ("share_under_18", "share_18_64", "share_65_plus")
