"""Targets: two sets (calibration, validation) of sourced rows, well-formed, computed
under their sources' definitions; the baseline meets every calibration target."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from passerelle.apps.site import validation
from passerelle.config.target_model import as_of, compared_months
from passerelle.config.targets import (
    CALIBRATION,
    GAP_KINDS,
    UNDOCUMENTED,
    VALIDATION,
    Target,
    baseline_runs,
    check,
    survey_band,
    targets,
)
from passerelle.engine import sources

PASSERELLE = Path(sys.executable).parent / "passerelle"
TINY = ("population.size=4000", "run.months=36", "run.burn_in=12")


@pytest.fixture(scope="module")
def tiny_runs():
    """The baseline on Brussels and on Belgium, tiny (the command line's ``--set TINY``)."""
    return baseline_runs("baseline", TINY)


def test_targets_come_in_two_sets_of_sourced_rows():
    calibration, validation = targets(CALIBRATION), targets(VALIDATION)
    assert len(calibration) >= 7 and len(validation) >= 12
    found = targets()
    assert len({t.name for t in found}) == len(found) == len(calibration) + len(validation)
    rows = {f.citation for f in sources.figures().values()}
    for target in found:
        assert target.low <= target.value <= target.high, target.name
        assert target.population in ("brussels", "belgium")
        assert target.source.strip() and target.band.strip() and target.definition.strip()
        # Every published value is a row of belgium_sources.csv (its citation opens the text).
        assert any(target.source.startswith(row) for row in rows), target.source


def test_every_validation_target_says_when_and_why_it_could_miss():
    """Each validation target carries its source's reference year and the model's reason
    to miss it, of a known kind; the calibration targets are read on the last 12 months."""
    for target in targets(VALIDATION):
        assert target.gap.strip() and target.gap_kind in GAP_KINDS, target.name
        assert 2000 <= target.year <= 2025 and 1 <= target.month <= 12, target.name
    assert all(t.year is None for t in targets(CALIBRATION))
    assert set(validation.WORDS["fr"]["kinds"]) == set(GAP_KINDS)


def test_a_reason_needs_a_known_kind():
    def target(**reason) -> Target:
        return Target("x", "belgium", 1.0, 0.9, 1.1, "share 0-1", "s", "b", len, **reason)
    with pytest.raises(ValueError, match="is not one of structure, definition, source"):
        target(gap="why", gap_kind="wording")
    with pytest.raises(ValueError, match="a gap needs its kind"):
        target(gap="why")
    assert target(gap="why", gap_kind="source").gap_kind == "source"


def test_a_target_is_read_at_its_source_year(tiny_runs):
    """Cut at a year, a run's stocks are those of its December and its yearly flows those
    of its 12 months; a year before the run reads the first simulated year, one after it
    the last 12 months; ``check`` reads every target so."""
    runs = tiny_runs
    results = runs["belgium"]
    deaths, people = results.select("deaths"), results.select("population")
    cut = as_of(results, 2017)
    assert cut.months[-1] == "2017-12" and compared_months(cut) == "2017-01 – 2017-12"
    assert cut.last_year("deaths") == pytest.approx(deaths[12:24].sum())
    assert cut.at_end("population") == pytest.approx(people[23])
    assert as_of(results, 2017, 6).at_end("population") == pytest.approx(people[17])
    assert as_of(results, 2005).last_year("deaths") == pytest.approx(deaths[:12].sum())
    assert as_of(results, 2030).months == results.months == as_of(results, None).months
    for c in check(runs, VALIDATION):
        read = as_of(runs[c.target.population], c.target.year, c.target.month)
        assert c.compared == compared_months(read)
        assert c.model == pytest.approx(c.target.model(read)), c.target.name


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="is not one of"):
        targets("fitted")


def test_survey_band_is_the_widened_95_percent_interval():
    low, high = survey_band(0.1, 1_000)
    half = 1.25 * 1.96 * math.sqrt(1.5 * 0.1 * 0.9 / 1_000)
    assert (low, high) == pytest.approx((0.1 - half, 0.1 + half))


def test_yearly_recourse_counts_people_over_twelve_months(tiny_runs):
    """AMU recourse over a year (KCE 257's definition) holds everyone with AMU in force at
    the end and more; people seen by a GP in 12 months hold those seen this month, and
    every stock is within the people present."""
    results = tiny_runs["brussels"]
    point = results.select("population", coverage="undocumented_amu")
    yearly = results.select("amu_12m", coverage=UNDOCUMENTED)
    assert np.all(yearly >= point) and yearly[-1] > point[-1]
    assert np.all(yearly <= results.select("population", coverage=UNDOCUMENTED))
    seen = results.select("met_gp") + results.select("met_maison_medicale")
    assert np.all(results.select("gp_12m") >= seen)
    for measure in ("gp_12m", "ed_12m"):
        assert np.all(results.select(measure) <= results.select("population")), measure
    # Twelve months of monthly GP contacts exceed the people seen in the year.
    assert results.last_year("met_gp") > results.at_end("gp_12m") * 0.5


def test_targets_command_reports_out_of_sample_with_a_plot(tmp_path):
    """The CLI on a tiny population: validation rows only, each with its definition, the
    months it was read over and, when missed, the model's reason and its kind, which the
    plot's legend and the site's page (in French) show."""
    plot = tmp_path / "validation.svg"
    command = [str(PASSERELLE), "targets", "--role", "validation",
               "--json", "--plot", str(plot), *(f"--set={s}" for s in TINY)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr  # validation misses do not fail the command
    rows = json.loads(done.stdout)
    assert len(rows) == len(targets(VALIDATION))
    assert {r["role"] for r in rows} == {VALIDATION}
    for row in rows:
        assert math.isfinite(row["model"]) and row["definition"] and row["compared"]
        assert row["passed"] or (row["gap"] and row["gap_kind"] in GAP_KINDS), row["target"]
    missed = {r["gap_kind"] for r in rows if not r["passed"]}
    assert missed
    drawn = plot.read_text(encoding="utf-8")
    assert drawn.startswith("<?xml")
    assert all(GAP_KINDS[kind] in drawn for kind in missed)
    page = validation.page("fr", {"checks": rows, "months": ["2016-01", "2018-12"],
                                  "compared": ["2018-01", "2018-12"]})
    kinds = validation.WORDS["fr"]["kinds"]
    for row in rows:
        assert row["compared"] in page
        if not row["passed"]:
            assert f"| {row['target']} | {kinds[row['gap_kind']]} |" in page, row["target"]


def test_targets_command_prints_each_miss_with_its_kind(tiny_runs):
    """The table's text output: every validation miss of the same tiny runs, computed here
    in process, is printed with the kind and the text of its reason."""
    command = [str(PASSERELLE), "targets", "--role", "validation",
               *(f"--set={s}" for s in TINY)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    missed = [c.target for c in check(tiny_runs, VALIDATION) if not c.passed]
    assert missed
    for t in missed:
        assert f"{t.name} ({GAP_KINDS[t.gap_kind]}): {t.gap}" in done.stdout, t.name


@pytest.mark.slow
def test_the_baseline_meets_every_calibration_target():
    """The default baseline (100,000 people, 120 months, on Brussels and on Belgium): every
    calibration target in its band; every validation target computed, each miss with the
    model's structural reason."""
    runs = baseline_runs()
    assert runs["brussels"].scenario.population.size == 100_000
    checks = check(runs)
    assert len(checks) == len(targets())
    failed = [c.as_dict() for c in checks if c.target.role == CALIBRATION and not c.passed]
    assert not failed, failed
    for c in checks:
        assert math.isfinite(c.model), c.target.name
        assert c.passed or c.target.gap, c.target.name
