"""The roster: which Moodle participant is which student id of the course.

A CSV file with a header and one row a participant::

    participant,student_id,nom
    1234567,ab123456,Marie Dubois

``participant`` is the number Moodle puts in the submission folder names (also the worksheet's
identifier, ``Participant 1234567``: both forms are accepted); ``student_id`` is the id nbgrader
grades under (the student's personal data derive from it): letters, digits, ``.``, ``_``, ``-``;
``nom`` (optional) is the name written on the feedback files.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from passerelle.course.nbgrader_course import CourseInputError

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PARTICIPANT = re.compile(r"^\D*?(\d+)$")
REQUIRED = ("participant", "student_id")


@dataclass(frozen=True)
class Student:
    """A participant of the Moodle assignment and the id the course grades them under."""

    participant: int
    student_id: str
    name: str


def check_student_id(student_id: str, where: str) -> str:
    """Return ``student_id`` if it can name a folder; raise :class:`CourseInputError` if not.

    Examples
    --------
    >>> check_student_id("ab123456", "roster.csv line 2")
    'ab123456'
    """
    if not STUDENT_ID.match(student_id):
        raise CourseInputError(
            f"{where}: student_id {student_id!r} is not allowed: use 1-64 letters, digits, "
            "'.', '_' or '-', starting with a letter or a digit")
    return student_id


@dataclass(frozen=True)
class Roster:
    """Participants by their Moodle number."""

    students: dict[int, Student]

    @classmethod
    def read(cls, path: Path) -> Roster:
        """Read and check a roster CSV file.

        Raises
        ------
        CourseInputError
            Naming the file, the line, the field and the bad value.

        Examples
        --------
        >>> import tempfile
        >>> f = Path(tempfile.mkdtemp()) / "roster.csv"
        >>> _ = f.write_text("participant,student_id\\nParticipant 12,ab12\\n")
        >>> Roster.read(f).students[12].student_id
        'ab12'
        """
        if not path.is_file():
            raise CourseInputError(f"{path}: roster file not found")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise CourseInputError(
                    f"{path}: missing column(s) {', '.join(missing)}; the header must hold "
                    f"{', '.join(REQUIRED)} (and optionally nom)")
            students: dict[int, Student] = {}
            for line, row in enumerate(reader, start=2):
                where = f"{path} line {line}"
                raw = (row["participant"] or "").strip()
                number = PARTICIPANT.match(raw)
                if number is None:
                    raise CourseInputError(
                        f"{where}: participant {raw!r} is not a Moodle participant number "
                        "(expected digits, e.g. 1234567 or 'Participant 1234567')")
                participant = int(number[1])
                if participant in students:
                    raise CourseInputError(f"{where}: participant {participant} appears twice")
                student_id = check_student_id((row["student_id"] or "").strip(), where)
                name = (row.get("nom") or "").strip() or student_id
                students[participant] = Student(participant, student_id, name)
        return cls(students)

    def by_student_id(self) -> dict[str, Student]:
        """The same students, by student id (the first participant of an id wins)."""
        found: dict[str, Student] = {}
        for student in self.students.values():
            found.setdefault(student.student_id, student)
        return found
