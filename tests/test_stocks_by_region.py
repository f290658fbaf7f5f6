"""Stocks that must hold or grow as their sources say, region by region: BIM entitlement
and take-up (lost and regained, stationary), maison médicale enrolment (growing from
AIM's 2014 shares), DMGs (regional odds of opening one) and deaths (by year of age from
65, falling over calendar time).

Tolerances are four standard errors of a binomial share over the people it is read on
(times √2 for a difference of two such shares), so a seed can move them and a model that
drifts by the size issue 13 found cannot pass.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from passerelle import Sim, load
from passerelle.engine.groups import INSURED, LAPSED
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA
from passerelle.engine.timeline import parse_month
from passerelle.modules.regular_gp import maison_medicale_share

BELGIUM = {"population": {"region": "belgium", "size": 20_000},
           "run": {"months": 36, "burn_in": 0}}


def _four_se(p: float, n: int) -> float:
    return 4 * math.sqrt(p * (1 - p) / n)


@pytest.fixture(scope="module")
def run():
    """A Belgian run of three years from January 2016, its people at the start and end."""
    scenario = load("baseline").replace(**BELGIUM)
    sim = Sim(scenario)
    results = sim.run()
    return sim, results


def _regions(sim) -> np.ndarray:
    return np.array([a.region for a in sim.population.areas])[sim.people.commune]


def test_bim_entitlement_churns_and_take_up_holds(run):
    """Entitlement is lost and regained, and the share of the entitled of working age who
    have BIM stays at the published take-up instead of climbing towards everyone."""
    sim, results = run
    people, spec = sim.people, sim.scenario.population
    assert results.total("bim_lost").sum() > 0 and results.total("bim_activated").sum() > 0
    age = sim.age_years()
    entitled = (people.alive & people.bim_eligible & (people.coverage == INSURED)
                & (age >= 18) & (age < 65))
    share = people.bim[entitled].mean()
    expected = spec.bim_take_up_working_age
    assert abs(share - expected) < _four_se(expected, int(entitled.sum()))
    residents = people.alive & (people.coverage <= LAPSED) & (people.quintile == 0)
    entitled_q1 = people.bim_eligible[residents].mean()
    expected = spec.bim_eligible_by_quintile[0]
    assert abs(entitled_q1 - expected) < _four_se(expected, int(residents.sum()))


def test_maison_medicale_enrolment_follows_its_growth_in_each_region(run):
    sim, results = run
    people = sim.people
    month = parse_month(results.months[-1])
    insured = people.alive & (people.coverage == INSURED)
    regions = _regions(sim)
    for region in (BRUSSELS, FLANDERS, WALLONIA):
        here = insured & (regions == region)
        wanted = float(maison_medicale_share(sim.scenario.population, np.array([region]),
                                             month)[0])
        assert abs(people.mm_enrolled[here].mean() - wanted) < _four_se(
            wanted, int(here.sum())), region


def test_flanders_keeps_its_dmg_share(run):
    """Flanders' higher odds of opening a DMG hold its 2015 share over three years; with
    Brussels' odds it slid by about five points."""
    sim, _ = run
    people = sim.people
    residents = (people.alive & (people.coverage <= LAPSED)
                 & (_regions(sim) == FLANDERS))
    start = sim.scenario.population.dmg_flanders
    assert abs(people.dmg[residents].mean() - start) < math.sqrt(2) * _four_se(
        start, int(residents.sum()))


def test_death_rates_rise_with_each_year_of_age_and_fall_over_the_years():
    """The oldest keep ageing (a 95-year-old dies far more often than an 85-year-old), and
    every rate ten years on is lower by the life-expectancy trend."""
    sim = Sim(load("baseline").replace(population={"size": 5_000},
                                       run={"months": 1, "burn_in": 0}))
    sim.run()
    demography = sim.module("demography")
    age = sim.age_years()
    now = demography.death_rates(sim, np.arange(age.size))
    by_age = [now[age == a].mean() for a in (75, 85, 95) if (age == a).any()]
    assert len(by_age) >= 2
    assert all(later > 2 * earlier for earlier, later in itertools.pairwise(by_age))
    young = now[age < 16]
    assert np.all(young == young[0])
    ratio = demography._rates(sim.month + 120) / demography._rates(sim.month)
    np.testing.assert_allclose(ratio, (1 - demography.pars.death_decline) ** 10)
