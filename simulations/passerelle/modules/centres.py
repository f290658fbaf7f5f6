"""Unconditional centres: no papers, no payment at the point of care, a catchment with
distance decay, a monthly capacity, social workers, and a budget year by year.

Each month the cascade offers the centres every need that was perceived but failed a later
step (seek, reach, pay or engage). A person comes to one of the open centres with a
probability that depends on the step that failed (``uptake_by_barrier``) and falls with the
distance between the centroids of their commune and of the centre's commune,
``exp(−km / decay_km)`` (centroids: ``datasets/sources/communes.csv``, see
``passerelle.modules.places``). A centre's patients followed by its social workers come
back with probability ``uptake_registered`` whatever the distance; a centre for people with
addictions only takes people with problem substance use. People asked to come back last
month come first. Each centre sees at most its capacity (consultations a month, in the
real population); of the others, a share ``wait_share`` is asked to come back next month
and the rest is lost; both are counted. A consultation meets the need (channel
``centre``).

For ``social_months`` after a visit, a patient of a centre with social workers gets lapsed
rights reopened and BIM activated faster (added to ``coverage.reopen.probability`` and
``coverage.bim.probability``), an AMU application filed when undocumented without AMU,
and, once insured, a referral back to a regular GP (re-insertion: a DMG); with a
psychologist, the patient also engages with care more easily (added to
``cascade.engage.logit``). The centres see needs through the cascade's value
``cascade.served``.

Money, in EUR of the real population. INAMI reimburses each consultation of an insured
patient (the GP fee less the co-payment, billed with tiers payant), the federal state pays
the fee for AMU holders (through the CPAS) and asylum seekers (Fedasil), and insured
patients pay ``patient_fee`` (zero: no payment at the point of care); these are recorded
in ``cost_inami``, ``cost_federal`` and ``cost_patient``. The rest of the centre's costs
(staff and building) is ``cost_programme``: what the grants, donations and the deficit pay.
Programme costs of a month are attributed in equal shares to the centre's patients seen
that month (to the residents of its commune when it saw nobody). ``budget(results)`` gives
each centre's yearly costs, revenues by funder and funding gap
(``passerelle.apps.budget``); the sites and their sourced defaults are in
``centre_sites``.

A centre with zero capacity, or whose commune is outside the run's population, is closed:
it sees no one and costs nothing.
"""

from __future__ import annotations

import numpy as np

from passerelle.engine import sources
from passerelle.engine.groups import ASYLUM, INSURED, UNDOCUMENTED
from passerelle.engine.module import Measure, Module
from passerelle.engine.people import Column
from passerelle.engine.timeline import END_OF_TIME, MONTH, NEVER, parse_month
from passerelle.modules.centre_sites import Site
from passerelle.modules.centres_params import CentresParams
from passerelle.modules.places import distances_km, month_or


def _site_measures(site: Site) -> tuple[Measure, ...]:
    return (
        Measure(f"centre_{site.name}_consultations", "consultations",
                f"consultations at the {site.name} centre"),
        Measure(f"centre_{site.name}_inami", "EUR", f"INAMI reimbursements to the {site.name} "
                "centre"),
        Measure(f"centre_{site.name}_federal", "EUR", f"fees the federal state (AMU through "
                f"the CPAS, Fedasil) pays the {site.name} centre"),
        Measure(f"centre_{site.name}_fees", "EUR", f"fees paid by patients of the {site.name} "
                "centre"),
    )


class Centres(Module):
    """Unconditional centres: a provider of the cascade, social work, and money.

    Parameters
    ----------
    params : CentresParams, optional
        Its parameters (default: ``CentresParams()``, the sourced defaults).
    **overrides
        Fields of ``CentresParams`` to set when ``params`` is not given.

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> sim = Sim(load("centres").replace(population={"size": 20_000},
    ...           run={"start": "2022-01", "months": 3, "burn_in": 0}))
    >>> results = sim.run()
    >>> results.last_year("met_centre") > 0
    True
    """

    name = "centres"
    channel = "centre"
    order = 56.0
    changes_groups = False
    Params = CentresParams
    treated_since = "centre_first_month"
    requires = ("cascade",)
    optional = ("coverage", "costs")
    columns = (
        Column("centre_site", "int8", -1, "centre of the last visit (-1: never)"),
        Column("centre_first_month", MONTH, NEVER, "month of the first visit"),
        Column("centre_last_visit_month", MONTH, NEVER, "month of the last visit"),
        Column("centre_visits", "int16", 0, "consultations at a centre"),
        Column("centre_wait_site", "int8", -1, "centre that asked the person to come back"),
        Column("centre_wait_month", MONTH, NEVER, "month the person was asked to come back"),
        Column("centre_social", "bool", False, "followed by the centre's social workers"),
        Column("centre_psych", "bool", False, "followed by the centre's psychologist"),
    )
    person_totals = ("centre_first_month", "centre_visits")
    BASE_MEASURES = (
        Measure("met_centre", "needs", "needs met at an unconditional centre"),
        Measure("centre_waiting", "persons", "people turned away and asked to come back"),
        Measure("centre_lost", "persons", "people turned away and lost"),
        Measure("centre_new_patients", "persons", "first visits to a centre"),
        Measure("centre_followed", "persons", "patients followed by social workers", "stock"),
        Measure("centre_amu_filed", "applications", "AMU applications filed by social "
                "workers"),
        Measure("centre_reinserted", "persons", "patients referred back to a regular GP"),
    )

    def __init__(self, params=None, **overrides):
        super().__init__(params, **overrides)
        self.measures = (*self.BASE_MEASURES,
                         *(m for site in self.pars.sites for m in _site_measures(site)))

    def init(self, sim) -> None:
        areas = sim.population.areas
        names = [a.name for a in areas]
        self._sites = []
        for index, site in enumerate(self.pars.sites):
            if site.commune not in names or site.capacity <= 0:
                continue
            home = sources.communes()[[c.name for c in sources.communes()].index(site.commune)]
            decay = np.exp(-distances_km(areas, home.lat, home.lon) / self.pars.decay_km)
            self._sites.append((index, site, names.index(site.commune), decay,
                                parse_month(site.opening), month_or(site.closing, END_OF_TIME)))
        self._served_eur: dict[int, float] = {}
        self._served: dict[int, np.ndarray] = {}
        p = self.pars
        if self._sites:
            sim.values.modify("cascade.served", self._offered, by=self.name)
        sim.values.modify("coverage.reopen.probability",
                          self._followed("centre_social", p.social_reopen_per_month),
                          by=self.name)
        sim.values.modify("coverage.bim.probability",
                          self._followed("centre_social", p.social_bim_per_month), by=self.name)
        sim.values.modify("cascade.engage.logit",
                          self._followed("centre_psych", p.psych_engage_effect), by=self.name)
        costs = sim.module("costs").pars if self.uses(sim, "costs") else None
        self._fee = costs.gp_fee if costs else sources.value("gp_consultation_fee")
        copays = ((costs.copay_dmg, costs.copay_no_dmg, costs.copay_bim_dmg,
                   costs.copay_bim_no_dmg) if costs else (0.0, 0.0, 0.0, 0.0))
        self._copay = np.array(copays)

    def _offered(self, sim, uids: np.ndarray, served: np.ndarray, failed: np.ndarray
                 ) -> np.ndarray:
        """``cascade.served``: the offered needs not served elsewhere that a centre sees."""
        rest = np.flatnonzero(~served)
        served[rest] = self.serve(sim, uids[rest], failed[rest])
        return served

    @staticmethod
    def _followed(flag: str, amount: float):
        """A value raised by ``amount`` for the people whose column ``flag`` is set."""
        def raise_(sim, uids: np.ndarray, value: np.ndarray) -> np.ndarray:
            value[getattr(sim.people, flag)[uids]] += np.float32(amount)
            return value
        return raise_

    def open_sites(self, month: int) -> list[tuple[int, Site, int, np.ndarray, int]]:
        """(index, site, commune index, decay by commune, opening month) of the centres
        open in ``month``.

        Parameters
        ----------
        month : int
            Months since 2000-01.

        Returns
        -------
        list of tuple
            One per open centre.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("centres").replace(population={"size": 20_000},
        ...           run={"start": "2022-01", "months": 3, "burn_in": 0}))
        >>> results = sim.run()
        >>> [site.name for _, site, _, _, _ in sim.module("centres").open_sites(sim.month)]
        ['molenbeek', 'addiction']
        """
        return [(index, site, commune, decay, opening)
                for index, site, commune, decay, opening, closing in self._sites
                if opening <= month <= closing]

    def capacity(self, sim, site: Site, opening: int) -> int:
        """Consultations in simulated people this month: the real capacity ÷ scale, with
        the fractions carried from month to month (exact over time, never more).

        Parameters
        ----------
        sim : Sim
            The run, at calendar month ``sim.month``.
        site : Site
            The centre (its ``capacity``: consultations a month).
        opening : int
            The month it opened, in months since 2000-01.

        Returns
        -------
        int
            Consultations this month, in simulated people.

        Examples
        --------
        >>> from passerelle import Sim, load
        >>> sim = Sim(load("centres").replace(population={"size": 20_000},
        ...           run={"start": "2022-01", "months": 3, "burn_in": 0}))
        >>> results = sim.run()
        >>> centres = sim.module("centres")
        >>> [(site.capacity, centres.capacity(sim, site, opening))
        ...  for _, site, _, _, opening in centres.open_sites(sim.month)]
        [(1000.0, 15), (300.0, 4)]
        """
        per_month = site.capacity / sim.scale
        since = sim.month - opening
        return int(np.floor((since + 1) * per_month) - np.floor(since * per_month))

    def serve(self, sim, uids: np.ndarray, failed: np.ndarray) -> np.ndarray:
        """Which of the offered needs (``failed``: index of the failed step, ≥ 1) are seen
        at a centre this month.

        Parameters
        ----------
        sim : Sim
            The run, at calendar month ``sim.month``.
        uids : ndarray
            People with a need the cascade could not meet.
        failed : ndarray
            For each, the index of the step that failed (1 or more: seeking care happened).

        Returns
        -------
        ndarray of bool
            Whether each need is seen at a centre (within the centres' capacity).

        Examples
        --------
        >>> import numpy as np
        >>> from passerelle import Sim, load
        >>> from passerelle.engine.module import Module
        >>> class Probe(Module):  # offers 2,000 needs failed at 'reach' to the centres
        ...     name, order, changes_groups = "probe", 99, False
        ...     def step(self, sim):
        ...         self.seen = sim.module("centres").serve(sim, np.arange(2_000),
        ...                                                 np.full(2_000, 2))
        >>> probe = Probe()
        >>> results = Sim(load("centres").replace(population={"size": 20_000},
        ...               run={"start": "2022-01", "months": 1, "burn_in": 0}),
        ...               modules=[probe]).run()
        >>> seen = probe.seen
        >>> 0 < int(seen.sum()) <= 19
        True
        """
        served = np.zeros(uids.size, dtype=bool)
        sites = [s for s in self.open_sites(sim.month) if "medical" in s[1].services]
        self._served_eur, self._served = {}, {}
        if not sites or uids.size == 0:
            return served
        people, p, month = sim.people, self.pars, sim.month
        commune = people.commune[uids]
        base = np.asarray(p.uptake_by_barrier)[failed - 1]
        followed = people.centre_last_visit_month[uids] >= month - p.social_months
        waiting = people.centre_wait_month[uids] == month - 1
        attraction = np.empty((uids.size, len(sites)))
        for column, (index, site, _, decay, _) in enumerate(sites):
            a = base * decay[commune]
            a = np.where(followed & (people.centre_site[uids] == index),
                         np.maximum(a, p.uptake_registered), a)
            a = np.where(waiting & (people.centre_wait_site[uids] == index), 1.0, a)
            if site.target == "addiction":
                a = a * people.substance_use[uids]
            attraction[:, column] = a
        come = 1 - np.prod(1 - attraction, axis=1)
        coming = self.uniform(sim, "come", uids) < come
        which = self.uniform(sim, "which", uids)
        total = attraction.sum(axis=1)
        cumulative = np.cumsum(attraction, axis=1) / np.maximum(total, 1e-300)[:, None]
        choice = (which[:, None] >= cumulative).sum(axis=1).clip(0, len(sites) - 1)
        waited = waiting & (total > 0)
        for column, (index, _, _, _, _) in enumerate(sites):
            choice = np.where(waited & (people.centre_wait_site[uids] == index), column, choice)
        queue = self.uniform(sim, "queue", uids) - waiting
        for column, (index, site, _, _, opening) in enumerate(sites):
            arrivals = np.flatnonzero(coming & (choice == column))
            order = arrivals[np.argsort(queue[arrivals], kind="stable")]
            seen = order[: self.capacity(sim, site, opening)]
            turned = order[seen.size:]
            asked = self.chance(sim, f"wait_{index}", p.wait_share, uids[turned])
            served[seen] = True
            self._admit(sim, index, site, uids[seen])
            people.centre_wait_site[uids[turned[asked]]] = index
            people.centre_wait_month[uids[turned[asked]]] = month
            sim.record("centre_waiting", uids[turned[asked]])
            sim.record("centre_lost", uids[turned[~asked]])
        return served

    def _admit(self, sim, index: int, site: Site, uids: np.ndarray) -> None:
        """Consultations: state, contacts, fees."""
        people, month = sim.people, sim.month
        new = uids[people.centre_first_month[uids] == NEVER]
        people.centre_first_month[new] = month
        people.centre_site[uids] = index
        people.centre_last_visit_month[uids] = month
        people.centre_visits[uids] += 1
        people.centre_wait_month[uids] = NEVER
        sim.encounters.add(self.channel, uids)
        sim.record("met_centre", uids)
        sim.record("centre_new_patients", new)
        sim.record(f"centre_{site.name}_consultations", uids)
        coverage = people.coverage[uids]
        insured = uids[coverage == INSURED]
        federal = uids[(coverage == ASYLUM) | ((coverage == UNDOCUMENTED)
                                              & people.amu_active[uids])]
        kind = 2 * people.bim[insured] + ~people.dmg[insured]
        inami = self._fee - self._copay[kind]
        fees = np.full(insured.size, self.pars.patient_fee)
        sim.record(f"centre_{site.name}_inami", insured, inami)
        sim.record(f"centre_{site.name}_federal", federal, self._fee)
        sim.record(f"centre_{site.name}_fees", insured, fees)
        if self.uses(sim, "costs"):
            sim.record("cost_inami", insured, inami)
            sim.record("cost_federal", federal, self._fee)
            sim.record("cost_patient", insured, fees)
        self._served[index] = uids
        weight, federal_weight = sim.weight_of(insured), sim.weight_of(federal)
        self._served_eur[index] = float(np.sum((inami + fees) * weight)
                                        + self._fee * np.sum(federal_weight)) * sim.scale

    def step(self, sim) -> None:
        self._follow(sim)
        if self.uses(sim, "costs"):
            self._costs(sim)
        self._served_eur, self._served = {}, {}

    def _follow(self, sim) -> None:
        """Social work and psychological support for patients seen within
        ``social_months``: who is followed, AMU filed, re-insertion."""
        people, p, month = sim.people, self.pars, sim.month
        registered = np.flatnonzero((people.centre_site >= 0) & people.alive)
        site_of = people.centre_site[registered]
        recent = people.centre_last_visit_month[registered] >= month - p.social_months
        open_now = {index: site for index, site, *_ in self.open_sites(month)}
        social = np.array([i in open_now and "social" in open_now[i].services
                           for i in range(len(self.pars.sites))] or [False])
        psych = np.array([i in open_now and "psychological" in open_now[i].services
                          for i in range(len(self.pars.sites))] or [False])
        wants_social = recent & social[site_of]
        wants_psych = recent & psych[site_of]
        people.centre_social[registered] = wants_social
        people.centre_psych[registered] = wants_psych
        followed = registered[wants_social]
        sim.record("centre_followed", followed)
        if self.uses(sim, "coverage"):
            idle = followed[(people.coverage[followed] == UNDOCUMENTED)
                            & ~people.amu_active[followed]
                            & (people.amu_decision_month[followed] < month)]
            filed = idle[self.chance(sim, "amu", p.social_amu_per_month, idle)]
            sim.record("centre_amu_filed", filed)
            sim.module("coverage").file_amu(sim, filed)
        without = followed[(people.coverage[followed] == INSURED) & ~people.dmg[followed]
                           & ~people.mm_enrolled[followed]]
        referred = without[self.chance(sim, "reinsertion", p.reinsertion_per_month, without)]
        people.dmg[referred] = True
        sim.record("centre_reinserted", referred)

    def _costs(self, sim) -> None:
        """Staff and building costs not paid by fees: programme funders (EUR)."""
        people = sim.people
        for index, site, commune, _, _ in self.open_sites(sim.month):
            eur = (site.staff_eur_per_year + site.building_eur_per_year) / 12
            eur -= self._served_eur.get(index, 0.0)
            payers = self._served.get(index, np.empty(0, dtype=np.int64))
            if payers.size == 0:
                payers = np.flatnonzero(people.alive & (people.commune == commune))
            if payers.size:
                sim.record("cost_programme", payers, eur / (payers.size * sim.scale),
                           per_person=False)
