"""Study designs on simulated data: what a real study would see, and the truth it aims at.

The shared parts (the pair of runs, the baseline snapshot, ``StudyData``) are in
``study``; the designs are grouped as ``trials``, ``quasi`` (quasi-experiments) and
``observational``; ``replicate`` scores a design over many seeds.

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

from collections.abc import Callable
from dataclasses import dataclass

from passerelle.evaluate.designs.observational import (
    analyse_naive,
    analyse_propensity,
    observational,
)
from passerelle.evaluate.designs.quasi import (
    analyse_did,
    analyse_its,
    analyse_staggered,
    analyse_staggered_twfe,
    did_centre,
    did_staggered,
    its,
)
from passerelle.evaluate.designs.study import StudyData
from passerelle.evaluate.designs.trials import (
    analyse_cluster_rct,
    analyse_rct,
    analyse_stepped_wedge,
    cluster_rct,
    individual_rct,
    stepped_wedge,
)
from passerelle.evaluate.estimate import Estimate


@dataclass(frozen=True)
class Design:
    """A study design: how its data are drawn and how they are analysed.

    Parameters
    ----------
    draw : callable
        ``draw(seed, population=..., months=..., **options) -> StudyData``.
    analyse : callable
        ``analyse(study) -> Estimate``.
    description : str
        One line naming the design and its estimator.

    Examples
    --------
    >>> from passerelle.evaluate.designs import DESIGNS
    >>> design = DESIGNS["its"]
    >>> study = design.draw(1, population=2000, months=19, opening=12)
    >>> design.analyse(study).n_obs == len(study.data)
    True
    """

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

__all__ = [
    "DESIGNS", "Design", "StudyData", "analyse_cluster_rct", "analyse_did", "analyse_its",
    "analyse_naive", "analyse_propensity", "analyse_rct", "analyse_staggered",
    "analyse_staggered_twfe", "analyse_stepped_wedge", "cluster_rct", "did_centre",
    "did_staggered", "individual_rct", "its", "observational", "stepped_wedge",
]
