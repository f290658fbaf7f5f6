"""The study commands, many runs each: ``sweep`` scenarios × grid × seeds on Dask,
``compare`` scenarios on the same seeds, ``evaluate`` a study design over replications."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from passerelle.apps.cli.failures import (
    checked_output,
    checked_posterior,
    checked_scenario,
    invalid,
    sweep_failures,
)
from passerelle.apps.cli.options import (
    Months,
    Population,
    Set,
    above_zero,
    lost_share,
    overrides,
    reported_share,
)
from passerelle.apps.cli.terminal import console, progress_bar, text_table
from passerelle.datasets.cli import fail
from passerelle.engine.output_folder import staged


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
    from passerelle.apps.sweep import grid, parse_seeds, plan
    from passerelle.apps.sweep import runs as sweep_runs
    from passerelle.apps.sweep import sweep as run_sweep
    from passerelle.config.memory import check_fits
    from passerelle.engine.plan import ScenarioError
    from passerelle.engine.store import problem

    try:
        chosen = parse_seeds(seeds)
        grid(axes or ())
    except ValueError as error:
        fail(str(error))
    runs = sweep_runs(scenarios, chosen, overrides(population, months, None, assignments),
                      axes or ())
    try:
        planned = plan(runs)  # every run validated before starting workers
        for _, scenario in planned.values():
            check_fits(scenario)
    except ScenarioError as error:
        invalid(error)
    checked_output(out, replace=False)
    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with progress_bar("runs") as bar:
        task = bar.add_task("runs", total=len(planned))
        try:
            with sweep_failures():
                run_sweep(runs, out, client=scheduler, workers=workers, progress=advance)
        except KeyboardInterrupt:
            bar.stop()
            # Counted on disk: a run renamed into place just before the interrupt is kept
            # even if the progress count had not reached it yet.
            kept = sum((out / rid).exists() and problem(out / rid) is None for rid in planned)
            fail(f"interrupted: {kept} of {len(planned)} runs kept in {out}; run the same "
                 "command again to compute the other runs", code=130)
    console.print(f"{len(planned)} runs in {out}; query them with "
                  f"passerelle.engine.store.connect({str(out)!r})", highlight=False)


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
    posterior: Annotated[Path | None, typer.Option(
        "--posterior", help="a posterior ensemble (passerelle calibrate's posterior.parquet, "
        "or built-in: the built-in defaults' calibration): run every scenario over "
        "parameter sets drawn from it")] = None,
    sets: Annotated[int, typer.Option("--sets", min=2, help="with --posterior: parameter "
                                      "sets drawn from the ensemble")] = 20,
) -> None:
    """Compare scenarios on the same population and seeds: differences with intervals over
    seeds, true person-level effects, barriers, costs; writes a report folder. With
    --posterior, over parameter sets of a calibration, parameter and Monte Carlo
    uncertainty apart (OUT/posterior_comparison.csv)."""
    from passerelle.apps.compare import run_comparison
    from passerelle.apps.compare_report import write_report
    from passerelle.apps.compare_tables import tables

    if len(scenarios) < 2:
        fail("compare needs a reference and at least one other scenario")
    given = overrides(population, months, None, assignments)
    for scenario in scenarios:
        checked_scenario(scenario, given)  # report a bad scenario before any run
    checked_output(out)
    if posterior is not None:
        _compare_posterior(scenarios, posterior, sets, seeds, given, out)
        return
    with progress_bar("runs") as bar:
        task = bar.add_task("runs", total=None)

        def advance(label: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=label)

        try:
            comparison = run_comparison(scenarios, seeds, given, progress=advance)
        except ValueError as error:
            fail(str(error))
    for title, frame in tables(comparison).items():
        console.print(text_table(frame, title))
    with staged(out) as folder:
        page = out / write_report(comparison, folder).relative_to(folder)
    console.print(f"{len(comparison.runs)} runs ({', '.join(comparison.scenarios)} × "
                  f"{seeds} seeds) in {comparison.seconds:.1f} s; wrote {out / 'comparison.csv'} "
                  f"and {page}", highlight=False)


def _compare_posterior(scenarios: list[str], posterior: Path, sets: int, seeds: int,
                       given: list[str], out: Path) -> None:
    from passerelle.apps.calibration.ensemble import CalibrationError
    from passerelle.apps.compare_posterior import compare_posterior

    posterior = checked_posterior(posterior)
    with progress_bar("posterior sets") as bar:
        task = bar.add_task("posterior sets", total=sets)
        try:
            table = compare_posterior(scenarios, posterior, sets, seeds, given,
                                      progress=lambda done: bar.update(task, completed=done))
        except (CalibrationError, ValueError, OSError) as error:
            fail(str(error).splitlines()[0])
    with staged(out) as folder:
        table.to_csv(folder / "posterior_comparison.csv", index=False)
    shown = table[table["section"] == "person"][
        ["scenario", "quantity", "group", "difference", "low", "high", "parameter_sd",
         "monte_carlo_sd"]]
    console.print(text_table(shown, f"person-level effects over {sets} posterior sets × "
                                    f"{seeds} seeds"))
    console.print(f"wrote {out / 'posterior_comparison.csv'}", highlight=False)


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
        "--staffing", parser=above_zero, help="facilitators' workers × this factor, above 0 "
        "(the study's own staff; default 20)")] = None,
    reporting: Annotated[float | None, typer.Option(
        "--reporting", parser=reported_share, help="share of counted events reported at "
        "follow-up, in (0, 1]; 1 reads records (individual-rct)")] = None,
    attrition: Annotated[float | None, typer.Option(
        "--attrition", parser=lost_share, help="share of participants lost to follow-up, "
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
    checked_output(out / design)
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


