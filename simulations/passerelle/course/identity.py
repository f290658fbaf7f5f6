"""Who a student is: the seed of their personal data, and the id nbgrader grades them under.

A student's data are drawn from a seed derived from (student id, assignment, course year)
with SHA-256, so that the same student gets the same data in every session and on every
machine (Python's ``hash()`` changes between processes). At grading time the id comes from
the folder nbgrader executes the submission in, ``<course>/autograded/<student_id>/
<assignment>/``, never from the matricule the notebook declares: a notebook copied from
another student computes that student's answers and fails this student's tests.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

# The academic year the seeds belong to: a new year gives every student new data.
# Assumption (design choice): change it when the course starts again, in September.
COURSE_YEAR = "2026-2027"

# nbgrader's autograded folder: <course>/autograded/<student_id>/<assignment>/.
AUTOGRADED = "autograded"

# The working directory when this module was first imported, i.e. when the notebook's
# first cell imported ``passerelle.course``: a later ``os.chdir`` in a submission does not
# move the id it is graded under.
_START_DIR = Path(os.getcwd())


def normalise(student: str) -> str:
    """A student id as used in seeds: without surrounding spaces, case-folded.

    Examples
    --------
    >>> normalise(" 000123 ")
    '000123'
    """
    text = str(student).strip().casefold()
    if not text:
        raise ValueError("the student id (matricule) is empty")
    return text


def student_seed(student: str, assignment: str, year: str = COURSE_YEAR) -> int:
    """The seed of ``student``'s data for ``assignment`` in course ``year`` (0 to 2**63 - 1).

    Examples
    --------
    >>> student_seed("000123", "tp01-non-recours") == student_seed("000123 ", "tp01-non-recours")
    True
    >>> student_seed("000123", "tp01-non-recours") == student_seed("000124", "tp01-non-recours")
    False
    """
    key = f"passerelle-course|{year}|{assignment}|{normalise(student)}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") >> 1


def graded_student(assignment: str, directory: Path | None = None) -> str | None:
    """The student id nbgrader is grading, read from ``directory`` (by default the working
    directory when ``passerelle.course`` was first imported); ``None`` outside
    ``<course>/autograded/<student_id>/<assignment>/``.

    Examples
    --------
    >>> graded_student("tp01-non-recours", Path("/c/autograded/000123/tp01-non-recours"))
    '000123'
    >>> graded_student("tp01-non-recours", Path("/c/source/tp01-non-recours")) is None
    True
    """
    parts = (directory or _START_DIR).parts
    if len(parts) >= 3 and parts[-3] == AUTOGRADED and parts[-1] == assignment:
        return parts[-2]
    return None


def start_in(directory: Path) -> None:
    """Take ``directory`` as the folder the kernel started in: for a kernel forked by the
    kernel server (:mod:`passerelle.course.kernel_server`), which imported this module
    before it knew the folder it would grade, and calls this before any student code runs.

    Examples
    --------
    >>> start_in(Path("/c/autograded/000123/tp01-non-recours"))
    >>> graded_student("tp01-non-recours")
    '000123'
    >>> start_in(Path(os.getcwd()))
    """
    global _START_DIR
    _START_DIR = Path(directory)


_declared: dict[str, str] = {}


def declare(assignment: str, student: str) -> None:
    """Remember the matricule a notebook gave ``mes_donnees`` for ``assignment``: the id used
    outside nbgrader's autograded folder only (see ``graded_student``)."""
    _declared[assignment] = normalise(student)


def declared(assignment: str) -> str | None:
    """The matricule last declared for ``assignment`` in this process, if any."""
    return _declared.get(assignment)
