"""No released notebook holds a solution line, a hidden test, a seed or a true value, and no
feedback message gives the expected answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from passerelle.course.assignments import NAMES
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.grading import grade
from passerelle.course.identity import student_seed
from passerelle.course.notebooks.cells import BEGIN, BEGIN_HIDDEN, END, END_HIDDEN
from passerelle.course.questions import as_numbers
from passerelle.course.stubs import CODE_STUB, TEXT_STUB

SOURCE = Path(__file__).resolve().parents[2] / "course" / "source"

EXAMPLE = "exemple-000"


def _regions(text: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == begin:
            inside = True
        elif line.strip() == end:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def _renderings(value: float) -> set[str]:
    """How a true value could be written: 3 or 4 decimals, as a percentage with 1 or 2, with
    a decimal point or a comma."""
    shown = {f"{value:.3f}", f"{value:.4f}", f"{100 * value:.2f}"}
    if abs(value) >= 0.01:
        shown.add(f"{100 * value:.1f}")
    return shown | {text.replace(".", ",") for text in shown}


def _true_values(name: str) -> list[float]:
    module = find_assignment(name)
    values = []
    for student in (EXAMPLE, "000123"):
        data = module.data(student)
        for question in module.QUESTIONS.values():
            values.extend(as_numbers(question.reference(data), question.reference(data)))
    if name == "tp01-non-recours":
        truth = json.loads((SOURCE.parents[1] / "datasets" / "truth.json").read_text())
        values.extend(v for v in truth["enquete_sante"].values() if isinstance(v, float))
    return [float(v) for v in values if np.isfinite(v) and abs(float(v)) > 1e-9]


@pytest.mark.parametrize("name", NAMES)
def test_the_release_holds_no_solution_hidden_test_seed_or_true_value(released: Path,
                                                                      name: str):
    source = nbformat.read(SOURCE / name / f"{name}.ipynb", as_version=4)
    release = nbformat.read(released / "release" / name / f"{name}.ipynb", as_version=4)
    nbformat.validate(release)
    text = "\n".join(cell.source for cell in release.cells)
    lines = {line.strip() for line in text.splitlines()}

    for marker in (BEGIN, END, BEGIN_HIDDEN, END_HIDDEN, "check(", "graded_student"):
        assert marker not in text, marker
    secret = [line for cell in source.cells
              for line in _regions(cell.source, BEGIN, END) + _regions(cell.source,
                                                                      BEGIN_HIDDEN, END_HIDDEN)]
    assert secret, "the source has solutions and hidden tests"
    assert not lines & set(secret), lines & set(secret)
    assert CODE_STUB.splitlines()[0] in text
    if any(cell.cell_type == "markdown" and cell.metadata.get("nbgrader", {}).get("solution")
           for cell in release.cells):
        assert TEXT_STUB in text

    assert "run.seed" not in text
    assert not re.search(r"\d{10,}", text)
    assert str(student_seed(EXAMPLE, name)) not in text
    for value in _true_values(name):
        for shown in _renderings(value):
            assert not re.search(rf"(?<![\d.,]){re.escape(shown)}(?![\d])", text), (value, shown)
    assert all(cell.get("outputs", []) == [] for cell in release.cells if cell.cell_type == "code")


@pytest.mark.parametrize("name", NAMES)
def test_no_feedback_message_gives_the_answer(name: str):
    module = find_assignment(name)
    for student in ("000123", "000124"):
        data = module.data(student)
        for question_name, question in module.QUESTIONS.items():
            truth = as_numbers(question.reference(data), question.reference(data))
            shown = {text for value in truth if abs(value) > 1e-9 for text in _renderings(value)}
            shown |= {str(int(value)) for value in truth if float(value).is_integer()}
            for label, misconception in question.misconceptions.items():
                verdict = grade(name, question_name, misconception.answer(data), student)
                assert not verdict.passed
                assert verdict.misconception == label
                for text in shown:
                    assert text not in verdict.message, (question_name, label, text)
