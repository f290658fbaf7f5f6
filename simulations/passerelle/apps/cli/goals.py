"""The model against its goals: ``targets`` (the baseline against the Belgian calibration
and validation targets) and ``bench`` (speed against the speed goals)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from passerelle.apps.cli.failures import checked_posterior, fail, invalid
from passerelle.apps.cli.options import Set
from passerelle.apps.cli.terminal import console, errors


class Role(StrEnum):
    """Which targets ``passerelle targets`` compares."""

    all = "all"
    calibration = "calibration"
    validation = "validation"


def targets(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    assignments: Set = None,
    role: Annotated[Role, typer.Option(
        "--role", help="calibration targets (fitted, in sample), validation targets (never "
        "fitted, out of sample) or all")] = Role.all,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="also write the plot of model against bands to this SVG file")] = None,
    posterior: Annotated[Path | None, typer.Option(
        "--posterior", help="a posterior ensemble (passerelle calibrate's "
        "posterior.parquet, or built-in: the built-in defaults' calibration): the model's "
        "value is the median over parameter sets drawn from it, with its 95% posterior "
        "predictive interval")] = None,
    sets: Annotated[int, typer.Option(
        "--sets", min=2, help="with --posterior: parameter sets drawn, each on its own "
        "seed")] = 40,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="with --posterior: address of a Dask scheduler (default: a "
        "local cluster)")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="with --posterior: processes of the local cluster "
        "(default: one per core)")] = None,
    record: Annotated[Path | None, typer.Option(
        "--record", help="with --posterior: also write the checks, with the software and "
        "the posterior's settings, to this JSON file (the site's calibration page)")] = None,
) -> None:
    """Run the baseline and compare it with the Belgian targets, in and out of sample.

    Exits 1 when a calibration target misses its band; validation targets are reported
    (with the model's reason for each miss) and do not change the exit code. With
    --posterior, the baseline runs over parameter sets of a calibration (on a local Dask
    cluster) and a target passes when the median over sets lies in its band."""
    from passerelle.config.targets import CALIBRATION, GAP_KINDS, baseline_runs, check
    from passerelle.engine.plan import ScenarioError

    for option, path in (("--plot", plot), ("--record", record)):
        if path is not None and not path.parent.is_dir():
            fail(f"{option} {path}: the folder {path.parent} does not exist")
    if record is not None and posterior is None:
        fail("--record needs --posterior: it records the checks over a posterior")
    if posterior is not None:
        posterior = checked_posterior(posterior)
    chosen = None if role is Role.all else role.value
    try:
        if posterior is None:
            checks = check(baseline_runs("baseline", tuple(assignments or ())), chosen)
        else:
            checks = _predictive(posterior, sets, chosen, tuple(assignments or ()), scheduler,
                                 workers)
    except ScenarioError as error:
        invalid(error)
    rows = [c.as_dict() for c in checks]
    if record is not None:
        from passerelle.apps.calibration.ensemble import read_posterior
        from passerelle.apps.calibration.predictive import write_record

        write_record(record, checks, read_posterior(posterior)[1], tuple(assignments or ()))
    if plot is not None:
        from passerelle.apps.site.validation import plot as draw

        plot.write_text(draw("en", {"checks": rows}), encoding="utf-8")
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        title = "targets (baseline, at each source's reference year)" if posterior is None \
            else f"targets (baseline over {sets} parameter sets of {posterior})"
        table = Table(title=title)
        spread = ("95% predictive", "sets in band") if posterior is not None else ()
        for column in ("target", "set", "compared", "model", *spread, "target value", "band",
                       "source", "result", "reason for a miss"):
            table.add_column(column)
        for c, row in zip(checks, rows, strict=True):
            t = c.target
            extra = () if posterior is None else (
                f"{row['ppi_low']:,.4g} – {row['ppi_high']:,.4g}", f"{row['in_band']:.0%}")
            table.add_row(t.name, "in sample" if t.role == CALIBRATION else "out of sample",
                          c.compared, f"{c.model:,.4g}", *extra, f"{t.value:,.4g}",
                          f"{t.low:,.4g} – {t.high:,.4g}", t.source,
                          "[green]pass[/green]" if c.passed else "[red]fail[/red]",
                          "" if c.passed else GAP_KINDS.get(t.gap_kind, ""))
        console.print(table)
        for c in checks:
            if not c.passed and c.target.gap:
                console.print(f"[red]{c.target.name}[/red] ({GAP_KINDS[c.target.gap_kind]}): "
                              f"{c.target.gap}", soft_wrap=True)
    if not all(c.passed for c in checks if c.target.role == CALIBRATION):
        raise typer.Exit(1)


def _predictive(posterior: Path, sets: int, role: str | None, assignments: tuple[str, ...],
                scheduler: str | None, workers: int | None) -> list:
    """The posterior predictive checks, with a progress bar and one-line errors."""
    from passerelle.apps.calibration.ensemble import CalibrationError
    from passerelle.apps.calibration.predictive import predictive_checks
    from passerelle.apps.cli.terminal import progress_bar
    from passerelle.apps.sweep import SchedulerError

    with progress_bar("parameter sets") as bar:
        task = bar.add_task("parameter sets", total=sets)
        try:
            return predictive_checks(posterior, sets, role, assignments, scheduler=scheduler,
                                     workers=workers,
                                     progress=lambda done, total: bar.update(
                                         task, completed=done, total=total))
        except (CalibrationError, SchedulerError) as error:
            fail(str(error))


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


