"""The unconditional centres' parameters that describe each centre: a ``Site`` (commune,
opening, capacity, services, target group, costs) with its ``Grant``s, and the sourced
default sites of Brussels (Molenbeek, Anderlecht, an addiction centre) with the reasoning
behind their costs and grants. ``CentresParams.sites`` holds them.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, Strict

from passerelle.engine import sources
from passerelle.engine.sources import BRUSSELS_FIGURES
from passerelle.engine.units import ConsultationsPerMonth, EurPerYear, Month, Unit, Until
from passerelle.modules.places import MAX_SITES, CommuneName, Spec

FUNDERS = ("feder", "inami_project", "social_integration", "donations")
SERVICES = ("medical", "social", "psychological")


def _site_name(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
        raise ValueError(f"{value!r}: write it in lower case letters, digits and _")
    return value


SiteName = Annotated[str, Strict(), AfterValidator(_site_name), Unit("name")]


class Grant(Spec):
    """A funder's yearly amount for a centre, from ``start`` to ``end`` (inclusive)."""

    funder: Literal["feder", "inami_project", "social_integration", "donations"] = Field(
        description="who pays")
    eur_per_year: EurPerYear = Field(description="EUR a year")
    start: Month = Field(description="first month funded, YYYY-MM")
    end: Until = Field(default=None, description="last month funded, or none")


class Site(Spec):
    """One unconditional centre."""

    name: SiteName = Field(description="short name (lower case, digits, _): names its "
                           "measures")
    commune: CommuneName = Field(description="commune of communes.csv where the centre stands")
    opening: Month = Field(description="first month open, YYYY-MM")
    closing: Until = Field(default=None, description="last month open, or none")
    capacity: ConsultationsPerMonth = Field(description="consultations a month (real "
                                            "population)")
    services: tuple[Literal["medical", "social", "psychological"], ...] = Field(
        min_length=1, description="medical (meets needs), social, psychological")
    target: Literal["everyone", "addiction"] = Field(
        default="everyone", description="who may come: everyone, or people with addictions")
    staff_eur_per_year: EurPerYear = Field(description="staff costs, EUR a year")
    building_eur_per_year: EurPerYear = Field(description="building costs, EUR a year")
    grants: tuple[Grant, ...] = Field(default=(), description="grants and donations")


Sites = Annotated[tuple[Site, ...], Field(max_length=MAX_SITES), Unit("centres")]


def _year1(key: str) -> float:
    return sources.value(f"centre_year1_{key}", BRUSSELS_FIGURES)


def _grants(scale: float, start: str, end: str) -> tuple[Grant, ...]:
    """The first-year funding of the Molenbeek centre, scaled: grants until ``end``,
    donations (the rest of the budget after grants and fees) open-ended."""
    budget = sources.value("centre_year1_budget", BRUSSELS_FIGURES)
    lines = {"feder": _year1("feder"), "inami_project": _year1("inami"),
             "social_integration": _year1("social_integration")}
    donations = budget - sum(lines.values()) - _year1("fees")
    return (
        *(Grant(funder=funder, eur_per_year=round(scale * eur), start=start, end=end)
          for funder, eur in lines.items()),
        Grant(funder="donations", eur_per_year=round(scale * donations), start=start),
    )


def _site(name: str, commune: str, opening: str, capacity: float, grants_end: str,
          **extra) -> Site:
    budget = sources.value("centre_year1_budget", BRUSSELS_FIGURES)
    scale = capacity / (sources.value("centre_ribaucare_consultations_first_year",
                                      "Molenbeek-Saint-Jean") / 12)
    return Site(name=name, commune=commune, opening=opening, capacity=capacity,
                services=SERVICES, staff_eur_per_year=round(STAFF_SHARE * scale * budget),
                building_eur_per_year=round((1 - STAFF_SHARE) * scale * budget),
                grants=_grants(scale, opening, grants_end), **extra)


STAFF_SHARE = 0.8
CONSULTATIONS_PER_PERSON = 2.0


def brussels_centres(opened: str) -> tuple[Site, ...]:
    molenbeek = sources.value("centre_ribaucare_consultations_first_year",
                              "Molenbeek-Saint-Jean") / 12
    anderlecht = (sources.value("centre_cureghem_capacity", "Anderlecht")
                  * CONSULTATIONS_PER_PERSON / 12)
    return (
        _site("molenbeek", "Molenbeek-Saint-Jean", opened, molenbeek, "2020-12"),
        _site("anderlecht", "Anderlecht", "2023-04", round(anderlecht), "2026-03"),
        _site("addiction", "Bruxelles", "2018-01", 300.0, "2020-12", target="addiction"),
    )
