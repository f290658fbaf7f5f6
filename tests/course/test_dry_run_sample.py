"""The dry run (see dry_run) of every assignment ``test_dry_run`` does not grade for the
whole class, for ten students: one of each rotating profile (``PROFILES``) and the four
hostile ones (``HOSTILE``). With ``PASSERELLE_DRY_RUN=all`` the whole class takes every
assignment in ``test_dry_run`` and this module has nothing to grade.
"""

from __future__ import annotations

import pytest
from dry_run import SAMPLE, SAMPLED, DryRun, check_grades, check_hints, graded


@pytest.fixture(scope="module")
def sampled(tmp_path_factory) -> DryRun:
    return graded(tmp_path_factory.mktemp("repetition-echantillon"), SAMPLED, SAMPLE)


@pytest.mark.parametrize("assignment", SAMPLED)
def test_every_sampled_student_gets_exactly_what_they_were_built_to_score(sampled, assignment):
    check_grades(sampled, assignment)


@pytest.mark.parametrize("assignment", SAMPLED)
def test_a_sampled_misconception_shows_its_hint_in_the_graded_notebook(sampled, assignment):
    check_hints(sampled, assignment)
