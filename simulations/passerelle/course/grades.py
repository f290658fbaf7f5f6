"""Grades out of the gradebook: Moodle's worksheet CSV, a per-question summary, a histogram.

Scores are read from nbgrader's SQLite gradebook (automatic and manual grades as nbgrader
totals them). A student without a grade (nothing collected, or autograde failed: see the error
report) gets 0 in the worksheet, never more; a participant of the roster who submitted nothing
keeps an empty grade (Moodle then leaves their grade as it was).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from passerelle.course import incidents as report
from passerelle.course.moodle import WORKSHEET_HEADERS, worksheet_date
from passerelle.course.nbgrader_course import Course, CourseInputError
from passerelle.course.roster import Roster


@dataclass(frozen=True)
class Scores:
    """One row a student (``students``) and one row a graded cell and student (``cells``)."""

    students: pd.DataFrame
    cells: pd.DataFrame
    max_score: float


def read_scores(course: Course, assignment: str) -> Scores:
    """Scores of every submission of ``assignment`` in the gradebook.

    ``students``: student_id, score, max_score, needs_manual_grade; ``cells``: student_id,
    question (nbgrader's grade id), score, max_score, needs_manual_grade.
    """
    students, cells = [], []
    with course.api().gradebook as gradebook:
        found = gradebook.find_assignment(assignment)
        max_score = float(found.max_score)
        for submission in found.submissions:
            students.append({"student_id": submission.student.id,
                             "score": float(submission.score),
                             "max_score": float(submission.max_score),
                             "needs_manual_grade": bool(submission.needs_manual_grade)})
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cells.append({"student_id": submission.student.id, "question": grade.name,
                                  "score": float(grade.score), "max_score": float(grade.max_score),
                                  "needs_manual_grade": bool(grade.needs_manual_grade)})
    columns = ["student_id", "score", "max_score", "needs_manual_grade"]
    return Scores(pd.DataFrame(students, columns=columns).sort_values("student_id"),
                  pd.DataFrame(cells, columns=["student_id", "question", *columns[1:]]),
                  max_score)


def question_summary(scores: Scores) -> pd.DataFrame:
    """Per question: points, submissions, mean score, share at full marks, still to grade by hand.

    Examples
    --------
    >>> cells = pd.DataFrame({"student_id": ["a", "b"], "question": ["q1", "q1"],
    ...                       "score": [2.0, 0.0], "max_score": [2.0, 2.0],
    ...                       "needs_manual_grade": [False, False]})
    >>> question_summary(Scores(pd.DataFrame(), cells, 2.0))["part_note_maximale"].tolist()
    [0.5]
    """
    cells = scores.cells.assign(full=lambda d: d["score"] >= d["max_score"])
    return (cells.groupby("question", sort=True)
            .agg(points=("max_score", "first"), copies=("student_id", "size"),
                 moyenne=("score", "mean"), part_note_maximale=("full", "mean"),
                 a_corriger_a_la_main=("needs_manual_grade", "sum"))
            .reset_index())


def moodle_worksheet(course: Course, assignment: str, roster: Roster, out: Path, *,
                     language: str = "fr", out_of: float | None = None,
                     now: datetime | None = None) -> Path:
    """Write the CSV that Moodle's offline grading worksheet imports.

    Parameters
    ----------
    course, assignment
        Where the grades are.
    roster
        Participants (one row each, in participant order).
    out
        The CSV file to write.
    language
        Language of the instructor's Moodle session (the importer matches translated headers):
        ``"fr"`` or ``"en"``.
    out_of
        Moodle's maximum grade, if it differs from nbgrader's points (scores are rescaled).
    now
        The "last modified (grade)" date written (default: now, UTC).
    """
    if language not in WORKSHEET_HEADERS:
        raise CourseInputError(f"--langue {language!r}: allowed: "
                               f"{', '.join(sorted(WORKSHEET_HEADERS))}")
    headers = WORKSHEET_HEADERS[language]
    scores = read_scores(course, assignment)
    graded = dict(zip(scores.students["student_id"], scores.students["score"], strict=True))
    problems = report.ungraded(report.read(report.report_path(course.root, assignment)),
                               set(graded))
    maximum = out_of if out_of is not None else scores.max_score
    scale = maximum / scores.max_score if scores.max_score else 0.0
    stamp = worksheet_date(now or datetime.now(UTC))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([headers.identifier, headers.full_name, headers.grade,
                         headers.maximum_grade, headers.last_modified_grade])
        for participant, student in sorted(roster.students.items()):
            if student.student_id in problems:
                grade = "0"
            elif student.student_id in graded:
                grade = f"{graded[student.student_id] * scale:.2f}"
            else:
                grade = ""
            writer.writerow([headers.identifier_of(participant), student.name, grade,
                             f"{maximum:.2f}", stamp])
    return out


def histogram(scores: Scores, out: Path, title: str) -> Path:
    """A PNG histogram of the total scores, for the instructor."""
    figure = Figure(figsize=(6, 3.5), dpi=120)
    axes = figure.subplots()
    bins = max(1, round(scores.max_score))
    axes.hist(scores.students["score"], bins=bins, range=(0, scores.max_score),
              color="#2b6cb0", edgecolor="white")
    axes.set_xlabel(f"note (points sur {scores.max_score:g})")
    axes.set_ylabel("copies")
    axes.set_title(title)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    return out
