"""The ``passerelle`` command line (the model, pandas and the progress bar load inside the
commands, so ``passerelle --help`` answers at once)."""

from __future__ import annotations

import json
import sys
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from passerelle.course.cli import app as course_app
from passerelle.datasets.cli import app as datasets_app
from passerelle.datasets.cli import fail
from passerelle.engine.output_folder import OutputError, staged
from passerelle.engine.output_folder import check as check_output

if TYPE_CHECKING:
    from rich.progress import Progress

    from passerelle.config.scenario import ScenarioError

console = Console()
errors = Console(stderr=True)


class OneLineErrors(TyperGroup):
    """Usage errors (a bad option value, a missing argument, an unknown command) as one
    line, ``error: passerelle <command>: <what is wrong>``, exit code 2, rather than
    click's boxed panel with the usage text. (Typer 0.29 parses with its own copy of
    click, ``typer._click``: its exceptions are those raised.)"""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as error:
            _usage(error)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageError as error:
            _usage(error)


def _usage(error: UsageError) -> NoReturn:
    if isinstance(error, NoArgsIsHelpError):
        raise error
    where = error.ctx.command_path if error.ctx is not None else "passerelle"
    fail(f"{where}: {' '.join(error.format_message().split())}", error.exit_code)


app = typer.Typer(cls=OneLineErrors, help="Simulate access to care in Belgium, with and "
                  "without facilitators and unconditional centres.", no_args_is_help=True,
                  add_completion=False)
app.add_typer(datasets_app, name="datasets")
app.add_typer(course_app, name="course")


def _version(shown: bool) -> None:
    if shown:
        console.print(f"passerelle {version('passerelle')}", highlight=False)
        raise typer.Exit()


@app.callback()
def passerelle(
    show_version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="print the version and exit")] = False,
) -> None:
    """Simulate access to care in Belgium, with and without facilitators and unconditional
    centres."""


def _output(out: Path, replace: bool = True) -> Path:
    """``out`` checked before any work (see ``passerelle.engine.output_folder.check``)."""
    try:
        return check_output(out, replace=replace)
    except OutputError as error:
        fail(str(error))


def _population(text: str | None) -> str | None:
    """``--population``: a whole number of people, at least 1, or ``full``."""
    if text is None or text == "full":
        return text
    digits = text.replace("_", "").replace(",", "")
    if not digits.isdigit() or int(digits) < 1:
        raise typer.BadParameter(f"{text!r}: give a whole number of people, at least 1 "
                                 "(e.g. 20000), or 'full'")
    return digits


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise typer.BadParameter(f"{text!r}: give a finite number")
    return value


def _above_zero(text: str) -> float:
    """A finite number above 0 (``evaluate --staffing``)."""
    value = _number(text)
    if value <= 0:
        raise typer.BadParameter(f"{text}: give a number above 0")
    return value


def _reported_share(text: str) -> float:
    """A share in (0, 1] (``evaluate --reporting``)."""
    value = _number(text)
    if not 0 < value <= 1:
        raise typer.BadParameter(f"{text}: give a share in (0, 1]")
    return value


def _lost_share(text: str) -> float:
    """A share in [0, 1) (``evaluate --attrition``)."""
    value = _number(text)
    if not 0 <= value < 1:
        raise typer.BadParameter(f"{text}: give a share in [0, 1)")
    return value


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
    """The scenario, checked as a run would check it (the same check for ``validate`` and
    ``run``: values, modules and their requirements, and that the run fits in memory)."""
    from passerelle.config.memory import check_fits
    from passerelle.config.scenario import ScenarioError, load

    try:
        chosen = load(scenario, overrides)
        check_fits(chosen)
        return chosen
    except ScenarioError as error:
        _invalid(error)


def _invalid(error: ScenarioError) -> NoReturn:
    """Print a scenario's problems (a single one on the line of its heading), exit 2."""
    # The message holds [section] names: print it as text, not markup, and unwrapped.
    text = str(error)
    if len(error.problems) == 1:
        text = " ".join(line.strip() for line in text.splitlines())
    errors.print("[red]error:[/red]", escape(text), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


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


def text_table(frame, title: str) -> Table:
    """A rich table of ``frame`` (cells as text): the first column wraps at words; the
    others, numbers, never wrap, so that no number is broken over two lines (their
    headers are wrapped to the width of their cells instead)."""
    import textwrap

    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for index, column in enumerate(frame.columns):
        if index == 0:
            table.add_column(str(column), overflow="fold")
        else:
            widest = max((len(str(value)) for value in frame[column]), default=1)
            header = "\n".join(textwrap.wrap(str(column), max(widest, 8),
                                              break_long_words=False))
            table.add_column(header, justify="right", no_wrap=True)
    for row in frame.itertuples(index=False):
        table.add_row(*(str(value) for value in row))
    return table


Population = Annotated[str | None, typer.Option(
    "--population", parser=_population, help="simulated people (a number) or 'full'")]
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
    from passerelle.config.record import RunRecord
    from passerelle.engine.numbers import shown

    overrides = _overrides(population, months, seed, assignments)
    chosen = _load(scenario, overrides)
    _output(out)
    results = run_with_progress(chosen, f"{chosen.name}: months")
    results.record = RunRecord.of(chosen, overrides)
    with staged(out) as folder:
        results.save(folder)
        page = out / write_report(results, folder / "report").relative_to(folder)
    recent = results.months[-12:]
    table = Table(title=f"{results.record.title}: last {len(recent)} months ({recent[0]} to "
                  f"{recent[-1]})")
    table.add_column("indicator", ratio=1)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    for row in results.summary().itertuples():
        table.add_row(row.indicator, shown(row.value, row.unit),
                      "%" if row.unit == "share 0-1" else row.unit)
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
def params(
    module: Annotated[str | None, typer.Argument(
        help="a module, population or run (default: every section)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON, defaults whole")] = False,
) -> None:
    """List the parameters a scenario can set: name, default, unit, bounds and source."""
    from passerelle.apps.catalogue import parameter_rows, sections, shown

    try:
        rows = parameter_rows(module)
    except KeyError:
        fail(f"no section {module!r}; sections: {', '.join(sections())}")
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False, default=_jsonable))
        return
    for section in dict.fromkeys(row["section"] for row in rows):
        table = Table(title=f"[{section}]", title_justify="left", show_lines=True)
        table.add_column("parameter, and its source", overflow="fold", ratio=1)
        table.add_column("default", overflow="fold", max_width=18)
        table.add_column("unit", overflow="fold", max_width=14)
        table.add_column("bounds", no_wrap=True)
        for row in rows:
            if row["section"] == section:
                table.add_row(f"[bold]{escape(row['name'])}[/bold]\n"
                              f"[dim]{escape(row['source'])}[/dim]",
                              escape(shown(row["default"], row["unit"])),
                              row["unit"], row["bounds"])
        console.print(table)


def _jsonable(value):
    return value.model_dump() if hasattr(value, "model_dump") else str(value)


@app.command()
def measures(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """List what a run records each month: name, unit, stock or flow, and description."""
    from passerelle.apps.catalogue import measure_rows

    rows = measure_rows()
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title="measures (stock: read at a month; flow: summed over months)",
                  title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("unit", overflow="fold")
    table.add_column("kind", no_wrap=True)
    table.add_column("description", overflow="fold", ratio=1)
    for row in rows:
        table.add_row(row["name"], row["unit"], row["kind"], row["description"])
    console.print(table)


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
        _invalid(error)
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
    axes: Annotated[list[str] | None, typer.Option(
        "--grid", help="sweep a parameter over values: section.field=v1,v2,... "
        "(repeatable; grids are crossed with each other, the scenarios and the seeds)")] = None,
    out: Annotated[Path, typer.Option("--out", help="output folder (a subfolder a run)")] = Path(
        "results/sweep"),
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="address of a Dask scheduler (default: a local cluster)")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="processes of the local cluster (default: one per core)")
    ] = None,
) -> None:
    """Run scenarios × grid × seeds on Dask. Each run is written to OUT/<run id>/ as it
    finishes; runs already there (and verified) are skipped, so an interrupted sweep
    resumes."""
    from passerelle.apps.sweep import SchedulerError, SweepError, grid, parse_seeds, plan
    from passerelle.apps.sweep import runs as sweep_runs
    from passerelle.apps.sweep import sweep as run_sweep
    from passerelle.config.memory import check_fits
    from passerelle.config.scenario import ScenarioError

    try:
        chosen = parse_seeds(seeds)
        grid(axes or ())
    except ValueError as error:
        fail(str(error))
    runs = sweep_runs(scenarios, chosen, _overrides(population, months, None, assignments),
                      axes or ())
    try:
        planned = plan(runs)  # every run validated before starting workers
        for _, scenario in planned.values():
            check_fits(scenario)
    except ScenarioError as error:
        _invalid(error)
    _output(out, replace=False)
    kept = [0]

    def advance(done: int, total: int) -> None:
        kept[0] = done
        bar.update(task, completed=done, total=total)

    with progress_bar("runs") as bar:
        task = bar.add_task("runs", total=len(planned))
        try:
            run_sweep(runs, out, client=scheduler, workers=workers, progress=advance)
        except SchedulerError as error:
            fail(str(error))
        except SweepError as error:
            fail(str(error), code=1)
        except KeyboardInterrupt:
            bar.stop()
            fail(f"interrupted: {kept[0]} of {len(planned)} runs kept in {out}; run the same "
                 "command again to compute the other runs", code=130)
    console.print(f"{len(planned)} runs in {out}; query them with "
                  f"passerelle.engine.store.connect({str(out)!r})", highlight=False)


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
    from passerelle.apps.compare_report import write_report
    from passerelle.apps.compare_tables import tables

    if len(scenarios) < 2:
        fail("compare needs a reference and at least one other scenario")
    overrides = _overrides(population, months, None, assignments)
    for scenario in scenarios:
        _load(scenario, overrides)  # report a bad scenario before any run
    _output(out)
    with progress_bar("runs") as bar:
        task = bar.add_task("runs", total=None)

        def advance(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=label)

        try:
            comparison = run_comparison(scenarios, seeds, overrides, progress=advance)
        except ValueError as error:
            fail(str(error))
    for title, frame in tables(comparison).items():
        console.print(text_table(frame, title))
    with staged(out) as folder:
        page = out / write_report(comparison, folder).relative_to(folder)
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
    population: Annotated[int | None, typer.Option("--population", min=1,
                                                   help="simulated people")] = None,
    months: Annotated[int | None, typer.Option("--months", min=1,
                                               help="reported months")] = None,
    staffing: Annotated[float | None, typer.Option(
        "--staffing", parser=_above_zero, help="facilitators' workers × this factor, above 0 "
        "(the study's own staff; default 20)")] = None,
    reporting: Annotated[float | None, typer.Option(
        "--reporting", parser=_reported_share, help="share of counted events reported at "
        "follow-up, in (0, 1]; 1 reads records (individual-rct)")] = None,
    attrition: Annotated[float | None, typer.Option(
        "--attrition", parser=_lost_share, help="share of participants lost to follow-up, "
        "in [0, 1) (individual-rct)")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1,
                                                help="processes (default: the cores)")] = None,
    out: Annotated[Path, typer.Option("--out", help="report folder")] = Path(
        "results/evaluate"),
) -> None:
    """Replicate a study design on many seeds: bias, RMSE, coverage and power of its
    estimator against the simulated truth; writes a table, summary.json and a plot."""
    import inspect

    from passerelle.engine.numbers import number, percent
    from passerelle.evaluate.designs import DESIGNS
    from passerelle.evaluate.designs.replicate import replicate

    if design not in DESIGNS:
        fail(f"unknown design {design!r}; designs: {', '.join(DESIGNS)}")
    given = {"population": population, "months": months, "staffing": staffing,
             "reporting": reporting, "attrition": attrition}
    options = {key: value for key, value in given.items() if value is not None}
    accepted = inspect.signature(DESIGNS[design].draw).parameters
    refused = [f"--{key}" for key in options if key not in accepted]
    if refused:
        takes = [f"--{key}" for key in given if key in accepted]
        fail(f"design {design} does not take {', '.join(refused)}; it takes "
             f"{', '.join(takes)}")
    _output(out / design)
    try:
        result = replicate(design, replications, seeds=seeds, workers=workers, **options)
    except ValueError as error:
        fail(str(error))
    with staged(out / design) as folder:
        result.save(folder)
    table = Table(title=f"{design}: {result.estimand}", title_justify="left")
    for column in ("measure", "value"):
        table.add_column(column)
    for key, value in result.summary().items():
        if key in ("coverage", "power"):
            table.add_row(key, percent(value))
        elif key not in ("design", "estimand"):
            table.add_row(key, number(value) if isinstance(value, float) else str(value))
    console.print(table)
    console.print(f"wrote {out / design / 'replications.csv'}, summary.json and "
                  "estimates.png", highlight=False)


@app.command()
def bench(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    people: Annotated[int, typer.Option(min=1, help="people in the full-model run")] = 1_000_000,
    months: Annotated[int, typer.Option(min=1, help="months of every run")] = 120,
    belgium: Annotated[bool, typer.Option(
        help="also run Belgium's full population (a few minutes)")] = True,
    repeats: Annotated[int, typer.Option(min=1, help="timings: best of this many")] = 3,
) -> None:
    """Measure speed: the full model, the reference model against numpy, Starsim and Mesa,
    start-up, sweeps, memory and Belgium's full population, each against its goal."""
    from passerelle.bench.harness import measure

    report = measure(full_people=people, months=months, belgium=belgium, repeats=repeats,
                     log=errors.print)
    if as_json:
        print(json.dumps(report, indent=2))
        return
    goals = report.pop("goals")
    table = Table(title="passerelle bench (ratios measured in this run)")
    for column in ("measurement", "value", "goal"):
        table.add_column(column)
    for key, value in report.items():
        goal = goals.get(key)
        met = "" if goal is None else (
            f"{goal['goal']} [green]met[/green]" if goal["met"] else f"{goal['goal']} [red]not "
            "met[/red]")
        table.add_row(key, f"{value:,.3g}", met)
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
