"""Collect submissions into nbgrader's ``submitted/<student_id>/<assignment>/``.

From Moodle's "Download all submissions" ZIP (or that ZIP unpacked) with a roster, or from a
folder of ``<student_id>/<notebook>.ipynb`` (with an optional nbgrader ``timestamp.txt``). Each
file is checked before nbgrader sees it; whatever cannot be taken as it came gets a line in the
error report and never stops the others:

- an empty file, invalid JSON, a file that is not a notebook, a notebook of another assignment
  (none of this assignment's nbgrader cells): not collected;
- a renamed notebook (its cells are this assignment's): collected under the expected name;
- two notebooks for the same student: the latest wins (ZIP entry time, or ``timestamp.txt``);
- an unreadable ``timestamp.txt``: replaced by the file's time (nbgrader would drop it);
- code that names the grader's files or moves the working folder: collected, flagged for a look.

Times in a Moodle ZIP carry no time zone (Moodle writes its server's clock): they are taken as
UTC and only order a student's submissions; no late penalty is computed from them.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbgrader.utils import parse_utc

from passerelle.course import incidents as report
from passerelle.course.incidents import Incident
from passerelle.course.moodle import parse_submission_path
from passerelle.course.nbgrader_course import Course, CourseInputError
from passerelle.course.roster import Roster, check_student_id

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"
STEP = report.COLLECT
SUSPICIOUS = re.compile(
    r"gradebook|sqlite|nbgrader|autograded|submitted|chdir|\.\./|/proc/|sys\.modules"
    r"|__import__|getcwd\s*=|os\.walk|glob\(\s*['\"]/")


@dataclass(frozen=True)
class Candidate:
    """One file that may be a student's notebook."""

    student_id: str
    origin: str
    data: bytes
    submitted_at: datetime

    @property
    def stem(self) -> str:
        return Path(self.origin).stem


@dataclass(frozen=True)
class Collected:
    """What collect did: students collected, and the incidents."""

    students: list[str]
    incidents: list[Incident]


def timestamp_text(moment: datetime) -> str:
    """A ``timestamp.txt`` nbgrader reads (naive times are taken as UTC).

    Examples
    --------
    >>> timestamp_text(datetime(2026, 12, 1, 9, 30))
    '2026-12-01 09:30:00.000000 UTC'
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime(TIMESTAMP_FORMAT)


def _from_zip(path: Path, roster: Roster | None, found: list[Incident]) -> list[Candidate]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise CourseInputError(f"{path}: not a ZIP archive (expected Moodle's "
                               "'Download all submissions' file)") from None
    with archive:
        entries = [(info.filename, info) for info in archive.infolist() if not info.is_dir()]
        return _moodle(entries, roster, found, path,
                       read=lambda info: archive.read(info),
                       when=lambda info: datetime(*info.date_time))


def _moodle(entries, roster, found, where, read, when) -> list[Candidate]:
    if roster is None:
        raise CourseInputError(f"{where}: Moodle submissions need a roster (--roster FILE.csv) "
                               "mapping participants to student ids")
    candidates = []
    for name, handle in entries:
        entry = parse_submission_path(name)
        if entry is None or not entry.file_name.lower().endswith(".ipynb"):
            continue
        student = roster.students.get(entry.participant)
        if student is None:
            found.append(Incident(f"participant {entry.participant}", STEP, name,
                                  f"participant absent du fichier de correspondance ({where})",
                                  "non collecté : ajoutez-le au roster", False))
            continue
        candidates.append(Candidate(student.student_id, name, read(handle), when(handle)))
    return candidates


def _file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


def _from_folder(path: Path, roster: Roster | None, found: list[Incident]) -> list[Candidate]:
    files = sorted(p for p in path.rglob("*") if p.is_file())
    relative = [(p.relative_to(path).as_posix(), p) for p in files]
    if any(parse_submission_path(name) for name, _ in relative):
        return _moodle(relative, roster, found, path, read=Path.read_bytes, when=_file_time)
    candidates = []
    for name, file in relative:
        if file.suffix.lower() != ".ipynb" or len(Path(name).parts) < 2:
            continue
        student_id = check_student_id(Path(name).parts[0], f"{path}: folder of {name}")
        moment = _file_time(file)
        stamp = file.parent / "timestamp.txt"
        if stamp.exists():
            try:
                moment = parse_utc(stamp.read_text(encoding="utf-8").strip()).replace(tzinfo=None)
            except (ValueError, OverflowError, UnicodeDecodeError):
                found.append(Incident(student_id, STEP, stamp.relative_to(path).as_posix(),
                                      "horodatage illisible (timestamp.txt)",
                                      "remplacé par la date du fichier", True))
        candidates.append(Candidate(student_id, name, file.read_bytes(), moment))
    return candidates


def _grade_ids(notebook: nbformat.NotebookNode) -> set[str]:
    return {cell.metadata["nbgrader"]["grade_id"] for cell in notebook.cells
            if "grade_id" in cell.metadata.get("nbgrader", {})}


def _read(candidate: Candidate) -> tuple[nbformat.NotebookNode | None, str]:
    if not candidate.data.strip():
        return None, "fichier vide"
    try:
        json.loads(candidate.data)
    except (ValueError, UnicodeDecodeError):
        return None, "JSON invalide (fichier abîmé ou tronqué)"
    try:
        notebook = nbformat.reads(candidate.data.decode("utf-8"), as_version=4)
        nbformat.validate(notebook)
    except (nbformat.ValidationError, KeyError, AttributeError, TypeError, ValueError):
        return None, "pas un notebook Jupyter valide"
    return notebook, ""


def suspicious_lines(notebook: nbformat.NotebookNode) -> list[str]:
    """Lines of the student's own code cells that name grader files or move the work folder.

    Examples
    --------
    >>> cell = nbformat.v4.new_code_cell("open('../x/gradebook.db')")
    >>> nb = nbformat.v4.new_notebook(cells=[cell])
    >>> suspicious_lines(nb)
    ["open('../x/gradebook.db')"]
    """
    lines = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or (meta and not meta.get("solution", False)):
            continue
        lines += [line.strip() for line in cell.source.splitlines() if SUSPICIOUS.search(line)]
    return lines


def _tests(notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Test cells (graded, not answers) by grade id, with their source."""
    return {c.metadata["nbgrader"]["grade_id"]: c.source.strip() for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")}


def tampered_tests(released: nbformat.NotebookNode, submitted: nbformat.NotebookNode
                   ) -> tuple[list[str], list[str]]:
    """Grade ids of the released test cells a submission edited, and of those it deleted."""
    given, handed_in = _tests(released), _tests(submitted)
    edited = [i for i, text in given.items() if i in handed_in and handed_in[i] != text]
    return edited, [i for i in given if i not in handed_in]


def _check_tests(course: Course, assignment: str, target: str, candidate: Candidate,
                 notebook: nbformat.NotebookNode, found: list[Incident]) -> None:
    released = course.release / assignment / f"{target}.ipynb"
    if not released.exists():
        return
    edited, deleted = tampered_tests(nbformat.read(released, 4), notebook)
    for grade_id in edited:
        found.append(Incident(candidate.student_id, STEP, candidate.origin,
                              f"cellule de test modifiée : {grade_id}",
                              "nbgrader corrige avec le test original", True))
    for grade_id in deleted:
        found.append(Incident(candidate.student_id, STEP, candidate.origin,
                              f"cellule de test supprimée : {grade_id}",
                              "ce test vaut 0", True))


def _choose(course: Course, assignment: str, candidates: list[Candidate],
            found: list[Incident]) -> dict[str, dict[str, Candidate]]:
    expected = {name: _grade_ids(nbformat.read(course.source / assignment / f"{name}.ipynb", 4))
                for name in course.notebooks(assignment)}
    chosen: dict[str, dict[str, Candidate]] = defaultdict(dict)
    for candidate in sorted(candidates, key=lambda c: (c.student_id, c.submitted_at, c.origin)):
        notebook, problem = _read(candidate)
        if notebook is None:
            found.append(Incident(candidate.student_id, STEP, candidate.origin, problem,
                                  "non collecté", False))
            continue
        ids = _grade_ids(notebook)
        overlap = {name: len(ids & cells) for name, cells in expected.items()}
        target = max(overlap, key=overlap.get)
        if overlap[target] == 0:
            if ids or candidate.stem not in expected:
                found.append(Incident(candidate.student_id, STEP, candidate.origin,
                                      "notebook d'un autre devoir (aucune cellule de "
                                      f"{assignment})", "non collecté", False))
                continue
            target = candidate.stem
            found.append(Incident(candidate.student_id, STEP, candidate.origin,
                                  "cellules de correction absentes (notebook recréé ?)",
                                  "collecté : les questions absentes valent 0", True))
        elif candidate.stem != target:
            found.append(Incident(candidate.student_id, STEP, candidate.origin,
                                  f"notebook renommé (attendu : {target}.ipynb)",
                                  f"collecté sous {target}.ipynb", True))
        earlier = chosen[candidate.student_id].get(target)
        if earlier is not None:
            found.append(Incident(candidate.student_id, STEP, earlier.origin,
                                  f"deux remises de {target}.ipynb",
                                  f"la plus récente gardée : {candidate.origin}", True))
        _check_tests(course, assignment, target, candidate, notebook, found)
        for line in suspicious_lines(notebook):
            found.append(Incident(candidate.student_id, STEP, candidate.origin,
                                  f"code à vérifier : {line[:120]}",
                                  "corrigé dans le bac à sable ; à relire", True))
        chosen[candidate.student_id][target] = candidate
    return chosen


def collect(course: Course, assignment: str, source: Path, roster: Roster | None = None
            ) -> Collected:
    """Copy each student's notebooks into ``submitted/`` and start the error report.

    Parameters
    ----------
    course
        The nbgrader course.
    assignment
        The assignment's name (a folder of ``source/``).
    source
        Moodle's submissions ZIP, that ZIP unpacked, or a folder of ``<student_id>/`` folders.
    roster
        Participant → student id; needed for Moodle's layout.

    Examples
    --------
    >>> collect(Course(Path("course")), "tp01-non-recours", Path("soumissions.zip"),
    ...         Roster.read(Path("roster.csv")))  # doctest: +SKIP
    """
    course.notebooks(assignment)
    found: list[Incident] = []
    if source.is_file():
        candidates = _from_zip(source, roster, found)
    elif source.is_dir():
        candidates = _from_folder(source, roster, found)
    else:
        raise CourseInputError(f"{source}: not found (expected a ZIP or a folder of submissions)")
    chosen = _choose(course, assignment, candidates, found)
    for student_id, notebooks in sorted(chosen.items()):
        folder = course.submission(course.submitted, student_id, assignment)
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for target, candidate in notebooks.items():
            (folder / f"{target}.ipynb").write_bytes(candidate.data)
        latest = max(c.submitted_at for c in notebooks.values())
        (folder / "timestamp.txt").write_text(timestamp_text(latest), encoding="utf-8")
    report.write(report.report_path(course.root, assignment), found)
    return Collected(sorted(chosen), found)
