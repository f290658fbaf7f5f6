"""Small Markdown writers shared by the generated pages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def cell(text: object) -> str:
    """``text`` as one Markdown table cell: one line, pipes escaped.

    Examples
    --------
    >>> cell("a | b\\nc")
    'a \\\\| b c'
    """
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A pipe table with ``header`` and ``rows`` (cells are made one-line).

    Examples
    --------
    >>> print(table(["a", "b"], [[1, 2]]))
    | a | b |
    |---|---|
    | 1 | 2 |
    """
    lines = ["| " + " | ".join(cell(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def wide(page: str) -> str:
    """``page`` with front matter that hides the left navigation (Material's ``hide``),
    leaving its wide tables the width of the screen.

    Examples
    --------
    >>> wide("# Title").splitlines()[:3]
    ['---', 'hide:', '  - navigation']
    """
    return "---\nhide:\n  - navigation\n---\n\n" + page
