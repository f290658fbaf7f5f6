"""The model against its goals: ``targets`` (the baseline against the Belgian calibration
targets) and ``bench`` (speed against the speed goals)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from passerelle.apps.cli.failures import invalid
from passerelle.apps.cli.options import Set
from passerelle.apps.cli.terminal import console, errors


def targets(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    assignments: Set = None,
) -> None:
    """Run the baseline and compare it with the Belgian calibration targets."""
    from passerelle.config.targets import baseline_runs, check
    from passerelle.engine.plan import ScenarioError

    try:
        runs = baseline_runs("baseline", tuple(assignments or ()))
    except ScenarioError as error:
        invalid(error)
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


