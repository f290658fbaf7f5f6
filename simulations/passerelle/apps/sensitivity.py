"""Global sensitivity analysis with SALib: Morris screening of every uncertain parameter, then
Sobol indices for the ones that matter, and a one-way tornado.

The parameters are those of the PSA (``passerelle.apps.psa.uncertain``), each laid out on
the central 95% of its distribution: a design point ``x`` in [0, 1] is read at quantile
0.025 + 0.95·x, so that the ends of a Morris grid stay finite. Every design point runs the
reference and each intervention on one common seed (common random numbers across points as
well as scenarios: an elementary effect is then a difference of parameters, not of luck),
through the PSA's Dask machinery. The output measures of an intervention are its
incremental discounted cost (EUR, from one perspective of ``passerelle.engine.payers``: the
health-care payer's by default), QALYs gained, cost per QALY gained (EUR per QALY) and net
monetary benefit at ``HEADLINE_WTP`` (EUR), against the reference. ``drivers`` says in
words which parameters drive each intervention's measure.

``sobol_indices`` and ``morris_indices`` are thin, checked wrappers of SALib that any
function of the unit cube can use (the tests check them on the Ishigami function).

Examples
--------
>>> import numpy as np
>>> linear = lambda x: x @ np.array([1.0, 0.0])
>>> indices = morris_indices(linear, ["a", "b"], trajectories=4, seed=1)
>>> list(indices.sort_values("mu_star", ascending=False).index)
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from passerelle.apps.psa import DRAWS_FOLDER, PsaPlan, outcomes, run_psa
from passerelle.apps.psa_analysis import HEADLINE_WTP
from passerelle.apps.psa_draws import Uncertain, values
from passerelle.engine.payers import HEALTH_CARE_PAYER, Perspective

CENTRAL = (0.025, 0.975)  # the part of each distribution a design spans (quantiles)
LEVELS = 4  # Morris grid levels
MEASURES = ("incremental_cost", "qalys_gained", "cost_per_qaly", "net_benefit")
FALLBACK = "net_benefit"  # ranked where a measure is undefined at some design points


def _problem(names: Sequence[str]) -> dict:
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def morris_indices(function: Callable[[np.ndarray], np.ndarray], names: Sequence[str],
                   trajectories: int = 10, seed: int = 1) -> pd.DataFrame:
    """Morris screening of ``function`` (points of the unit cube → outputs): ``mu_star``,
    ``mu``, ``sigma`` and ``mu_star_conf`` by parameter name."""
    from SALib.analyze import morris
    from SALib.sample import morris as morris_sample

    problem = _problem(names)
    x = morris_sample.sample(problem, trajectories, num_levels=LEVELS, seed=seed)
    found = morris.analyze(problem, x, np.asarray(function(x), dtype=float),
                           num_levels=LEVELS, seed=seed)
    return pd.DataFrame({key: found[key] for key in ("mu_star", "mu", "sigma",
                                                     "mu_star_conf")}, index=list(names))


def sobol_indices(function: Callable[[np.ndarray], np.ndarray], names: Sequence[str],
                  n: int = 1024, seed: int = 1) -> pd.DataFrame:
    """First-order and total Sobol indices of ``function`` over the unit cube, with their
    95% bootstrap half-widths (``S1``, ``S1_conf``, ``ST``, ``ST_conf``), from Saltelli's
    design of ``n`` × (k + 2) points."""
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    problem = _problem(names)
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    found = sobol.analyze(problem, np.asarray(function(x), dtype=float),
                          calc_second_order=False, seed=seed)
    return pd.DataFrame({key: found[key] for key in ("S1", "S1_conf", "ST", "ST_conf")},
                        index=list(names))


def central(unit: np.ndarray) -> np.ndarray:
    """Design points of [0, 1] read on the central 95% of each distribution."""
    low, high = CENTRAL
    return low + (high - low) * np.asarray(unit, dtype=float)


class ModelOutputs:
    """The simulator as a function of the unit cube: each call runs its design points (the
    reference and every intervention on each, ``seed`` for all) into a new folder below
    ``out`` and returns, per intervention, the output measures of every point, costs from
    ``perspective``."""

    def __init__(self, scenarios: Sequence[str], parameters: Sequence[Uncertain],
                 settings: Sequence[str], out: str | Path, seed: int = 1, client=None,
                 workers: int | None = None, perspective: Perspective = HEALTH_CARE_PAYER):
        self.scenarios, self.parameters = tuple(scenarios), list(parameters)
        self.settings, self.out, self.seed = tuple(settings), Path(out), seed
        self.client, self.workers, self.calls = client, workers, 0
        self.perspective = perspective

    def __call__(self, unit: np.ndarray, name: str = "") -> dict[str, pd.DataFrame]:
        """The measures at design points ``unit`` (points × parameters, in [0, 1])."""
        return self.at(values(self.parameters, central(unit)), name)

    def at(self, table: pd.DataFrame, name: str = "") -> dict[str, pd.DataFrame]:
        """The measures at the parameter values of ``table`` (one row a point)."""
        plan = PsaPlan(self.scenarios, table, self.settings, common_seed=self.seed)
        self.calls += 1
        folder = self.out / (name or f"design-{self.calls}")
        run_psa(plan, folder, client=self.client, workers=self.workers)
        found = outcomes(folder / DRAWS_FOLDER)
        found["draw"] = found.run_id.map(plan.draws_of())
        found = found.explode("draw")
        total = self.perspective.measure
        wide = found.pivot(index="draw", columns="scenario", values=[total, "qalys"])
        reference = self.scenarios[0]
        measures = {}
        for scenario in self.scenarios[1:]:
            cost = wide[total][scenario] - wide[total][reference]
            gained = wide["qalys"][scenario] - wide["qalys"][reference]
            measures[scenario] = pd.DataFrame({
                "incremental_cost": cost, "qalys_gained": gained,
                "cost_per_qaly": cost / gained,
                "net_benefit": HEADLINE_WTP * gained - cost}).sort_index()
        return measures


def screen(model: ModelOutputs, trajectories: int, seed: int = 1
           ) -> dict[tuple[str, str], pd.DataFrame]:
    """Morris indices of every parameter for each (intervention, measure)."""
    from SALib.analyze import morris
    from SALib.sample import morris as morris_sample

    names = [p.key for p in model.parameters]
    problem = _problem(names)
    x = morris_sample.sample(problem, trajectories, num_levels=LEVELS, seed=seed)
    found = model(x, name="morris")
    indices = {}
    for scenario, table in found.items():
        for measure in MEASURES:
            y = table[measure].to_numpy()
            if not np.all(np.isfinite(y)):
                continue
            result = morris.analyze(problem, x, y, num_levels=LEVELS, seed=seed)
            indices[(scenario, measure)] = pd.DataFrame(
                {key: result[key] for key in ("mu_star", "mu", "sigma", "mu_star_conf")},
                index=names).sort_values("mu_star", ascending=False)
    return indices


def tornado(model: ModelOutputs, keys: Sequence[str]) -> pd.DataFrame:
    """One-way ranges: each parameter of ``keys`` at either end of its central 95%, the
    others at their defaults, in one design; one row per (intervention, parameter) with
    the measures at the low and high ends and at the defaults."""
    chosen = [p for p in model.parameters if p.key in keys]
    defaults = {p.key: p.default for p in chosen}
    rows = [defaults]
    for parameter in chosen:
        for end in CENTRAL:
            rows.append(defaults | {parameter.key: float(parameter.distribution.ppf(end))})
    found = model.at(pd.DataFrame(rows), name="tornado")
    out = []
    for scenario, table in found.items():
        for k, parameter in enumerate(chosen):
            for measure in MEASURES:
                out.append({"scenario": scenario, "parameter": parameter.key,
                            "measure": measure, "default": table[measure].iloc[0],
                            "low": table[measure].iloc[1 + 2 * k],
                            "high": table[measure].iloc[2 + 2 * k]})
    return pd.DataFrame(out)


def sobol_of_model(model: ModelOutputs, keys: Sequence[str], n: int, seed: int = 1
                   ) -> dict[tuple[str, str], pd.DataFrame]:
    """Sobol indices of the parameters ``keys`` (the others at their defaults) for each
    (intervention, measure), from Saltelli's design of ``n`` × (k + 2) points."""
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    chosen = [p for p in model.parameters if p.key in keys]
    problem = _problem([p.key for p in chosen])
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    sub = ModelOutputs(model.scenarios, chosen, model.settings, model.out, model.seed,
                       model.client, model.workers, model.perspective)
    found = sub(x, name="sobol")
    indices = {}
    for scenario, table in found.items():
        for measure in MEASURES:
            y = table[measure].to_numpy()
            if np.all(np.isfinite(y)):
                result = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
                indices[(scenario, measure)] = pd.DataFrame(
                    {key: result[key] for key in ("S1", "S1_conf", "ST", "ST_conf")},
                    index=problem["names"]).sort_values("ST", ascending=False)
    return indices


def ranked(indices: dict[tuple[str, str], pd.DataFrame], scenarios: Sequence[str],
           measure: str, top: int) -> pd.DataFrame:
    """The ``top`` parameters of each intervention by Morris mu* of ``measure``: one row
    each (``scenario``, ``measure``, ``rank``, ``parameter``, ``mu_star``). Where
    ``measure`` is undefined at some design points (a cost per QALY where no QALY is
    gained), the ranking is of the net benefit at ``HEADLINE_WTP``, the same decision in
    a measure always defined, and ``measure`` says so."""
    rows = []
    for scenario in scenarios:
        used = measure if (scenario, measure) in indices else FALLBACK
        if (scenario, used) not in indices:
            continue
        table = indices[(scenario, used)]
        rows += [{"scenario": scenario, "measure": used, "rank": rank + 1,
                  "parameter": key, "mu_star": value}
                 for rank, (key, value) in enumerate(table.mu_star.head(top).items())]
    return pd.DataFrame(rows, columns=["scenario", "measure", "rank", "parameter",
                                       "mu_star"])


def drivers(ranking: pd.DataFrame, measure: str, perspective: Perspective) -> list[str]:
    """One sentence per intervention naming, in order, the parameters that drive its
    ``measure`` (``ranking`` as ``ranked`` gives it), and saying so when it had to rank
    another measure.

    Examples
    --------
    >>> ranking = pd.DataFrame({"scenario": ["centres"] * 2, "rank": [1, 2],
    ...                         "measure": ["cost_per_qaly"] * 2,
    ...                         "parameter": ["costs.gp_fee", "health.los_days"]})
    >>> print(drivers(ranking, "cost_per_qaly", HEALTH_CARE_PAYER)[0])
    ... # doctest: +NORMALIZE_WHITESPACE
    centres: the 2 parameters that drive its cost per qaly (health-care payer
    perspective) are, from the first: costs.gp_fee, health.los_days.
    """
    sentences = []
    for scenario, part in ranking.sort_values("rank").groupby("scenario", sort=False):
        names, used = list(part.parameter), part.measure.iloc[0]
        note = "" if used == measure else (
            f"its {measure.replace('_', ' ')} is undefined at some design points (no QALY "
            "gained there), so ")
        sentences.append(f"{scenario}: {note}the {len(names)} parameters that drive its "
                         f"{used.replace('_', ' ')} ({perspective.name} perspective) are, "
                         f"from the first: {', '.join(names)}.")
    return sentences


def plot_tornado(table: pd.DataFrame, measure: str, out: Path,
                 perspective: Perspective = HEALTH_CARE_PAYER) -> list[Path]:
    """One tornado plot of ``measure`` per intervention (PNG files in ``out``), costs from
    ``perspective``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for scenario, part in table[table.measure == measure].groupby("scenario", sort=False):
        part = part.assign(width=(part.high - part.low).abs()).sort_values("width")
        figure, axes = plt.subplots(figsize=(7, 0.45 * len(part) + 1.5))
        base = part["default"].iloc[0]
        for row, item in enumerate(part.itertuples()):
            axes.barh(row, item.low - base, left=base, color="#4477aa")
            axes.barh(row, item.high - base, left=base, color="#ee6677")
        axes.set_yticks(range(len(part)), part.parameter, fontsize=8)
        axes.axvline(base, color="black", lw=0.6)
        axes.set(xlabel=f"{measure.replace('_', ' ')}, {perspective.name} perspective "
                 "(low end blue, high end red)",
                 title=f"{scenario}: one-way sensitivity (central 95% of each parameter)")
        figure.tight_layout()
        path = out / f"tornado-{scenario}-{measure}.png"
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)
    return written
