"""The gates, for every assignment in course/source and for the test fixture: the source
version gets every automatic point, the blank release none, the release holds no solution line
nor hidden test. Scores come from nbgrader's gradebook: ``nbgrader validate`` exits 0 even when
a notebook fails its tests (checked here), so its exit code is never trusted."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workflow_batch import ASSIGNMENT, AUTOMATIC, COURSE_CONFIG, FIXTURES

from passerelle.course.gates import generate, release_leaks, run_gates
from passerelle.course.nbgrader_course import Course

REPO_COURSE = Course(Path(__file__).parents[2] / "course")
CASES = [pytest.param("course", name, id=name) for name in REPO_COURSE.assignments()]
CASES.append(pytest.param("fixture", ASSIGNMENT, id=f"fixture-{ASSIGNMENT}"))


@pytest.fixture(scope="module")
def fixture_course(tmp_path_factory) -> Course:
    course = Course(tmp_path_factory.mktemp("gates") / "cours")
    course.source.mkdir(parents=True)
    shutil.copy(COURSE_CONFIG, course.root / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course.source / ASSIGNMENT)
    return course


@pytest.mark.parametrize(("where", "assignment"), CASES)
def test_every_assignment_passes_its_gates(where, assignment, fixture_course):
    course = REPO_COURSE if where == "course" else fixture_course
    gates = run_gates(course, assignment)
    assert gates.passed, gates.problems
    assert gates.source_points == gates.automatic_points > 0
    assert gates.blank_points == 0
    if where == "fixture":
        assert gates.automatic_points == AUTOMATIC


def test_a_leaked_solution_is_caught(fixture_course, tmp_path):
    course = Course(tmp_path / "cours")
    shutil.copytree(fixture_course.root, course.root)
    generate(course, ASSIGNMENT)
    assert release_leaks(course, ASSIGNMENT) == []
    released = course.release / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    text = released.read_text(encoding="utf-8")
    released.write_text(text.replace("# VOTRE CODE ICI", "moyenne = float(np.mean(attente))"),
                        encoding="utf-8")
    leaks = release_leaks(course, ASSIGNMENT)
    assert len(leaks) == 1 and "moyenne = float(np.mean(attente))" in leaks[0]


def test_nbgrader_validate_exits_0_on_a_failing_notebook(fixture_course, tmp_path):
    course = Course(tmp_path / "cours")
    shutil.copytree(fixture_course.root, course.root)
    generate(course, ASSIGNMENT)
    nbgrader = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run([str(nbgrader), "validate", str(course.release / ASSIGNMENT /
                                                          f"{ASSIGNMENT}.ipynb")],
                          capture_output=True, text=True, cwd=course.root, timeout=300)
    assert done.returncode == 0
    assert "VALIDATION FAILED" in done.stdout + done.stderr
