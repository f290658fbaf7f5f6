"""The model against its goals: ``targets`` (the baseline against the Belgian calibration
and validation targets) and ``bench`` (speed against the speed goals)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from passerelle.apps.cli.failures import fail, invalid
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
) -> None:
    """Run the baseline and compare it with the Belgian targets, in and out of sample.

    Exits 1 when a calibration target misses its band; validation targets are reported
    (with the model's reason for each miss) and do not change the exit code."""
    from passerelle.config.targets import CALIBRATION, GAP_KINDS, baseline_runs, check
    from passerelle.engine.plan import ScenarioError

    if plot is not None and not plot.parent.is_dir():
        fail(f"--plot {plot}: the folder {plot.parent} does not exist")
    try:
        runs = baseline_runs("baseline", tuple(assignments or ()))
    except ScenarioError as error:
        invalid(error)
    checks = check(runs, None if role is Role.all else role.value)
    rows = [c.as_dict() for c in checks]
    if plot is not None:
        from passerelle.apps.site.validation import plot as draw

        plot.write_text(draw("en", {"checks": rows}), encoding="utf-8")
    if as_json:
        print(json.dumps(rows, indent=2))
    else:
        table = Table(title="targets (baseline, at each source's reference year)")
        for column in ("target", "set", "compared", "model", "target value", "band",
                       "source", "result", "reason for a miss"):
            table.add_column(column)
        for c in checks:
            t = c.target
            table.add_row(t.name, "in sample" if t.role == CALIBRATION else "out of sample",
                          c.compared, f"{c.model:,.4g}", f"{t.value:,.4g}",
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


