"""Hostile and broken submissions in the shared Moodle batch: none stops the batch, none scores
above its due, each has a line in the error report (see workflow_batch)."""

from __future__ import annotations

import csv

import nbformat
import pytest
from workflow_batch import ASSIGNMENT, ORDINARY, Batch, shared_batch

from passerelle.course import incidents
from passerelle.course.incidents import export_folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    return shared_batch(tmp_path_factory)


def _grades(batch: Batch) -> dict[int, str]:
    path = export_folder(batch.course, ASSIGNMENT) / f"notes-moodle-{ASSIGNMENT}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {int(r["Identifier"].split()[-1]): r["Grade"] for r in csv.DictReader(handle)}


def _problems(batch: Batch, case: str) -> list[str]:
    student = batch.by_case(case).student_id
    return [i.problem for i in incidents.read(incidents.report_path(batch.course, ASSIGNMENT))
            if i.student_id == student]


HOSTILE = ["boucle", "exception", "noyau-tue", "stderr", "test-modifie", "test-supprime",
           "renomme", "json-invalide", "vide", "autre-devoir", "espion", "copie", "deux-remises"]
EXACT = {"boucle", "exception", "test-modifie", "renomme", "espion", "copie", "deux-remises"}


@pytest.mark.parametrize("case", HOSTILE)
def test_never_above_due(batch, case):
    person = batch.by_case(case)
    grade = float(_grades(batch)[person.participant] or "nan")
    due = person.due if person.due is not None else 0.0
    assert grade <= due, (case, grade, due)
    if case in EXACT:
        assert grade == due, (case, grade, due)


@pytest.mark.parametrize(("case", "words"), [
    ("boucle", "interrompue"), ("noyau-tue", ""), ("stderr", "stderr"),
    ("test-modifie", "modifiée"), ("test-supprime", "supprimée"), ("renomme", "renommé"),
    ("json-invalide", "JSON invalide"), ("vide", "vide"), ("autre-devoir", "autre devoir"),
    ("espion", "à vérifier"), ("deux-remises", "deux remises")])
def test_each_case_has_a_line_in_the_error_report(batch, case, words):
    problems = _problems(batch, case)
    assert any(words in p for p in problems), (case, problems)


def test_an_honest_submission_has_no_incident(batch):
    for person in batch.participants[:ORDINARY]:
        assert _problems(batch, person.case) == [], person.case


def test_everyone_else_is_graded(batch):
    grades = _grades(batch)
    assert all(grades[p.participant] != "" for p in batch.participants[:ORDINARY])
    report = incidents.read(incidents.report_path(batch.course, ASSIGNMENT))
    assert any("participant absent" in i.problem for i in report)


def test_the_sandboxed_kernel_sees_no_grader_file_and_no_other_student(batch):
    spy = batch.by_case("espion")
    graded = nbformat.read(batch.course / "autograded" / spy.student_id / ASSIGNMENT /
                           f"{ASSIGNMENT}.ipynb", 4)
    text = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert f"VUS [] VOISINS ['{spy.student_id}']" in text, text
