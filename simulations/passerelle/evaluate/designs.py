"""Study designs on simulated data: what a real study would see, and the truth it aims at.

Two runs on the same population and seed, one without and one with an intervention, give
every person (and every commune-month) both potential outcomes, because the draws are
common random numbers keyed by (seed, module, stream, month, uid). A design draws from
these runs the data a study would see (who was assigned or exposed, outcomes as measured,
attrition) and returns it as ``StudyData`` with the **true estimand** computed from the
counterfactual. Each design has an ``analyse(study) -> Estimate`` using the estimators of
``passerelle.evaluate``; ``DESIGNS`` maps the names used by ``replicate`` and the CLI to
both. Example::

    from passerelle.evaluate.designs import stepped_wedge, analyse_stepped_wedge
    study = stepped_wedge(seed=3, population=20_000)
    estimate = analyse_stepped_wedge(study)
    print(estimate.estimate, study.truth)   # unmet need-months per 1,000 residents a month

Facilitator designs run the ``facilitators`` scenario with its deployments starting after a
pre-period (``PRE_MONTHS`` reported months) and their workers multiplied by ``staffing``
(the study's own staff: at the default Brussels staffing a 20,000-person population holds
a few dozen clients, far too few for a trial). Person-level outcomes are the ``ledger``
counters (``passerelle.modules.ledger.OUTCOMES``) over the months after the pre-period.
Runs are cached in-process (``RUN_CACHE`` runs), so designs that re-draw an assignment
from the same pair of runs (the RCT with ``sim_seed``; the stepped-wedge controlled check)
simulate once.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from passerelle.config.scenario import Scenario, from_dict, load
from passerelle.engine.groups import INSURED, LAPSED, UNDOCUMENTED
from passerelle.engine.module import Module
from passerelle.engine.people import Column
from passerelle.engine.results import STEPS, Results
from passerelle.engine.sim import Sim
from passerelle.engine.timeline import month_label, parse_month
from passerelle.evaluate.estimate import Estimate
from passerelle.evaluate.propensity import ipw
from passerelle.evaluate.regression import mixed, ols, segmented
from passerelle.evaluate.staggered import callaway_santanna, twfe
from passerelle.modules.ledger import NEVER, OUTCOMES, Ledger

START = "2020-01"
BURN_IN = 12
PRE_MONTHS = 12
RUN_CACHE = 6
COVARIATES = ("base_lapsed", "base_undocumented", "base_bim", "base_dmg", "base_quintile",
              "base_homeless", "base_language", "base_substance", "base_age", "pre_outcome")
BRUSSELS_COMMUNES = 19


@dataclass
class StudyData:
    """The data a study sees (``data``), the true value of its estimand (``truth``, in the
    estimand's units), a sentence naming the estimand, the design's name and ``details``
    (settings, sizes, and truths of secondary estimands)."""

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


def _deployments(staffing: float, start: str, areas: list[tuple[tuple[str, ...], float]]
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


def _pair(population: int, months: int, seed: int, region: str = "brussels",
          deployments: list[dict] | None = None, staffing: float = 20.0
          ) -> tuple[Results, Results]:
    """(no intervention, facilitators) on the same seed; facilitators start after the
    pre-period."""
    start = month_label(parse_month(START) + PRE_MONTHS)
    deployments = deployments or _deployments(staffing, start)
    reference = simulate(scenario("baseline", population, months, seed, region))
    treated = simulate(scenario("facilitators", population, months, seed, region,
                                facilitators={"deployments": deployments}))
    return reference, treated


def _check_outcome(outcome: str) -> None:
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {tuple(OUTCOMES)}, got {outcome!r}")


def _persons(reference: Results, treated: Results, outcome: str) -> pd.DataFrame:
    """One row per person present after the pre-period: commune, baseline covariates,
    enrolment, and the post-period outcome in both runs (``y0``, ``y1``)."""
    _check_outcome(outcome)
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


def _communes(results: Results) -> list[str]:
    return list(results.grouping.dimensions["commune"])


def _monthly(results: Results, measure: str) -> pd.DataFrame:
    """Monthly counts per commune (real population) of ``measure``, or of all unmet
    need-months for ``"unmet"``."""
    if measure == "unmet":
        return sum(results.by(f"unmet_{step}", "commune") for step in STEPS)
    return results.by(measure, "commune")


def _rates(results: Results, measure: str, units: dict[str, list[str]]) -> pd.DataFrame:
    """``measure`` per 1,000 residents a month, per unit (a name → its communes)."""
    counts, population = _monthly(results, measure), results.by("population", "commune")
    return pd.DataFrame({unit: 1000 * counts[communes].sum(axis=1)
                         / population[communes].sum(axis=1)
                         for unit, communes in units.items()})


def _long(wide: pd.DataFrame, name: str, unit: str) -> pd.Series:
    series = wide.reset_index(drop=True).stack()
    series.index = series.index.set_names(["period", unit])
    return series.rename(name)


# ---------------------------------------------------------------- individual RCT


def individual_rct(seed: int, population: int = 20_000, months: int = 36,
                   outcome: str = "n_unmet_months", staffing: float = 20.0,
                   attrition: float = 0.1, reporting: float = 1.0,
                   sim_seed: int | None = None) -> StudyData:
    """Individually randomised trial of facilitator support (an IMPaCT-like design).

    The trial cohort is the people the facilitators recruit (approached and consenting) in
    the run with facilitators; they are randomised 1:1 (draw keyed by ``seed``). The
    intervention arm's outcome is read from the run with facilitators, the control arm's
    from the run without, on simulation seed ``sim_seed`` (default ``seed``): each
    participant's two potential outcomes. A share ``attrition`` of participants is lost to
    follow-up completely at random. ``reporting`` is the probability that each counted
    event (e.g. an unmet need-month) is reported at follow-up: 1 reads the outcome from
    records; below 1 the outcome is self-reported and under-reported alike in both arms
    (binomial thinning), which scales the expected estimate by ``reporting`` while the
    truth stays the true effect. ``truth`` is the mean effect over the randomised
    cohort (``outcome`` units per participant over the post-period). Re-drawing the
    assignment with a fixed ``sim_seed`` is randomisation inference on one cohort.

    >>> study = individual_rct(seed=1)                       # doctest: +SKIP
    >>> analyse_rct(study).estimate - study.truth            # doctest: +SKIP
    """
    if not 0 <= attrition < 1:
        raise ValueError(f"attrition must be in [0, 1), got {attrition}")
    if not 0 < reporting <= 1:
        raise ValueError(f"reporting must be in (0, 1], got {reporting}")
    reference, treated = _pair(population, months, seed if sim_seed is None else sim_seed,
                               staffing=staffing)
    people = _persons(reference, treated, outcome)
    cohort = people[people["enrolled"] == 1]
    if len(cohort) < 20:
        raise ValueError(f"only {len(cohort)} participants: raise population or staffing")
    rng = np.random.default_rng([seed, 1])
    arm = np.zeros(len(cohort), dtype=int)
    arm[rng.permutation(len(cohort))[: len(cohort) // 2]] = 1
    followed = rng.random(len(cohort)) >= attrition
    observed = np.where(arm == 1, cohort["y1"], cohort["y0"])
    if reporting < 1:
        observed = rng.binomial(observed.astype(np.int64), reporting)
    data = cohort[list(COVARIATES)].assign(arm=arm, y=observed)
    effect = cohort["y1"] - cohort["y0"]
    return StudyData(
        data=data[followed].reset_index(),
        truth=float(effect.mean()),
        estimand=f"mean effect of facilitator support on {outcome} per participant "
                 "(randomised cohort, post-period)",
        design="individual-rct",
        details={"outcome": outcome, "cohort": len(cohort), "followed": int(followed.sum()),
                 "reporting": reporting,
                 "sim_seed": seed if sim_seed is None else sim_seed,
                 "effect_sd": float(effect.std())},
    )


def analyse_rct(study: StudyData) -> Estimate:
    """Difference in means by arm: OLS with HC1 robust errors."""
    return ols(study.data, "y", "arm", robust=True)


# ---------------------------------------------------------------- cluster RCT


def cluster_rct(seed: int, population: int = 20_000, months: int = 36,
                outcome: str = "n_unmet_months", staffing: float = 20.0) -> StudyData:
    """Cluster-randomised trial: half of the 19 Brussels communes (drawn with ``seed``) get
    facilitators (the Brussels staffing × ``staffing``, one deployment over the treated
    communes); every resident is followed through administrative data. ``truth`` is the
    mean effect per resident of the treated communes (``outcome`` units over the
    post-period, intention to treat)."""
    rng = np.random.default_rng([seed, 2])
    names = _communes(simulate(scenario("baseline", population, months, seed)))
    chosen = sorted(rng.choice(names, size=len(names) // 2, replace=False).tolist())
    start = month_label(parse_month(START) + PRE_MONTHS)
    deployments = _deployments(staffing, start, areas=[(tuple(chosen), 12.0)])
    reference, treated = _pair(population, months, seed, deployments=deployments)
    people = _persons(reference, treated, outcome)
    commune = np.asarray(names, dtype=object)[people["base_commune"]]
    arm = np.isin(commune, chosen).astype(int)
    data = people[list(COVARIATES)].assign(
        commune=commune, arm=arm, y=np.where(arm == 1, people["y1"], people["y0"]))
    truth = float((people["y1"] - people["y0"])[arm == 1].mean())
    return StudyData(
        data=data.reset_index(), truth=truth,
        estimand=f"mean effect on {outcome} per resident of a commune offered facilitators "
                 "(post-period, intention to treat)",
        design="cluster-rct",
        details={"outcome": outcome, "treated_communes": chosen,
                 "enrolled": int(people["enrolled"].sum())},
    )


def analyse_cluster_rct(study: StudyData) -> Estimate:
    """OLS of the outcome on arm and the pre-period outcome, errors clustered by commune."""
    return ols(study.data, "y", "arm", covariates=["pre_outcome"], cluster="commune")


# ---------------------------------------------------------------- stepped wedge


def stepped_wedge(seed: int, population: int = 20_000, months: int = 48,
                  staffing: float = 20.0, step_months: int = 3, measure: str = "unmet",
                  injected: str | None = None, injected_effect: float = -2.0,
                  sim_seed: int | None = None) -> StudyData:
    """Stepped-wedge roll-out of facilitators across the nine cities (population region
    "facilitator-cities"): each city (cluster) starts in a random order (``seed``), one
    city every ``step_months`` months after the pre-period. The study sees each city's
    monthly ``measure`` per 1,000 residents (``"unmet"``: unmet need-months, or a measure
    such as ``"ed_visits"``). ``truth`` is the mean effect over the treated city-months,
    from the runs with and without facilitators (simulation seed ``sim_seed``, default
    ``seed``).

    Controlled check: with ``injected`` = "constant" or "growing", the outcome is the run
    without facilitators plus an injected effect of ``injected_effect`` per 1,000 a month,
    constant from the start month, or growing linearly with exposure (``injected_effect`` ×
    months since start / 12); ``truth`` is its mean over the treated city-months. Only
    the run without facilitators is simulated.

    >>> study = stepped_wedge(seed=1)                        # doctest: +SKIP
    >>> analyse_stepped_wedge(study)                         # doctest: +SKIP
    """
    if injected not in (None, "constant", "growing"):
        raise ValueError(f"injected must be None, 'constant' or 'growing', got {injected!r}")
    if step_months < 1:
        raise ValueError(f"step_months must be >= 1, got {step_months}")
    defaults = load("facilitators").params["facilitators"].deployments
    cities = {"/".join(d.area): list(d.area) for d in defaults}
    if PRE_MONTHS + step_months * (len(cities) - 1) >= months:
        raise ValueError(f"months must exceed {PRE_MONTHS + step_months * (len(cities) - 1)} "
                         "so that the last city starts within the run")
    rng = np.random.default_rng([seed, 3])
    order = rng.permutation(len(cities))
    first = PRE_MONTHS + step_months * order
    sim = seed if sim_seed is None else sim_seed
    region = "facilitator-cities"
    reference = simulate(scenario("baseline", population, months, sim, region))
    units = {name: _brussels(area, reference) for name, area in cities.items()}
    y0 = _rates(reference, measure, units)
    periods = np.arange(months)
    exposed = periods[:, None] >= first[None, :]
    if injected is None:
        starts = [month_label(parse_month(START) + int(f)) for f in first]
        deployments = _deployments(staffing, START, [(d.area, d.workers) for d in defaults],
                                   starts)
        treated = simulate(scenario("facilitators", population, months, sim, region,
                                    facilitators={"deployments": deployments}))
        y1 = _rates(treated, measure, units)
    else:
        exposure = (periods[:, None] - first[None, :] + 1) * exposed
        effect = injected_effect * (exposed if injected == "constant" else exposure / 12)
        y1 = y0 + effect
    data = pd.concat([_long(y1, "y", "city"),
                      _long(pd.DataFrame(exposed.astype(int), columns=y0.columns), "treated",
                            "city")], axis=1).reset_index()
    truth = float((y1 - y0).to_numpy()[exposed].mean())
    label = measure if measure != "unmet" else "unmet need-months"
    return StudyData(
        data=data, truth=truth,
        estimand=f"mean effect of facilitators on {label} per 1,000 residents a month, "
                 "over the treated city-months",
        design="stepped-wedge",
        details={"start_period": dict(zip(cities, first.tolist(), strict=True)),
                 "injected": injected, "measure": measure, "sim_seed": sim},
    )


def _brussels(area: list[str], results: Results) -> list[str]:
    """Communes of an area (a region name stands for all its communes in the run)."""
    names = _communes(results)
    if area == ["Brussels-Capital Region"]:
        return names[:BRUSSELS_COMMUNES]
    return [name for name in area if name in names]


def analyse_stepped_wedge(study: StudyData) -> Estimate:
    """Hussey & Hughes linear mixed model: month fixed effects, a random intercept per
    city, an immediate constant treatment effect."""
    return mixed(study.data, "y", "treated", cluster="city", time="period")


# ---------------------------------------------------------------- centres: DiD and ITS


def _centre_runs(population: int, months: int, seed: int,
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


def _commune_panel(reference: Results, treated: Results, measure: str,
                   openings: dict[str, int]) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    names = _communes(reference)[:BRUSSELS_COMMUNES]
    units = {name: [name] for name in names}
    y0, y1 = _rates(reference, measure, units), _rates(treated, measure, units)
    first = np.array([openings.get(name, NEVER) for name in names])
    exposed = (np.arange(len(y0))[:, None] >= first[None, :]) & (first[None, :] >= 0)
    panel = pd.concat([_long(y1, "y", "commune"),
                       _long(pd.DataFrame(exposed.astype(int), columns=names), "treated",
                             "commune")], axis=1).reset_index()
    panel["first"] = panel["commune"].map({name: openings.get(name, 0) for name in names})
    return panel, exposed, y1 - y0


def did_centre(seed: int, population: int = 20_000, months: int = 48,
               commune: str = "Molenbeek-Saint-Jean", opening: int = 24,
               measure: str = "unmet", capacity: float = 1.0) -> StudyData:
    """Difference-in-differences: an unconditional centre opens in ``commune`` at reported
    month ``opening``; the other Brussels communes are the comparison. The study sees each
    commune's monthly ``measure`` per 1,000 residents. ``truth`` is the mean effect in the
    centre's commune over its months open; ``details["spillover"]`` is the mean effect in
    the comparison communes over the same months (the centre also serves its neighbours,
    which biases the DiD towards zero).

    >>> analyse_did(did_centre(seed=1))                      # doctest: +SKIP
    """
    openings = {commune: opening}
    reference, treated = _centre_runs(population, months, seed, openings, capacity)
    panel, exposed, effect = _commune_panel(reference, treated, measure, openings)
    post = np.arange(months) >= opening
    others = [name for name in effect.columns if name != commune]
    return StudyData(
        data=panel, truth=float(effect.to_numpy()[exposed].mean()),
        estimand=f"mean effect of the centre on {measure} per 1,000 residents a month in "
                 f"{commune} while open",
        design="did",
        details={"spillover": float(effect.loc[post, others].to_numpy().mean()),
                 "commune": commune, "opening": opening},
    )


def analyse_did(study: StudyData) -> Estimate:
    """Two-way fixed-effects DiD, errors clustered by commune."""
    return twfe(study.data, "y", "commune", "period", "treated")


def did_staggered(seed: int, population: int = 20_000, months: int = 48,
                  communes: tuple[str, ...] = ("Molenbeek-Saint-Jean", "Schaerbeek",
                                               "Anderlecht"),
                  openings: tuple[int, ...] = (18, 27, 36), measure: str = "unmet",
                  capacity: float = 1.0) -> StudyData:
    """Staggered DiD: centres open in ``communes`` at reported months ``openings``, the
    dates assigned to communes in a random order (``seed``); the other Brussels communes
    never get one. The study sees the run with the centres (spillovers included).
    ``truth`` is the mean effect over the treated commune-months (each
    commune is its own cohort: what Callaway-Sant'Anna's simple aggregate targets).

    >>> analyse_staggered(did_staggered(seed=1))             # doctest: +SKIP
    """
    if len(communes) != len(openings):
        raise ValueError("give one opening month per commune")
    rng = np.random.default_rng([seed, 4])
    plan = dict(zip(communes, rng.permutation(np.asarray(openings)).tolist(), strict=True))
    reference, treated = _centre_runs(population, months, seed, plan, capacity)
    panel, exposed, effect = _commune_panel(reference, treated, measure, plan)
    return StudyData(
        data=panel, truth=float(effect.to_numpy()[exposed].mean()),
        estimand=f"mean effect of the centres on {measure} per 1,000 residents a month over "
                 "the treated commune-months",
        design="did-staggered", details={"openings": plan},
    )


def analyse_staggered(study: StudyData) -> Estimate:
    """Callaway & Sant'Anna, never-treated communes as controls, simple aggregate."""
    return callaway_santanna(study.data, "y", "commune", "period", "first",
                             method="reg")


def analyse_staggered_twfe(study: StudyData) -> Estimate:
    """Two-way fixed effects on the staggered panel (biased with heterogeneous effects)."""
    return twfe(study.data, "y", "commune", "period", "treated")


def its(seed: int, population: int = 20_000, months: int = 48,
        commune: str = "Molenbeek-Saint-Jean", opening: int = 24,
        measure: str = "ed_visits", capacity: float = 1.0) -> StudyData:
    """Interrupted time series: ``commune``'s monthly ``measure`` per 1,000 residents, a
    centre opening at reported month ``opening``. ``truth`` is the level change of the
    true effect's path: the intercept at ``opening`` of the straight line fitted to the
    monthly effects (run with − run without) over the months open, the quantity segmented
    regression's level change estimates; its slope is ``details["true_slope"]``.

    >>> analyse_its(its(seed=1))                             # doctest: +SKIP
    """
    openings = {commune: opening}
    reference, treated = _centre_runs(population, months, seed, openings, capacity)
    units = {commune: [commune]}
    y0, y1 = _rates(reference, measure, units)[commune], _rates(treated, measure, units)[commune]
    periods = np.arange(months)
    post = periods >= opening
    slope, level = np.polyfit(periods[post] - opening, (y1 - y0).to_numpy()[post], 1)
    data = pd.DataFrame({"period": periods, "y": y1.to_numpy()})
    return StudyData(
        data=data, truth=float(level),
        estimand=f"level change in {measure} per 1,000 residents a month in {commune} when "
                 "the centre opens",
        design="its",
        details={"true_slope": float(slope), "opening": opening,
                 "mean_effect": float((y1 - y0)[post].mean())},
    )


def analyse_its(study: StudyData) -> Estimate:
    """Segmented regression with Newey-West (HAC) errors; the level change."""
    return segmented(study.data, "y", "period", study.details["opening"])


# ---------------------------------------------------------------- observational


def observational(seed: int, population: int = 20_000, months: int = 36,
                  outcome: str = "n_unmet_months", staffing: float = 20.0) -> StudyData:
    """Participants and non-participants of the facilitators programme in Brussels, as
    routine data show them: participants are whoever the facilitators enrolled (targeted
    at lapsed, vulnerable and unmet-need people), outcomes from the run with facilitators,
    baseline covariates from the end of the pre-period. ``truth`` is the average effect on
    the participants (ATT, ``outcome`` units per person over the post-period)."""
    reference, treated = _pair(population, months, seed, staffing=staffing)
    people = _persons(reference, treated, outcome)
    data = people[list(COVARIATES)].assign(
        treated=people["enrolled"],
        y=np.where(people["enrolled"] == 1, people["y1"], people["y0"]))
    effect = (people["y1"] - people["y0"])[people["enrolled"] == 1]
    return StudyData(
        data=data.reset_index(), truth=float(effect.mean()),
        estimand=f"average effect of facilitator support on {outcome} on the participants "
                 "(ATT, post-period)",
        design="observational",
        details={"outcome": outcome, "participants": int(people["enrolled"].sum())},
    )


def analyse_naive(study: StudyData) -> Estimate:
    """Participants against non-participants: a plain difference in means (HC1 errors)."""
    return ols(study.data, "y", "treated", robust=True)


def analyse_propensity(study: StudyData) -> Estimate:
    """Inverse probability weighting for the ATT on the baseline covariates."""
    return ipw(study.data, "y", "treated", list(COVARIATES), estimand="ATT")


# ---------------------------------------------------------------- registry


@dataclass(frozen=True)
class Design:
    """A design: ``draw(seed, population=..., months=..., **options) -> StudyData`` and
    ``analyse(study) -> Estimate``."""

    draw: Callable[..., StudyData]
    analyse: Callable[[StudyData], Estimate]
    description: str


DESIGNS: dict[str, Design] = {
    "individual-rct": Design(individual_rct, analyse_rct,
                             "individual RCT of facilitator support, OLS with HC1 errors"),
    "cluster-rct": Design(cluster_rct, analyse_cluster_rct,
                          "cluster RCT by commune, OLS with cluster-robust errors"),
    "stepped-wedge": Design(stepped_wedge, analyse_stepped_wedge,
                            "stepped-wedge roll-out across nine cities, Hussey-Hughes"),
    "did": Design(did_centre, analyse_did, "centre opening in one commune, two-way FE DiD"),
    "did-staggered": Design(did_staggered, analyse_staggered,
                            "three centres opening at different dates, Callaway-Sant'Anna"),
    "did-staggered-twfe": Design(did_staggered, analyse_staggered_twfe,
                                 "three centres opening at different dates, two-way FE"),
    "its": Design(its, analyse_its, "a commune's ED visits around a centre opening, "
                  "segmented regression (HAC)"),
    "naive": Design(observational, analyse_naive,
                    "participants against non-participants, difference in means"),
    "propensity": Design(observational, analyse_propensity,
                         "participants against non-participants, IPW on baseline covariates"),
}
