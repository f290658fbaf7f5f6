"""What every design shares: the pair of runs, the baseline snapshot, the study's data.

Two runs on the same population and seed, one without and one with an intervention, give
every person (and every commune-month) both potential outcomes, because the draws are
common random numbers keyed by (seed, module, stream, month, uid). Facilitator designs run
the ``facilitators`` scenario with its deployments starting after a pre-period
(``PRE_MONTHS`` reported months) and their workers multiplied by ``staffing`` (the study's
own staff: at the default Brussels staffing a 20,000-person population holds a few dozen
clients, far too few for a trial). Person-level outcomes are the ``ledger`` counters
(``passerelle.modules.ledger.OUTCOMES``) over the months after the pre-period. Runs are
cached in-process (``RUN_CACHE`` runs), so designs that re-draw an assignment from the
same pair of runs (the RCT with ``sim_seed``; the stepped-wedge controlled check) simulate
once.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from passerelle.config.scenario import Scenario, from_dict, load
from passerelle.engine.groups import INSURED, LAPSED, UNDOCUMENTED
from passerelle.engine.module import Module
from passerelle.engine.people import Column
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim
from passerelle.engine.sources import BRUSSELS
from passerelle.engine.steps import STEPS
from passerelle.engine.timeline import NEVER, month_label, parse_month
from passerelle.modules.ledger import OUTCOMES, Ledger

START = "2020-01"
BURN_IN = 12
PRE_MONTHS = 12
RUN_CACHE = 6
COVARIATES = ("base_lapsed", "base_undocumented", "base_bim", "base_dmg", "base_quintile",
              "base_homeless", "base_language", "base_substance", "base_age", "pre_outcome")
BRUSSELS_COMMUNES = 19


@dataclass
class StudyData:
    """The data a study sees and the true value of what it estimates.

    Parameters
    ----------
    data : pandas.DataFrame
        What the study sees: one row per participant, resident, or unit-month.
    truth : float
        The true value of the estimand, from the counterfactual run, in the estimand's units.
    estimand : str
        A sentence naming the estimand and its units.
    design : str
        The design's name.
    details : dict, optional
        Settings, sizes, and truths of secondary estimands.

    Examples
    --------
    >>> import pandas as pd
    >>> from passerelle.evaluate.designs import StudyData
    >>> study = StudyData(pd.DataFrame({"y": [1.0, 3.0], "arm": [0, 1]}), truth=2.0,
    ...                   estimand="mean effect on y per participant", design="toy")
    >>> study.truth, study.details
    (2.0, {})
    """

    data: pd.DataFrame
    truth: float
    estimand: str
    design: str
    details: dict[str, Any] = field(default_factory=dict)


class Baseline(Module):
    """Snapshots, at the end of the pre-period (the month before ``until``), each person's
    covariates and ledger counters: what a study knows at baseline. Draws nothing and
    records no measure; runs after the ledger (order 96)."""

    name = "baseline_snapshot"
    order = 96.0
    changes_groups = False
    columns = (
        Column("base_lapsed", "int8", 0, "lapsed rights at baseline"),
        Column("base_undocumented", "int8", 0, "undocumented at baseline"),
        Column("base_bim", "int8", 0, "BIM at baseline"),
        Column("base_dmg", "int8", 0, "regular GP (DMG) at baseline"),
        Column("base_quintile", "int8", 0, "income quintile (0 poorest) at baseline"),
        Column("base_homeless", "int8", 0, "homeless at baseline"),
        Column("base_language", "int8", 0, "language barrier at baseline"),
        Column("base_substance", "int8", 0, "problem substance use at baseline"),
        Column("base_age", "int16", 0, "age at baseline (years)"),
        Column("base_commune", "int16", -1, "commune index at baseline"),
        *(Column(f"pre_{name}", "int16", 0, f"{name} in the pre-period") for name in OUTCOMES),
    )
    person_totals = tuple(column.name for column in columns)

    def __init__(self, until: int):
        super().__init__()
        self.until = until

    def step(self, sim) -> None:
        if sim.month != self.until - 1:
            return
        people = sim.people
        people.base_lapsed[:] = people.coverage == LAPSED
        people.base_undocumented[:] = people.coverage == UNDOCUMENTED
        people.base_bim[:] = people.bim
        people.base_dmg[:] = people.dmg & (people.coverage == INSURED)
        people.base_quintile[:] = people.quintile
        for column, source in (("base_homeless", "homeless"), ("base_language",
                               "language_barrier"), ("base_substance", "substance_use")):
            getattr(people, column)[:] = getattr(people, source)
        people.base_age[:] = np.clip(sim.age_years(), 0, 120)
        people.base_commune[:] = people.commune
        for name in OUTCOMES:
            getattr(people, f"pre_{name}")[:] = getattr(people, name)


_CACHE: OrderedDict[str, Results] = OrderedDict()


def scenario(name: str, population: int, months: int, seed: int, region: str = "brussels",
             **sections: dict) -> Scenario:
    """Built-in scenario ``name`` on a population of ``population`` people in ``region``,
    ``months`` reported months from ``START``, with ``sections`` (module → parameters)
    updated."""
    if population < 1000:
        raise ValueError(f"population must be at least 1,000 people, got {population}")
    if months <= PRE_MONTHS + 6:
        raise ValueError(f"months must exceed {PRE_MONTHS + 6} (pre-period + 6), got {months}")
    data = load(name).to_dict()
    data["population"].update(size=population, region=region)
    data["run"].update(start=START, months=months, burn_in=BURN_IN, seed=seed)
    for section, values in sections.items():
        data[section].update(values)
    return from_dict(data, f"<design {name}>")


def simulate(chosen: Scenario) -> Results:
    """Run ``chosen`` with the ledger and the baseline snapshot (cached in-process)."""
    key = json.dumps(chosen.to_dict(), sort_keys=True, default=str)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    until = parse_month(chosen.run.start) + PRE_MONTHS
    results = Sim(chosen, modules=[Ledger(), Baseline(until)]).run()
    _CACHE[key] = results
    while len(_CACHE) > RUN_CACHE:
        _CACHE.popitem(last=False)
    return results


def scaled_deployments(staffing: float, start: str, areas: list[tuple[tuple[str, ...], float]]
                 | None = None, starts: list[str] | None = None) -> list[dict]:
    """The default deployments (or ``areas``: (area, workers)) × ``staffing``, from
    ``start`` (or each its own of ``starts``)."""
    if staffing <= 0:
        raise ValueError(f"staffing must be positive, got {staffing}")
    if areas is None:
        defaults = load("facilitators").params["facilitators"].deployments
        areas = [(d.area, d.workers) for d in defaults]
    starts = starts or [start] * len(areas)
    return [{"area": list(area), "workers": workers * staffing, "start": when, "end": None}
            for (area, workers), when in zip(areas, starts, strict=True)]


def pair(population: int, months: int, seed: int, region: str = "brussels",
          deployments: list[dict] | None = None, staffing: float = 20.0
          ) -> tuple[Results, Results]:
    """(no intervention, facilitators) on the same seed; facilitators start after the
    pre-period."""
    start = month_label(parse_month(START) + PRE_MONTHS)
    deployments = deployments or scaled_deployments(staffing, start)
    reference = simulate(scenario("baseline", population, months, seed, region))
    treated = simulate(scenario("facilitators", population, months, seed, region,
                                facilitators={"deployments": deployments}))
    return reference, treated


def check_outcome(outcome: str) -> None:
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {tuple(OUTCOMES)}, got {outcome!r}")


def persons(reference: Results, treated: Results, outcome: str) -> pd.DataFrame:
    """One row per person present after the pre-period: commune, baseline covariates,
    enrolment, and the post-period outcome in both runs (``y0``, ``y1``)."""
    check_outcome(outcome)
    ref, new = reference.people, treated.people
    if ref["months_present"].size != new["months_present"].size:
        raise ValueError("the two runs do not hold the same people")
    frame = pd.DataFrame({name: ref[name] for name in COVARIATES if name != "pre_outcome"})
    frame["pre_outcome"] = ref[f"pre_{outcome}"]
    frame["base_commune"] = ref["base_commune"]
    frame["y0"] = (ref[outcome] - ref[f"pre_{outcome}"]).astype(float)
    frame["y1"] = (new[outcome] - new[f"pre_{outcome}"]).astype(float)
    frame["enrolled"] = (new["fac_enrolled_month"] != NEVER).astype(int)
    frame["months"] = ref["months_present"] - np.minimum(ref["months_present"], PRE_MONTHS)
    frame.index.name = "uid"
    return frame[(frame["months"] > 0) & (frame["base_commune"] >= 0)]


def communes(results: Results) -> list[str]:
    return list(results.grouping.dimensions["commune"])


def monthly(results: Results, measure: str) -> pd.DataFrame:
    """Monthly counts per commune (real population) of ``measure``, or of all unmet
    need-months for ``"unmet"``."""
    if measure == "unmet":
        return sum(results.by(f"unmet_{step}", "commune") for step in STEPS)
    return results.by(measure, "commune")


def rates(results: Results, measure: str, units: dict[str, list[str]]) -> pd.DataFrame:
    """``measure`` per 1,000 residents a month, per unit (a name → its communes)."""
    counts, population = monthly(results, measure), results.by("population", "commune")
    return pd.DataFrame({unit: 1000 * counts[communes].sum(axis=1)
                         / population[communes].sum(axis=1)
                         for unit, communes in units.items()})


def long_panel(wide: pd.DataFrame, name: str, unit: str) -> pd.Series:
    series = wide.reset_index(drop=True).stack()
    series.index = series.index.set_names(["period", unit])
    return series.rename(name)


def area_communes(area: list[str], results: Results) -> list[str]:
    """Communes of an area (a region name stands for all its communes in the run)."""
    names = communes(results)
    if area == [BRUSSELS]:
        return names[:BRUSSELS_COMMUNES]
    return [name for name in area if name in names]


def centre_runs(population: int, months: int, seed: int,
                 openings: dict[str, int], capacity: float) -> tuple[Results, Results]:
    """(no centre, centres in ``openings``: commune → reported month of opening)."""
    template = load("centres").params["centres"].sites[0]
    sites = []
    for index, (commune, month) in enumerate(sorted(openings.items())):
        site = template.model_dump()
        site.update(name=f"site{index}", commune=commune, capacity=template.capacity
                    * capacity, opening=month_label(parse_month(START) + month), grants=[])
        sites.append(site)
    reference = simulate(scenario("baseline", population, months, seed))
    treated = simulate(scenario("centres", population, months, seed,
                                centres={"sites": sites}))
    return reference, treated


def commune_panel(reference: Results, treated: Results, measure: str,
                   openings: dict[str, int]) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    names = communes(reference)[:BRUSSELS_COMMUNES]
    units = {name: [name] for name in names}
    y0, y1 = rates(reference, measure, units), rates(treated, measure, units)
    first = np.array([openings.get(name, NEVER) for name in names])
    exposed = (np.arange(len(y0))[:, None] >= first[None, :]) & (first[None, :] >= 0)
    panel = pd.concat([long_panel(y1, "y", "commune"),
                       long_panel(pd.DataFrame(exposed.astype(int), columns=names), "treated",
                             "commune")], axis=1).reset_index()
    panel["first"] = panel["commune"].map({name: openings.get(name, 0) for name in names})
    return panel, exposed, y1 - y0

