"""The unconditional centres' parameters that describe each centre: a ``Site`` (commune,
opening, capacity, services, target group, costs) with its ``Grant``s, and the sourced
default sites of Brussels (Molenbeek, Anderlecht, an addiction centre) with the reasoning
behind their costs and grants. ``CentresParams.sites`` holds them.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from passerelle.engine import sources
from passerelle.modules.places import Spec, check_commune, check_end, check_month

FUNDERS = ("feder", "inami_project", "social_integration", "donations")
SERVICES = ("medical", "social", "psychological")
BRUSSELS = "Brussels"


class Grant(Spec):
    """A funder's yearly amount for a centre, from ``start`` to ``end`` (inclusive)."""

    funder: Literal["feder", "inami_project", "social_integration", "donations"] = Field(
        description="who pays")
    eur_per_year: float = Field(ge=0, description="EUR a year")
    start: str = Field(description="first month funded, YYYY-MM")
    end: str | None = Field(default=None, description="last month funded, or none")

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        return check_month(value)

    @field_validator("end")
    @classmethod
    def _end(cls, value: str | None, info) -> str | None:
        return check_end(value, info.data.get("start"))


class Site(Spec):
    """One unconditional centre."""

    name: str = Field(description="short name (lower case, digits, _): names its measures")
    commune: str = Field(description="commune of communes.csv where the centre stands")
    opening: str = Field(description="first month open, YYYY-MM")
    closing: str | None = Field(default=None, description="last month open, or none")
    capacity: float = Field(ge=0, description="consultations a month (real population)")
    services: tuple[Literal["medical", "social", "psychological"], ...] = Field(
        min_length=1, description="medical (meets needs), social, psychological")
    target: Literal["everyone", "addiction"] = Field(
        default="everyone", description="who may come: everyone, or people with addictions")
    staff_eur_per_year: float = Field(ge=0, description="staff costs, EUR a year")
    building_eur_per_year: float = Field(ge=0, description="building costs, EUR a year")
    grants: tuple[Grant, ...] = Field(default=(), description="grants and donations")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError(f"{value!r}: write it in lower case letters, digits and _")
        return value

    @field_validator("commune")
    @classmethod
    def _commune(cls, value: str) -> str:
        return check_commune(value)

    @field_validator("opening")
    @classmethod
    def _opening(cls, value: str) -> str:
        return check_month(value)

    @field_validator("closing")
    @classmethod
    def _closing(cls, value: str | None, info) -> str | None:
        return check_end(value, info.data.get("opening"), "opening")


def _year1(key: str) -> float:
    return sources.value(f"centre_year1_{key}", BRUSSELS)


def _grants(scale: float, start: str, end: str) -> tuple[Grant, ...]:
    """The first-year funding of the Molenbeek centre, scaled: grants until ``end``,
    donations (the rest of the budget after grants and fees) open-ended."""
    budget = sources.value("centre_year1_budget", BRUSSELS)
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
    budget = sources.value("centre_year1_budget", BRUSSELS)
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
