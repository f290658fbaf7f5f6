"""Probabilistic sensitivity analysis: every uncertain parameter drawn from the distribution
written next to its provenance, each scenario run on every draw, on the Dask sweep machinery.

``uncertain(scenarios)`` lists the parameters that carry an ``uncertainty`` in the modules
the scenarios run; ``draws(parameters, n, seed)`` lays out ``n`` Latin-hypercube points of
the unit cube and reads each parameter's value at its quantile (both from
``passerelle.apps.psa_draws``). Draw ``k`` runs every scenario with seed ``k + 1``: the
scenarios of one draw share their random numbers (common random numbers, so an incremental
cost or QALY is paired), the draws are independent Monte Carlo realisations. ``run_psa``
sends the runs to ``passerelle.apps.sweep.sweep`` (local cluster by default, resumable,
each run streamed to Parquet as it finishes) with a ``compute`` that keeps only what an
economic evaluation needs: each month's total of the QALY, life-year and cost measures.
``outcomes(out)`` reads them back with DuckDB into one row per draw and scenario:
discounted costs by payer, in total and from each perspective (EUR) and discounted QALYs,
at the KCE rates of the run's health module. ``replicates`` runs the first draws a second
time, every scenario on a seed no draw uses, so that the Monte Carlo error of one draw is
measured at the draws' own parameters and set beside the spread over draws
(``passerelle.apps.psa_analysis``).

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

from passerelle.apps.calibration.priors import PRIORS
from passerelle.apps.calibration.priors import overrides as calibration_overrides
from passerelle.apps.psa_draws import Uncertain, draws, replicate_seed, uncertain, with_posterior
from passerelle.apps.sweep import SweepRun, run_id, sweep
from passerelle.config.labels import COST
from passerelle.config.scenario import Scenario, load
from passerelle.engine.payers import PAYER_NAMES, PERSPECTIVES
from passerelle.engine.sim import Sim
from passerelle.engine.store import RESULTS_FILE, connect
from passerelle.modules.health import discount_factors

COST_MEASURES = tuple(f"cost_{payer}" for payer in PAYER_NAMES)
EFFECT_MEASURES = ("qalys", "life_years")
DRAWS_FOLDER, MONTE_CARLO_FOLDER = "draws", "monte-carlo"
PARAMETERS_FILE = "parameters.csv"
FREE = {prior.name: prior for prior in PRIORS}  # the calibration's free parameters by name


def overrides_of(row: pd.Series, modules: Sequence[str]) -> tuple[str, ...]:
    """The ``--set`` overrides of one draw for a scenario running ``modules`` (a free
    parameter of the calibration is written as its prior says: a vector's element into
    the vector, a whole number rounded).

    Examples
    --------
    >>> row = pd.Series({"health.utility_severity": 0.1, "coverage.amu_validity_months": 5.6})
    >>> overrides_of(row, ["health", "coverage"])
    ('health.utility_severity=0.1', 'coverage.amu_validity_months=6')
    """
    chosen = {key: value for key, value in row.items()
              if key.partition(".")[0] in modules}
    free = {key: value for key, value in chosen.items() if key in FREE}
    return (*(f"{key}={float(value)!r}" for key, value in chosen.items() if key not in free),
            *calibration_overrides(free, [FREE[key] for key in free]))


def totals(scenario: Scenario) -> dict[str, bytes]:
    """Run ``scenario`` (on a worker) and return a small ``results.parquet``.

    Parameters
    ----------
    scenario : Scenario
        A resolved scenario that runs the health module.

    Returns
    -------
    dict of str to bytes
        ``{"results.parquet": ...}``: for each reported month ``t`` (0 first) the total
        of each cost (EUR), QALY and life-year measure in the real population, and in
        the file's metadata the yearly rates to discount them.

    Examples
    --------
    >>> import io
    >>> from passerelle.config.scenario import load
    >>> small = load("baseline").replace(population={"size": 2_000},
    ...                                  run={"months": 12, "burn_in": 0})
    >>> frame = pq.read_table(io.BytesIO(totals(small)["results.parquet"])).to_pandas()
    >>> sorted(set(frame.t)) == list(range(12)), "qalys" in set(frame.measure)
    (True, True)
    """
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
    population and run settings every run shares.

    Parameters
    ----------
    scenarios : tuple of str
        Built-in scenario names or TOML files, the reference first.
    draws : pandas.DataFrame
        The parameter sets (``draws``).
    settings : tuple of str, optional
        ``population.…`` and ``run.…`` overrides (``--set`` texts) for every run.
    common_seed : int, optional
        Run every draw on this seed (a global sensitivity analysis) instead of draw
        ``k`` on seed ``k + 1``.

    Examples
    --------
    >>> plan = PsaPlan(("baseline", "centres"), draws(uncertain(["centres"]), 2),
    ...                settings=("run.months=12",))
    >>> [(run.scenario, run.seed) for run in plan.runs()]
    [('baseline', 1), ('centres', 1), ('baseline', 2), ('centres', 2)]
    """

    scenarios: tuple[str, ...]
    draws: pd.DataFrame
    settings: tuple[str, ...] = ()
    common_seed: int | None = None

    def runs(self) -> list[SweepRun]:
        """Every scenario on every draw, draw ``k`` on seed ``k + 1`` (or every draw on
        ``common_seed``: a global sensitivity analysis compares draws on the same random
        numbers).

        Returns
        -------
        list of SweepRun
            Draw by draw, the scenarios in order; each carries the settings and the
            draw's values of the parameters of the modules its scenario runs.

        Examples
        --------
        >>> plan = PsaPlan(("baseline",), draws(uncertain(["baseline"]), 2), common_seed=5)
        >>> [run.seed for run in plan.runs()]
        [5, 5]
        """
        modules = {name: load(name).modules for name in self.scenarios}
        return [SweepRun(name, (*self.settings, *overrides_of(row, modules[name])),
                         self.common_seed if self.common_seed is not None else k + 1)
                for k, row in self.draws.iterrows() for name in self.scenarios]

    def draws_of(self) -> dict[str, list[int]]:
        """The draws each run stands for, by run id: a scenario that runs none of the
        modules whose parameters two draws change runs once for both.

        Returns
        -------
        dict of str to list of int
            Draw numbers by run id (``passerelle.apps.sweep.run_id``).

        Examples
        --------
        >>> plan = PsaPlan(("baseline",), draws(uncertain(["baseline"]), 2))
        >>> sorted(plan.draws_of().values())
        [[0], [1]]
        """
        found: dict[str, list[int]] = {}
        for k, run in zip(np.repeat(np.arange(len(self.draws)), len(self.scenarios)),
                          self.runs(), strict=True):
            found.setdefault(run_id(run.resolve()), []).append(int(k))
        return found

    def replicates(self, count: int) -> list[SweepRun]:
        """The first ``count`` draws again, each scenario with the draw's parameters, on
        ``replicate_seed(k, len(draws))``: two runs of one draw differ only by their random
        numbers.

        Parameters
        ----------
        count : int
            How many draws to run again (at most all of them).

        Returns
        -------
        list of SweepRun
            Draw by draw, the scenarios in order.

        Examples
        --------
        >>> plan = PsaPlan(("baseline", "centres"), draws(uncertain(["centres"]), 3))
        >>> [(run.scenario, run.seed) for run in plan.replicates(2)]
        [('baseline', 4), ('centres', 4), ('baseline', 5), ('centres', 5)]
        >>> plan.replicates(1)[1].overrides == plan.runs()[1].overrides
        True
        """
        first = self.runs()[:min(count, len(self.draws)) * len(self.scenarios)]
        return [SweepRun(run.scenario, run.overrides,
                         replicate_seed(k // len(self.scenarios), len(self.draws)))
                for k, run in enumerate(first)]


def run_psa(plan: PsaPlan, out: str | Path, replicates: int = 0, client=None,
            workers: int | None = None, progress=None) -> Path:
    """Run ``plan``'s draws into ``out/draws`` and, with ``replicates`` > 0, that many of
    its first draws again on other seeds into ``out/monte-carlo`` (``PsaPlan.replicates``);
    write the draws' parameters to ``out/parameters.csv``. Resumable: runs already in
    ``out`` are kept.

    Parameters
    ----------
    plan : PsaPlan
        What to run.
    out : str or Path
        The folder to fill (made if missing).
    replicates : int, optional
        Draws run a second time, to measure the Monte Carlo error of one draw (0: none).
    client : distributed.Client or str, optional
        A Dask client or a scheduler's address; by default a local cluster of
        ``workers`` processes (``passerelle.apps.sweep.sweep``).
    workers : int, optional
        Processes of the local cluster (default: one per core).
    progress : callable, optional
        ``progress(done, total)``, after each run of each folder.

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> import tempfile
    >>> from distributed import Client
    >>> plan = PsaPlan(("baseline",), draws(uncertain(["baseline"]), 2),
    ...                settings=("population.size=2000", "run.months=12", "run.burn_in=0"))
    >>> with tempfile.TemporaryDirectory() as out, Client(
    ...         processes=False, dashboard_address=":0") as client:
    ...     folder = run_psa(plan, out, replicates=1, client=client)
    ...     written = sorted(path.name for path in folder.iterdir())
    >>> written
    ['draws', 'monte-carlo', 'parameters.csv', 'plan.json']
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plan.draws.to_csv(out / PARAMETERS_FILE)
    (out / "plan.json").write_text(json.dumps(
        {"scenarios": list(plan.scenarios), "settings": list(plan.settings),
         "draws": len(plan.draws), "replicated_draws": replicates}, indent=2) + "\n",
        encoding="utf-8")
    runs = plan.runs() + plan.replicates(replicates)
    folders = [out / DRAWS_FOLDER] * len(plan.runs()) + [out / MONTE_CARLO_FOLDER] * (
        len(runs) - len(plan.runs()))
    for folder in dict.fromkeys(folders):
        chosen = [run for run, where in zip(runs, folders, strict=True) if where == folder]
        sweep(chosen, folder, client=client, workers=workers, compute=totals,
              progress=progress)
    return out


def outcomes(folder: str | Path, runs: Sequence[SweepRun] | None = None) -> pd.DataFrame:
    """The discounted costs and effects of every run below ``folder``, read with DuckDB.

    Parameters
    ----------
    folder : str or Path
        A folder ``run_psa`` filled (``out/draws`` or ``out/monte-carlo``).
    runs : sequence of SweepRun, optional
        Keep only these runs (a folder an earlier version of ``psa`` also filled holds
        others).

    Returns
    -------
    pandas.DataFrame
        One row per run, by seed then scenario: ``scenario``, ``seed``, ``run_id``, each
        cost line, the total of every line and each perspective's total cost
        (``cost_<perspective>``) discounted (EUR), QALYs and life-years discounted.

    Examples
    --------
    >>> import tempfile
    >>> from distributed import Client
    >>> plan = PsaPlan(("baseline", "centres"), draws(uncertain(["centres"]), 1),
    ...                settings=("population.size=2000", "run.months=12", "run.burn_in=0"))
    >>> with tempfile.TemporaryDirectory() as out, Client(
    ...         processes=False, dashboard_address=":0") as client:
    ...     table = outcomes(run_psa(plan, out, client=client) / DRAWS_FOLDER)
    >>> table.scenario.tolist(), bool((table.cost_total > 0).all())
    (['baseline', 'centres'], True)
    """
    database = connect(folder)
    frame = database.sql("SELECT scenario, seed, run_id, run AS filename, measure, t, "
                         "value FROM results").df()
    if runs is not None:
        frame = frame[frame.run_id.isin({run_id(run.resolve()) for run in runs})]
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
    for perspective in PERSPECTIVES.values():
        table[perspective.measure] = table[[f"cost_{payer}" for payer in perspective.payers
                                            if f"cost_{payer}" in table]].sum(axis=1)
    return table.sort_values(["seed", "scenario"], kind="stable").reset_index(drop=True)


__all__ = ["PsaPlan", "Uncertain", "draws", "outcomes", "run_psa", "totals", "uncertain",
           "with_posterior"]
