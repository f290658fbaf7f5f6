"""Small Markdown writers shared by the generated pages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# A relative link (not a web address, not an anchor), its text optionally in backticks.
RELATIVE_LINK = re.compile(r"\[(`?)([^\]`]+)\1\]\((?!https?://|mailto:|#)([^)]+)\)")


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


def repository_paths(text: str, folder: str) -> str:
    """Relative links of a file of the repository's ``folder`` (to data files, configs,
    other folders) as their repository path in code: the site does not publish them.

    Examples
    --------
    >>> shown = repository_paths("[a.parquet](a.parquet), [web](https://x.org)", "datasets")
    >>> "datasets/a.parquet" in shown, "(a.parquet)" in shown, shown.endswith("(https://x.org)")
    (True, False, True)
    """
    return RELATIVE_LINK.sub(lambda m: f"`{folder}/{m.group(3)}`", text)
