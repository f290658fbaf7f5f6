"""The error report: one line for each submission the grader could not take as it came.

Written in French for the instructor, as ``export/<assignment>/incidents.csv`` in the course
folder: collect starts it afresh, autograde adds to it, and ``grades`` reads it so that a
submission that could not be graded gets 0 and says why.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Incident:
    """A problem with one student's submission, and what the grader did about it."""

    student_id: str
    step: str
    file: str
    problem: str
    action: str
    graded: bool


COLUMNS = [f.name for f in fields(Incident)]
COLLECT = "collecte"
AUTOGRADE = "correction"


def ungraded(incidents: list[Incident], graded: set[str]) -> dict[str, list[str]]:
    """Students without a grade, and why: not in ``graded``, or their autograde failed.

    Examples
    --------
    >>> lost = Incident("ab12", COLLECT, "x.ipynb", "JSON invalide", "non collecté", False)
    >>> ungraded([lost], graded=set())
    {'ab12': ['JSON invalide']}
    >>> ungraded([lost], graded={"ab12"})
    {}
    """
    problems: dict[str, list[str]] = {}
    failed = {i.student_id for i in incidents if i.step == AUTOGRADE and not i.graded}
    for incident in incidents:
        if not incident.graded and (incident.student_id not in graded
                                    or incident.student_id in failed):
            problems.setdefault(incident.student_id, []).append(incident.problem)
    return problems


def export_folder(course_root: Path, assignment: str) -> Path:
    """Folder of the files made for Moodle and the instructor for one assignment."""
    return course_root / "export" / assignment


def report_path(course_root: Path, assignment: str) -> Path:
    """Path of the assignment's error report."""
    return export_folder(course_root, assignment) / "incidents.csv"


def write(path: Path, incidents: list[Incident], *, append: bool = False) -> Path:
    """Write (or add to) the error report at ``path``; returns ``path``.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "incidents.csv"
    >>> line = Incident("ab12", "collecte", "x.ipynb", "fichier vide", "non corrigé", False)
    >>> _ = write(p, [line])
    >>> read(p)[0].problem
    'fichier vide'
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not append or not path.exists()
    with path.open("w" if new else "a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        if new:
            writer.writeheader()
        for incident in incidents:
            writer.writerow(asdict(incident))
    return path


def read(path: Path) -> list[Incident]:
    """The incidents of a report (none if it does not exist)."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [Incident(**{**row, "graded": row["graded"] == "True"})
                for row in csv.DictReader(handle)]
