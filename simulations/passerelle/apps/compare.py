"""Compare scenarios on the same population and seeds: common random numbers make every
difference paired, and person-level effects exact.

``compare(["baseline", "facilitators+centres"], seeds=3)`` runs each scenario on seeds
1..3 (the first scenario is the reference) and returns one tidy table, one row per
quantity:

- ``measure``: every measure, as a mean per month over the reported period (``period`` =
  ``run``) and over its last 12 months (``last_12``), in the real population;
- ``person``: the true person-level effects, from the ``ledger`` counters of each person
  in both runs over the reported period: the average effect on the treated (people the
  scenario's interventions reached: enrolled by a facilitator, seen at a centre, in a
  group a policy applies to) and on everyone present, per person over the reported period;
- ``barrier``: unmet need-months by failed step, and their shares (barrier attribution
  before and after);
- ``cost``: costs by payer and in total over the reported period (EUR), and the cost per
  unmet need-month averted (total, and for the programme alone);
- ``reports``: the facilitators' upward reports: the share of each barrier as reported, as
  true in their caseload, and as true in the whole population;
- ``budget``: each centre's yearly budget lines (EUR);
- ``health`` and ``cost-effectiveness``: QALYs, life-years, hospital days, avoidable stays
  and excess deaths over the run, costs by payer discounted and the cost per QALY gained,
  from the health-care payer's perspective (``passerelle.apps.compare_health``).

Columns: ``section, scenario, reference, quantity, group, period, unit, reference_value,
scenario_value, difference, low, high, seeds``. ``difference`` is the mean over seeds of
the paired difference (scenario − reference) and ``low``–``high`` its 95% t interval over
seeds (none with a single seed): the seeds' spread is the model's stochastic noise once
common random numbers have removed what the runs share. A ratio (cost per need averted)
is the ratio of the mean differences, with the t interval of the per-seed ratios.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from passerelle.apps.budget import budget
from passerelle.apps.compare_health import health_rows
from passerelle.apps.seed_intervals import over_seeds as _interval
from passerelle.config.labels import COST, UNMET
from passerelle.config.record import RunRecord
from passerelle.config.scenario import Scenario, load
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim
from passerelle.engine.steps import STEPS
from passerelle.engine.timeline import NEVER
from passerelle.modules import registry
from passerelle.modules.costs import PAYERS
from passerelle.modules.ledger import OUTCOMES, Ledger

# progress(label of the current run, months done, months in all runs)
Progress = Callable[[str, int, int], None]
COLUMNS = ["section", "scenario", "reference", "quantity", "group", "period", "unit",
           "reference_value", "scenario_value", "difference", "low", "high", "seeds"]


@dataclass
class RunSummary:
    """What a comparison keeps of one run: monthly totals, person counters, budget."""

    scenario: str
    seed: int
    monthly: pd.DataFrame
    units: dict[str, str]
    people: dict[str, np.ndarray]
    treated: np.ndarray
    budget: pd.DataFrame
    scale: float
    discount_costs: float = 0.0
    discount_effects: float = 0.0

    @classmethod
    def of(cls, results: Results) -> RunSummary:
        """Reduce ``results`` (whose cells are large) to what a comparison needs."""
        monthly = pd.DataFrame(
            {name: cells.sum(axis=1) * results.scale for name, cells in results.cells.items()},
            index=results.months,
        )
        monthly[UNMET] = sum(monthly[f"unmet_{s}"] for s in STEPS)
        monthly[COST] = sum(monthly[f"cost_{p}"] for p in PAYERS)
        units = {m.name: m.unit for m in results.measures} | {UNMET: "need-months",
                                                               COST: "EUR"}
        modules = registry(results.scenario.plugins)
        treated = np.zeros(results.people["months_present"].size, dtype=bool)
        for name in results.scenario.modules:
            column = getattr(modules[name], "treated_since", None)
            if column is not None:
                treated |= results.people[column] != NEVER
        health = results.scenario.params.get("health")
        return cls(results.scenario.name, results.scenario.run.seed, monthly, units,
                   results.people, treated, budget(results), results.scale,
                   *((health.discount_costs, health.discount_effects) if health is not None
                     else (0.0, 0.0)))


@dataclass
class Comparison:
    """Runs of several scenarios on the same seeds; ``table()`` is the tidy comparison.
    ``specs`` holds each scenario as run (by name, before the seed is set) and
    ``records`` what was run for each (``passerelle.config.record``)."""

    scenarios: tuple[str, ...]
    seeds: tuple[int, ...]
    runs: dict[tuple[str, int], RunSummary]
    seconds: float
    scale: float
    months: tuple[str, str]
    specs: dict[str, Scenario] = field(default_factory=dict, repr=False)
    records: dict[str, RunRecord] = field(default_factory=dict, repr=False)
    _table: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def reference(self) -> str:
        return self.scenarios[0]

    def pairs(self, scenario: str) -> list[tuple[RunSummary, RunSummary]]:
        """(reference run, scenario run) for each seed; they hold the same people."""
        pairs = [(self.runs[(self.reference, s)], self.runs[(scenario, s)]) for s in self.seeds]
        for reference, other in pairs:
            if reference.people["months_present"].size != other.people["months_present"].size:
                raise ValueError(f"{scenario} and {self.reference} do not hold the same people "
                                 f"on seed {other.seed}: a module changed the population")
        return pairs

    def table(self) -> pd.DataFrame:
        """The tidy comparison table (see the module docstring)."""
        if self._table is None:
            rows = []
            for scenario in self.scenarios[1:]:
                pairs = self.pairs(scenario)
                rows += _measures(pairs) + _persons(pairs) + _barriers(pairs) + _costs(pairs)
                rows += _reports(pairs) + _budgets(pairs) + health_rows(pairs)
            for row in rows:
                row.setdefault("reference", self.reference)
                row["seeds"] = len(self.seeds)
            self._table = pd.DataFrame(rows, columns=COLUMNS)
        return self._table


def _row(section: str, scenario: str, quantity: str, group: str, period: str, unit: str,
         reference: Sequence[float], values: Sequence[float]) -> dict:
    difference, low, high = _interval(np.subtract(values, reference))
    return {"section": section, "scenario": scenario, "quantity": quantity, "group": group,
            "period": period, "unit": unit, "reference_value": float(np.mean(reference)),
            "scenario_value": float(np.mean(values)), "difference": difference, "low": low,
            "high": high}


def _measures(pairs) -> list[dict]:
    scenario = pairs[0][1].scenario
    names = sorted(set(pairs[0][0].monthly) | set(pairs[0][1].monthly))
    units = pairs[0][0].units | pairs[0][1].units
    rows = []
    for period, months in (("run", slice(None)), ("last_12", slice(-12, None))):
        for name in names:
            ref = [r.monthly[name].iloc[months].mean() if name in r.monthly else 0.0
                   for r, _ in pairs]
            new = [s.monthly[name].iloc[months].mean() if name in s.monthly else 0.0
                   for _, s in pairs]
            rows.append(_row("measure", scenario, name, "all", period,
                             f"{units[name]} per month", ref, new))
    return rows


def _persons(pairs) -> list[dict]:
    scenario = pairs[0][1].scenario
    rows = []
    for group in ("treated", "everyone"):
        masks = [s.treated if group == "treated" else r.people["months_present"] > 0
                 for r, s in pairs]
        counts = [float(mask.sum()) * s.scale for (_, s), mask in zip(pairs, masks, strict=True)]
        _, low, high = _interval(counts)
        rows.append({"section": "person", "scenario": scenario, "quantity": "people",
                     "group": group, "period": "run", "unit": "persons",
                     "reference_value": np.nan, "scenario_value": float(np.mean(counts)),
                     "difference": np.nan, "low": low, "high": high})
        if not all(counts):
            continue
        for outcome, (_, unit) in OUTCOMES.items():
            ref, new = zip(*((r.people[outcome][mask].mean(), s.people[outcome][mask].mean())
                             for (r, s), mask in zip(pairs, masks, strict=True)), strict=True)
            rows.append(_row("person", scenario, outcome, group, "run", f"{unit} per person",
                             ref, new))
    return rows


def _barriers(pairs) -> list[dict]:
    scenario = pairs[0][1].scenario
    rows = []
    for step in STEPS:
        ref = [r.monthly[f"unmet_{step}"].sum() for r, _ in pairs]
        new = [s.monthly[f"unmet_{step}"].sum() for _, s in pairs]
        rows.append(_row("barrier", scenario, step, "all", "run", "need-months", ref, new))
        share = [[run.monthly[f"unmet_{step}"].sum() / run.monthly[UNMET].sum() for run in pair]
                 for pair in pairs]
        rows.append(_row("barrier", scenario, step, "share", "run", "share 0-1",
                         [a for a, _ in share], [b for _, b in share]))
    return rows


def _costs(pairs) -> list[dict]:
    scenario = pairs[0][1].scenario
    rows = []
    for name in (*(f"cost_{p}" for p in PAYERS), COST):
        ref = [r.monthly[name].sum() for r, _ in pairs]
        new = [s.monthly[name].sum() for _, s in pairs]
        rows.append(_row("cost", scenario, name, "all", "run", "EUR", ref, new))
    averted = np.array([r.monthly[UNMET].sum() - s.monthly[UNMET].sum() for r, s in pairs])
    for name, label in ((COST, "cost per unmet need-month averted"),
                        ("cost_programme", "programme cost per unmet need-month averted")):
        extra = np.array([s.monthly[name].sum() - r.monthly[name].sum() for r, s in pairs])
        if np.all(averted > 0):
            _, low, high = _interval(extra / averted)
            point = float(extra.mean() / averted.mean())
        else:
            point = low = high = np.nan
        rows.append({"section": "cost", "scenario": scenario, "quantity": label, "group": "all",
                     "period": "run", "unit": "EUR per need-month",
                     "reference_value": np.nan, "scenario_value": np.nan, "difference": point,
                     "low": low, "high": high})
    return rows


def _reports(pairs) -> list[dict]:
    scenario = pairs[0][1].scenario
    if "fac_reported_pay" not in pairs[0][1].monthly:
        return []
    rows = []
    totals = {prefix: [sum(s.monthly[f"{prefix}{step}"].sum() for step in STEPS)
                       for _, s in pairs] for prefix in ("fac_reported_", "fac_barrier_",
                                                         "unmet_")}
    if not all(totals["fac_reported_"]):
        return []
    for step in STEPS:
        truth = [s.monthly[f"unmet_{step}"].sum() / t
                 for (_, s), t in zip(pairs, totals["unmet_"], strict=True)]
        for group, prefix in (("reported", "fac_reported_"), ("caseload", "fac_barrier_")):
            seen = [s.monthly[f"{prefix}{step}"].sum() / t
                    for (_, s), t in zip(pairs, totals[prefix], strict=True)]
            rows.append(_row("reports", scenario, step, group, "run", "share 0-1", truth, seen)
                        | {"reference": "population (true)"})
    return rows


def _budgets(pairs) -> list[dict]:
    scenario = pairs[0][1].scenario
    frames = [s.budget for _, s in pairs if not s.budget.empty]
    if not frames:
        return []
    keys = ["year", "centre", "kind", "line"]
    values = pd.concat(frames).groupby(keys)["eur"].apply(list)
    rows = []
    for (year, centre, kind, line), eur in values.items():
        mean, low, high = _interval(eur)
        rows.append({"section": "budget", "scenario": scenario, "reference": "",
                     "quantity": line, "group": f"{centre} {year}", "period": kind,
                     "unit": "EUR", "reference_value": np.nan, "scenario_value": mean,
                     "difference": np.nan, "low": low, "high": high})
    return rows


def _check_same_runs(scenarios: Sequence[Scenario]) -> None:
    """Scenarios compared must share population and run settings (their seeds too)."""
    first = scenarios[0]
    for other in scenarios[1:]:
        for part in ("population", "run"):
            a, b = getattr(first, part).model_dump(), getattr(other, part).model_dump()
            differ = sorted(k for k in a if a[k] != b[k])
            if differ:
                raise ValueError(
                    f"{other.name} and {first.name} differ in {part}."
                    f"{', '.join(differ)}: a comparison needs the same population and run "
                    "settings (give them with --set, for every scenario)")


def _applicable(scenario: str | Path, overrides: Sequence[str]) -> list[str]:
    """The overrides that apply to ``scenario``: those of ``population`` and ``run``, and
    those of a module the scenario runs (``facilitators.caseload=80`` leaves the baseline
    alone)."""
    modules = load(scenario).modules
    return [o for o in overrides
            if o.partition(".")[0].strip() in ("population", "run", *modules)]


def run_comparison(scenarios: Sequence[str | Path], seeds: int | Sequence[int] = 3,
                   overrides: Sequence[str] = (), progress: Progress | None = None
                   ) -> Comparison:
    """Run every scenario on each seed (``seeds``: a count from 1, or the seeds) with the
    ledger; the first scenario is the reference. ``overrides`` (``section.field=value``)
    apply to every scenario that has the section: population and run settings to all,
    a module's parameters to the scenarios that run it."""
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios: a reference and another")
    seeds = tuple(range(1, seeds + 1)) if isinstance(seeds, int) else tuple(seeds)
    if not seeds:
        raise ValueError("compare needs at least one seed")
    loaded = {str(name): load(name, _applicable(name, overrides)) for name in scenarios}
    unused = [o for o in overrides if not any(o in _applicable(name, overrides)
                                              for name in scenarios)]
    if unused:
        raise ValueError(f"--set {unused[0]!r} applies to none of the scenarios: its section "
                         "must be population, run or a module one of them runs")
    _check_same_runs(list(loaded.values()))
    names = tuple(loaded[str(name)].name for name in scenarios)
    if len(set(names)) != len(names):
        raise ValueError(f"a scenario appears twice: {list(names)}")
    began = time.perf_counter()
    runs: dict[tuple[str, int], RunSummary] = {}
    scale, months = 1.0, ("", "")
    total = len(seeds) * sum(s.run.burn_in + s.run.months for s in loaded.values())
    before = 0
    for seed in seeds:
        for scenario in loaded.values():
            chosen = scenario.with_overrides([f"run.seed={seed}"])
            extra = [] if "ledger" in chosen.modules else [Ledger()]
            sim = Sim(chosen, modules=extra)
            tick = None if progress is None else (
                lambda done, _, label=f"{chosen.name}, seed {seed}", offset=before:
                progress(label, offset + done, total))
            results = sim.run(tick)
            before += chosen.run.burn_in + chosen.run.months
            runs[(chosen.name, seed)] = RunSummary.of(results)
            scale, months = results.scale, (results.months[0], results.months[-1])
    records = {spec.name: RunRecord.of(spec, _applicable(name, overrides), seeds=seeds)
               for name, spec in loaded.items()}
    return Comparison(names, seeds, runs, time.perf_counter() - began, scale, months,
                      {spec.name: spec for spec in loaded.values()}, records)


def compare(scenarios: Sequence[str | Path], seeds: int | Sequence[int] = 3,
            overrides: Sequence[str] = ()) -> pd.DataFrame:
    """The tidy comparison table of ``scenarios`` (the first is the reference)."""
    return run_comparison(scenarios, seeds, overrides).table()


__all__ = ["COLUMNS", "Comparison", "RunSummary", "compare", "run_comparison"]
