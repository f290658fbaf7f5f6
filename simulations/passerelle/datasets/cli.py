"""``passerelle datasets``: build and list the data sets (imports stay lazy: pandera and the
builders load only when a command runs)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich import box
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="Sourced figures and synthetic microdata to open in a notebook.",
                  no_args_is_help=True, add_completion=False)
console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on stderr, as text on one line, and exit with ``code``."""
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def build(
    out: Annotated[Path | None, typer.Option(
        "--out", help="folder to write into (default: the repository's datasets/)")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="check the files on disk against SHA256SUMS, and build into a "
        "temporary folder to compare with it, instead of writing")] = False,
) -> None:
    """Regenerate every synthetic data set, byte for byte, with truth.json and SHA256SUMS."""
    from passerelle.datasets import api
    from passerelle.datasets.files import CHECKSUMS, damaged, read_checksums
    from passerelle.engine.output_folder import OutputError
    from passerelle.engine.output_folder import check as check_output

    if check:
        sums = api.DATASETS_DIR / CHECKSUMS
        if not sums.is_file():
            fail(f"{sums} is missing: run `passerelle datasets build` to write it")
        on_disk = damaged(api.DATASETS_DIR)
        with tempfile.TemporaryDirectory() as folder:
            api.build(Path(folder), log=console.print)
            built = read_checksums(Path(folder) / CHECKSUMS)
        committed = read_checksums(sums)
        differ = sorted(n for n in built.keys() | committed.keys()
                        if built.get(n) != committed.get(n))
        if differ:
            errors.print(f"a rebuild differs from {sums}: {', '.join(differ)}",
                         markup=False, highlight=False, soft_wrap=True)
        else:
            console.print(f"[green]identical[/green]: a rebuild of {len(built)} files "
                          f"matches {CHECKSUMS}")
        for name, wrong in sorted(on_disk.items()):
            errors.print(f"on disk, {api.DATASETS_DIR / name} {wrong}; run `passerelle "
                         "datasets build` to regenerate it", markup=False, highlight=False,
                         soft_wrap=True)
        if differ or on_disk:
            raise typer.Exit(1)
        console.print(f"[green]intact[/green]: the {len(committed)} files on disk match "
                      f"{CHECKSUMS}")
        return
    target = out or api.DATASETS_DIR
    try:
        check_output(target, replace=False)
    except OutputError as error:
        fail(str(error))
    written = api.build(target, log=console.print)
    console.print(f"wrote {len(written)} files in {target}")


@app.command("list")
def list_() -> None:
    """Show every data set with its file, size and number of rows (fits 80 columns)."""
    from passerelle.datasets.api import catalog

    # Names and numbers never wrap; the description and the file (after it) take the
    # width that is left, so that the table fits an 80-column terminal.
    table = Table(title="passerelle data sets — passerelle.datasets.load(name)",
                  box=box.SIMPLE_HEAD)
    table.add_column("name", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("rows", justify="right", no_wrap=True)
    table.add_column("what (file)", ratio=1, overflow="fold")
    frame = catalog()
    for row in frame.itertuples():
        size = f"{row.bytes / 1024:,.0f} KiB" if row.bytes else "not built"
        rows = f"{row.rows:,}" if row.problem is None else (
            "damaged" if row.bytes else "–")
        table.add_row(row.name, row.kind, size, rows, f"{row.title} ({row.file})")
    console.print(table)
    broken = frame[frame.problem.notna() & (frame.bytes > 0)]
    for problem in broken.problem:
        errors.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
    if len(broken):
        raise typer.Exit(1)
