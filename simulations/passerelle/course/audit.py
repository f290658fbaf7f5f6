"""The audit of the hidden tests: how often a correct student passes (sensitivity) and how
often each known misconception fails (specificity), over many simulated students.

Correct students answer with the reference solution or one of its equivalent variants
(rotating over them); each misconception's answer is computed for each student; a copied
notebook is the next student's correct answers graded as this student's. Everything runs
in-process, without nbgrader. Gate: sensitivity >= ``MIN_SENSITIVITY``, every
misconception's specificity >= ``MIN_SPECIFICITY``, and a copied notebook fails at least one
question for ``MIN_SPECIFICITY`` of the students (one question alone need not catch a copy:
a design effect varies little from one sample to another).
"""

from __future__ import annotations

from dataclasses import dataclass

from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.grading import grade

MIN_SENSITIVITY = 0.99
MIN_SPECIFICITY = 0.95
STUDENTS = 200
CORRECT = "correct"
COPY = "copie"
NOTEBOOK = "(notebook)"


@dataclass(frozen=True)
class Line:
    """One row of the audit: ``case`` is ``correct``, ``copie`` or a misconception's name;
    ``rate`` is the share passing for ``correct`` (sensitivity) and failing otherwise
    (specificity); ``hinted`` the share of a misconception's answers that got its hint."""

    assignment: str
    question: str
    case: str
    students: int
    rate: float
    hinted: float | None = None

    @property
    def gate(self) -> float | None:
        """The rate this line must reach; ``None`` for one question's copy (informative)."""
        if self.case == CORRECT:
            return MIN_SENSITIVITY
        if self.case == COPY and self.question != NOTEBOOK:
            return None
        return MIN_SPECIFICITY

    @property
    def ok(self) -> bool:
        return self.gate is None or self.rate >= self.gate


def student_ids(n: int, assignment: str) -> list[str]:
    """Ids of the simulated students (not real ids: they cannot clash with a matricule)."""
    return [f"audit-{assignment}-{i:04d}" for i in range(n)]


def audit(assignment: str, students: int = STUDENTS) -> list[Line]:
    """Audit every autograded question of ``assignment`` over ``students`` simulated ids."""
    module = find_assignment(assignment)
    ids = student_ids(students, assignment)
    lines = []
    others = ids[1:] + ids[:1]
    copy_caught = [False] * students
    for name, question in module.QUESTIONS.items():
        ways = [question.reference, *question.variants.values()]
        passed = sum(grade(assignment, name, ways[i % len(ways)](module.data(s)), s).passed
                     for i, s in enumerate(ids))
        lines.append(Line(assignment, name, CORRECT, students, passed / students))
        caught = [not grade(assignment, name, question.reference(module.data(other)), s).passed
                  for s, other in zip(ids, others, strict=True)]
        copy_caught = [a or b for a, b in zip(copy_caught, caught, strict=True)]
        lines.append(Line(assignment, name, COPY, students, sum(caught) / students))
        for label, misconception in question.misconceptions.items():
            verdicts = [grade(assignment, name, misconception.answer(module.data(s)), s)
                        for s in ids]
            lines.append(Line(assignment, name, label, students,
                              sum(not v.passed for v in verdicts) / students,
                              sum(v.misconception == label for v in verdicts) / students))
    lines.append(Line(assignment, NOTEBOOK, COPY, students, sum(copy_caught) / students))
    return lines

