"""The ``passerelle`` command line (the model, pandas and the progress bar load inside the
commands, so ``passerelle --help`` answers at once)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from passerelle.course.cli import app as course_app
from passerelle.datasets.cli import app as datasets_app

if TYPE_CHECKING:
    from rich.progress import Progress

app = typer.Typer(help="Simulate access to care in Belgium, with and without facilitators "
                  "and unconditional centres.", no_args_is_help=True, add_completion=False)
console = Console()
errors = Console(stderr=True)
app.add_typer(datasets_app, name="datasets")
app.add_typer(course_app, name="course")


def _overrides(population: str | None, months: int | None, seed: int | None,
               assignments: list[str] | None) -> list[str]:
    found = []
    if population is not None:
        found.append(f"population.size={population if population.isdigit() else repr(population)}")
    if months is not None:
        found.append(f"run.months={months}")
    if seed is not None:
        found.append(f"run.seed={seed}")
    return [*found, *(assignments or [])]


def _load(scenario: str, overrides: list[str]):
    from passerelle.config.scenario import ScenarioError, load

    try:
        return load(scenario, overrides)
    except ScenarioError as error:
        # The message holds [section] names: print it as text, not markup, and unwrapped.
        errors.print("[red]error:[/red]", escape(str(error)), highlight=False,
                     soft_wrap=True)
        raise typer.Exit(2) from None


def progress_bar(description: str) -> Progress:
    """A rich progress bar over months (hidden when output is not a terminal)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True,
                    disable=not console.is_terminal)


def run_with_progress(scenario, label: str):
    """Run a scenario with a progress bar over its months."""
    from passerelle.engine.sim import Sim

    with progress_bar(label) as bar:
        task = bar.add_task(label, total=scenario.run.burn_in + scenario.run.months)
        return Sim(scenario).run(lambda done, total: bar.update(task, completed=done))


Population = Annotated[str | None, typer.Option(
    "--population", help="simulated people (a number) or 'full'")]
Months = Annotated[int | None, typer.Option("--months", help="reported months")]
Seed = Annotated[int | None, typer.Option("--seed", help="random seed")]
Set = Annotated[list[str] | None, typer.Option(
    "--set", help="override a parameter: section.field=value (repeatable)")]


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="built-in name or TOML file")] = "baseline",
    population: Population = None,
    months: Months = None,
    seed: Seed = None,
    assignments: Set = None,
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("results/run"),
) -> None:
    """Run a scenario; write results.parquet, summary.json and a report folder."""
    from passerelle.apps.report import write_report

    chosen = _load(scenario, _overrides(population, months, seed, assignments))
    results = run_with_progress(chosen, f"{chosen.name}: months")
    results.save(out)
    page = write_report(results, out / "report")
    recent = results.months[-12:]
    table = Table(title=f"{chosen.name} — last {len(recent)} months ({recent[0]} to "
                  f"{recent[-1]})")
    for column in ("indicator", "value", "unit"):
        table.add_column(column, justify="right" if column == "value" else "left")
    for row in results.summary().itertuples():
        table.add_row(row.indicator, f"{row.value:,.4g}", row.unit)
    console.print(table)
    console.print(f"{results.agent_months:,} agent-months in {results.seconds:.1f} s "
                  f"({results.agent_months / results.seconds / 1e6:.1f} M/s)")
    console.print(f"wrote {out / 'results.parquet'}, {out / 'summary.json'} and {page}")


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    from passerelle.config.scenario import builtin, load

    table = Table(title="built-in scenarios")
    table.add_column("name")
    table.add_column("description")
    for name in builtin():
        table.add_row(name, " ".join(load(name).description.split()))
    console.print(table)


@app.command()
def validate(file: Annotated[str, typer.Argument(help="scenario TOML file or built-in name")],
             assignments: Set = None) -> None:
    """Check a scenario file; print what is wrong, or a one-line summary."""
    chosen = _load(file, assignments or [])
    console.print(f"[green]ok[/green] {chosen.name}: {chosen.population.region}, "
                  f"{chosen.population.size} people, {chosen.run.months} months from "
                  f"{chosen.run.start}, modules {', '.join(chosen.modules)}")


@app.command()
def targets(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    assignments: Set = None,
) -> None:
    """Run the baseline and compare it with the Belgian calibration targets."""
    from passerelle.config.scenario import ScenarioError
    from passerelle.config.targets import baseline_runs, check

    try:
        runs = baseline_runs("baseline", tuple(assignments or ()))
    except ScenarioError as error:
        errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    checks = check(runs)
    if as_json:
        print(json.dumps([c.as_dict() for c in checks], indent=2))
    else:
        table = Table(title="calibration targets (baseline, last 12 months)")
        for column in ("target", "model", "target value", "band", "source", "result"):
            table.add_column(column)
        for c in checks:
            t = c.target
            table.add_row(t.name, f"{c.model:,.4g}", f"{t.value:,.4g}",
                          f"{t.low:,.4g} – {t.high:,.4g}", t.source,
                          "[green]pass[/green]" if c.passed else "[red]fail[/red]")
        console.print(table)
    if not all(c.passed for c in checks):
        raise typer.Exit(1)


@app.command()
def sweep(
    scenarios: Annotated[list[str], typer.Argument(help="built-in names or TOML files")],
    seeds: Annotated[str, typer.Option("--seeds", help="seeds: 1-8, 1,3,5 or 1-4,10")] = "1",
    population: Population = None,
    months: Months = None,
    assignments: Set = None,
    out: Annotated[Path, typer.Option("--out", help="output folder (a subfolder a run)")] = Path(
        "results/sweep"),
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="address of a Dask scheduler (default: a local cluster)")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", help="processes of the local cluster (default: one per core)")] = None,
) -> None:
    """Run scenarios × seeds on Dask. Each run is written to OUT/<run id>/ as it finishes;
    runs already there are skipped, so an interrupted sweep resumes."""
    from passerelle.apps.sweep import SweepError, SweepRun, parse_seeds
    from passerelle.apps.sweep import sweep as run_sweep

    try:
        chosen = parse_seeds(seeds)
    except ValueError as error:
        errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    overrides = _overrides(population, months, None, assignments)
    for scenario in scenarios:
        _load(scenario, overrides)  # report a bad scenario before starting workers
    runs = [SweepRun(s, tuple(overrides), seed) for s in scenarios for seed in chosen]
    with progress_bar("runs") as bar:
        task = bar.add_task("runs", total=len(runs))
        try:
            run_sweep(runs, out, client=scheduler, workers=workers,
                      progress=lambda done, total: bar.update(task, completed=done, total=total))
        except SweepError as error:
            errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
    console.print(f"{len(runs)} runs in {out}; query them with passerelle.engine.store.connect",
                  highlight=False)


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(
        help="two or more built-in names or TOML files; the first is the reference")],
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="seeds 1..K of every "
                                       "scenario")] = 3,
    population: Population = None,
    months: Months = None,
    assignments: Set = None,
    out: Annotated[Path, typer.Option("--out", help="report folder")] = Path(
        "results/compare"),
) -> None:
    """Compare scenarios on the same population and seeds: differences with intervals over
    seeds, true person-level effects, barriers, costs; writes a report folder."""
    from passerelle.apps.compare import run_comparison
    from passerelle.apps.compare_report import tables, write_report

    if len(scenarios) < 2:
        errors.print("error: compare needs a reference and at least one other scenario",
                     markup=False, highlight=False)
        raise typer.Exit(2)
    overrides = _overrides(population, months, None, assignments)
    with progress_bar("runs") as bar:
        task = bar.add_task("runs", total=None)

        def advance(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=label)

        try:
            comparison = run_comparison(scenarios, seeds, overrides, progress=advance)
        except ValueError as error:
            errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    for title, frame in tables(comparison).items():
        table = Table(title=title, title_justify="left")
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*(str(value) for value in row))
        console.print(table)
    page = write_report(comparison, out)
    console.print(f"{len(comparison.runs)} runs ({', '.join(comparison.scenarios)} × "
                  f"{seeds} seeds) in {comparison.seconds:.1f} s; wrote {out / 'comparison.csv'} "
                  f"and {page}", highlight=False)


@app.command()
def evaluate(
    design: Annotated[str, typer.Argument(help="design: individual-rct, cluster-rct, "
                                          "stepped-wedge, did, did-staggered, "
                                          "did-staggered-twfe, its, naive, propensity")],
    replications: Annotated[int, typer.Option("--replications", "-r", min=1,
                                              help="replications (seeds 1..R)")] = 20,
    seeds: Annotated[list[int] | None, typer.Option("--seeds", help="explicit seeds "
                                                    "(repeat the option)")] = None,
    population: Annotated[int | None, typer.Option("--population",
                                                   help="simulated people")] = None,
    months: Annotated[int | None, typer.Option("--months", help="reported months")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1,
                                                help="processes (default: the cores)")] = None,
    out: Annotated[Path, typer.Option("--out", help="report folder")] = Path(
        "results/evaluate"),
) -> None:
    """Replicate a study design on many seeds: bias, RMSE, coverage and power of its
    estimator against the simulated truth; writes a table, summary.json and a plot."""
    from passerelle.evaluate.designs.replicate import replicate

    options = {key: value for key, value in (("population", population), ("months", months))
               if value is not None}
    try:
        result = replicate(design, replications, seeds=seeds, workers=workers, **options)
    except ValueError as error:
        errors.print(f"error: {error}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    folder = result.save(out / design)
    table = Table(title=f"{design}: {result.estimand}", title_justify="left")
    for column in ("measure", "value"):
        table.add_column(column)
    for key, value in result.summary().items():
        if key not in ("design", "estimand"):
            table.add_row(key, f"{value:.4g}" if isinstance(value, float) else str(value))
    console.print(table)
    console.print(f"wrote {folder / 'replications.csv'}, summary.json and estimates.png",
                  highlight=False)


@app.command()
def bench(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    people: Annotated[int, typer.Option(help="people in the full-model run")] = 1_000_000,
    months: Annotated[int, typer.Option(help="months of every run")] = 120,
) -> None:
    """Measure speed: the full model, and the reference model against numpy, Starsim, Mesa."""
    from passerelle.bench.harness import measure

    report = measure(full_people=people, months=months, log=errors.print)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    table = Table(title="passerelle bench (ratios measured in this run)")
    for column in ("measurement", "value"):
        table.add_column(column)
    for key, value in report.items():
        table.add_row(key, f"{value:,.3g}" if isinstance(value, float) else str(value))
    console.print(table)


def main() -> None:
    """Entry point: large temporaries stay on the heap (see ``passerelle.engine.heap``)."""
    from passerelle.engine.heap import keep_heap

    keep_heap()
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
