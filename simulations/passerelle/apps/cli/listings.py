"""The catalogue commands: the ``params`` a scenario can set and the ``measures`` a run
records, as tables or JSON."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from passerelle.apps.cli.terminal import console
from passerelle.datasets.cli import fail


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


