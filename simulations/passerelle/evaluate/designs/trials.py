"""Randomised designs of facilitator support: individual RCT, cluster RCT, stepped wedge."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from passerelle.config.scenario import load
from passerelle.engine.timeline import month_label, parse_month
from passerelle.evaluate.designs.study import (
    COVARIATES,
    PRE_MONTHS,
    RUN_CACHE,
    START,
    StudyData,
    area_communes,
    communes,
    long_panel,
    pair,
    persons,
    rates,
    scaled_deployments,
    scenario,
    simulate,
)
from passerelle.evaluate.estimate import Estimate
from passerelle.evaluate.regression import mixed, ols


@lru_cache(maxsize=RUN_CACHE // 2)
def enrolled(population: int, months: int, sim_seed: int, staffing: float,
             outcome: str) -> pd.DataFrame:
    """The people the facilitators enrol in the pair of runs on ``sim_seed``, with both
    potential outcomes (``persons``' rows). Cached like the runs, so that re-randomising
    one cohort (randomisation inference) builds it once: treat it as read-only."""
    reference, treated = pair(population, months, sim_seed, staffing=staffing)
    people = persons(reference, treated, outcome)
    return people[people["enrolled"] == 1]


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
    truth stays the true effect. Re-drawing the assignment with a fixed ``sim_seed`` is
    randomisation inference on one cohort.

    Parameters
    ----------
    seed : int
        Seed of the randomisation, the attrition and (unless ``sim_seed``) the simulation.
    population : int, default 20_000
        Simulated people in Brussels (at least 1,000).
    months : int, default 36
        Reported months from ``START``; the first ``PRE_MONTHS`` are the pre-period.
    outcome : str, default "n_unmet_months"
        A ledger counter (``passerelle.modules.ledger.OUTCOMES``), counted per person over
        the post-period.
    staffing : float, default 20.0
        Multiplier of the default Brussels facilitator workers (the trial's own staff).
    attrition : float, default 0.1
        Share of participants lost to follow-up, in [0, 1).
    reporting : float, default 1.0
        Probability that each counted event is reported, in (0, 1].
    sim_seed : int or None, default None
        Simulation seed, when it differs from ``seed``.

    Returns
    -------
    StudyData
        One row per participant followed up (``uid``, ``COVARIATES``, ``arm`` 0/1, ``y`` in
        ``outcome`` units); ``truth`` is the mean effect over the randomised cohort
        (``outcome`` units per participant over the post-period).

    Raises
    ------
    ValueError
        When ``attrition`` or ``reporting`` is out of range, or fewer than 20 people enrol.

    Examples
    --------
    >>> from passerelle.evaluate.designs import individual_rct
    >>> study = individual_rct(seed=1, population=2000, months=19, staffing=40)
    >>> study.design, sorted(study.data["arm"].unique().tolist())
    ('individual-rct', [0, 1])
    >>> study.details["followed"] <= study.details["cohort"]
    True
    """
    if not 0 <= attrition < 1:
        raise ValueError(f"attrition must be in [0, 1), got {attrition}")
    if not 0 < reporting <= 1:
        raise ValueError(f"reporting must be in (0, 1], got {reporting}")
    cohort = enrolled(population, months, seed if sim_seed is None else sim_seed, staffing,
                      outcome)
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
    """Difference in means by arm: OLS with HC1 robust errors.

    Parameters
    ----------
    study : StudyData
        An ``individual_rct`` study (columns ``y`` and ``arm``).

    Returns
    -------
    Estimate
        The intervention arm's mean outcome minus the control arm's, in the outcome's units
        per participant.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_rct, individual_rct
    >>> estimate = analyse_rct(individual_rct(seed=1, population=2000, months=19, staffing=40))
    >>> estimate.method, estimate.conf_int[0] < estimate.estimate < estimate.conf_int[1]
    ('OLS (HC1 SE)', True)
    """
    return ols(study.data, "y", "arm", robust=True)



def cluster_rct(seed: int, population: int = 20_000, months: int = 36,
                outcome: str = "n_unmet_months", staffing: float = 20.0) -> StudyData:
    """Cluster-randomised trial: half of the 19 Brussels communes get facilitators.

    The treated communes are drawn with ``seed``; they get the Brussels staffing ×
    ``staffing`` as one deployment over them, and every resident is followed through
    administrative data (intention to treat).

    Parameters
    ----------
    seed : int
        Seed of the communes' draw and of the simulation.
    population : int, default 20_000
        Simulated people in Brussels (at least 1,000).
    months : int, default 36
        Reported months from ``START``; the first ``PRE_MONTHS`` are the pre-period.
    outcome : str, default "n_unmet_months"
        A ledger counter (``passerelle.modules.ledger.OUTCOMES``).
    staffing : float, default 20.0
        Multiplier of the Brussels facilitator workers.

    Returns
    -------
    StudyData
        One row per resident (``uid``, ``COVARIATES``, ``commune``, ``arm``, ``y``);
        ``truth`` is the mean effect per resident of the treated communes (``outcome`` units
        over the post-period).

    Examples
    --------
    >>> from passerelle.evaluate.designs import cluster_rct
    >>> study = cluster_rct(seed=1, population=2000, months=19)
    >>> arms = study.data.groupby("commune")["arm"].first()
    >>> len(study.details["treated_communes"]), int(arms.sum()), len(arms)
    (9, 9, 19)
    """
    rng = np.random.default_rng([seed, 2])
    names = communes(simulate(scenario("baseline", population, months, seed)))
    chosen = sorted(rng.choice(names, size=len(names) // 2, replace=False).tolist())
    start = month_label(parse_month(START) + PRE_MONTHS)
    deployments = scaled_deployments(staffing, start, areas=[(tuple(chosen), 12.0)])
    reference, treated = pair(population, months, seed, deployments=deployments)
    people = persons(reference, treated, outcome)
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
    """OLS of the outcome on arm and the pre-period outcome, errors clustered by commune.

    Parameters
    ----------
    study : StudyData
        A ``cluster_rct`` study (columns ``y``, ``arm``, ``pre_outcome``, ``commune``).

    Returns
    -------
    Estimate
        The effect of being offered facilitators, in the outcome's units per resident.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_cluster_rct, cluster_rct
    >>> estimate = analyse_cluster_rct(cluster_rct(seed=1, population=2000, months=19))
    >>> estimate.method, estimate.n_obs > 1000
    ('OLS (cluster-robust SE)', True)
    """
    return ols(study.data, "y", "arm", covariates=["pre_outcome"], cluster="commune")



def stepped_wedge(seed: int, population: int = 20_000, months: int = 48,
                  staffing: float = 20.0, step_months: int = 3, measure: str = "unmet",
                  injected: str | None = None, injected_effect: float = -2.0,
                  sim_seed: int | None = None) -> StudyData:
    """Stepped-wedge roll-out of facilitators across the nine cities.

    The population is the region "facilitator-cities"; each city (cluster) starts in a
    random order (``seed``), one city every ``step_months`` months after the pre-period. The
    study sees each city's monthly ``measure`` per 1,000 residents.

    Controlled check: with ``injected`` = "constant" or "growing", the outcome is the run
    without facilitators plus an injected effect of ``injected_effect`` per 1,000 a month,
    constant from the start month, or growing linearly with exposure (``injected_effect`` ×
    months since start / 12); ``truth`` is its mean over the treated city-months. Only the
    run without facilitators is simulated.

    Parameters
    ----------
    seed : int
        Seed of the cities' order and (unless ``sim_seed``) of the simulation.
    population : int, default 20_000
        Simulated people in the nine cities (at least 1,000).
    months : int, default 48
        Reported months; the last city must start within them.
    staffing : float, default 20.0
        Multiplier of each city's default facilitator workers.
    step_months : int, default 3
        Months between two cities' starts (at least 1).
    measure : str, default "unmet"
        ``"unmet"`` (unmet need-months, all steps) or a measure such as ``"ed_visits"``.
    injected : {None, "constant", "growing"}, default None
        None simulates the facilitators; otherwise the injected effect of the check.
    injected_effect : float, default -2.0
        The injected effect, ``measure`` per 1,000 residents a month.
    sim_seed : int or None, default None
        Simulation seed, when it differs from ``seed``.

    Returns
    -------
    StudyData
        One row per city-month (``period``, ``city``, ``y`` per 1,000 residents,
        ``treated``); ``truth`` is the mean effect over the treated city-months (per 1,000
        residents a month).

    Examples
    --------
    >>> from passerelle.evaluate.designs import stepped_wedge
    >>> study = stepped_wedge(seed=1, population=2000, months=21, step_months=1)
    >>> study.data["city"].nunique(), len(study.data)
    (9, 189)
    >>> sorted(study.details["start_period"].values()) == list(range(12, 21))
    True
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
    units = {name: area_communes(area, reference) for name, area in cities.items()}
    y0 = rates(reference, measure, units)
    periods = np.arange(months)
    exposed = periods[:, None] >= first[None, :]
    if injected is None:
        starts = [month_label(parse_month(START) + int(f)) for f in first]
        deployments = scaled_deployments(staffing, START, [(d.area, d.workers) for d in defaults],
                                   starts)
        treated = simulate(scenario("facilitators", population, months, sim, region,
                                    facilitators={"deployments": deployments}))
        y1 = rates(treated, measure, units)
    else:
        exposure = (periods[:, None] - first[None, :] + 1) * exposed
        effect = injected_effect * (exposed if injected == "constant" else exposure / 12)
        y1 = y0 + effect
    data = pd.concat([long_panel(y1, "y", "city"),
                      long_panel(pd.DataFrame(exposed.astype(int), columns=y0.columns), "treated",
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


def analyse_stepped_wedge(study: StudyData) -> Estimate:
    """Hussey & Hughes linear mixed model of a stepped-wedge study.

    Month fixed effects, a random intercept per city, an immediate constant treatment
    effect.

    Parameters
    ----------
    study : StudyData
        A ``stepped_wedge`` study (columns ``y``, ``treated``, ``city``, ``period``).

    Returns
    -------
    Estimate
        The treatment effect, per 1,000 residents a month.

    Examples
    --------
    >>> from passerelle.evaluate.designs import analyse_stepped_wedge, stepped_wedge
    >>> study = stepped_wedge(seed=1, population=2000, months=21, step_months=1)
    >>> analyse_stepped_wedge(study).method
    'linear mixed model (Hussey-Hughes)'
    """
    return mixed(study.data, "y", "treated", cluster="city", time="period")

