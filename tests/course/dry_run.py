"""The dry run of the whole course: 50 synthetic students (faker fr_BE, fixed seed; no real
person) hand in every assignment of ``MODULES`` through Moodle's "Download all submissions"
ZIP, and the real command line collects, autogrades and grades them.

Each (student, assignment) gets a profile, rotating so that every assignment sees each:

- ``juste``: the source's solution, with the student's own matricule;
- ``partiel``: right, except one question answered with a wrong number;
- ``idee-fausse``: right, except one question answered with one of that question's
  misconceptions (from the assignment's module), for the student's own data;
- ``vierge``: the release as handed out, with the matricule only;
- hostile, for a few: ``copie`` (another student's answers: their matricule),
  ``test-modifie`` (a wrong answer and its test cell replaced by ``assert True``),
  ``exception`` (a cell that raises, the rest right), ``json-invalide`` (a truncated file).

A wrong answer is set in a cell the student adds before the question's test cell and the
right one put back after it, so that later questions that reuse the variable are graded on
their own. What each student is due is computed here with the grader's own function
(``grading.grade``) on the answer the profile hands in, for that student: the gradebook must
give exactly that.
"""

from __future__ import annotations

import copy
import csv
import os
import re
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat
from faker import Faker
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.course.assignments import NAMES
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.gates import generate
from passerelle.course.grading import grade
from passerelle.course.incidents import export_folder
from passerelle.course.nbgrader_course import CONFIG_FILE, Course

REPO_COURSE = Path(__file__).resolve().parents[2] / "course"
STUDENTS = 50
PROFILES = ("juste", "partiel", "idee-fausse", "juste", "idee-fausse", "vierge")
# (student index, profile) for the hostile ones: a few, each on every assignment.
HOSTILE = {7: "copie", 19: "test-modifie", 31: "exception", 43: "json-invalide"}
WHEN = datetime(2026, 12, 1, 18, 0)
VERIFY = re.compile(r'verifier\("([^"]+)", "([^"]+)", ([A-Za-z_][A-Za-z_0-9]*)\)')
MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")
# A wrong number, as an expression of the right answer ``_juste``: the same text runs in the
# student's kernel and, through ``eval``, here to compute what the student is due.
# The dry run of the test suite: the whole class on DEFAULT, the students of SAMPLE (one of
# each rotating profile, and the hostile ones) on every other assignment;
# PASSERELLE_DRY_RUN=all: the whole class on every assignment.
DEFAULT = ["tp02-cascade", "projet-final"]
EVERYTHING = os.environ.get("PASSERELLE_DRY_RUN") == "all"
WHOLE_CLASS = list(NAMES) if EVERYTHING else DEFAULT
SAMPLED = [] if EVERYTHING else [name for name in NAMES if name not in DEFAULT]
SAMPLE = [*range(len(PROFILES)), *sorted(HOSTILE)]
HALVED = ("type(_juste)(v * 0.5 - 1 for v in _juste) if isinstance(_juste, (tuple, list)) "
          "else _juste * 0.5 - 1")


@dataclass(frozen=True)
class Test:
    """An autograded question as the notebook holds it."""

    question: str
    variable: str
    grade_id: str
    points: float


@dataclass
class Submission:
    """What one student hands in for one assignment, and the points due (None: nothing
    gradable)."""

    profile: str
    data: bytes
    due: float | None
    wrong: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Student:
    index: int
    participant: int
    name: str
    student_id: str


def students() -> list[Student]:
    fake = Faker("fr_BE")
    fake.seed_instance(20261202)
    return [Student(i, 770001 + 3 * i, fake.name(), f"d{770001 + 3 * i}")
            for i in range(STUDENTS)]


def profile(student: Student, index: int) -> str:
    """The profile of ``student`` on the ``index``-th assignment."""
    if student.index in HOSTILE:
        return HOSTILE[student.index]
    return PROFILES[(student.index + index) % len(PROFILES)]


def tests_of(release: nbformat.NotebookNode) -> list[Test]:
    found = []
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        match = VERIFY.search(cell.source)
        if meta.get("grade") and not meta.get("solution") and match:
            found.append(Test(match.group(2), match.group(3), meta["grade_id"],
                              float(meta["points"])))
    return found


def _solved(release: nbformat.NotebookNode, source: nbformat.NotebookNode,
            matricule: str) -> nbformat.NotebookNode:
    """The release with every code answer the source's solution, and ``matricule``."""
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
                 if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            if meta["grade_id"] == "matricule":
                cell.source = f'MATRICULE = "{matricule}"'
            else:
                cell.source = "\n".join(line for line in solutions[meta["grade_id"]].splitlines()
                                        if not MARKER.match(line))
    return notebook


def _blank(release: nbformat.NotebookNode, matricule: str) -> nbformat.NotebookNode:
    notebook = copy.deepcopy(release)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "matricule":
            cell.source = f'MATRICULE = "{matricule}"'
    return notebook


def _override(notebook: nbformat.NotebookNode, assignment: str, test: Test, wrong: str) -> None:
    """Answer ``test`` with ``wrong`` (an expression of ``_donnees``, the student's data, and
    of the right answer ``_juste``) in a cell before its test; the right answer after it."""
    at = next(i for i, c in enumerate(notebook.cells)
              if c.metadata.get("nbgrader", {}).get("grade_id") == test.grade_id)
    before = nbformat.v4.new_code_cell("\n".join([
        "from passerelle.course.assignments import assignment as _devoir",
        f'_donnees = _devoir("{assignment}").data(MATRICULE)',
        f"_juste = {test.variable}",
        f"{test.variable} = {wrong}",
    ]))
    after = nbformat.v4.new_code_cell(f"{test.variable} = _juste")
    notebook.cells[at + 1:at + 1] = [after]
    notebook.cells[at:at] = [before]


def _misconception_answer(module, test: Test, index: int) -> tuple[str, str]:
    labels = sorted(module.QUESTIONS[test.question].misconceptions)
    label = labels[index % len(labels)]
    return label, (f'_devoir("{module.NAME}").QUESTIONS["{test.question}"]'
                   f'.misconceptions["{label}"].answer(_donnees)')


def _due(assignment: str, module, tests: list[Test], student: str,
         answers: dict[str, object]) -> float:
    return sum(t.points for t in tests
               if grade(assignment, t.question, answers[t.question], student).passed)


def submission(assignment: str, release, source, student: Student, kind: str,
               everybody: list[Student]) -> Submission:
    """``student``'s submission of ``assignment`` for profile ``kind``."""
    module = find_assignment(assignment)
    tests = tests_of(release)
    me = student.student_id
    # A blank or unreadable notebook is due nothing: no data of the student to compute.
    if kind == "vierge":
        return Submission(kind, nbformat.writes(_blank(release, me)).encode(), 0.0)
    if kind == "json-invalide":
        text = nbformat.writes(_solved(release, source, me)).encode()
        return Submission(kind, text[: len(text) // 2], None)
    data = module.data(me)
    right = {t.question: module.QUESTIONS[t.question].reference(data) for t in tests}
    if kind == "copie":
        other = everybody[(everybody.index(student) + 1) % len(everybody)].student_id
        theirs = module.data(other)
        answers = {t.question: module.QUESTIONS[t.question].reference(theirs) for t in tests}
        notebook = _solved(release, source, other)
        return Submission(kind, nbformat.writes(notebook).encode(),
                          _due(assignment, module, tests, me, answers))
    notebook = _solved(release, source, me)
    answers, wrong = dict(right), {}
    target = tests[student.index % len(tests)]
    if kind == "exception":
        notebook.cells.insert(1, nbformat.v4.new_code_cell('raise RuntimeError("oups")'))
    elif kind == "partiel":
        _override(notebook, assignment, target, HALVED)
        answers[target.question] = eval(HALVED, {"_juste": right[target.question]})
        wrong[target.question] = "partiel"
    elif kind in ("idee-fausse", "test-modifie"):
        label, expression = _misconception_answer(module, target, student.index)
        _override(notebook, assignment, target, expression)
        answers[target.question] = module.QUESTIONS[target.question].misconceptions[
            label].answer(data)
        wrong[target.question] = label
        if kind == "test-modifie":
            cell = next(c for c in notebook.cells
                        if c.metadata.get("nbgrader", {}).get("grade_id") == target.grade_id)
            cell.source = "assert True"
    return Submission(kind, nbformat.writes(notebook).encode(),
                      _due(assignment, module, tests, me, answers), wrong)


def _invoke(args: list[str]) -> str:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result.output


@dataclass
class DryRun:
    course: Path
    students: list[Student]
    submissions: dict[str, dict[str, Submission]]
    outputs: dict[str, dict[str, str]]


def run(root: Path, assignments: list[str], chosen: list[int] | None = None) -> DryRun:
    """Build the course, the submissions of ``assignments`` by the 50 students (or by those
    of ``chosen``, indices into ``students()``), and grade them through the command line
    (collect, autograde, grades)."""
    course = Course(root / "cours")
    course.source.mkdir(parents=True)
    shutil.copy(REPO_COURSE / CONFIG_FILE, course.root / CONFIG_FILE)
    people = students()
    if chosen is not None:
        people = [people[i] for i in chosen]
    roster = root / "roster.csv"
    roster.write_text("participant,student_id,nom\n" + "".join(
        f"Participant {p.participant},{p.student_id},{p.name}\n" for p in people),
        encoding="utf-8")
    handed: dict[str, dict[str, Submission]] = {}
    outputs: dict[str, dict[str, str]] = {}
    common = ["--cours", str(course.root)]
    for index, assignment in enumerate(assignments):
        shutil.copytree(REPO_COURSE / "source" / assignment, course.source / assignment)
        generate(course, assignment)
        name = f"{assignment}.ipynb"
        release = nbformat.read(course.release / assignment / name, 4)
        source = nbformat.read(course.source / assignment / name, 4)
        handed[assignment] = {p.student_id: submission(assignment, release, source, p,
                                                       profile(p, index), people)
                              for p in people}
        zip_path = root / f"moodle-{assignment}.zip"
        with zipfile.ZipFile(zip_path, "w") as archive:
            for person in people:
                folder = f"{person.name}_{person.participant}_assignsubmission_file"
                archive.writestr(zipfile.ZipInfo(f"{folder}/{name}", WHEN.timetuple()[:6]),
                                 handed[assignment][person.student_id].data)
        outputs[assignment] = {
            "collect": _invoke(["course", "collect", assignment, str(zip_path), "--roster",
                                str(roster), *common]),
            "autograde": _invoke(["course", "autograde", assignment, *common]),
            "grades": _invoke(["course", "grades", assignment, "--roster", str(roster),
                               "--langue", "en", *common]),
        }
    return DryRun(course.root, people, handed, outputs)


def graded(root: Path, assignments: list[str], chosen: list[int] | None) -> DryRun:
    started = time.perf_counter()
    result = run(root, assignments, chosen)
    print(f"dry run: {len(result.students)} students x {len(assignments)} assignments in "
          f"{time.perf_counter() - started:.0f} s")
    for assignment, outputs in result.outputs.items():
        print(assignment, outputs["autograde"].strip().replace("\n", " "))
    return result


def _worksheet(dry: DryRun, assignment: str) -> dict[str, str]:
    path = export_folder(dry.course, assignment) / f"notes-moodle-{assignment}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["Identifier"]: r["Grade"] for r in csv.DictReader(handle)}


def check_grades(dry: DryRun, assignment: str) -> None:
    """Every student's worksheet grade is what they were built to score; the profiles and
    at least three distinct grades are there."""
    grades = _worksheet(dry, assignment)
    wrong = []
    for person in dry.students:
        handed = dry.submissions[assignment][person.student_id]
        got = grades[f"Participant {person.participant}"]
        if handed.due is None:
            ok = got in ("", "0", "0.0", "0.00")
        else:
            ok = got != "" and abs(float(got) - handed.due) <= 1e-9
        if not ok:
            wrong.append((person.student_id, handed.profile, handed.wrong, got, handed.due))
    assert not wrong, wrong
    kinds = {s.profile for s in dry.submissions[assignment].values()}
    assert set(PROFILES) <= kinds
    assert len({s.due for s in dry.submissions[assignment].values()}) >= 3


def check_hints(dry: DryRun, assignment: str) -> None:
    """A misconception's hint shows in the graded notebook, unless the answer passed anyway."""
    module = find_assignment(assignment)
    shown = 0
    for student_id, handed in dry.submissions[assignment].items():
        if handed.profile != "idee-fausse":
            continue
        (question, label), = handed.wrong.items()
        hint = module.QUESTIONS[question].misconceptions[label].hint
        notebook = nbformat.read(
            dry.course / "autograded" / student_id / assignment / f"{assignment}.ipynb", 4)
        text = "\n".join(str(o.get("evalue", "")) for c in notebook.cells
                         for o in c.get("outputs", []))
        passed_anyway = handed.due == sum(
            float(c.metadata["nbgrader"]["points"]) for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
            and not c.metadata["nbgrader"].get("solution"))
        if not passed_anyway:
            assert hint in text, (student_id, question, label)
            shown += 1
    assert shown > 0
