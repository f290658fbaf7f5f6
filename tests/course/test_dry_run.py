"""The dry run of the whole course (see dry_run): 50 synthetic students hand in assignments
through Moodle's ZIP; the gradebook's grades, as Moodle's worksheet carries them, are exactly
what each student was built to score, and a misconception's test shows its hint.

Here the whole class (50 students), on the two assignments that run the simulator in every
submission (the costliest to grade, and the ones the warm numba cache is for); every other
assignment is graded for ten of them in ``test_dry_run_sample``, so that each run of the
suite grades every assignment of the course end to end. 50 students x every assignment (490
graded copies): ``PASSERELLE_DRY_RUN=all``. Measured on a quiet 2-core machine on 2 December
2026: 32 min, then 29 min once tp06's hidden tests recalled the student's replications; on 3
December, 15 min 15 s once autograde forked every kernel from one pre-imported server (see
course/README.md): still more than the suite's share of CI. ``make test`` distributes the tests by
file (``--dist loadfile``), so that each dry run is built once.
"""

from __future__ import annotations

import pytest
from dry_run import EVERYTHING, WHOLE_CLASS, DryRun, check_grades, check_hints, graded


@pytest.fixture(scope="module")
def dry(tmp_path_factory) -> DryRun:
    return graded(tmp_path_factory.mktemp("repetition"), WHOLE_CLASS, None)


@pytest.mark.parametrize("assignment", WHOLE_CLASS)
def test_every_student_gets_exactly_what_they_were_built_to_score(dry, assignment):
    check_grades(dry, assignment)


@pytest.mark.parametrize("assignment", WHOLE_CLASS)
def test_a_misconception_shows_its_hint_in_the_graded_notebook(dry, assignment):
    check_hints(dry, assignment)


def test_the_dry_run_covers_the_whole_course():
    from dry_run import SAMPLED

    from passerelle.course.assignments import NAMES

    assert sorted(WHOLE_CLASS + SAMPLED) == sorted(NAMES)
    assert EVERYTHING or not set(WHOLE_CLASS) & set(SAMPLED)
