"""Grading one answer against the graded student's own truth, with feedback that teaches.

The hidden tests of a notebook call ``check(assignment, question, answer)``; the visible
self-checks call ``verifier(assignment, question, answer)``, which looks at the form of the
answer only. Messages are in French and never contain the expected value.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from passerelle.course import identity
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.questions import Question, close


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one answer: passed, or the misconception it matches (if any)
    and the message the student reads."""

    passed: bool
    misconception: str | None = None
    message: str = ""


def question(assignment: str, name: str) -> Question:
    """Question ``name`` of ``assignment``."""
    questions = find_assignment(assignment).QUESTIONS
    if name not in questions:
        raise KeyError(f"{assignment} n'a pas de question {name!r} ; questions : "
                       f"{list(questions)}")
    return questions[name]


def grade(assignment: str, name: str, answer, student: str) -> Verdict:
    """Grade ``answer`` to question ``name`` against ``student``'s reference.

    Examples
    --------
    >>> grade("tp00-prise-en-main", "nombre_lignes", 0, "000123").passed
    False
    """
    q = question(assignment, name)
    problem = q.kind.problem(answer)
    if problem is not None:
        return Verdict(False, None, f"{name} : {problem}.")
    with warnings.catch_warnings():
        # Any output on stderr in a test cell scores 0 in nbgrader.
        warnings.simplefilter("ignore")
        data = find_assignment(assignment).data(student)
        tolerance = q.tolerance(data)
        if close(answer, q.reference(data), tolerance):
            return Verdict(True)
        for label, misconception in q.misconceptions.items():
            if close(answer, misconception.answer(data), tolerance):
                return Verdict(False, label, f"{name} : pas encore. {misconception.hint}")
    return Verdict(False, None, f"{name} : pas encore ; {q.hint}")


def check(assignment: str, name: str, answer) -> None:
    """Raise ``AssertionError`` (French message, no expected value) unless ``answer`` is right
    for the student being graded: the one nbgrader grades under, or outside nbgrader's
    autograded folder (a source notebook run by the instructor) the one declared to
    ``mes_donnees``."""
    student = identity.graded_student(assignment) or identity.declared(assignment)
    if student is None:
        raise AssertionError("appelez d'abord mes_donnees(...) avec votre matricule")
    verdict = grade(assignment, name, answer, student)
    if not verdict.passed:
        raise AssertionError(verdict.message)


def verifier(assignment: str, name: str, answer) -> None:
    """Check the form of ``answer`` only (type, shape, plausible range): the visible
    self-check of the released notebook. It says nothing about the expected value."""
    problem = question(assignment, name).kind.problem(answer)
    if problem is not None:
        raise AssertionError(f"{name} : {problem}.")
    print(f"{name} : la forme de la réponse est correcte (la correction dira si elle est juste).")
