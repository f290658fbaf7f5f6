"""The commands on one scenario: ``run`` it, ``validate`` it, list the built-in
``scenarios``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from passerelle.apps.cli.failures import checked_output, checked_scenario
from passerelle.apps.cli.options import Months, Population, Seed, Set, overrides
from passerelle.apps.cli.terminal import console, progress_bar
from passerelle.engine.output_folder import staged


def run_with_progress(scenario, label: str):
    """Run a scenario with a progress bar over its months."""
    from passerelle.engine.sim import Sim

    with progress_bar(label) as bar:
        task = bar.add_task(label, total=scenario.run.burn_in + scenario.run.months)
        return Sim(scenario).run(lambda done, total: bar.update(task, completed=done))


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

    given = overrides(population, months, seed, assignments)
    chosen = checked_scenario(scenario, given)
    checked_output(out)
    results = run_with_progress(chosen, f"{chosen.name}: months")
    results.record = RunRecord.of(chosen, given)
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


def scenarios() -> None:
    """List the built-in scenarios."""
    from passerelle.config.scenario import builtin, load

    table = Table(title="built-in scenarios")
    table.add_column("name")
    table.add_column("description")
    for name in builtin():
        table.add_row(name, " ".join(load(name).description.split()))
    console.print(table)


def validate(file: Annotated[str, typer.Argument(help="scenario TOML file or built-in name")],
             assignments: Set = None) -> None:
    """Check a scenario file; print what is wrong, or a one-line summary."""
    chosen = checked_scenario(file, assignments or [])
    console.print(f"[green]ok[/green] {chosen.name}: {chosen.population.region}, "
                  f"{chosen.population.size} people, {chosen.run.months} months from "
                  f"{chosen.run.start}, modules {', '.join(chosen.modules)}")
