"""One HTML feedback file a student, and the ZIP Moodle's feedback importer reads.

nbgrader's feedback shows the graded notebook as graded, hidden tests included; here the test
cells keep only their visible part and a failed test shows only its message (the French hint of
the misconception, never the traceback's lines of the hidden test). A student whose submission
could not be graded gets a short French page saying why.
"""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor

from passerelle.course import incidents as report
from passerelle.course.moodle import feedback_file_name
from passerelle.course.nbgrader_course import Course
from passerelle.course.roster import Roster

FAILED_TEST = "Test non réussi."


class ConcealTests(NbGraderPreprocessor):
    """Drop hidden tests from test cells and reduce their errors to the message."""

    def preprocess_cell(self, cell, resources, cell_index):
        if utils.is_grade(cell) and not utils.is_solution(cell):
            ClearHiddenTests(enforce_metadata=False)._remove_hidden_test_region(cell)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = str(output.get("evalue") or "").strip() or FAILED_TEST
                    output["traceback"] = [message]
                    output["ename"], output["evalue"] = "Test", message
        return cell, resources


FEEDBACK_CONFIG = {"GenerateFeedback": {
    "preprocessors": [GetGrades, ConcealTests, CSSHTMLHeaderPreprocessor]}}


def _not_graded_page(assignment: str, problems: list[str]) -> str:
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    return (f"<!DOCTYPE html><html lang='fr'><meta charset='utf-8'><title>{assignment}</title>"
            f"<h1>{html.escape(assignment)} : remise non corrigée</h1>"
            f"<p>Votre remise n'a pas pu être corrigée automatiquement :</p><ul>{items}</ul>"
            "<p>Votre enseignant·e la regardera. Vous pouvez aussi déposer à nouveau le "
            "notebook du devoir (fichier .ipynb) sur Moodle.</p></html>")


def generate_feedback(course: Course, assignment: str,
                      students: list[str]) -> dict[str, list[Path]]:
    """Write the feedback HTML of every student in ``students``; returns their files.

    Graded students get nbgrader's feedback (tests concealed); the others a page listing the
    problems of the error report.
    """
    api = course.api(FEEDBACK_CONFIG)
    with api.gradebook as gradebook:
        graded = {s.student.id for s in gradebook.find_assignment(assignment).submissions}
    problems = report.ungraded(report.read(report.report_path(course.root, assignment)), graded)
    files: dict[str, list[Path]] = {}
    for student_id in students:
        folder = course.submission(course.feedback, student_id, assignment)
        if student_id not in problems and student_id in graded:
            api.generate_feedback(assignment, student_id)
            files[student_id] = sorted(folder.glob("*.html"))
        else:
            folder.mkdir(parents=True, exist_ok=True)
            page = folder / f"{assignment}.html"
            page.write_text(_not_graded_page(assignment, problems.get(
                student_id, ["aucun notebook de ce devoir reçu"])), encoding="utf-8")
            files[student_id] = [page]
    return files


def feedback_zip(files: dict[str, list[Path]], roster: Roster | None, out: Path) -> Path:
    """Zip the feedback files under the names Moodle matches to participants.

    With a roster, each file is named ``<name>_<participant>_assignfeedback_file_<file>`` (see
    :mod:`passerelle.course.moodle`); without one, ``<student_id>/<file>``.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    by_id = roster.by_student_id() if roster is not None else {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for student_id, paths in sorted(files.items()):
            for path in paths:
                student = by_id.get(student_id)
                name = (f"{student_id}/{path.name}" if student is None else
                        feedback_file_name(student.name, student.participant, path.name))
                archive.write(path, name)
    return out
