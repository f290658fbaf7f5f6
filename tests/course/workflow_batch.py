"""One Moodle round trip shared by the workflow and hostile-submission tests.

A course with the fixture assignment ``tp-essai``, a Moodle "Download all submissions" ZIP of
synthetic participants (faker names, fixed seed; no real person) built here: ten ordinary
students and one participant a hostile or broken case. It is collected, autograded (sandboxed,
in parallel), given feedback and graded once a test session, through the real command line;
under xdist the first worker builds it and the others wait for it (a lock file in the
session's shared temporary folder).
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat
from faker import Faker
from typer.testing import CliRunner

from passerelle.apps.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
COURSE_CONFIG = Path(__file__).parents[2] / "course" / "nbgrader_config.py"
ASSIGNMENT = "tp-essai"
CELL_TIMEOUT = 10
"""Seconds: the fixture's honest cells take well under a second; the loop case waits this long."""
POINTS = {"q1-test": 2.0, "q2-test": 1.0, "q3-reponse": 2.0}
AUTOMATIC = POINTS["q1-test"] + POINTS["q2-test"]
ORDINARY = 10


@dataclass(frozen=True)
class Participant:
    """A synthetic Moodle participant, the files they hand in, and the points they deserve."""

    case: str
    participant: int
    name: str
    student_id: str
    files: list[tuple[str, bytes, datetime]]
    due: float | None
    """Automatic points deserved (None: nothing gradable was handed in)."""


@dataclass(frozen=True)
class Batch:
    course: Path
    zip_path: Path
    roster: Path
    participants: list[Participant]
    outputs: dict[str, str]

    def by_case(self, case: str) -> Participant:
        return next(p for p in self.participants if p.case == case)


def _cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] == grade_id)


def _answer(release: nbformat.NotebookNode, q1: str = "float(np.mean(attente))",
            q2: str = "float(np.std(attente, ddof=1))") -> nbformat.NotebookNode:
    """The released notebook, as a student hands it in, with these two answers."""
    notebook = copy.deepcopy(release)
    _cell(notebook, "q1-reponse").source = f"moyenne = {q1}"
    _cell(notebook, "q2-reponse").source = f"ecart = {q2}"
    return notebook


def _bytes(notebook: nbformat.NotebookNode) -> bytes:
    return nbformat.writes(notebook).encode("utf-8")


WHEN = datetime(2026, 11, 30, 18, 0)
LATER = datetime(2026, 11, 30, 22, 30)


def hostile_cases(course: Path, release: nbformat.NotebookNode) -> dict[str, tuple]:
    """Each case: (files as (name, bytes, time), automatic points due or None)."""
    good = _bytes(_answer(release))
    nb_name = f"{ASSIGNMENT}.ipynb"

    # The loop runs before the answer is assigned: the cell is interrupted, q1 is lost.
    loop = _answer(release, q1="float(np.mean(attente))")
    _cell(loop, "q1-reponse").source = "while True:\n    pass\nmoyenne = float(np.mean(attente))"
    crash = _answer(release, q1="float('quarante-deux')")
    dead = _answer(release, q2="float(np.std(attente, ddof=1))\nimport os\nos._exit(1)")
    # The answer is a float that writes to stderr whenever the test subtracts from it, so the
    # hidden q2 test writes stderr every time; a thread also spams stderr from q2 onwards.
    spam = _answer(release)
    _cell(spam, "q2-reponse").source = (
        "import sys\nimport threading\nimport time\n\n\nclass Bruyant(float):\n"
        "    def __sub__(self, other):\n        print('!' * 80, file=sys.stderr)\n"
        "        return float(self) - other\n\n\ndef crier():\n    while True:\n"
        "        print('!' * 80, file=sys.stderr)\n        time.sleep(0.01)\n\n\n"
        "threading.Thread(target=crier, daemon=True).start()\n"
        "ecart = Bruyant(np.std(attente, ddof=1))")
    edited = _answer(release, q1="0.0")
    _cell(edited, "q1-test").source = "assert True"
    deleted = _answer(release)
    deleted.cells = [c for c in deleted.cells if c.metadata["nbgrader"]["grade_id"] != "q2-test"]
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x = 1", metadata={"nbgrader": {"grade": True, "grade_id": "autre-q1", "locked": False,
                                        "points": 5, "schema_version": 3, "solution": False,
                                        "task": False}})])
    # The kernel's own folder is <course>/autograded/<id>/<assignment>: its parents exist,
    # holding nothing else (checked by listing ../..).
    secrets = [str(course / "gradebook.db"), str(course / "source" / ASSIGNMENT / nb_name),
               str(course / "submitted"), str(course / "release"), "../../../gradebook.db",
               "../../../source"]
    spy = _answer(release, q1="float(np.mean(attente))\nimport os\n"
                     f"vus = [p for p in {secrets!r} if os.path.exists(p)]\n"
                     "voisins = sorted(os.listdir('../..'))\n"
                     "print('VUS', vus, 'VOISINS', voisins)")
    copied = _answer(release, q1="float(np.mean(donnees('ab-victime')))",
                     q2="float(np.std(donnees('ab-victime'), ddof=1))")
    return {
        "boucle": ([(nb_name, _bytes(loop), WHEN)], POINTS["q2-test"]),
        "exception": ([(nb_name, _bytes(crash), WHEN)], POINTS["q2-test"]),
        "noyau-tue": ([(nb_name, _bytes(dead), WHEN)], POINTS["q1-test"]),
        "stderr": ([(nb_name, _bytes(spam), WHEN)], POINTS["q1-test"]),
        "test-modifie": ([(nb_name, _bytes(edited), WHEN)], POINTS["q2-test"]),
        "test-supprime": ([(nb_name, _bytes(deleted), WHEN)], POINTS["q1-test"]),
        "renomme": ([("ma copie finale.ipynb", good, WHEN)], AUTOMATIC),
        "json-invalide": ([(nb_name, good[: len(good) // 2], WHEN)], None),
        "vide": ([(nb_name, b"", WHEN)], None),
        "autre-devoir": ([("tp-autre.ipynb", _bytes(other), WHEN)], None),
        "espion": ([(nb_name, _bytes(spy), WHEN)], AUTOMATIC),
        "copie": ([(nb_name, _bytes(copied), WHEN)], 0.0),
        "deux-remises": ([("brouillon.ipynb", _bytes(release), WHEN), (nb_name, good, LATER)],
                         AUTOMATIC),
    }


def _participants(course: Path, release: nbformat.NotebookNode) -> list[Participant]:
    fake = Faker("fr_BE")
    fake.seed_instance(20261201)
    ordinary = [
        ("juste", _bytes(_answer(release)), AUTOMATIC),
        ("q1-fausse", _bytes(_answer(release, q1="float(np.mean(attente)) + 1.0")),
         POINTS["q2-test"]),
        ("non-pondere", _bytes(_answer(release, q2="float(np.std(attente))")), POINTS["q1-test"]),
        ("vierge", _bytes(release), 0.0),
    ]
    people = []
    number = 880001
    for index in range(ORDINARY):
        case, data, due = ordinary[index % len(ordinary)]
        people.append(Participant(f"{case}-{index}", number, fake.name(), f"e{number}",
                                  [(f"{ASSIGNMENT}.ipynb", data, WHEN)], due))
        number += 7
    for case, (files, due) in hostile_cases(course, release).items():
        people.append(Participant(case, number, fake.name(), f"e{number}", files, due))
        number += 7
    return people


def _write_zip(path: Path, people: list[Participant]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for person in people:
            folder = f"{person.name}_{person.participant}_assignsubmission_file"
            for name, data, when in person.files:
                archive.writestr(zipfile.ZipInfo(f"{folder}/{name}", when.timetuple()[:6]), data)
        stranger = "Inconnu Anonyme_999999_assignsubmission_file/tp-essai.ipynb"
        archive.writestr(zipfile.ZipInfo(stranger, WHEN.timetuple()[:6]),
                         people[0].files[0][1])


def _invoke(args: list[str]) -> str:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result.output


def _build(root: Path) -> Batch:
    course = root / "cours"
    (course / "source").mkdir(parents=True)
    shutil.copy(COURSE_CONFIG, course / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course / "source" / ASSIGNMENT)
    outputs = {"generate": _invoke(["course", "generate", ASSIGNMENT, "--cours", str(course)])}
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    people = _participants(course, release)
    zip_path = root / "moodle-soumissions.zip"
    _write_zip(zip_path, people)
    roster = root / "roster.csv"
    roster.write_text("participant,student_id,nom\n" + "".join(
        f"Participant {p.participant},{p.student_id},{p.name}\n" for p in people),
        encoding="utf-8")
    common = ["--cours", str(course)]
    outputs["collect"] = _invoke(["course", "collect", ASSIGNMENT, str(zip_path),
                                  "--roster", str(roster), *common])
    outputs["autograde"] = _invoke(["course", "autograde", ASSIGNMENT, "--cell-timeout",
                                    str(CELL_TIMEOUT), *common])
    outputs["feedback"] = _invoke(["course", "feedback", ASSIGNMENT, "--roster", str(roster),
                                   *common])
    outputs["grades"] = _invoke(["course", "grades", ASSIGNMENT, "--roster", str(roster),
                                 "--langue", "en", *common])
    return Batch(course, zip_path, roster, people, outputs)


def shared_batch(tmp_path_factory) -> Batch:
    """Build the round trip once a session (once across xdist workers), then reuse it."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist each worker has its own basetemp inside the session's folder.
    session = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    shared = session / "passerelle-moodle-round-trip"
    shared.mkdir(exist_ok=True)
    done = shared / "outputs.json"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            batch = _build(shared)
            done.write_text(json.dumps(batch.outputs), encoding="utf-8")
    course = shared / "cours"
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    return Batch(course, shared / "moodle-soumissions.zip", shared / "roster.csv",
                 _participants(course, release), json.loads(done.read_text(encoding="utf-8")))
