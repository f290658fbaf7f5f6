"""What a PSA reports: the cost-effectiveness plane, acceptability curves, the frontier, the
EVPI and the EVPPI of each group of parameters, and the Monte Carlo error of one draw set
beside the spread over draws.

Costs and effects are the discounted totals of ``passerelle.apps.psa.outcomes`` (EUR and
QALYs of the whole population over the reported period), the costs from one perspective
(``passerelle.engine.payers``: the health-care payer by default, or the societal one),
named in a ``perspective`` column of every table and in every plot's title: the EVPI and
EVPPI are therefore population values over that period (EUR).

The EVPPI of a group of parameters is estimated by regression (Strong, Oakley & Brennan,
Med Decis Making 2014): each strategy's net benefit is regressed on the group's drawn
values (a quadratic polynomial with pairwise products, by least squares), and
EVPPI = E[max fitted] − max E[fitted].

The Monte Carlo error of a draw is measured at the draws' own parameters, by a one-way
analysis of variance (O'Hagan, Stevenson & Madan, Health Econ 2007): each of the first
``m`` draws ran twice on independent seeds, and the Monte Carlo variance of one draw's
incremental cost or QALYs is the mean over those draws of half their squared difference.
The variance over draws is the sum of that and the variance the parameters cause, which is
estimated as their difference. (Seeds at one reference parameter set would measure the
noise where the reference sits, which can be far from its mean over the draws: the
facilitators' QALYs gained vary by several-fold across the draws.)
"""

from __future__ import annotations

import math
from itertools import combinations_with_replacement
from pathlib import Path

import numpy as np
import pandas as pd

from passerelle.apps.psa_draws import replicate_seed
from passerelle.engine.payers import HEALTH_CARE_PAYER, Perspective
from passerelle.evaluate.cost_effectiveness import (
    acceptability_curve,
    evpi,
    icer_table,
    net_monetary_benefit,
)

WTPS = tuple(float(w) for w in range(0, 100_001, 5_000))  # EUR per QALY
# The threshold tables quote: KCE gives no official one; EUR 35,000 a QALY is the order of
# the values discussed for Belgium (assumption, for the headline only; curves span 0-100k).
HEADLINE_WTP = 35_000.0


def matrices(table: pd.DataFrame, scenarios: list[str],
             perspective: Perspective = HEALTH_CARE_PAYER) -> tuple[np.ndarray, np.ndarray]:
    """Draws × scenarios arrays of discounted cost (EUR, from ``perspective``) and QALYs,
    draws by seed."""
    cost = perspective.measure
    wide = table.pivot(index="seed", columns="scenario", values=[cost, "qalys"])
    return (wide[cost][scenarios].to_numpy(), wide["qalys"][scenarios].to_numpy())


def _design(x: np.ndarray) -> np.ndarray:
    """Quadratic design: intercept, each column standardised, squares and pairwise products."""
    z = (x - x.mean(axis=0)) / np.where(x.std(axis=0) > 0, x.std(axis=0), 1.0)
    terms = [np.ones(len(z)), *z.T]
    terms += [z[:, i] * z[:, j] for i, j in combinations_with_replacement(range(z.shape[1]), 2)]
    return np.column_stack(terms)


def evppi(parameters: np.ndarray, nmb: np.ndarray) -> float:
    """EVPPI (currency) of the parameters in ``parameters`` (draws × group) for the net
    benefits ``nmb`` (draws × strategies), by quadratic regression.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> theta = rng.normal(size=(4000, 1))
    >>> nmb = np.column_stack([np.zeros(4000), theta[:, 0]])  # decision depends on theta
    >>> round(evppi(theta, nmb), 1)  # E[max(0, Z)] = 0.399
    0.4
    """
    design = _design(np.asarray(parameters, dtype=float))
    coefficients, *_ = np.linalg.lstsq(design, nmb, rcond=None)
    fitted = design @ coefficients
    return float(fitted.max(axis=1).mean() - fitted.mean(axis=0).max())


def report(draws: pd.DataFrame, outcomes: pd.DataFrame, scenarios: list[str],
           monte_carlo: pd.DataFrame | None = None, wtps=WTPS,
           perspective: Perspective = HEALTH_CARE_PAYER) -> dict[str, pd.DataFrame]:
    """The PSA's tables by name, costs from ``perspective``: ``strategies`` (means and 95%
    ranges, frontier status and ICERs), ``plane`` (incremental cost and QALYs of each
    draw), ``acceptability`` (one column per scenario), ``evpi`` (by willingness to pay),
    ``evppi`` (by group of parameters at each willingness to pay) and, given
    ``monte_carlo`` outcomes (the second runs of ``PsaPlan.replicates``), ``error`` (Monte
    Carlo against parameter spread, ``monte_carlo_error``); each but
    ``acceptability`` has a ``perspective`` column."""
    frames = _report(draws, outcomes, scenarios, monte_carlo, wtps, perspective)
    for name, frame in frames.items():
        if name != "acceptability":
            frame.insert(0, "perspective", perspective.name)
    return frames


def _report(draws, outcomes, scenarios, monte_carlo, wtps, perspective):
    costs, effects = matrices(outcomes, scenarios, perspective)
    frames: dict[str, pd.DataFrame] = {}
    means = pd.DataFrame({"name": scenarios, "cost": costs.mean(axis=0),
                          "effect": effects.mean(axis=0)})
    frontier = icer_table(means)
    ranges = pd.DataFrame({"name": scenarios,
                           "cost_low": np.percentile(costs, 2.5, axis=0),
                           "cost_high": np.percentile(costs, 97.5, axis=0),
                           "effect_low": np.percentile(effects, 2.5, axis=0),
                           "effect_high": np.percentile(effects, 97.5, axis=0)})
    frames["strategies"] = frontier.merge(ranges, on="name")
    seeds = np.sort(outcomes.seed.unique())
    frames["plane"] = pd.concat([pd.DataFrame({
        "seed": seeds, "scenario": name,
        "incremental_cost": costs[:, k] - costs[:, 0],
        "incremental_qalys": effects[:, k] - effects[:, 0]})
        for k, name in enumerate(scenarios[1:], start=1)], ignore_index=True)
    frames["acceptability"] = acceptability_curve(costs, effects, wtps, scenarios)
    frames["evpi"] = pd.DataFrame({"wtp": list(wtps),
                                   "evpi": [evpi(costs, effects, w) for w in wtps]})
    by_seed = draws.copy()
    by_seed.index = by_seed.index + 1  # draw k ran on seed k + 1
    parameters = by_seed.loc[seeds]
    groups = sorted({key.partition(".")[0] for key in parameters.columns})
    rows = []
    for wtp in (0.0, HEADLINE_WTP, 2 * HEADLINE_WTP):
        nmb = net_monetary_benefit(costs, effects, wtp)
        for group in groups:
            columns = [c for c in parameters.columns if c.partition(".")[0] == group]
            rows.append({"group": group, "parameters": len(columns), "wtp": wtp,
                         "evppi": evppi(parameters[columns].to_numpy(), nmb)})
    frames["evppi"] = pd.DataFrame(rows)
    if monte_carlo is not None and len(monte_carlo):
        frames["error"] = monte_carlo_error(costs, effects, seeds, monte_carlo, scenarios,
                                            len(draws), perspective)
    return frames


def monte_carlo_error(costs: np.ndarray, effects: np.ndarray, seeds: np.ndarray,
                      replicates: pd.DataFrame, scenarios: list[str], n_draws: int,
                      perspective: Perspective = HEALTH_CARE_PAYER) -> pd.DataFrame:
    """The Monte Carlo error of one draw against the spread over draws, by analysis of
    variance over the draws that ran twice.

    Parameters
    ----------
    costs, effects : numpy.ndarray
        Draws × scenarios discounted costs (EUR) and QALYs, rows in the order of ``seeds``.
    seeds : numpy.ndarray
        The seed of each row: draw ``k`` ran on seed ``k + 1``.
    replicates : pandas.DataFrame
        ``outcomes`` of the second runs: draw ``k``'s on seed
        ``passerelle.apps.psa_draws.replicate_seed(k, n_draws)``.
    scenarios : list of str
        The scenarios, the reference first.
    n_draws : int
        How many draws the plan has.
    perspective : Perspective, optional
        Whose costs.

    Returns
    -------
    pandas.DataFrame
        For each scenario and measure (incremental cost, EUR; incremental QALYs): ``sd over
        draws``, ``monte carlo sd of one draw``, ``parameter sd`` (the square root of their
        variances' difference, 0 where it is negative), ``monte carlo share of variance``
        and ``replicated draws``.

    Examples
    --------
    Incremental QALYs that are a parameter's effect (sd 3) plus noise (sd 1):

    >>> rng = np.random.default_rng(2)
    >>> theta = rng.normal(10, 3, size=400)
    >>> def table(seed0, noise):
    ...     return pd.DataFrame({"scenario": np.repeat(["baseline", "new"], 400),
    ...                          "seed": np.tile(np.arange(seed0, seed0 + 400), 2),
    ...                          "cost_health_care_payer": 0.0,
    ...                          "qalys": np.r_[np.zeros(400), theta + noise]})
    >>> first = table(1, rng.normal(size=400))
    >>> cost, qalys = matrices(first, ["baseline", "new"])
    >>> error = monte_carlo_error(cost, qalys, np.arange(1, 401), table(401, rng.normal(size=400)),
    ...                           ["baseline", "new"], 400)
    >>> row = error.set_index("measure").loc["incremental QALYs"]
    >>> float(row["monte carlo sd of one draw"].round(1)), float(row["parameter sd"].round(1))
    (1.0, 3.0)
    """
    again_costs, again_effects = matrices(replicates, scenarios, perspective)
    first_row = {replicate_seed(int(seed) - 1, n_draws): row for row, seed in enumerate(seeds)}
    rows_first = [first_row[int(seed)] for seed in np.sort(replicates.seed.unique())]
    rows = []
    for k, name in enumerate(scenarios[1:], start=1):
        for measure, first, again in (("incremental cost (EUR)", costs, again_costs),
                                      ("incremental QALYs", effects, again_effects)):
            increments = first[:, k] - first[:, 0]
            twice = increments[rows_first] - (again[:, k] - again[:, 0])
            total = float(np.var(increments, ddof=1))
            noise = float(np.mean(twice ** 2) / 2)
            rows.append({"scenario": name, "measure": measure,
                         "sd over draws": math.sqrt(total),
                         "monte carlo sd of one draw": math.sqrt(noise),
                         "parameter sd": math.sqrt(max(total - noise, 0.0)),
                         "monte carlo share of variance": noise / total if total else np.nan,
                         "replicated draws": len(rows_first)})
    return pd.DataFrame(rows)


def plot(frames: dict[str, pd.DataFrame], out: Path) -> list[Path]:
    """The CE plane, the acceptability curves and the EVPI curve as PNG files in ``out``,
    each title naming the perspective of the costs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    seen = f"\n({frames['strategies'].perspective.iloc[0]} perspective)"
    written = []
    figure, axes = plt.subplots(figsize=(6, 4.5))
    for name, part in frames["plane"].groupby("scenario", sort=False):
        axes.scatter(part.incremental_qalys, part.incremental_cost / 1e6, s=6, alpha=0.5,
                     label=name)
    limit = np.array(axes.get_xlim())
    axes.plot(limit, HEADLINE_WTP * limit / 1e6, color="grey", lw=0.8,
              label=f"EUR {HEADLINE_WTP:,.0f} per QALY")
    axes.axhline(0, color="black", lw=0.5)
    axes.axvline(0, color="black", lw=0.5)
    axes.set(xlabel="QALYs gained (discounted)", ylabel="incremental cost (EUR million)",
             title=f"Cost-effectiveness plane (one point a draw){seen}")
    axes.legend(fontsize=8)
    written.append(_save(figure, out / "ce_plane.png"))
    figure, axes = plt.subplots(figsize=(6, 4))
    curves = frames["acceptability"]
    for name in curves.columns:
        axes.plot(curves.index / 1e3, curves[name], label=name)
    axes.set(xlabel="willingness to pay (EUR thousand per QALY)",
             ylabel="probability cost-effective", ylim=(-0.02, 1.02),
             title=f"Cost-effectiveness acceptability curves{seen}")
    axes.legend(fontsize=8)
    written.append(_save(figure, out / "acceptability.png"))
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(frames["evpi"].wtp / 1e3, frames["evpi"].evpi / 1e6)
    axes.set(xlabel="willingness to pay (EUR thousand per QALY)",
             ylabel="EVPI (EUR million, population)",
             title=f"Expected value of perfect information{seen}")
    written.append(_save(figure, out / "evpi.png"))
    return written


def _save(figure, path: Path) -> Path:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
