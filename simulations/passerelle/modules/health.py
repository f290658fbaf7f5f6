"""Health outcomes that follow from unmet need: hospital stays with their length, avoidable
hospitalisations, excess deaths, quality of life and QALYs.

Severity (0-1) rises each month a need goes unmet (``escalation``) and halves when a need
is cared for (``cascade``). This module turns it into what an economic evaluation counts:

- each hospital stay of the month lasts ``los_days`` × (1 + ``los_severity`` × severity)
  (``stay_days``, read by ``costs`` to price the whole stay; most admitted patients have a
  low severity, so the mean stays near the sourced mean length); a stay is *avoidable* when
  its need went unmet in an earlier month or was not urgent (the ledger's definition of an
  avoidable ED visit, close to an ambulatory-care-sensitive admission);
- people with a raised severity die at a raised rate: the added hazard of uninsured adults
  (Wilper et al. 2009) carried by severity, on top of demography's rates;
- each month present is worth ``utility_by_age`` less ``utility_severity`` × severity (the
  EQ-5D index), a twelfth of a year. QALYs and life-years are recorded undiscounted, as
  costs are, so that a month's result does not depend on when the report starts; they are
  discounted where they are added up (``passerelle.apps``), at the KCE guideline's rates
  (``discount_effects`` 1.5% and ``discount_costs`` 3% a year, KCE Report 183C, 2012) from
  the first reported month.

Examples
--------
>>> from passerelle.modules.health import discount_factors
>>> [round(float(f), 4) for f in discount_factors(0.015, 25)[[0, 12, 24]]]
[1.0, 0.9852, 0.9707]
"""

from __future__ import annotations

import numpy as np

from passerelle.engine import sources
from passerelle.engine.distributions import Gamma, LogNormal, Uniform
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.people import Column
from passerelle.engine.units import Days, DiscountRate, RelativeRisk, Utility, vector

_HR = sources.figure("uninsured_mortality_hr", "USA")
_LOS = sources.value("hospital_los_days", sources.BRUSSELS)
_HR_LOW, _HR_HIGH = 1.06, 1.84  # the 95% interval in the note of uninsured_mortality_hr


def discount_factors(rate: float, months: int) -> np.ndarray:
    """The discount factor of each month 0..``months``-1 at ``rate`` a year,
    ``(1 + rate) ** -(t / 12)``."""
    return (1.0 + rate) ** (-np.arange(months) / 12.0)


class HealthParams(Params):
    utility_by_age: vector(Utility, 6) = assumption(
        (0.94, 0.92, 0.89, 0.84, 0.80, 0.73), description="EQ-5D index of a person without "
        "raised severity, by age band (0-15, 16-24, 25-44, 45-64, 65-74, 75+)",
        why="rounded from the order of published EQ-5D population norms for Belgium "
        "(Szende et al. 2014 and the Belgian Health Interview Survey's EQ-5D-5L), falling "
        "from about 0.9 in youth to about 0.75 after 75; a first approximation to replace by "
        "the survey's table",
    )
    utility_severity: Utility = assumption(
        0.30, description="utility lost at severity 1 (linear in severity)",
        why="severity 1 stands for a condition left untreated for about ten months, valued "
        "like moderate problems on two or three EQ-5D dimensions (a loss of 0.2-0.4 in the "
        "Belgian value set)",
        uncertainty=Uniform(0.15, 0.45),
    )
    mortality_severity_hr: RelativeRisk = sourced(
        "uninsured_mortality_hr", "USA", description="hazard ratio of death at severity 1 "
        "against severity 0 (on demography's death_rates; linear in severity between)",
        how="the excess hazard of uninsured adults, assumed carried by the severity their "
        "unmet needs build up",
        uncertainty=LogNormal(_HR.value, _HR_LOW, _HR_HIGH),
    )
    los_days: Days = sourced(
        "hospital_los_days", sources.BRUSSELS,
        description="length of a hospital stay at severity 0, days",
        uncertainty=Gamma(_LOS, 0.2 * _LOS),
    )
    los_severity: RelativeRisk = assumption(
        1.0, description="added relative length of stay per point of severity",
        why="sicker patients stay longer; a stay at severity 1 lasts about three times one at "
        "severity 0 (order of the spread of lengths of stay within a diagnosis group)",
        uncertainty=Uniform(0.5, 2.0),
    )
    discount_effects: DiscountRate = sourced(
        "discount_rate_effects", description="discount rate of QALYs and life-years",
    )
    discount_costs: DiscountRate = sourced(
        "discount_rate_costs", description="discount rate of costs",
    )


class Health(Module):
    """Lengths of stay, avoidable admissions, excess deaths, QALYs and life-years."""

    name = "health"
    order = 70.0
    Params = HealthParams
    requires = ("needs", "demography")
    optional = ("escalation",)
    columns = (
        Column("stay_days", "float32", 0.0, "length of this month's hospital stay, days"),
        Column("hospital_days", "float32", 0.0, "days in hospital, reported months"),
        Column("n_avoidable_stays", "int16", 0, "avoidable hospital stays, reported months"),
        Column("qalys", "float64", 0.0, "QALYs lived, reported months (undiscounted)"),
        Column("life_years", "float64", 0.0, "life-years lived, reported months "
               "(undiscounted)"),
        Column("excess_death", "bool", False, "died of the excess risk of raised severity"),
    )
    person_totals = ("hospital_days", "n_avoidable_stays", "qalys", "life_years",
                     "excess_death")
    measures = (
        Measure("hospital_days", "days", "days in hospital (stays of the month, whole)"),
        Measure("avoidable_stays", "stays", "hospital stays after an unmet month or for a "
                "non-urgent need"),
        Measure("excess_deaths", "persons", "deaths from the excess risk of raised severity"),
        Measure("qalys", "QALYs", "quality-adjusted life-years lived (undiscounted)"),
        Measure("life_years", "years", "life-years lived (undiscounted)"),
    )

    def step(self, sim) -> None:
        people, p = sim.people, self.pars
        stays = sim.encounters.get("hospital")
        severity = people.severity[stays]
        days = p.los_days * (1 + p.los_severity * severity)
        people.stay_days[stays] = days
        late = people.need_since_month[stays] < sim.month
        avoidable = stays[late | np.isin(stays, sim.encounters.get("ed_avoidable"))]
        sim.record("hospital_days", stays, days)
        sim.record("avoidable_stays", avoidable)

        alive = np.flatnonzero(people.alive & (people.severity > 0))
        excess = sim.module("demography").death_rates(sim, alive)
        excess /= 12
        excess *= max(p.mortality_severity_hr - 1, 0)
        excess *= people.severity[alive]
        np.minimum(excess, 1, out=excess)
        dying = alive[self.chance(sim, "excess_death", excess, alive)]
        if self.uses(sim, "escalation"):
            sim.module("escalation").forgo(sim, dying[people.need_open[dying]])
        people.alive[dying] = False
        people.excess_death[dying] = True
        sim.record("excess_deaths", dying)

        if sim.t < 0:
            return
        np.add.at(people.hospital_days, stays, days)
        np.add.at(people.n_avoidable_stays, avoidable, 1)
        present = np.flatnonzero(people.alive)
        qalys = np.asarray(p.utility_by_age)[people.age_band[present]]
        loss = people.severity[present]
        loss *= p.utility_severity
        qalys -= loss
        np.maximum(qalys, 0.0, out=qalys)
        qalys /= 12.0
        np.add.at(people.qalys, present, qalys)
        np.add.at(people.life_years, present, 1 / 12)
        sim.record("qalys", present, qalys)
        sim.record("life_years", present, 1 / 12)
