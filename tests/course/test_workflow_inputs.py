"""Instructor input: the roster, Moodle's names, a folder of submissions with a bad timestamp,
and the command line's one-line errors (exit code 2). No kernel runs here."""

from __future__ import annotations

import shutil

import pytest
from nbgrader.utils import parse_utc
from typer.testing import CliRunner
from workflow_batch import ASSIGNMENT, COURSE_CONFIG, FIXTURES

from passerelle.apps.cli import app
from passerelle.course import incidents
from passerelle.course.collect import collect
from passerelle.course.moodle import parse_submission_path
from passerelle.course.nbgrader_course import Course, CourseInputError
from passerelle.course.roster import Roster


@pytest.fixture
def course(tmp_path) -> Course:
    course = Course(tmp_path / "cours")
    course.source.mkdir(parents=True)
    shutil.copy(COURSE_CONFIG, course.root / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course.source / ASSIGNMENT)
    return course


@pytest.mark.parametrize(("text", "words"), [
    ("participant,nom\n1,A\n", "missing column(s) student_id"),
    ("participant,student_id\nabc,e1\n", "line 2: participant 'abc'"),
    ("participant,student_id\n1,../e1\n", "line 2: student_id '../e1' is not allowed"),
    ("participant,student_id\n1,e1\n1,e2\n", "line 3: participant 1 appears twice"),
])
def test_a_bad_roster_names_file_line_field_and_value(tmp_path, text, words):
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CourseInputError, match=r"roster\.csv") as error:
        Roster.read(path)
    assert words in str(error.value)


@pytest.mark.parametrize(("path", "expected"), [
    ("Marie Dubois_880001_assignsubmission_file/tp.ipynb", (880001, "tp.ipynb")),
    ("Marie Dubois_880001_assignsubmission_file_/sous/tp.ipynb", (880001, "sous/tp.ipynb")),
    ("Marie Dubois_880001_assignsubmission_file_tp.ipynb", (880001, "tp.ipynb")),
    ("Marie Dubois_880001_assignsubmission_onlinetext_/texte.html", None),
])
def test_moodle_submission_names(path, expected):
    entry = parse_submission_path(path)
    assert (entry and (entry.participant, entry.file_name)) == expected


def test_a_bad_timestamp_is_replaced_and_reported(course, tmp_path):
    folder = tmp_path / "remises" / "e42"
    folder.mkdir(parents=True)
    shutil.copy(course.source / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", folder)
    (folder / "timestamp.txt").write_text("hier soir", encoding="utf-8")
    result = collect(course, ASSIGNMENT, tmp_path / "remises")
    assert result.students == ["e42"]
    written = course.submission(course.submitted, "e42", ASSIGNMENT) / "timestamp.txt"
    parse_utc(written.read_text(encoding="utf-8"))
    report = incidents.read(incidents.report_path(course.root, ASSIGNMENT))
    assert [i.problem for i in report] == ["horodatage illisible (timestamp.txt)"]


@pytest.mark.parametrize(("args", "words"), [
    (["collect", ASSIGNMENT, "absent.zip"], "absent.zip: not found"),
    (["collect", "tp-inconnu", "x.zip"], "no assignment 'tp-inconnu'"),
    (["autograde", ASSIGNMENT], "not in the gradebook: run 'passerelle course generate'"),
    (["grades", ASSIGNMENT, "--roster", "absent.csv"], "absent.csv: roster file not found"),
])
def test_cli_errors_are_one_line_with_exit_code_2(course, args, words):
    result = CliRunner().invoke(app, ["course", *args, "--cours", str(course.root)])
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_moodle_zip_without_roster_is_refused(course, tmp_path):
    archive = tmp_path / "remises.zip"
    shutil.make_archive(str(archive.with_suffix("")), "zip", FIXTURES / "source")
    result = CliRunner().invoke(app, ["course", "collect", ASSIGNMENT, str(archive),
                                      "--cours", str(course.root)])
    assert result.exit_code == 2
    assert "need a roster" in result.output
