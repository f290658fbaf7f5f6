"""The command line's terminal: its consoles (results on stdout, errors on stderr), the
progress bar over months or runs, and tables of numbers that never break a number."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from rich.progress import Progress

console = Console()
errors = Console(stderr=True)


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
