"""Calibration targets: where the baseline should land, how near, and why that near.

``passerelle targets`` runs the baseline twice, on its default Brussels population and on a
population of the same size drawn over Belgium (for the two national targets), and
compares the last reported year with each target.

How the acceptance bands are argued. A band is the uncertainty of the figure itself, not
of the model, and is fixed before looking at the model's value:

- Survey figures (EU-SILC unmet need) get the 95% interval of the survey estimate, with
  ``n`` the adults the survey interviews in that population and a design effect of 1.5
  for clustering and weighting, widened by a quarter for the model's different definition
  of a "need" (an episode of care rather than a self-assessment): ``± 1.25 · 1.96 ·
  sqrt(1.5 · p(1−p)/n)``.
- Counts from administrations or estimates with a published range (undocumented people,
  AMU users) get that range.
- Administrative counts reported by the press for another year or definition (uninsured,
  DMG, ED contacts) get a relative tolerance set by the spread of the definitions the
  sources themselves mention (noted at each target).

Sample noise of the model is small beside these bands at the default size (100,000
people: a share near 8% of 60,000 adults has a standard error of 0.1 point).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from passerelle.config.scenario import load
from passerelle.engine import sources
from passerelle.engine.groups import ADULT_BANDS, AGE_BANDS
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim

RESIDENTS = ("insured", "insured_bim", "lapsed")
ADULTS = tuple(AGE_BANDS[i] for i in ADULT_BANDS)
UNDOCUMENTED = ("undocumented_amu", "undocumented_no_amu")


def survey_band(p: float, n: int) -> tuple[float, float]:
    """95% interval of a survey share ``p`` from ``n`` respondents, design effect 1.5,
    widened by a quarter (see the module docstring)."""
    half = 1.25 * 1.96 * math.sqrt(1.5 * p * (1 - p) / n)
    return p - half, p + half


def _share(results: Results, measure: str, **where) -> float:
    return results.at_end(measure, **where) / results.at_end("population", **where)


@dataclass(frozen=True)
class Target:
    """A figure the baseline should reproduce, computed from a run of ``population``."""

    name: str
    population: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    band: str
    model: Callable[[Results], float]


def targets() -> tuple[Target, ...]:
    """The calibration targets, with their sources and bands."""
    brussels = "Brussels-Capital Region"
    uninsured = sources.value("uninsured_persons") / sources.value("population_total")
    unmet_bxl = sources.value("unmet_need_medical", brussels)
    unmet_q1 = sources.value("unmet_need_medical_lowest_income")
    dmg = sources.value("dmg_coverage", brussels)
    ed = sources.value("ed_contacts_per_1000", brussels)
    undocumented = sources.value("undocumented_persons", brussels)
    amu = sources.figure("amu_users")
    ratio = undocumented / sources.value("undocumented_persons")
    return (
        Target(
            "uninsured share of residents", "belgium", uninsured, 0.75 * uninsured,
            1.25 * uninsured, "share 0-1", sources.figure("uninsured_persons").citation,
            "±25%: a press summary of an INAMI count whose definition (not in order at a "
            "date) is narrower or wider than lapsed rights depending on the source",
            lambda r: r.at_end("population", coverage="lapsed")
            / r.at_end("population", coverage=RESIDENTS),
        ),
        Target(
            "undocumented people in Brussels", "brussels", undocumented,
            ratio * sources.value("undocumented_persons_low"),
            ratio * sources.value("undocumented_persons_high"), "persons",
            sources.figure("undocumented_persons", brussels).citation,
            "KCE 257's national range (85,000-160,000) scaled to Brussels' share",
            lambda r: r.at_end("population", coverage=UNDOCUMENTED),
        ),
        Target(
            "undocumented people with active AMU", "brussels", 0.15, 0.10, 0.20, "share 0-1",
            amu.citation, "the source's own range: 10-20% of undocumented people",
            lambda r: r.at_end("population", coverage="undocumented_amu")
            / r.at_end("population", coverage=UNDOCUMENTED),
        ),
        Target(
            "adults with an unmet medical need in 12 months, Brussels", "brussels", unmet_bxl,
            *survey_band(unmet_bxl, 1_800), "share 0-1",
            sources.figure("unmet_need_medical", brussels).citation,
            "survey band (module docstring), about 1,800 adults interviewed in Brussels",
            lambda r: r.at_end("unmet_12m_reported", coverage=RESIDENTS, age_band=ADULTS)
            / r.at_end("population", coverage=RESIDENTS, age_band=ADULTS),
        ),
        Target(
            "adults with an unmet medical need in 12 months, lowest income quintile",
            "belgium", unmet_q1, *survey_band(unmet_q1, 2_400), "share 0-1",
            sources.figure("unmet_need_medical_lowest_income").citation,
            "survey band (module docstring), about 2,400 adults in the lowest quintile",
            lambda r: r.at_end("unmet_12m_reported", coverage=RESIDENTS, age_band=ADULTS,
                               quintile="Q1")
            / r.at_end("population", coverage=RESIDENTS, age_band=ADULTS, quintile="Q1"),
        ),
        Target(
            "residents with a DMG, Brussels", "brussels", dmg, dmg - 0.04, dmg + 0.04,
            "share 0-1", sources.figure("dmg_coverage", brussels).citation,
            "±4 points: an exact administrative share, but for 2015 and from the press; "
            "the model has no trend over its ten years",
            lambda r: _share(r, "with_dmg", coverage=RESIDENTS),
        ),
        Target(
            "ED contacts per 1,000 a year, Brussels", "brussels", ed, 0.85 * ed, 1.15 * ed,
            "contacts per 1,000", sources.figure("ed_contacts_per_1000", brussels).citation,
            "±15%: contacts (295) and passages (419, Brussels Health Observatory) differ by "
            "their definition; we keep the contact figure and accept ±15%",
            lambda r: 1000 * r.last_year("ed_visits") / r.at_end("population"),
        ),
    )


@dataclass(frozen=True)
class Check:
    """A target, the model's value and whether it lies in the band."""

    target: Target
    model: float

    @property
    def passed(self) -> bool:
        return self.target.low <= self.model <= self.target.high

    def as_dict(self) -> dict:
        t = self.target
        return {"target": t.name, "population": t.population, "model": self.model,
                "value": t.value, "low": t.low, "high": t.high, "unit": t.unit,
                "passed": self.passed, "source": t.source, "band": t.band}


def baseline_runs(scenario: str = "baseline", overrides: tuple[str, ...] = (),
                  progress=None) -> dict[str, Results]:
    """The baseline on its own (Brussels) population and on a Belgian one of the same size."""
    base = load(scenario, overrides)
    return {
        "brussels": Sim(base).run(progress),
        "belgium": Sim(base.with_overrides(["population.region=\"belgium\""])).run(progress),
    }


def check(runs: dict[str, Results]) -> list[Check]:
    """Compare runs (keyed by population) with every target."""
    return [Check(t, float(t.model(runs[t.population]))) for t in targets()]
