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
  (Wilper et al. 2009) carried by severity, on top of demography's rates. This excess risk
  is counted in expectation (a conditional expectation, or Rao-Blackwellised estimator), not
  drawn: nobody dies of it; each person carries ``survival``, the probability of having
  survived it so far, multiplied each month by (1 - excess hazard), and ``sim.weigh_by``
  makes the health measures (QALYs, life-years, hospital days, avoidable stays) and every
  measure in EUR count each person by it. ``excess_deaths`` is the expected count, Σ
  survival × excess hazard, and a person's expected excess death is 1 - survival (kept as
  a person total, ``Results.people["survival"]``, not as a column of its own). Why: one drawn
  death in a 5,000-person run stands for ~260 people and moved the facilitators' QALYs
  gained by ~580 (seed 4, 2021-2025, model at 6ee2fee), ten times their spread over
  parameter draws; with the expectation their seed-to-seed sd over 8 seeds fell from 203 to
  25 QALYs. Weighting costs no measurable time (CPU-time ratio 1.00 ± 0.02 s.e. with every
  measure weighted, 18 pairs of runs at 5,000 people, shared machine), but counts of people,
  needs and visits stay whole, so that their flows and stocks balance exactly: they still
  count people who in expectation died, 0.013-0.016% of the person-months of 2021-2025
  (5,000 people, baseline and facilitators+centres, seeds 1-2, measured). Deaths from all
  causes (``demography``) stay drawn: under common random numbers they are the same in every
  scenario. Programme budgets are not weighted (``per_person=False``); the one bias left is
  that a person who would have died still takes a place in a centre or a facilitator's
  caseload;
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

from passerelle.engine import kernels, sources
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


def excess_hazard(sim, pars: HealthParams, uids: np.ndarray) -> np.ndarray:
    """The monthly probability that each of ``uids`` dies of the excess risk of their
    severity: demography's yearly death rate (``death_rates``) over twelve, times
    (``mortality_severity_hr`` - 1) × severity, at most 1.

    Parameters
    ----------
    sim : Sim
        A run with the demography module.
    pars : HealthParams
        The health module's parameters.
    uids : ndarray of int
        People.

    Returns
    -------
    ndarray of float64
        Probabilities a month, one per person of ``uids``.

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
    ...                                    run={"months": 1, "burn_in": 0}))
    >>> results = sim.run()
    >>> at_risk = np.flatnonzero(sim.people.severity > 0)
    >>> hazard = excess_hazard(sim, sim.module("health").pars, at_risk)
    >>> bool(((0 <= hazard) & (hazard <= 1)).all())
    True
    """
    excess = sim.module("demography").death_rates(sim, uids)
    excess /= 12
    excess *= max(pars.mortality_severity_hr - 1, 0)
    excess *= sim.people.severity[uids]
    np.minimum(excess, 1, out=excess)
    return excess


def accrue(present: np.ndarray, age_band: np.ndarray, severity: np.ndarray,
           utility: np.ndarray, utility_severity: np.float32, survival: np.ndarray,
           qalys: np.ndarray, life_years: np.ndarray) -> np.ndarray:
    """This month's QALYs of each person ``present`` (``utility`` of their age band less
    ``utility_severity`` × severity, at least 0, a twelfth of a year), added to their
    ``qalys`` and ``life_years`` weighted by their ``survival``; with the compiled kernels
    (see ``passerelle.engine.kernels`` for when), in one pass.

    Returns
    -------
    ndarray of float64
        QALYs of the month, one per person of ``present``.

    Examples
    --------
    >>> qalys, years = np.zeros(3), np.zeros(3)
    >>> accrue(np.array([0, 2]), np.array([1, 1, 5], dtype=np.int8),
    ...        np.array([0, 0, 1], dtype=np.float32), np.linspace(0.9, 0.7, 6),
    ...        np.float32(0.3), np.ones(3), qalys, years).round(4).tolist()
    [0.0717, 0.0333]
    """
    if kernels.compiled(present.size):
        out = np.empty(present.size)
        kernels.load("accrual").accrue(present, age_band, severity, utility, utility_severity,
                                       survival, qalys, life_years, out)
        return out
    lost = severity[present] * utility_severity
    value = utility[age_band[present]] - lost.astype(np.float64)
    np.maximum(value, 0.0, out=value)
    value /= 12.0
    weight = survival[present]
    qalys[present] += value * weight
    life_years[present] += weight / 12.0
    return value


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
        Column("n_avoidable_stays", "float32", 0.0, "avoidable hospital stays, reported "
               "months (expected)"),
        Column("qalys", "float64", 0.0, "QALYs lived, reported months (undiscounted)"),
        Column("life_years", "float64", 0.0, "life-years lived, reported months "
               "(undiscounted)"),
        Column("survival", "float64", 1.0, "probability of not having died yet of the "
               "excess risk of raised severity"),
    )
    person_totals = ("hospital_days", "n_avoidable_stays", "qalys", "life_years", "survival")
    measures = (
        Measure("hospital_days", "days", "days in hospital (stays of the month, whole)"),
        Measure("avoidable_stays", "stays", "hospital stays after an unmet month or for a "
                "non-urgent need"),
        Measure("excess_deaths", "persons", "expected deaths from the excess risk of raised "
                "severity"),
        Measure("qalys", "QALYs", "quality-adjusted life-years lived (undiscounted)"),
        Measure("life_years", "years", "life-years lived (undiscounted)"),
    )

    def init(self, sim) -> None:
        weighted = [m.name for m in sim.measures if m.unit == "EUR"]
        sim.weigh_by("survival", [*weighted, *(m.name for m in self.measures)])

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

        at_risk = np.flatnonzero(people.alive & (people.severity > 0))
        deaths = excess_hazard(sim, self.pars, at_risk)
        deaths *= people.survival[at_risk]
        sim.record("excess_deaths", at_risk, deaths, per_person=False)
        people.survival[at_risk] -= deaths

        if sim.t < 0:
            return
        weight = people.survival
        np.add.at(people.hospital_days, stays, days * weight[stays])
        np.add.at(people.n_avoidable_stays, avoidable, weight[avoidable])
        present = np.flatnonzero(people.alive)
        qalys = accrue(present, people.age_band, people.severity, np.asarray(p.utility_by_age),
                       np.float32(p.utility_severity), weight, people.qalys, people.life_years)
        sim.record("qalys", present, qalys)
        sim.record("life_years", present, 1 / 12)
