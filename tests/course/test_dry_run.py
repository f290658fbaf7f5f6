"""The dry run of the whole course (see dry_run): 50 synthetic students hand in every
assignment through Moodle's ZIP; the gradebook's grades, as Moodle's worksheet carries them,
are exactly what each student was built to score, and a misconception's test shows its hint.
"""

from __future__ import annotations

import csv
import os
import time

import nbformat
import pytest
from dry_run import PROFILES, STUDENTS, DryRun, run

from passerelle.course.assignments import NAMES
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.incidents import export_folder

# The default run: 50 students on the two assignments that run the simulator in every
# submission (the costliest to grade, and the ones the warm numba cache is for). 50 students
# x every assignment of MODULES (500 submissions): PASSERELLE_DRY_RUN=all. Measured on the
# shared 2-core machine, 64 min; estimated from CPU time on 2 free cores, at most 28 min
# (49 x 61 s of CPU a student / 2 cores + 173 s in series): more than the suite's share of
# CI, 12 min (see course/README.md).
DEFAULT = ["tp02-cascade", "projet-final"]
ASSIGNMENTS = list(NAMES) if os.environ.get("PASSERELLE_DRY_RUN") == "all" else DEFAULT


@pytest.fixture(scope="module")
def dry(tmp_path_factory) -> DryRun:
    started = time.perf_counter()
    result = run(tmp_path_factory.mktemp("repetition"), ASSIGNMENTS)
    print(f"dry run: {STUDENTS} students x {len(ASSIGNMENTS)} assignments in "
          f"{time.perf_counter() - started:.0f} s")
    for assignment, outputs in result.outputs.items():
        print(assignment, outputs["autograde"].strip().replace("\n", " "))
    return result


def _worksheet(dry: DryRun, assignment: str) -> dict[str, str]:
    path = export_folder(dry.course, assignment) / f"notes-moodle-{assignment}.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["Identifier"]: r["Grade"] for r in csv.DictReader(handle)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_student_gets_exactly_what_they_were_built_to_score(dry, assignment):
    grades = _worksheet(dry, assignment)
    wrong = []
    for person in dry.students:
        handed = dry.submissions[assignment][person.student_id]
        got = grades[f"Participant {person.participant}"]
        if handed.due is None:
            ok = got in ("", "0", "0.0", "0.00")
        else:
            ok = got != "" and float(got) == pytest.approx(handed.due, abs=1e-9)
        if not ok:
            wrong.append((person.student_id, handed.profile, handed.wrong, got, handed.due))
    assert not wrong, wrong
    kinds = {s.profile for s in dry.submissions[assignment].values()}
    assert set(PROFILES) <= kinds
    assert len({s.due for s in dry.submissions[assignment].values()}) >= 3


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_misconception_shows_its_hint_in_the_graded_notebook(dry, assignment):
    module = find_assignment(assignment)
    shown = 0
    for student_id, handed in dry.submissions[assignment].items():
        if handed.profile != "idee-fausse":
            continue
        (question, label), = handed.wrong.items()
        hint = module.QUESTIONS[question].misconceptions[label].hint
        graded = dry.course / "autograded" / student_id / assignment / f"{assignment}.ipynb"
        text = "\n".join(str(o.get("evalue", "")) for c in nbformat.read(graded, 4).cells
                         for o in c.get("outputs", []))
        passed_anyway = handed.due == sum(
            float(c.metadata["nbgrader"]["points"]) for c in nbformat.read(graded, 4).cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
            and not c.metadata["nbgrader"].get("solution"))
        if not passed_anyway:
            assert hint in text, (student_id, question, label)
            shown += 1
    assert shown > 0
