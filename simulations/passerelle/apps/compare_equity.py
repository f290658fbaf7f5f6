"""Distributional cost-effectiveness of a comparison: who gains the QALYs and who bears the
costs, by national income quintile (Asaria, Griffin & Cookson 2016, with the equity
functions of ``passerelle.evaluate``).

For each quintile, over the reported period and per person of its mean population: the
QALYs gained (discounted at the effects' rate), the incremental cost (discounted, from the
health-care payer's perspective, the reference case) and the net health benefit, QALYs
gained less the incremental cost over ``THRESHOLD`` (the health the money would have bought
elsewhere, charged to the quintile the cost is incurred for, as
``passerelle.evaluate.distributional_summary`` does). For the whole population: the mean
net health benefit, its equally-distributed equivalent (Atkinson, aversion ``EPSILON``, on
the quintiles' QALYs per person with and without the intervention) and the concentration
index of the QALYs gained across income (negative: gains concentrated among the poorer).
Each comes with its 95% interval over seeds.

Examples
--------
>>> quintile_frame({"population": np.ones((2, 5)), "qalys": np.ones((2, 5)),
...                 "cost_inami": np.zeros((2, 5))}, 0.0, 0.0).columns.tolist()
['quintile', 'rank', 'population', 'qalys', 'cost']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.apps.figures import legend_below
from passerelle.apps.psa_analysis import HEADLINE_WTP
from passerelle.apps.seed_intervals import over_seeds
from passerelle.config.labels import axis
from passerelle.engine.groups import QUINTILES
from passerelle.engine.numbers import interval
from passerelle.engine.payers import HEALTH_CARE_PAYER
from passerelle.evaluate.distributional import distributional_summary
from passerelle.evaluate.equity import concentration_index
from passerelle.modules.health import discount_factors

SECTION = "distributional"
# The cost of a QALY displaced elsewhere (EUR per QALY): the same assumption as the
# headline willingness to pay (KCE names no threshold; see psa_analysis.HEADLINE_WTP).
THRESHOLD = HEADLINE_WTP
# Atkinson inequality aversion (assumption: 1, the log of health, a moderate aversion;
# Asaria et al. 2016 elicit higher values in England and show results over a range).
EPSILON = 1.0
SHORT = {"mean net health benefit per person": "mean NHB",
         "equally-distributed net health benefit per person": "EDE NHB"}
PER_PERSON = {  # column of quintile_frame's difference: (quantity, unit)
    "qalys": ("QALYs gained per person", "QALYs per person"),
    "cost": ("incremental cost per person", "EUR per person"),
    "net_health_benefit": ("net health benefit per person", "QALYs per person"),
}


def quintile_frame(by_quintile: dict[str, np.ndarray], discount_costs: float,
                   discount_effects: float) -> pd.DataFrame:
    """One row per quintile of a run: its rank (0 poorest), mean population (persons),
    discounted QALYs and health-care payer cost (EUR) over the reported months.

    Parameters
    ----------
    by_quintile : dict of str to numpy.ndarray
        ``population``, ``qalys`` and cost measures ``cost_<payer>`` by month and
        quintile (months × 5), as ``RunSummary.by_quintile`` holds them.
    discount_costs, discount_effects : float
        Yearly discount rates of costs and of effects (0.03 for 3%).

    Returns
    -------
    pandas.DataFrame
        Columns ``quintile``, ``rank``, ``population``, ``qalys``, ``cost``.

    Examples
    --------
    >>> frame = quintile_frame({"population": np.ones((12, 5)), "qalys": np.ones((12, 5)),
    ...                         "cost_inami": np.ones((12, 5))}, 0.0, 0.0)
    >>> frame.columns.tolist(), frame.qalys.tolist()
    (['quintile', 'rank', 'population', 'qalys', 'cost'], [12.0, 12.0, 12.0, 12.0, 12.0])
    """
    population = by_quintile["population"]
    months = population.shape[0]
    effects, costs = discount_factors(discount_effects, months), discount_factors(
        discount_costs, months)
    cost = sum(costs @ by_quintile[f"cost_{payer}"] for payer in HEALTH_CARE_PAYER.payers
               if f"cost_{payer}" in by_quintile)
    return pd.DataFrame({"quintile": list(QUINTILES), "rank": np.arange(len(QUINTILES)),
                         "population": population.mean(axis=0),
                         "qalys": effects @ by_quintile["qalys"],
                         "cost": np.broadcast_to(cost, len(QUINTILES))})


def distribution_of_gains(reference, scenario) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per quintile, the per-person QALYs gained, incremental cost and net health benefit
    of ``scenario`` against ``reference``; and the population's mean and
    equally-distributed net health benefit and the concentration index of QALYs gained.

    Parameters
    ----------
    reference, scenario : RunSummary
        Two runs on the same seed (``Comparison.pairs``).

    Returns
    -------
    frame : pandas.DataFrame
        One row per quintile: ``qalys`` gained (QALYs per person), ``cost`` (EUR per
        person), ``net_health_benefit`` (QALYs per person), with ``population``,
        ``rank`` and the reference's QALYs per person (``baseline``).
    whole : dict of str to float
        The population's figures, by quantity.

    Examples
    --------
    >>> from passerelle.apps.compare import run_comparison
    >>> comparison = run_comparison(["baseline", "centres"], seeds=1, overrides=[
    ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
    >>> frame, whole = distribution_of_gains(*comparison.pairs("centres")[0])
    >>> len(frame), sorted(whole)[0]
    (5, 'concentration index of QALYs gained')
    """
    before = quintile_frame(reference.by_quintile, reference.discount_costs,
                            reference.discount_effects)
    after = quintile_frame(scenario.by_quintile, scenario.discount_costs,
                           scenario.discount_effects)
    people = before["population"]
    frame = pd.DataFrame({"quintile": before["quintile"], "rank": before["rank"],
                          "population": people,
                          "qalys": (after["qalys"] - before["qalys"]) / people,
                          "cost": (after["cost"] - before["cost"]) / people,
                          "baseline": before["qalys"] / people})
    summary = distributional_summary(frame, "quintile", "cost", "qalys", THRESHOLD,
                                     EPSILON, weight="population", baseline="baseline")
    frame["net_health_benefit"] = summary.by_group["net_health_benefit"].to_numpy()
    gained = float(np.average(frame["qalys"], weights=people))
    whole = {"mean net health benefit per person": summary.mean_nhb,
             "equally-distributed net health benefit per person": summary.ede_nhb,
             "concentration index of QALYs gained": concentration_index(
                 frame, "qalys", "rank", weight="population") if gained != 0 else np.nan}
    return frame, whole


def distributional_rows(pairs) -> list[dict]:
    """Rows of section ``distributional`` for one scenario: per quintile (``group``) each
    per-person difference, and for the population (``group`` ``all``) the mean and EDE net
    health benefit and the concentration index of QALYs gained, intervals over seeds.

    Parameters
    ----------
    pairs : list of (RunSummary, RunSummary)
        The (reference, scenario) runs of each seed (``Comparison.pairs``).

    Returns
    -------
    list of dict
        Rows of the comparison table (none when the runs have no health module).

    Examples
    --------
    >>> from passerelle.apps.compare import run_comparison
    >>> comparison = run_comparison(["baseline", "centres"], seeds=1, overrides=[
    ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
    >>> rows = distributional_rows(comparison.pairs("centres"))
    >>> len(rows), {row["section"] for row in rows}
    (18, {'distributional'})
    """
    reference, scenario = pairs[0]
    if "qalys" not in reference.by_quintile:
        return []
    found = [distribution_of_gains(r, s) for r, s in pairs]
    perspective = f"{HEALTH_CARE_PAYER.name} perspective, EUR {THRESHOLD:,.0f} per QALY"
    rows = []

    def row(quantity, group, unit, values, before=np.nan, after=np.nan):
        difference, low, high = over_seeds(np.asarray(values, dtype=float))
        rows.append({"section": SECTION, "scenario": scenario.scenario, "quantity": quantity,
                     "group": group, "period": "run", "unit": f"{unit} ({perspective})",
                     "reference_value": before, "scenario_value": after,
                     "difference": difference, "low": low, "high": high})

    for k, quintile in enumerate(QUINTILES):
        for column, (quantity, unit) in PER_PERSON.items():
            row(quantity, quintile, unit, [frame[column].iloc[k] for frame, _ in found])
    for name in found[0][1]:
        unit = "index -1 to 1" if name.startswith("concentration") else "QALYs per person"
        row(name, "all", unit, [whole[name] for _, whole in found])
    return rows


def plot_distributional(comparison, ax) -> None:
    """QALYs gained and net health benefit per 1,000 people by income quintile, with
    their 95% intervals over seeds.

    Parameters
    ----------
    comparison : Comparison
        A comparison whose runs have the health module.
    ax : matplotlib.axes.Axes
        Where to draw: two bars per scenario and quintile.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from passerelle.apps.compare import run_comparison
    >>> comparison = run_comparison(["baseline", "centres"], seeds=1, overrides=[
    ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
    >>> ax = Figure().subplots()
    >>> plot_distributional(comparison, ax)
    >>> len(ax.patches)
    10
    """
    table = comparison.table()
    part = table[(table.section == SECTION) & (table.group != "all")]
    quantities = (PER_PERSON["qalys"][0], PER_PERSON["net_health_benefit"][0])
    scenarios = list(comparison.scenarios[1:])
    width = 0.8 / (len(scenarios) * len(quantities))
    x = np.arange(len(QUINTILES))
    for i, (scenario, quantity) in enumerate((s, q) for s in scenarios for q in quantities):
        rows = part[(part.scenario == scenario) & (part.quantity == quantity)].set_index(
            "group").loc[list(QUINTILES), ["difference", "low", "high"]] * 1_000
        errors = np.vstack([rows.difference - rows.low, rows.high - rows.difference])
        ax.bar(x + i * width, rows.difference, width, capsize=3, label=(
            f"{scenario}: {quantity.replace(' per person', '')}"),
            yerr=np.where(np.isfinite(errors), errors, 0.0))
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xticks(x + width * (len(scenarios) * len(quantities) - 1) / 2,
                  [f"{q} ({'poorest' if k == 0 else 'richest' if k == 4 else ''})".replace(
                      " ()", "") for k, q in enumerate(QUINTILES)])
    ax.set_ylabel(axis(f"change from {comparison.reference} over the run",
                       "QALYs per 1,000 people"))
    legend_below(ax)


def distributional_table(comparison, scenario: str) -> pd.DataFrame:
    """The distributional analysis of ``scenario`` as text: per quintile the QALYs gained
    and net health benefit (NHB) per 100,000 people and the incremental cost per person,
    then the population's mean and equally-distributed (EDE) NHB and the concentration
    index of QALYs gained (-1 to 1), each with its 95% interval over seeds.

    Parameters
    ----------
    comparison : Comparison
        The runs compared.
    scenario : str
        One of its scenarios but the reference.

    Returns
    -------
    pandas.DataFrame
        A row per quintile then the population's rows, cells as text (empty when the
        runs have no health module).

    Examples
    --------
    >>> from passerelle.apps.compare import run_comparison
    >>> comparison = run_comparison(["baseline", "centres"], seeds=1, overrides=[
    ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
    >>> distributional_table(comparison, "centres").quintile.tolist()[-3:]
    ['mean NHB', 'EDE NHB', 'conc. index']
    """
    table = comparison.table()
    part = table[(table.section == SECTION) & (table.scenario == scenario)]
    if part.empty:
        return pd.DataFrame()
    shown = {  # quantity: (column, factor)
        PER_PERSON["qalys"][0]: ("QALYs gained per 100k people", 1e5),
        PER_PERSON["cost"][0]: ("EUR per person", 1.0),
        PER_PERSON["net_health_benefit"][0]: ("NHB, QALYs per 100k people", 1e5),
    }
    rows = []
    for group, by_group in part[part.group != "all"].groupby("group", sort=True):
        line = {"quintile": group}
        for found in by_group.itertuples():
            column, factor = shown[found.quantity]
            line[column] = interval(factor * found.difference, factor * found.low,
                                    factor * found.high)
        rows.append(line)
    for found in part[part.group == "all"].itertuples():
        if found.quantity.startswith("concentration"):
            rows.append({"quintile": "conc. index",
                         shown[PER_PERSON["qalys"][0]][0]: interval(
                             found.difference, found.low, found.high)})
        else:
            column, factor = shown[PER_PERSON["net_health_benefit"][0]]
            rows.append({"quintile": SHORT[found.quantity],
                         column: interval(factor * found.difference, factor * found.low,
                                          factor * found.high)})
    return pd.DataFrame(rows).fillna("")


__all__ = ["EPSILON", "THRESHOLD", "distribution_of_gains", "distributional_rows",
           "distributional_table", "plot_distributional", "quintile_frame"]
