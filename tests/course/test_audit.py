"""The hidden tests are themselves tested: over 200 simulated students per question, correct
answers pass and every known misconception fails, with its own French hint."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.course import audit
from passerelle.course.assignments import NAMES
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.grading import grade


@pytest.mark.parametrize("name", NAMES)
def test_every_question_passes_its_gates(name: str):
    lines = audit.audit(name, students=audit.STUDENTS)
    failing = [line for line in lines if not line.ok]
    assert not failing, failing
    module = find_assignment(name)
    cases = {(line.question, line.case) for line in lines}
    for question_name, question in module.QUESTIONS.items():
        assert (question_name, audit.CORRECT) in cases
        assert len(question.misconceptions) >= 2
        assert all((question_name, label) in cases for label in question.misconceptions)
    hinted = [line for line in lines if line.hinted is not None]
    assert hinted and all(line.hinted >= audit.MIN_SPECIFICITY for line in hinted), hinted


def test_a_gate_fails_when_a_misconception_gives_the_right_answer():
    line = audit.Line("tp00-prise-en-main", "nombre_lignes", "colonnes", 200, rate=0.5,
                      hinted=0.5)
    assert not line.ok
    assert audit.Line("tp00-prise-en-main", "nombre_lignes", audit.CORRECT, 200, 0.985).ok is False


def test_a_misconception_gets_its_hint_and_not_the_answer():
    module = find_assignment("tp01-non-recours")
    data = module.data("000123")
    question = module.QUESTIONS["part_ponderee"]
    verdict = grade("tp01-non-recours", "part_ponderee",
                    question.misconceptions["non_ponderee"].answer(data), "000123")
    assert not verdict.passed and verdict.misconception == "non_ponderee"
    assert "poids" in verdict.message
    truth = question.reference(data)
    for shown in (f"{truth:.2f}", f"{truth:.3f}", f"{100 * truth:.1f}"):
        assert shown not in verdict.message


def test_an_answer_of_the_wrong_form_is_named():
    verdict = grade("tp01-non-recours", "part_brute", 7.6, "000123")
    assert not verdict.passed and "entre 0 et 1" in verdict.message


def test_the_audit_command_prints_the_table():
    result = CliRunner().invoke(app, ["course", "audit", "tp00-prise-en-main", "--students", "20"])
    assert result.exit_code == 0, result.output
    for word in ("sensitivity", "specificity", "nombre_lignes", "age_moyen", "colonnes"):
        assert word in result.output


def test_the_audit_command_rejects_an_unknown_assignment():
    result = CliRunner().invoke(app, ["course", "audit", "tp99"])
    assert result.exit_code == 2
    assert "tp99" in result.output and "Traceback" not in result.output
