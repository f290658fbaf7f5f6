"""Probabilistic sensitivity analysis: every uncertain parameter drawn from the distribution
written next to its provenance, each scenario run on every draw, on the Dask sweep machinery.

``uncertain(scenarios)`` lists the parameters that carry an ``uncertainty`` in the modules
the scenarios run; ``draws(parameters, n, seed)`` lays out ``n`` Latin-hypercube points of
the unit cube and reads each parameter's value at its quantile. Draw ``k`` runs every
scenario with seed ``k + 1``: the scenarios of one draw share their random numbers (common
random numbers, so an incremental cost or QALY is paired), the draws are independent
Monte Carlo realisations. ``run_psa`` sends the runs to ``passerelle.apps.sweep.sweep``
(local cluster by default, resumable, each run streamed to Parquet as it finishes) with a
``compute`` that keeps only what an economic evaluation needs: each month's total of the
QALY, life-year and cost measures. ``outcomes(out)`` reads them back with DuckDB into one
row per draw and scenario: discounted costs by payer and in total (EUR) and discounted
QALYs, at the KCE rates of the run's health module. ``monte_carlo`` runs the reference
parameters on several seeds, so that the Monte Carlo error of one draw can be set beside
the spread over draws (``passerelle.apps.psa_analysis``).

Examples
--------
>>> params = uncertain(["baseline"])
>>> "health.utility_severity" in {p.key for p in params}
True
>>> table = draws(params, 4, seed=1)
>>> table.shape == (4, len(params))
True
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from passerelle.apps.sweep import SweepRun, run_id, sweep
from passerelle.config.labels import COST
from passerelle.config.scenario import Scenario, load
from passerelle.engine.distributions import Distribution, from_description
from passerelle.engine.parameters import provenance
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.sim import Sim
from passerelle.engine.store import RESULTS_FILE, connect
from passerelle.modules import registry
from passerelle.modules.health import discount_factors

COST_MEASURES = tuple(f"cost_{payer}" for payer in PAYER_NAMES)
EFFECT_MEASURES = ("qalys", "life_years")
DRAWS_FOLDER, MONTE_CARLO_FOLDER = "draws", "monte-carlo"
PARAMETERS_FILE = "parameters.csv"


@dataclass(frozen=True)
class Uncertain:
    """A parameter drawn in the PSA: ``module.field``, its distribution, its default, and
    its group (the module: the EVPPI's groups of parameters)."""

    key: str
    distribution: Distribution
    default: float

    @property
    def group(self) -> str:
        return self.key.partition(".")[0]


def uncertain(scenarios: Sequence[str | Path]) -> list[Uncertain]:
    """The parameters with an ``uncertainty`` in the modules any of ``scenarios`` runs, in
    module order then field order."""
    found: dict[str, Uncertain] = {}
    for name in scenarios:
        scenario = load(name)
        modules = registry(scenario.plugins)
        for module in scenario.modules:
            for row in provenance(modules[module].Params):
                if row["distribution"] is not None:
                    key = f"{module}.{row['name']}"
                    found.setdefault(key, Uncertain(key, from_description(row["distribution"]),
                                                    float(row["default"])))
    return list(found.values())


def unit_draws(dimensions: int, n: int, seed: int) -> np.ndarray:
    """``n`` Latin-hypercube points of the unit cube of ``dimensions`` (fixed by ``seed``)."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=dimensions, seed=np.random.default_rng(seed)).random(n)


def values(parameters: Sequence[Uncertain], unit: np.ndarray) -> pd.DataFrame:
    """Each parameter's value at the quantiles ``unit`` (points × parameters)."""
    table = pd.DataFrame(index=range(len(unit)))
    for k, parameter in enumerate(parameters):
        table[parameter.key] = parameter.distribution.ppf(unit[:, k])
    return table


def draws(parameters: Sequence[Uncertain], n: int, seed: int = 1) -> pd.DataFrame:
    """``n`` parameter sets (one row each, a column per parameter ``module.field``)."""
    table = values(parameters, unit_draws(len(parameters), n, seed))
    table.index.name = "draw"
    return table


def overrides_of(row: pd.Series, modules: Sequence[str]) -> tuple[str, ...]:
    """The ``--set`` overrides of one draw for a scenario running ``modules``."""
    return tuple(f"{key}={float(value)!r}" for key, value in row.items()
                 if key.partition(".")[0] in modules)


def totals(scenario: Scenario) -> dict[str, bytes]:
    """Run ``scenario`` (on a worker) and return a small ``results.parquet``: for each
    reported month ``t`` (0 first) the total of each cost, QALY and life-year measure in the
    real population, and the rates to discount them."""
    results = Sim(scenario).run()
    health = scenario.params.get("health")
    frame = pd.DataFrame([
        {"measure": name, "t": t, "value": float(value)}
        for name in (*COST_MEASURES, *EFFECT_MEASURES) if name in results.cells
        for t, value in enumerate(results.cells[name].sum(axis=1) * results.scale)])
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(
        {"discount_costs": str(health.discount_costs),
         "discount_effects": str(health.discount_effects)})
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return {RESULTS_FILE: sink.getvalue()}


@dataclass(frozen=True)
class PsaPlan:
    """What a PSA runs: the scenarios (the first is the reference), the draws, and the
    population and run settings every run shares."""

    scenarios: tuple[str, ...]
    draws: pd.DataFrame
    settings: tuple[str, ...] = ()
    common_seed: int | None = None

    def runs(self) -> list[SweepRun]:
        """Every scenario on every draw, draw ``k`` on seed ``k + 1`` (or every draw on
        ``common_seed``: a global sensitivity analysis compares draws on the same random
        numbers)."""
        modules = {name: load(name).modules for name in self.scenarios}
        return [SweepRun(name, (*self.settings, *overrides_of(row, modules[name])),
                         self.common_seed if self.common_seed is not None else k + 1)
                for k, row in self.draws.iterrows() for name in self.scenarios]

    def draws_of(self) -> dict[str, list[int]]:
        """The draws each run stands for, by run id: a scenario that runs none of the
        modules whose parameters two draws change runs once for both."""
        found: dict[str, list[int]] = {}
        for k, run in zip(np.repeat(np.arange(len(self.draws)), len(self.scenarios)),
                          self.runs(), strict=True):
            found.setdefault(run_id(run.resolve()), []).append(int(k))
        return found

    def monte_carlo(self, seeds: int) -> list[SweepRun]:
        """Every scenario at its reference parameters on seeds 1..``seeds``."""
        return [SweepRun(name, self.settings, seed) for seed in range(1, seeds + 1)
                for name in self.scenarios]


def run_psa(plan: PsaPlan, out: str | Path, seeds: int = 0, client=None,
            workers: int | None = None, progress=None) -> Path:
    """Run ``plan``'s draws into ``out/draws`` and, with ``seeds`` > 0, its reference
    parameters on that many seeds into ``out/monte-carlo``; write the draws' parameters to
    ``out/parameters.csv``. Resumable: runs already in ``out`` are kept."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plan.draws.to_csv(out / PARAMETERS_FILE)
    (out / "plan.json").write_text(json.dumps(
        {"scenarios": list(plan.scenarios), "settings": list(plan.settings),
         "draws": len(plan.draws), "monte_carlo_seeds": seeds}, indent=2) + "\n",
        encoding="utf-8")
    runs = plan.runs() + (plan.monte_carlo(seeds) if seeds else [])
    folders = [out / DRAWS_FOLDER] * len(plan.runs()) + [out / MONTE_CARLO_FOLDER] * (
        len(runs) - len(plan.runs()))
    for folder in dict.fromkeys(folders):
        chosen = [run for run, where in zip(runs, folders, strict=True) if where == folder]
        sweep(chosen, folder, client=client, workers=workers, compute=totals,
              progress=progress)
    return out


def outcomes(folder: str | Path) -> pd.DataFrame:
    """One row per run below ``folder``: ``scenario``, ``seed``, ``run_id``, each cost line
    and the total cost discounted (EUR), QALYs and life-years discounted."""
    database = connect(folder)
    frame = database.sql("SELECT scenario, seed, run_id, run AS filename, measure, t, "
                         "value FROM results").df()
    rates = {}
    for filename in frame.filename.unique():
        metadata = pq.read_schema(Path(filename) / RESULTS_FILE).metadata
        rates[filename] = {key.decode(): float(value) for key, value in metadata.items()
                           if key.startswith(b"discount_")}
    rows = []
    keys = ["scenario", "seed", "run_id", "filename"]
    for (scenario, seed, rid, filename), part in frame.groupby(keys):
        row = {"scenario": scenario, "seed": int(seed), "run_id": rid}
        for measure, series in part.groupby("measure"):
            ordered = series.sort_values("t")["value"].to_numpy()
            rate = rates[filename]["discount_effects" if measure in EFFECT_MEASURES
                                   else "discount_costs"]
            row[measure] = float(ordered @ discount_factors(rate, ordered.size))
        rows.append(row)
    table = pd.DataFrame(rows).fillna(0.0)
    table[COST] = table[[m for m in COST_MEASURES if m in table]].sum(axis=1)
    return table.sort_values(["seed", "scenario"], kind="stable").reset_index(drop=True)


__all__ = ["PsaPlan", "Uncertain", "draws", "outcomes", "run_psa", "totals", "uncertain"]
