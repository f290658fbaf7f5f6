"""``passerelle datasets``: build and list the data sets (imports stay lazy: pandera and the
builders load only when a command runs)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Sourced figures and synthetic microdata to open in a notebook.",
                  no_args_is_help=True, add_completion=False)
console = Console()
errors = Console(stderr=True)


@app.command()
def build(
    out: Annotated[Path | None, typer.Option(
        "--out", help="folder to write into (default: the repository's datasets/)")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="build into a temporary folder and compare with the committed "
        "SHA256SUMS instead of writing")] = False,
) -> None:
    """Regenerate every synthetic data set, byte for byte, with truth.json and SHA256SUMS."""
    from passerelle.datasets.api import DATASETS_DIR
    from passerelle.datasets.api import build as build_all
    from passerelle.datasets.files import CHECKSUMS, read_checksums

    if check:
        with tempfile.TemporaryDirectory() as folder:
            build_all(Path(folder), log=console.print)
            built = read_checksums(Path(folder) / CHECKSUMS)
        committed = read_checksums(DATASETS_DIR / CHECKSUMS)
        differ = sorted(n for n in built.keys() | committed.keys()
                        if built.get(n) != committed.get(n))
        if differ:
            errors.print(f"differ from {DATASETS_DIR / CHECKSUMS}: {', '.join(differ)}")
            raise typer.Exit(1)
        console.print(f"[green]identical[/green]: {len(built)} files match {CHECKSUMS}")
        return
    written = build_all(out or DATASETS_DIR, log=console.print)
    console.print(f"wrote {len(written)} files in {(out or DATASETS_DIR)}")


@app.command("list")
def list_() -> None:
    """Show every data set with its file, size and number of rows."""
    from passerelle.datasets.api import catalog

    table = Table(title="passerelle data sets — passerelle.datasets.load(name)")
    for column in ("name", "kind", "file", "size", "rows", "what"):
        table.add_column(column, justify="right" if column in ("size", "rows") else "left")
    for row in catalog().itertuples():
        size = f"{row.bytes / 1024:,.0f} KiB" if row.bytes else "not built"
        table.add_row(row.name, row.kind, row.file, size, f"{row.rows:,}", row.title)
    console.print(table)
