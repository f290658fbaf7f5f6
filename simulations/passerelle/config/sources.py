"""Sourced figures: the one table that default parameters and calibration targets read.

The table lives in ``datasets/sources/belgium_sources.csv`` at the top of the repository
(see its README); communes and their centroids in ``datasets/sources/communes.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SOURCES_DIR = Path(__file__).resolve().parents[3] / "datasets" / "sources"
FIGURES_FILE = SOURCES_DIR / "belgium_sources.csv"
COMMUNES_FILE = SOURCES_DIR / "communes.csv"
FIELDS = ("key", "value", "unit", "year", "geography", "source", "grade", "note")
GRADES = ("F", "F(sec)", "E")
# The geography of figures about Brussels as a whole (surveys, the centres' project), as
# opposed to the region of communes.csv (``passerelle.config.population.BRUSSELS``).
BRUSSELS_FIGURES = "Brussels"


@dataclass(frozen=True)
class Figure:
    """One sourced figure: a value with its unit, year, geography and source."""

    key: str
    value: float | str
    unit: str
    year: str
    geography: str
    source: str
    grade: str
    note: str

    @property
    def citation(self) -> str:
        """Short citation: ``key@geography (source, year; grade)``."""
        return f"{self.key}@{self.geography} ({self.source}, {self.year}; grade {self.grade})"


def _parse_value(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


@cache
def figures() -> dict[tuple[str, str], Figure]:
    """All figures keyed by (key, geography)."""
    if not FIGURES_FILE.exists():
        raise FileNotFoundError(
            f"{FIGURES_FILE} is missing: Passerelle reads its sourced figures from the "
            "repository's datasets/sources/ folder; run it from a clone of the repository."
        )
    table: dict[tuple[str, str], Figure] = {}
    with FIGURES_FILE.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if tuple(row) != FIELDS:
                raise ValueError(f"{FIGURES_FILE}:{line}: columns must be {FIELDS}")
            if row["grade"] not in GRADES:
                raise ValueError(
                    f"{FIGURES_FILE}:{line}: grade {row['grade']!r} is not one of {GRADES}"
                )
            figure = Figure(**{**row, "value": _parse_value(row["value"])})
            if (figure.key, figure.geography) in table:
                raise ValueError(f"{FIGURES_FILE}:{line}: {figure.key}@{figure.geography} "
                                 "appears twice")
            table[(figure.key, figure.geography)] = figure
    return table


def figure(key: str, geography: str = "Belgium") -> Figure:
    """The figure ``key`` for ``geography``; a clear error names what exists."""
    try:
        return figures()[(key, geography)]
    except KeyError:
        known = sorted(g for k, g in figures() if k == key)
        hint = f"known geographies: {known}" if known else "no figure has this key"
        raise KeyError(f"no sourced figure {key!r} for {geography!r} ({hint})") from None


def value(key: str, geography: str = "Belgium") -> float:
    """The numeric value of a sourced figure."""
    found = figure(key, geography).value
    if not isinstance(found, float):
        raise TypeError(f"figure {key!r}@{geography!r} is not numeric: {found!r}")
    return found


@dataclass(frozen=True)
class Commune:
    """An area a population is drawn over (see datasets/sources/README.md)."""

    name: str
    nis: str
    region: str
    population: float | None
    lat: float
    lon: float
    deprivation: float


@cache
def communes() -> tuple[Commune, ...]:
    """All communes and rest-of-region areas, in file order."""
    with COMMUNES_FILE.open(newline="", encoding="utf-8") as handle:
        return tuple(
            Commune(
                name=row["commune"],
                nis=row["nis"],
                region=row["region"],
                population=float(row["population"]) if row["population"] else None,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                deprivation=float(row["deprivation"]),
            )
            for row in csv.DictReader(handle)
        )
