"""Where a population lives: the areas of each region, with their populations, and how many
residents, undocumented people and asylum seekers they hold.

Areas are the communes (and rest-of-region areas) of ``datasets/sources/communes.csv``;
region totals are the sourced ``population_total`` of each region.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from passerelle.engine import sources
from passerelle.engine.groups import RESIDENT
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA

if TYPE_CHECKING:
    from passerelle.config.population import PopulationSpec

REGIONS: dict[str, str] = {
    "brussels": "the 19 communes of the Brussels-Capital Region",
    "belgium": "Belgium: Brussels' communes, the facilitators' cities and the rest of each region",
    "facilitator-cities": "Brussels and the eight other cities where facilitators work",
    "none": "people with default attributes only (for benchmarks and toy modules)",
}
KINDS = (RESIDENT, "undocumented", "asylum_seeker")


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


def people_by_kind(spec: PopulationSpec, areas: tuple[sources.Commune, ...]) -> dict[str, float]:
    """Real people of each of ``KINDS`` in ``areas``: the residents, and the region's
    undocumented people and asylum seekers in proportion."""
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
