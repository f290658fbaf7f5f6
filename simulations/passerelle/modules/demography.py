"""Demography: ageing (through birth months), births and deaths, and the arrivals and
departures of undocumented people and asylum seekers.

Nothing here depends on care, so every scenario on the same seed has the same people.
"""

from __future__ import annotations

import numpy as np

from passerelle.engine.groups import ASYLUM, LAPSED, NEWBORN, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption
from passerelle.engine.units import MonthlyProbability, Share, YearlyProbability, vector


class DemographyParams(Params):
    death_by_age: vector(YearlyProbability, 6) = assumption(
        (0.0002, 0.0004, 0.0008, 0.004, 0.015, 0.065), description="deaths per person per "
        "year by age band", why="Statbel life tables, rounded; gives about crude_death_rate",
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
        self._births = float(np.sum(np.asarray(self.pars.death_by_age)[
            people.age_band[residents]])) / 12

    def step(self, sim) -> None:
        people, p = sim.people, self.pars
        dying = np.flatnonzero(sim.streams.chance_among(
            self.name, "death", sim.month, people.alive, np.asarray(p.death_by_age) / 12,
            people.age_band))
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
        count = poisson_quantile(draw, expected) if expected > 0 else 0
        if count == 0:
            return
        uids = sim.people.grow(count)
        sim.population.fill(uids, kind, sim.streams, sim.month)
        sim.regroup(uids)
        sim.record(measure, uids)


def poisson_quantile(q: float, mean: float) -> int:
    """Smallest count k with P(K <= k) >= q for K ~ Poisson(``mean``), 0 < q < 1.

    The same computation as ``scipy.stats.poisson.ppf`` (without loading scipy.stats, a
    second of start-up): inverse of the regularised gamma function, then one check below.

    Examples
    --------
    >>> poisson_quantile(0.5, 3.0)
    3
    """
    from scipy.special import pdtr, pdtrik

    count = float(np.ceil(pdtrik(q, mean)))
    below = max(count - 1.0, 0.0)
    return int(below if pdtr(below, mean) >= q else count)
