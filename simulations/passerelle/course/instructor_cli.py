"""The instructor's commands of ``passerelle course``: from Moodle's ZIP to grades and feedback.

``generate`` → ``collect`` → ``autograde`` → (manual grading in nbgrader's formgrader, if any)
→ ``feedback`` → ``grades``; ``lab`` opens JupyterLab on a student's copy; ``bench`` times a
batch. :func:`register` adds them to the ``course`` sub-app.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from passerelle.course.incidents import export_folder, report_path
from passerelle.course.sandbox import SandboxUnavailable

COURSE = Annotated[Path, typer.Option("--cours", help="the nbgrader course folder")]
ASSIGNMENT = Annotated[str, typer.Argument(help="assignment (a folder of course/source)")]
ROSTER = Annotated[Path | None, typer.Option(
    "--roster", help="CSV participant,student_id[,nom] (needed for Moodle's ZIP)")]
DEFAULT_COURSE = Path("course")

console = Console()
errors = Console(stderr=True, soft_wrap=True)


def _fail(message: object) -> typer.Exit:
    errors.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(2)


def generate(assignment: ASSIGNMENT, cours: COURSE = DEFAULT_COURSE) -> None:
    """Write the release of an assignment (nbgrader) after its gates pass."""
    from passerelle.course.gates import generate as write_release
    from passerelle.course.gates import release_leaks, run_gates
    from passerelle.course.nbgrader_course import Course, CourseInputError

    course = Course(cours)
    try:
        course.check().notebooks(assignment)
        gates = run_gates(course, assignment)
        if gates.passed:
            write_release(course, assignment)
            gates.problems.extend(release_leaks(course, assignment))
    except (CourseInputError, SandboxUnavailable) as problem:
        raise _fail(problem) from None
    for problem in gates.problems:
        errors.print(f"gate failed: {assignment}: {problem}", markup=False)
    if not gates.passed:
        raise typer.Exit(1)
    console.print(f"{assignment}: gates passed (source {gates.source_points:g}/"
                  f"{gates.automatic_points:g}, blank release {gates.blank_points:g}); "
                  f"release in {course.release / assignment}")


def collect(assignment: ASSIGNMENT,
            submissions: Annotated[Path, typer.Argument(
                help="Moodle's 'Download all submissions' ZIP, or a folder")],
            roster: ROSTER = None, cours: COURSE = DEFAULT_COURSE) -> None:
    """Copy the submissions into submitted/ and start the error report."""
    from passerelle.course.collect import collect as run
    from passerelle.course.nbgrader_course import Course, CourseInputError
    from passerelle.course.roster import Roster

    course = Course(cours)
    try:
        course.check()
        result = run(course, assignment, submissions,
                     Roster.read(roster) if roster is not None else None)
    except CourseInputError as problem:
        raise _fail(problem) from None
    console.print(f"{len(result.students)} submissions collected, {len(result.incidents)} "
                  f"incidents in {report_path(course.root, assignment)}")


def autograde(assignment: ASSIGNMENT, cours: COURSE = DEFAULT_COURSE,
              workers: Annotated[int | None, typer.Option(
                  "--workers", min=1, help="worker processes (default: the cores)")] = None,
              cell_timeout: Annotated[int | None, typer.Option(
                  "--cell-timeout", min=1,
                  help="seconds a cell may run (default: the course's Execute.timeout)")] = None,
              ) -> None:
    """Autograde every collected submission, in parallel, each kernel in a sandbox."""
    from passerelle.course.autograde import AutogradeSettings
    from passerelle.course.autograde import autograde as run
    from passerelle.course.nbgrader_course import Course, CourseInputError

    course = Course(cours)
    settings = AutogradeSettings(cell_timeout=cell_timeout)
    if workers is not None:
        settings = AutogradeSettings(workers=workers, cell_timeout=cell_timeout)
    try:
        course.check().notebooks(assignment)
        result = run(course, assignment, settings=settings)
    except (CourseInputError, SandboxUnavailable) as problem:
        raise _fail(problem) from None
    each = result.seconds / max(1, len(result.graded))
    console.print(f"{len(result.graded)} submissions graded in {result.seconds:.1f} s "
                  f"({each:.2f} s each); {len(result.incidents)} incidents added to "
                  f"{report_path(course.root, assignment)}")


def feedback(assignment: ASSIGNMENT, roster: ROSTER = None,
             cours: COURSE = DEFAULT_COURSE) -> None:
    """One HTML feedback a student, zipped for Moodle's 'upload multiple feedback files'."""
    from passerelle.course.feedback import feedback_zip, generate_feedback
    from passerelle.course.nbgrader_course import Course, CourseInputError
    from passerelle.course.roster import Roster

    course = Course(cours)
    try:
        course.check().notebooks(assignment)
        students = Roster.read(roster) if roster is not None else None
        ids = (sorted(students.by_student_id()) if students is not None else
               sorted(p.parent.name for p in course.submitted.glob(f"*/{assignment}")))
        files = generate_feedback(course, assignment, ids)
    except CourseInputError as problem:
        raise _fail(problem) from None
    out = feedback_zip(files, students, export_folder(course.root, assignment) /
                       f"retours-{assignment}.zip")
    console.print(f"{len(files)} feedback files in {out}")


def grades(assignment: ASSIGNMENT,
           roster: Annotated[Path, typer.Option("--roster", help="CSV participant,student_id")],
           cours: COURSE = DEFAULT_COURSE,
           langue: Annotated[str, typer.Option(
               "--langue", help="language of your Moodle session: fr or en")] = "fr",
           sur: Annotated[float | None, typer.Option(
               "--sur", min=0.01, help="Moodle's maximum grade (rescales the points)")] = None,
           ) -> None:
    """Moodle's worksheet CSV, a per-question summary and a histogram of the grades."""
    from passerelle.course.grades import (
        histogram,
        moodle_worksheet,
        question_summary,
        read_scores,
    )
    from passerelle.course.nbgrader_course import Course, CourseInputError
    from passerelle.course.roster import Roster

    course = Course(cours)
    out = export_folder(course.root, assignment)
    try:
        course.check().notebooks(assignment)
        worksheet = moodle_worksheet(course, assignment, Roster.read(roster),
                                     out / f"notes-moodle-{assignment}.csv",
                                     language=langue, out_of=sur)
    except CourseInputError as problem:
        raise _fail(problem) from None
    scores = read_scores(course, assignment)
    question_summary(scores).to_csv(out / f"questions-{assignment}.csv", index=False)
    histogram(scores, out / f"histogramme-{assignment}.png", assignment)
    pending = int(scores.students["needs_manual_grade"].sum())
    console.print(f"Moodle worksheet: {worksheet}; summary and histogram in {out}")
    if pending:
        errors.print(f"{pending} submissions still wait for manual grading (nbgrader "
                     "formgrader): their grade holds only the automatic points")


def lab(matricule: Annotated[str, typer.Option("--matricule", help="your student id")],
        dossier: Annotated[Path, typer.Option("--dossier", help="where your copy goes")] = Path(
            "mes-tp"),
        port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8888,
        cours: COURSE = DEFAULT_COURSE) -> None:
    """Open JupyterLab (127.0.0.1) on your own copy of the released assignments."""
    from passerelle.course.gates import generate as write_release
    from passerelle.course.lab import LabServer, student_copy
    from passerelle.course.nbgrader_course import Course, CourseInputError

    course = Course(cours)
    try:
        for assignment in course.check().assignments():
            if not (course.release / assignment).is_dir():
                write_release(course, assignment)
        home = student_copy(course, matricule, dossier)
    except CourseInputError as problem:
        raise _fail(problem) from None
    console.print(f"JupyterLab on http://127.0.0.1:{port}/lab, your copy in {home}")
    raise typer.Exit(subprocess.call(LabServer(home, port=port).command()))


def bench(assignment: ASSIGNMENT, cours: COURSE = DEFAULT_COURSE,
          students: Annotated[int, typer.Option("--students", min=1)] = 50,
          repeats: Annotated[int, typer.Option("--repeats", min=1)] = 1,
          workers: Annotated[int | None, typer.Option("--workers", min=1)] = None) -> None:
    """Time autograding N correct submissions against nbgrader's one-student reference."""
    from passerelle.course.autograde import AutogradeSettings
    from passerelle.course.bench import BUDGET_SECONDS, BUDGET_STUDENTS
    from passerelle.course.bench import bench as run
    from passerelle.course.nbgrader_course import Course, CourseInputError

    settings = AutogradeSettings() if workers is None else AutogradeSettings(workers=workers)
    try:
        course = Course(cours).check()
        course.notebooks(assignment)
        for repeat in range(1, repeats + 1):
            result = run(course, assignment, students, settings)
            console.print(
                f"run {repeat}: {result.graded}/{result.students} graded by {result.workers} "
                f"workers in {result.batch_seconds:.1f} s ({result.per_student:.2f} s a "
                f"student); nbgrader alone, one student: {result.reference_seconds:.1f} s; "
                f"speed-up over serial {result.speedup:.1f}x; budget ratio "
                f"{result.budget_ratio:.2f} ({BUDGET_STUDENTS} in {BUDGET_SECONDS:g} s = 1)")
    except (CourseInputError, SandboxUnavailable) as problem:
        raise _fail(problem) from None


def register(app: typer.Typer) -> None:
    """Add the instructor's commands to the ``course`` sub-app."""
    for command in (generate, collect, autograde, feedback, grades, lab, bench):
        app.command()(command)
