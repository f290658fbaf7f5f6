"""A regular GP: a need met at the GP brings follow-up contacts; the global medical record
(DMG) is opened at a GP visit and sometimes lost; enrolment in a flat-rate maison médicale
grows, region by region, at a sourced yearly rate."""

from __future__ import annotations

import numpy as np

from passerelle.engine.distributions import Uniform, poisson_ppf
from passerelle.engine.groups import INSURED
from passerelle.engine.module import Measure, Module
from passerelle.engine.parameters import Params, assumption, calibrated
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA
from passerelle.engine.timeline import parse_month
from passerelle.engine.units import MonthlyProbability, Probability, RelativeRisk

# AIM's 2014 shares (population.mm_brussels...) read as at the end of 2014 (assumption:
# AIM counts the insured enrolled at the year's end).
MM_SHARES_AS_OF = parse_month("2014-12")
FOLLOWED_UP = ("gp", "maison_medicale")  # the channels whose contacts bring follow-ups


def maison_medicale_share(spec, regions: np.ndarray, month: int) -> np.ndarray:
    """The share of the insured enrolled in a maison médicale in calendar ``month``, for
    each region in ``regions``: the region's share at the end of 2014 grown at
    ``spec.mm_growth`` a year (before 2014, shrunk at the same rate).

    Parameters
    ----------
    spec : PopulationSpec
        Its ``mm_brussels``, ``mm_flanders``, ``mm_wallonia`` (shares 0-1) and
        ``mm_growth`` (growth a year).
    regions : numpy.ndarray
        Region names (as ``communes.csv`` writes them), one per share wanted.
    month : int
        Calendar month (months since 2000-01).

    Returns
    -------
    numpy.ndarray
        Shares 0-1, one per region.

    Examples
    --------
    >>> from passerelle.config.population import PopulationSpec
    >>> from passerelle.engine.sources import BRUSSELS
    >>> share = maison_medicale_share(PopulationSpec(), np.array([BRUSSELS]),
    ...                               parse_month("2020-12"))
    >>> round(float(share[0]), 3)  # 10.4% in 2014, +8% a year for six years
    0.165
    """
    start = np.select([regions == BRUSSELS, regions == FLANDERS],
                      [spec.mm_brussels, spec.mm_flanders], spec.mm_wallonia)
    return np.minimum(start * (1 + spec.mm_growth) ** ((month - MM_SHARES_AS_OF) / 12), 1.0)


def _odds(share: float) -> float:
    return share / (1 - share)


class RegularGpParams(Params):
    open_at_visit: Probability = calibrated(
        0.025, description="probability that an insured person without a DMG opens one at a "
        "GP visit", target="dmg_coverage@Brussels",
    )
    open_rr_flanders: RelativeRisk = calibrated(
        2.4, description="odds of opening a DMG at a GP visit in Flanders relative to "
        "Brussels (ratio)", target="dmg_coverage@Flemish Region, at the end of the run "
        "(fitted by hand on the Belgian baseline, 100,000 people, from the 2015 shares' odds "
        "ratio 3.0: 2.6 gave 68.5%, 2.4 gave 67.3%)",
    )
    open_rr_wallonia: RelativeRisk = calibrated(
        1.0, description="as open_rr_flanders, in Wallonia", target="dmg_coverage@Walloon "
        "Region, at the end of the run (from the odds ratio 1.3: 1.1 gave 49.0%, 1.0 gave "
        "47.7%)",
    )
    loss_per_month: MonthlyProbability = assumption(
        0.004, description="monthly probability of losing one's DMG (moving, GP retiring)",
        why="about 5% of people move commune each year; GPs retire",
    )
    followups_per_need: RelativeRisk = assumption(
        1.0, description="mean number of follow-up contacts (Poisson) after a need met at a "
        "GP or a maison médicale, without a chronic condition",
        why="an episode of care in general practice runs from its first to its last "
        "encounter, and most span more than one (Lamberts & Hofmans-Okkes 1996, Dutch "
        "family practice): a return visit for results, a check or a prescription about "
        "once an episode (order of magnitude)",
        uncertainty=Uniform(0.5, 1.5),
    )
    followup_chronic_rr: RelativeRisk = assumption(
        1.0, description="added relative number of follow-up contacts per chronic condition",
        why="a managed chronic condition brings regular checks: people with chronic "
        "conditions consult about twice as often (as needs.chronic_rr)",
        uncertainty=Uniform(0.5, 2.0),
    )


class RegularGp(Module):
    """Follow-up contacts after each need met at a GP or a maison médicale, in the same
    month and channel (priced by costs as contacts); DMGs gained at first GP visits (the
    follow-ups of a month come after), lost at a small monthly rate.

    Each month, insured people without a regular GP (no DMG, no maison médicale) enrol in
    a maison médicale of their region at a rate that grows the region's enrolled share of
    the insured as ``maison_medicale_share`` does: the month's growth of that share over
    the share not enrolled, divided by the region's share without a DMG among the insured
    not enrolled at the start of the run (assumption: enrolees are people without a GP of
    their own, as the subscribers' profile, younger and poorer than average, suggests
    (UNMS, *Les maisons médicales à la loupe*, 2017); switching from one's GP and leaving
    a maison médicale are not represented). The rate depends on the region and the month
    only, never on how many others enrolled, so that an intervention that gives someone a
    DMG or rights changes nobody else's enrolment (common random numbers hold person by
    person)."""

    name = "regular_gp"
    order = 55.0
    changes_groups = False
    Params = RegularGpParams
    optional = ("cascade",)
    measures = (
        Measure("dmg_opened", "persons", "DMGs opened"),
        Measure("dmg_lost", "persons", "DMGs lost"),
        Measure("mm_enrolments", "persons", "people enrolled in a maison médicale"),
        Measure("gp_followups", "visits", "follow-up contacts at a GP or maison médicale "
                "after a met need"),
    )

    def init(self, sim) -> None:
        regions = np.array([a.region for a in sim.population.areas], dtype=str)
        self._regions, inverse = np.unique(regions, return_inverse=True)
        self._region_of_commune = inverse.astype(np.int8)
        p = self.pars
        odds = np.select([self._regions == FLANDERS, self._regions == WALLONIA],
                         [p.open_rr_flanders, p.open_rr_wallonia], 1.0)
        base = _odds(p.open_at_visit)
        self._open = np.append(base * odds / (1 + base * odds), p.open_at_visit)
        people = sim.people
        count = len(self._regions)
        region = self._region_of_commune[people.commune]
        open_ = people.alive & (people.coverage == INSURED) & ~people.mm_enrolled
        self._free_share = np.maximum(
            np.bincount(region[open_ & ~people.dmg], minlength=count), 1
        ) / np.maximum(np.bincount(region[open_], minlength=count), 1)

    def step(self, sim) -> None:
        people = sim.people
        seen = sim.encounters.get("gp")
        candidates = seen[~people.dmg[seen] & (people.coverage[seen] == INSURED)]
        region = (self._region_of_commune[people.commune[candidates]] if self._regions.size
                  else np.zeros(candidates.size, dtype=np.int64))
        opened = candidates[self.chance(sim, "open", self._open[region], candidates)]
        people.dmg[opened] = True
        sim.record("dmg_opened", opened)
        holders = np.flatnonzero(people.dmg & people.alive)
        lost = holders[self.chance(sim, "loss", self.pars.loss_per_month, holders)]
        people.dmg[lost] = False
        sim.record("dmg_lost", lost)
        for channel in FOLLOWED_UP:
            self.follow_up(sim, channel, sim.encounters.get(channel))
        self._enrol(sim)

    def follow_up(self, sim, channel: str, uids: np.ndarray) -> None:
        """Add the follow-up contacts of the needs of ``uids`` met in ``channel`` this month."""
        p = self.pars
        mean = p.followups_per_need * (1 + p.followup_chronic_rr * sim.people.chronic[uids])
        counts = poisson_ppf(self.uniform(sim, f"followups_{channel}", uids), mean)
        followed = np.repeat(uids, counts)
        sim.encounters.add(channel, followed)
        sim.record("gp_followups", followed)

    def _enrol(self, sim) -> None:
        if self._regions.size == 0:
            return
        people = sim.people
        spec = sim.scenario.population
        now = maison_medicale_share(spec, self._regions, sim.month)
        growth = maison_medicale_share(spec, self._regions, sim.month + 1) - now
        rate = np.clip(growth / (1 - now) / self._free_share, 0.0, 1.0)
        candidates = np.flatnonzero(people.alive & (people.coverage == INSURED)
                                    & ~people.mm_enrolled & ~people.dmg)
        region = self._region_of_commune[people.commune[candidates]]
        enrolling = candidates[self.chance(sim, "enrol", rate[region], candidates)]
        people.mm_enrolled[enrolling] = True
        sim.record("mm_enrolments", enrolling)
