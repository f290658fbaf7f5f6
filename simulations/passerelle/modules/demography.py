"""Demography: ageing (through birth months), births and deaths, and the arrivals and
departures of undocumented people and asylum seekers.

Death rates are by age band under 65 and by year of age from 65 (a Gompertz law), read
from each person's birth month every month, so that people keep ageing within the old
bands; every rate falls a little each year, as life expectancy rises. Deaths are drawn by
counter (``Streams.chance_among``): the same person dies in the same month in every
scenario.

Nothing here depends on care, so every scenario on the same seed has the same people.
"""

from __future__ import annotations

import math

import numpy as np

from passerelle.engine.distributions import Uniform, poisson_ppf
from passerelle.engine.groups import ASYLUM, LAPSED, NEWBORN, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.timeline import parse_month
from passerelle.engine.units import (
    GrowthRate,
    MonthlyProbability,
    RatePerYear,
    Share,
    YearlyProbability,
    bounded,
    vector,
)

OLDEST = 110  # the death rate of older people is that of 110-year-olds
GOMPERTZ_SLOPE = 0.105  # death_ageing's default, 1/year
# The death rates are those of 2016, the first simulated year of the built-in scenarios
# (assumption); they fall by death_decline a year after it and rise before it.
DEATH_RATES_AS_OF = parse_month("2016-06")


class DemographyParams(Params):
    death_by_age: vector(YearlyProbability, 4) = assumption(
        (0.0002, 0.0004, 0.0008, 0.004), description="deaths per person per year by age "
        "band under 65 (0-15, 16-24, 25-44, 45-64)", why="Statbel life tables, rounded",
    )
    death_at_65: YearlyProbability = assumption(
        0.0088, description="deaths per person per year at 65 (from 65 on, by year of age: "
        "death_at_65 × exp(death_ageing × (age − 65)))", why="with death_ageing it gives "
        "0.015 on average over 65-74, the former band's rounded Statbel rate",
    )
    death_ageing: bounded(RatePerYear, le=0.2) = assumption(
        GOMPERTZ_SLOPE, description="yearly growth of the death rate with age from 65 (Gompertz "
        "slope, 1/year)", why="adult mortality in Western Europe doubles about every 6.6 "
        "years of age (Gompertz's law); it puts the death rate near 2.5% at 75, 7% at 85 "
        "and 20% at 95, where one rate for all of 75+ let the oldest stop ageing",
        uncertainty=Uniform(0.09, 0.12),
    )
    death_decline: GrowthRate = sourced(
        "life_expectancy_gain", description="yearly fall of every death rate after 2016",
        derive=lambda gain: round(1 - math.exp(-GOMPERTZ_SLOPE * gain), 4),
        how="1 − exp(−death_ageing × gain): under a Gompertz law, death rates × c shift "
            "ages by ln(c) / death_ageing, so a gain of g years of life is rates × "
            "exp(−death_ageing · g)",
    )
    refused_departure: Share = assumption(
        0.75, description="share of refused asylum seekers who leave Belgium the month after "
        "the decision", why="returns, transfers and onward migration; with fewer "
        "leaving, refusals alone would outgrow the estimated stock of undocumented people",
    )
    undocumented_departure: MonthlyProbability = assumption(
        0.004, description="monthly probability that an undocumented person leaves Belgium",
        why="about 5% a year: returns, onward migration",
    )


class Demography(Module):
    """Deaths by age; births replace residents' deaths and newcomers arrive so that every
    stock stays level (assumption: Brussels' natural growth, about 0.5% a year from
    crude_birth_rate and crude_death_rate, is offset by net departures to the other
    regions, which the model does not represent)."""

    name = "demography"
    order = 10.0
    Params = DemographyParams
    optional = ("coverage", "escalation")
    measures = (
        Measure("births", "persons", "births"),
        Measure("deaths", "persons", "deaths"),
        Measure("arrivals", "persons", "undocumented people and asylum seekers arriving"),
        Measure("departures", "persons", "undocumented people leaving Belgium"),
    )

    def init(self, sim) -> None:
        """Arrival rates that keep the stocks of undocumented people and asylum seekers at
        their sourced size (assumption: stationary stocks over the run)."""
        people = sim.people
        coverage = sim.scenario.params.get("coverage")
        asylum_months = coverage.asylum_months if coverage else np.inf
        recognition = coverage.asylum_recognition if coverage else 0.0
        regularisation = coverage.regularisation_per_month if coverage else 0.0
        asylum = np.count_nonzero(people.alive & (people.coverage == ASYLUM))
        undocumented = np.count_nonzero(people.alive & (people.coverage == UNDOCUMENTED))
        self._asylum_arrivals = asylum / asylum_months
        rejected = self._asylum_arrivals * (1 - recognition) * (1 - self.pars.refused_departure)
        exits = undocumented * (self.pars.undocumented_departure + regularisation)
        self._undocumented_arrivals = max(exits - rejected, 0.0)
        residents = np.flatnonzero(people.alive & (people.coverage <= LAPSED))
        self._births = float(np.sum(self.death_rates(sim, residents))) / 12

    def death_rates(self, sim, uids: np.ndarray) -> np.ndarray:
        """Deaths per person per year of ``uids`` this month: by age band under 65, by
        year of age from 65 (``death_at_65``, growing at ``death_ageing`` a year of age),
        all falling by ``death_decline`` a year after 2016.

        Parameters
        ----------
        sim : Sim
            The running simulation (ages this month).
        uids : numpy.ndarray
            The people.

        Returns
        -------
        numpy.ndarray
            Yearly probabilities of death, one per person.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("baseline").replace(population={"size": 2_000},
        ...                                    run={"months": 1, "burn_in": 0}))
        >>> results = sim.run()
        >>> demography = sim.module("demography")
        >>> old = np.flatnonzero(sim.age_years() >= 95)[:1]
        >>> bool(demography.death_rates(sim, old)[0] > 0.19)
        True
        """
        return self._rates(sim.month)[self._category(sim.age_years(uids),
                                                     sim.people.age_band[uids])]

    def _rates(self, month: int) -> np.ndarray:
        p = self.pars
        years = np.arange(OLDEST - 65 + 1)
        old = p.death_at_65 * np.exp(p.death_ageing * years)
        trend = (1 - p.death_decline) ** ((month - DEATH_RATES_AS_OF) / 12)
        return np.minimum(np.concatenate([np.asarray(p.death_by_age), old]) * trend, 1.0)

    def _category(self, age: np.ndarray, band: np.ndarray) -> np.ndarray:
        """The age band (as of January) under 65, then one category per year of age up to
        ``OLDEST``."""
        young = len(self.pars.death_by_age)
        return np.where(age < 65, np.minimum(band, young - 1),
                        young + np.minimum(age - 65, OLDEST - 65))

    def step(self, sim) -> None:
        people, p = sim.people, self.pars
        dying = np.flatnonzero(sim.streams.chance_among(
            self.name, "death", sim.month, people.alive, self._rates(sim.month) / 12,
            self._category(sim.age_years(), people.age_band)))
        undocumented = np.flatnonzero(people.alive & (people.coverage == UNDOCUMENTED))
        leaving = undocumented[self.chance(sim, "departure", p.undocumented_departure,
                                           undocumented)]
        if self.uses(sim, "coverage"):
            refused = undocumented[people.asylum_refused_month[undocumented] == sim.month - 1]
            leaving = np.union1d(leaving, refused[self.chance(
                sim, "refused_departure", p.refused_departure, refused)])
        leaving = np.setdiff1d(leaving, dying, assume_unique=True)
        for uids, measure in ((dying, "deaths"), (leaving, "departures")):
            if self.uses(sim, "escalation"):
                sim.module("escalation").forgo(sim, uids[people.need_open[uids]])
            people.alive[uids] = False
            sim.record(measure, uids)
        self._arrive(sim, "births", NEWBORN, self._births)
        self._arrive(sim, "arrivals", "undocumented", self._undocumented_arrivals)
        self._arrive(sim, "arrivals", "asylum_seeker", self._asylum_arrivals)

    def _arrive(self, sim, measure: str, kind: str, expected: float) -> None:
        draw = self.uniform(sim, f"count_{kind}", np.zeros(1, dtype=np.int64))[0]
        count = int(poisson_ppf(draw, expected)) if expected > 0 else 0
        if count == 0:
            return
        uids = sim.people.grow(count)
        sim.population.fill(uids, kind, sim.streams, sim.month)
        sim.regroup(uids)
        sim.record(measure, uids)
