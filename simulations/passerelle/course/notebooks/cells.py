"""Cells of a source notebook with their nbgrader metadata (schema version 3).

``read_only`` cells are locked instructions; ``answer`` cells hold a solution region that
the release replaces with the French stub; ``tests`` cells hold the visible self-check
and, in a hidden block, the call that grades the answer against the student's truth;
``written`` cells are answers in words, graded by hand.
"""

from __future__ import annotations

import nbformat
from nbformat.notebooknode import NotebookNode

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def read_only(grade_id: str, text: str) -> NotebookNode:
    """A locked Markdown cell (instructions, context)."""
    return nbformat.v4.new_markdown_cell(text.strip(), metadata=_meta(grade_id, locked=True))


def given(grade_id: str, code: str) -> NotebookNode:
    """A locked code cell the student runs as it is."""
    return nbformat.v4.new_code_cell(code.strip(), metadata=_meta(grade_id, locked=True))


def free(code: str = "") -> NotebookNode:
    """A code cell without nbgrader metadata: a place to try things."""
    return nbformat.v4.new_code_cell(code.strip())


def free_text(text: str) -> NotebookNode:
    """A Markdown cell without nbgrader metadata, for the student to write in."""
    return nbformat.v4.new_markdown_cell(text.strip())


def matricule(assignment: str) -> NotebookNode:
    """The cell where the student writes their matricule. The source takes the id nbgrader
    grades under (an example id outside nbgrader), so that the solution gets full marks
    for any student; the release holds the stub the student replaces."""
    return answer("matricule", "\n".join([
        "from passerelle.course.identity import graded_student",
        "",
        f'MATRICULE = graded_student("{assignment}") or "exemple-000"',
    ]))


def answer(grade_id: str, solution: str, before: str = "", after: str = "") -> NotebookNode:
    """A code cell whose ``solution`` lines the release replaces with the stub; ``before``
    and ``after`` stay in the release."""
    parts = [before.strip() + "\n" if before.strip() else "", BEGIN, solution.strip(), END,
             after.strip()]
    return nbformat.v4.new_code_cell("\n".join(p for p in parts if p),
                                     metadata=_meta(grade_id, solution=True))


def tests(grade_id: str, assignment: str, question: str, variable: str,
          points: float) -> NotebookNode:
    """The tests of ``question``: a visible check of the answer's form, and the hidden call
    that grades it for the student nbgrader grades."""
    code = "\n".join([
        BEGIN_HIDDEN,
        "from passerelle.course.grading import check",
        "",
        f'check("{assignment}", "{question}", {variable})',
        END_HIDDEN,
        f'verifier("{assignment}", "{question}", {variable})',
    ])
    return nbformat.v4.new_code_cell(code, metadata=_meta(f"test_{grade_id}", grade=True,
                                                          locked=True, points=points))


def written(grade_id: str, model_answer: str, points: float) -> NotebookNode:
    """A Markdown answer graded by hand; ``model_answer`` is the instructor's (removed from
    the release)."""
    text = "\n".join([BEGIN, model_answer.strip(), END])
    return nbformat.v4.new_markdown_cell(text, metadata=_meta(grade_id, grade=True,
                                                              solution=True, points=points))


def notebook(cells: list[NotebookNode]) -> NotebookNode:
    """A notebook of ``cells`` for the Python 3 kernel, in French."""
    for index, cell in enumerate(cells):
        # Fixed ids (nbformat draws random ones): the same build gives the same bytes.
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "libre")
        cell.id = f"{index:02d}-{grade_id}"[:64]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb
