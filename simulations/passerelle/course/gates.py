"""The gates an assignment passes before it is released, and in CI for every assignment.

1. The release holds no solution line, no hidden test and no nbgrader marker.
2. Autograded with nbgrader and a real gradebook (in a scratch copy of the course, so the real
   gradebook never sees the gate's pseudo-students), the source version gets every automatic
   point and the blank release gets none.

Scores come from the gradebook, never from ``nbgrader validate``'s exit code (it exits 0 when
tests fail).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

from passerelle.course.autograde import AutogradeSettings, autograde
from passerelle.course.collect import timestamp_text
from passerelle.course.nbgrader_course import CONFIG_FILE, Course, CourseInputError

SOURCE_STUDENT = "porte-source"
BLANK_STUDENT = "porte-vierge"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")
GATE_TIME = datetime(2000, 1, 1)
SHORTEST_SECRET = 12
"""Characters: shorter solution lines (``pass``, ``)``, ``x = 0``) are common code, not leaks."""


@dataclass(frozen=True)
class GateReport:
    """What the gates found for one assignment."""

    assignment: str
    source_points: float
    blank_points: float
    automatic_points: float
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def secret_lines(source: Path) -> list[str]:
    """Lines of a source notebook that must not reach students: solutions and hidden tests."""
    secrets = []
    for cell in nbformat.read(source, 4).cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line or "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END SOLUTION" in line or "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= SHORTEST_SECRET:
                secrets.append(line.strip())
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            secrets += [s.strip() for s in cell.source.splitlines()
                        if len(s.strip()) >= SHORTEST_SECRET]
    return secrets


def release_leaks(course: Course, assignment: str) -> list[str]:
    """Solution lines, hidden tests or markers found in the released notebooks."""
    leaks = []
    for name in course.notebooks(assignment):
        released = course.release / assignment / f"{name}.ipynb"
        if not released.exists():
            leaks.append(f"{released}: missing from the release")
            continue
        text = "\n".join(c.source for c in nbformat.read(released, 4).cells)
        leaks += [f"{released}: marker {m!r}" for m in MARKERS if m in text]
        secrets = secret_lines(course.source / assignment / f"{name}.ipynb")
        leaks += [f"{released}: solution or hidden test line {s[:60]!r}"
                  for s in secrets if s in text]
    return leaks


def generate(course: Course, assignment: str) -> None:
    """Register the assignment in the gradebook and write its release (nbgrader)."""
    course.notebooks(assignment)
    api = course.api()
    with api.gradebook as gradebook:
        gradebook.update_or_create_assignment(assignment)
    outcome = api.generate_assignment(assignment, force=True)
    if not outcome["success"]:
        last = (outcome.get("error") or outcome.get("log") or "").strip().splitlines()[-1:]
        raise CourseInputError(f"{course.source / assignment}: nbgrader could not generate the "
                               f"release: {' '.join(last)}")


def _submit(course: Course, student_id: str, assignment: str, folder: Path) -> None:
    target = course.submission(course.submitted, student_id, assignment)
    target.mkdir(parents=True)
    for notebook in folder.glob("*.ipynb"):
        shutil.copy(notebook, target / notebook.name)
    (target / "timestamp.txt").write_text(timestamp_text(GATE_TIME), encoding="utf-8")


def run_gates(course: Course, assignment: str,
              settings: AutogradeSettings | None = None) -> GateReport:
    """Check an assignment: release clean, source full marks, blank release zero.

    Parameters
    ----------
    course
        The course whose ``source/<assignment>`` is checked (left untouched).
    assignment
        The assignment's name.
    settings
        How to autograde (workers, timeouts, sandbox).

    Examples
    --------
    >>> run_gates(Course(Path("course")), "tp01-non-recours").passed  # doctest: +SKIP
    True
    """
    course.notebooks(assignment)
    with tempfile.TemporaryDirectory(prefix="passerelle-portes-") as scratch:
        trial = Course(Path(scratch))
        shutil.copy(course.root / CONFIG_FILE, trial.root / CONFIG_FILE)
        shutil.copytree(course.source / assignment, trial.source / assignment)
        generate(trial, assignment)
        problems = release_leaks(trial, assignment)
        _submit(trial, SOURCE_STUDENT, assignment, trial.source / assignment)
        _submit(trial, BLANK_STUDENT, assignment, trial.release / assignment)
        result = autograde(trial, assignment, [SOURCE_STUDENT, BLANK_STUDENT], settings)
        problems += [f"{i.student_id}: {i.problem}" for i in result.incidents]
        points: dict[str, float] = {SOURCE_STUDENT: 0.0, BLANK_STUDENT: 0.0}
        automatic = 0.0
        with trial.api().gradebook as gradebook:
            for student_id in result.graded:
                submission = gradebook.find_submission(assignment, student_id)
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.cell_type == "code" and not grade.needs_manual_grade:
                            points[student_id] += float(grade.score or 0.0)
                            if student_id == SOURCE_STUDENT:
                                automatic += float(grade.max_score)
                        elif student_id == BLANK_STUDENT:
                            points[student_id] += float(grade.score or 0.0)
    if SOURCE_STUDENT not in result.graded or points[SOURCE_STUDENT] < automatic:
        problems.append(f"source version: {points[SOURCE_STUDENT]:g} of {automatic:g} "
                        "automatic points (expected all)")
    if automatic == 0:
        problems.append("no automatically graded test cell")
    if BLANK_STUDENT not in result.graded or points[BLANK_STUDENT] > 0:
        problems.append(f"blank release: {points[BLANK_STUDENT]:g} points (expected 0)")
    return GateReport(assignment, points[SOURCE_STUDENT], points[BLANK_STUDENT], automatic,
                      problems)
