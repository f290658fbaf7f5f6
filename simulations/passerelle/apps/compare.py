"""Compare scenarios on the same population and seeds: common random numbers make every
difference paired, and person-level effects exact.

``compare(["baseline", "facilitators+centres"], seeds=3)`` runs each scenario on seeds
1..3 (the first scenario is the reference) and returns one tidy table, one row per
quantity. A scenario is a built-in name, a TOML file or a ``Scenario`` changed from Python
with typed values (``compare([load("baseline"), load("centres").replace(run={"months":
24})])``: population and run settings must agree); ``overrides`` are the command line's
``--set`` texts. The sections (rows of the first six built in
``passerelle.apps.compare_sections``, each run reduced to a ``RunSummary``):

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
  from each perspective, health-care payer and societal (``passerelle.apps.compare_health``);
- ``distributional``: by income quintile, QALYs gained, incremental cost and net health
  benefit per person, their equally-distributed equivalent and the concentration index of
  the QALYs gained (``passerelle.apps.compare_equity``).

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

import pandas as pd

from passerelle.apps.compare_equity import distributional_rows
from passerelle.apps.compare_health import health_rows
from passerelle.apps.compare_sections import (
    barrier_rows,
    budget_rows,
    cost_rows,
    measure_rows,
    person_rows,
    report_rows,
)
from passerelle.apps.run_summary import RunSummary
from passerelle.config.record import RunRecord
from passerelle.config.scenario import Scenario, load
from passerelle.engine.sim import Sim
from passerelle.modules.ledger import Ledger

# progress(label of the current run, months done, months in all runs)
Progress = Callable[[str, int, int], None]
# What names a scenario to compare: a built-in name, a TOML file, or a Scenario object.
ScenarioLike = str | Path | Scenario
COLUMNS = ["section", "scenario", "reference", "quantity", "group", "period", "unit",
           "reference_value", "scenario_value", "difference", "low", "high", "seeds"]


@dataclass
class Comparison:
    """Runs of several scenarios on the same seeds; ``table()`` is the tidy comparison.

    Made by ``run_comparison``.

    Parameters
    ----------
    scenarios : tuple of str
        The scenarios' names, the reference first.
    seeds : tuple of int
        The seeds every scenario ran on.
    runs : dict of (str, int) to RunSummary
        Each run by scenario name and seed.
    seconds : float
        Wall-clock time of the runs (s).
    scale : float
        Real people per simulated person.
    months : tuple of str
        The first and last reported months (``YYYY-MM``).
    specs : dict of str to Scenario
        Each scenario as run, by name, before the seed is set.
    records : dict of str to RunRecord
        What was run for each, by name (``passerelle.config.record``).

    Examples
    --------
    >>> comparison = run_comparison(["baseline", "centres"], seeds=1, overrides=[
    ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
    >>> comparison.reference, comparison.months
    ('baseline', ('2016-01', '2016-12'))
    """

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
        """The reference scenario's name (the first)."""
        return self.scenarios[0]

    def pairs(self, scenario: str) -> list[tuple[RunSummary, RunSummary]]:
        """(reference run, scenario run) for each seed; they hold the same people.

        Parameters
        ----------
        scenario : str
            One of ``scenarios``.

        Returns
        -------
        list of (RunSummary, RunSummary)
            One pair per seed, in the order of ``seeds``.

        Raises
        ------
        ValueError
            When the two runs of a seed do not hold the same people.

        Examples
        --------
        >>> comparison = run_comparison(["baseline", "centres"], seeds=[3], overrides=[
        ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
        >>> [(a.seed, b.scenario) for a, b in comparison.pairs("centres")]
        [(3, 'centres')]
        """
        pairs = [(self.runs[(self.reference, s)], self.runs[(scenario, s)]) for s in self.seeds]
        for reference, other in pairs:
            if reference.people["months_present"].size != other.people["months_present"].size:
                raise ValueError(f"{scenario} and {self.reference} do not hold the same people "
                                 f"on seed {other.seed}: a module changed the population")
        return pairs

    def table(self) -> pd.DataFrame:
        """The tidy comparison table (see the module docstring), made once.

        Returns
        -------
        pandas.DataFrame
            One row per quantity of each scenario against the reference, the columns
            ``COLUMNS``.

        Examples
        --------
        >>> comparison = run_comparison(["baseline", "centres"], seeds=1, overrides=[
        ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
        >>> table = comparison.table()
        >>> "cost" in set(table.section), bool((table.seeds == 1).all())
        (True, True)
        """
        if self._table is None:
            rows = []
            for scenario in self.scenarios[1:]:
                pairs = self.pairs(scenario)
                rows += measure_rows(pairs) + person_rows(pairs) + barrier_rows(pairs)
                rows += cost_rows(pairs) + report_rows(pairs) + budget_rows(pairs)
                rows += health_rows(pairs)
                rows += distributional_rows(pairs)
            for row in rows:
                row.setdefault("reference", self.reference)
                row["seeds"] = len(self.seeds)
            self._table = pd.DataFrame(rows, columns=COLUMNS)
        return self._table


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
                    "settings (give them with --set or Scenario.replace, for every scenario)")


def _applicable(scenario: Scenario, overrides: Sequence[str]) -> list[str]:
    """The overrides that apply to ``scenario``: those of ``population`` and ``run``, and
    those of a module the scenario runs (``facilitators.caseload=80`` leaves the baseline
    alone)."""
    return [o for o in overrides
            if o.partition(".")[0].strip() in ("population", "run", *scenario.modules)]


def _resolve(scenario: ScenarioLike, overrides: Sequence[str]) -> tuple[Scenario, list[str]]:
    """``scenario`` (a built-in name, a TOML file or a ``Scenario``) with the overrides
    that apply to it, and those overrides."""
    if isinstance(scenario, Scenario):
        applicable = _applicable(scenario, overrides)
        return (scenario.with_overrides(applicable) if applicable else scenario), applicable
    applicable = _applicable(load(scenario), overrides)
    return load(scenario, applicable), applicable


def run_comparison(scenarios: Sequence[ScenarioLike], seeds: int | Sequence[int] = 3,
                   overrides: Sequence[str] = (), progress: Progress | None = None
                   ) -> Comparison:
    """Run every scenario on each seed, with the ledger; the first is the reference.

    Parameters
    ----------
    scenarios : sequence of str, Path or Scenario
        At least two: built-in names, TOML files, or ``Scenario`` objects (changed from
        Python with ``Scenario.replace``, typed values); their names must differ, and
        their population and run settings agree.
    seeds : int or sequence of int, optional
        A count (seeds 1 to ``seeds``) or the seeds themselves; each scenario runs on
        each seed, on the same random numbers as the reference.
    overrides : sequence of str, optional
        ``section.field=value`` texts, as ``--set`` takes them: population and run
        settings apply to every scenario, a module's parameters to the scenarios that run
        it; one that applies to none is refused.
    progress : callable, optional
        ``progress(label of the current run, months done, months in all runs)``.

    Returns
    -------
    Comparison
        The runs, with what was run (``specs``, ``records``); ``table()`` compares them.

    Raises
    ------
    ValueError
        Fewer than two scenarios, no seed, an override no scenario takes, a scenario
        twice, or scenarios on different populations or run settings.

    Examples
    --------
    >>> from passerelle.config.scenario import load
    >>> small = {"population": {"size": 2_000}, "run": {"months": 12, "burn_in": 0}}
    >>> comparison = run_comparison([load("baseline").replace(**small),
    ...                              load("centres").replace(**small)], seeds=1)
    >>> comparison.scenarios, comparison.seeds
    (('baseline', 'centres'), (1,))
    >>> comparison.records["centres"].changes["run.months"]
    {'value': 12, 'was': 120}
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios: a reference and another")
    seeds = tuple(range(1, seeds + 1)) if isinstance(seeds, int) else tuple(seeds)
    if not seeds:
        raise ValueError("compare needs at least one seed")
    resolved = [_resolve(scenario, overrides) for scenario in scenarios]
    used = {o for _, applicable in resolved for o in applicable}
    unused = [o for o in overrides if o not in used]
    if unused:
        raise ValueError(f"--set {unused[0]!r} applies to none of the scenarios: its section "
                         "must be population, run or a module one of them runs")
    loaded = [spec for spec, _ in resolved]
    _check_same_runs(loaded)
    names = tuple(spec.name for spec in loaded)
    if len(set(names)) != len(names):
        raise ValueError(f"a scenario appears twice: {list(names)}")
    began = time.perf_counter()
    runs: dict[tuple[str, int], RunSummary] = {}
    scale, months = 1.0, ("", "")
    total = len(seeds) * sum(s.run.burn_in + s.run.months for s in loaded)
    before = 0
    for seed in seeds:
        for scenario in loaded:
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
    records = {spec.name: RunRecord.of(spec, applicable, seeds=seeds)
               for spec, applicable in resolved}
    return Comparison(names, seeds, runs, time.perf_counter() - began, scale, months,
                      {spec.name: spec for spec in loaded}, records)


def compare(scenarios: Sequence[ScenarioLike], seeds: int | Sequence[int] = 3,
            overrides: Sequence[str] = ()) -> pd.DataFrame:
    """The tidy comparison table of ``scenarios`` (the first is the reference).

    Parameters
    ----------
    scenarios : sequence of str, Path or Scenario
        Built-in names, TOML files or ``Scenario`` objects (see ``run_comparison``).
    seeds : int or sequence of int, optional
        A count (seeds 1 to ``seeds``) or the seeds themselves.
    overrides : sequence of str, optional
        ``section.field=value`` texts, as ``--set`` takes them.

    Returns
    -------
    pandas.DataFrame
        One row per quantity, the columns ``COLUMNS`` (see the module docstring).

    Examples
    --------
    >>> table = compare(["baseline", "centres"], seeds=1, overrides=[
    ...     "population.size=2000", "run.months=12", "run.burn_in=0"])
    >>> list(table.columns) == COLUMNS, sorted(set(table.scenario))
    (True, ['centres'])
    """
    return run_comparison(scenarios, seeds, overrides).table()


__all__ = ["COLUMNS", "Comparison", "RunSummary", "compare", "run_comparison"]
