"""Calibration targets: well-formed, and met by the baseline on its default population."""

from __future__ import annotations

import math

import pytest

from passerelle.config.targets import baseline_runs, check, survey_band, targets


def test_targets_are_well_formed():
    found = targets()
    assert len({t.name for t in found}) == len(found) >= 7
    for target in found:
        assert target.low <= target.value <= target.high, target.name
        assert target.population in ("brussels", "belgium")
        assert target.source.strip() and target.band.strip()


def test_survey_band_is_the_widened_95_percent_interval():
    low, high = survey_band(0.1, 1_000)
    half = 1.25 * 1.96 * math.sqrt(1.5 * 0.1 * 0.9 / 1_000)
    assert (low, high) == pytest.approx((0.1 - half, 0.1 + half))


@pytest.mark.slow
def test_the_baseline_meets_every_calibration_target():
    """The default baseline (100,000 people, 120 months, on Brussels and on Belgium)."""
    runs = baseline_runs()
    assert runs["brussels"].scenario.population.size == 100_000
    checks = check(runs)
    failed = [c.as_dict() for c in checks if not c.passed]
    assert not failed, failed
    assert len(checks) == len(targets())
