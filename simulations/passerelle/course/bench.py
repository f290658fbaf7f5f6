"""Time a batch: autograde N correct submissions of one assignment, as ``autograde`` runs them.

In a scratch copy of the course: the release is generated, N synthetic students hand in the
source version (every student's answers are right for their own data), and the batch is graded
in parallel with the sandbox. The reference, measured in the same run, is nbgrader's own command
line grading one student in a fresh process (its start-up included): a serial batch would cost N
times that. The issue's budget is 50 submissions in 120 s on 2 cores.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from passerelle.course.autograde import AutogradeSettings, autograde
from passerelle.course.collect import timestamp_text
from passerelle.course.gates import GATE_TIME, generate
from passerelle.course.nbgrader_course import CONFIG_FILE, Course, environment_first_on_path

BUDGET_SECONDS = 120.0
BUDGET_STUDENTS = 50
REFERENCE_STUDENT = "reference"


@dataclass(frozen=True)
class BenchResult:
    """Seconds of one batch and of the one-student nbgrader reference."""

    students: int
    workers: int
    batch_seconds: float
    reference_seconds: float
    graded: int

    @property
    def per_student(self) -> float:
        return self.batch_seconds / self.students

    @property
    def speedup(self) -> float:
        """Serial estimate (students × reference) over the batch's seconds."""
        return self.students * self.reference_seconds / self.batch_seconds

    @property
    def budget_ratio(self) -> float:
        """Batch seconds over the budget scaled to this batch's size (below 1: within it)."""
        return self.batch_seconds / (BUDGET_SECONDS * self.students / BUDGET_STUDENTS)


def _hand_in(course: Course, assignment: str, student_id: str) -> None:
    folder = course.submission(course.submitted, student_id, assignment)
    folder.mkdir(parents=True)
    for notebook in (course.source / assignment).glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)
    (folder / "timestamp.txt").write_text(timestamp_text(GATE_TIME), encoding="utf-8")


def bench(course: Course, assignment: str, students: int = BUDGET_STUDENTS,
          settings: AutogradeSettings | None = None) -> BenchResult:
    """Grade ``students`` synthetic submissions of ``assignment``; returns the timings.

    Examples
    --------
    >>> bench(Course(Path("course")), "tp01-non-recours").per_student  # doctest: +SKIP
    1.9
    """
    settings = settings or AutogradeSettings()
    course.notebooks(assignment)
    with tempfile.TemporaryDirectory(prefix="passerelle-bench-") as scratch:
        trial = Course(Path(scratch))
        shutil.copy(course.root / CONFIG_FILE, trial.root / CONFIG_FILE)
        shutil.copytree(course.source / assignment, trial.source / assignment)
        generate(trial, assignment)
        ids = [f"e{index:06d}" for index in range(1, students + 1)]
        for student_id in [REFERENCE_STUDENT, *ids]:
            _hand_in(trial, assignment, student_id)
        environment_first_on_path()
        started = time.perf_counter()
        subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment,
                        "--student", REFERENCE_STUDENT], cwd=trial.root, check=True,
                       capture_output=True)
        reference = time.perf_counter() - started
        result = autograde(trial, assignment, ids, settings)
    return BenchResult(students, settings.workers, result.seconds, reference,
                       len(result.graded))
