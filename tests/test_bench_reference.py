"""The reference model of ``passerelle bench`` in numpy, Starsim and Mesa against its analytics.

Tolerances are derived, not tuned. A person with seek probability s, seen at month ends, is
a two-state Markov chain: no need → need with probability a = P_NEED (1 - s), need → no need
with probability b = s. Its stationary probability of a need is π = a / (a + b), and
E[X_{t+k} | X_t] = π + (X_t - π) λ^k with λ = 1 - a - b = (1 - s)(1 - P_NEED) ≥ 0.

* Start-up bias. Everyone starts without a need, so E[X_t] = π (1 - λ^t): averaging months
  t0 + 1 .. T gives a mean short of π by at most π λ^(t0 + 1).
* Variance. Var X_t = E[X_t](1 - E[X_t]) ≤ π (1 - π) (as E[X_t] ≤ π < 1/2) and
  Cov(X_t, X_{t+k}) = λ^k Var X_t, so the average of one person over m months has variance at
  most π (1 - π) / m · (1 + 2 Σ_{k≥1} λ^k) = π (1 - π) (1 + λ) / ((1 - λ) m).
* People are independent (insurance is deterministic), so the population share averaged
  over m months has variance at most Σ_g w_g π_g (1 - π_g) (1 + λ_g) / ((1 - λ_g) m n) over
  the insured and uninsured groups g with weights w_g, for n a multiple of 5.

The test accepts |mean - π| ≤ bias bound + 5 standard deviations: with a normal mean (n m is
large), a correct model fails with probability below 6e-7 per check. The first month is
checked the same way: E[X_1] = Σ_g w_g P_NEED (1 - s_g) and the n people are independent.
A swapped order within the month (seek, then develop) would give π ≈ 0.079 and a first month
of 0.05, far outside both tolerances.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from passerelle.bench import passerelle_engine, plain_numpy, with_mesa, with_starsim
from passerelle.bench.reference import (
    P_NEED,
    P_SEEK_INSURED,
    P_SEEK_UNINSURED,
    SHARE_INSURED,
    ReferenceRun,
    stationary_need_probability,
    stationary_need_share,
)

GROUPS = ((SHARE_INSURED, P_SEEK_INSURED), (1.0 - SHARE_INSURED, P_SEEK_UNINSURED))
N_SIGMA = 5.0

# (implementation, people, months): each run takes well under a second.
CASES = [
    pytest.param(passerelle_engine, 200_000, 60, id="passerelle"),
    pytest.param(plain_numpy, 200_000, 60, id="numpy"),
    pytest.param(with_starsim, 100_000, 48, id="starsim"),
    pytest.param(with_mesa, 20_000, 48, id="mesa"),
]


def stationary_tolerance(n_people: int, months: int, averaged: int) -> float:
    """Largest accepted |mean share over the last ``averaged`` months - stationary share|."""
    variance = 0.0
    bias = 0.0
    for weight, p_seek in GROUPS:
        pi = stationary_need_probability(p_seek)
        persistence = (1.0 - p_seek) * (1.0 - P_NEED)
        variance += weight * pi * (1.0 - pi) * (1.0 + persistence) / (1.0 - persistence)
        bias += weight * pi * persistence ** (months - averaged + 1)
    return bias + N_SIGMA * math.sqrt(variance / (averaged * n_people))


def first_month_expectation() -> float:
    """Expected share with an open need at the end of the first month (fraction)."""
    return sum(weight * P_NEED * (1.0 - p_seek) for weight, p_seek in GROUPS)


def first_month_tolerance(n_people: int) -> float:
    """Largest accepted |share at the end of month 1 - its expectation|."""
    variance = sum(
        weight * P_NEED * (1.0 - p_seek) * (1.0 - P_NEED * (1.0 - p_seek))
        for weight, p_seek in GROUPS
    )
    return N_SIGMA * math.sqrt(variance / n_people)


def test_stationary_share_matches_the_issue():
    assert stationary_need_share() == pytest.approx(0.8 * 0.01 / 0.81 + 0.2 * 0.035 / 0.335)
    assert stationary_need_share() == pytest.approx(0.030772, abs=1e-6)


@pytest.mark.parametrize(("implementation", "n_people", "months"), CASES)
def test_matches_analytic_shares(implementation, n_people, months):
    result = implementation.run(n_people, months, seed=7)
    assert isinstance(result, ReferenceRun)
    assert result.need_share.shape == (months,)
    first = result.need_share[0]
    assert abs(first - first_month_expectation()) <= first_month_tolerance(n_people)
    averaged = months // 2
    mean = result.need_share[-averaged:].mean()
    tolerance = stationary_tolerance(n_people, months, averaged)
    assert abs(mean - stationary_need_share()) <= tolerance


def test_engine_is_reproducible():
    first = passerelle_engine.run(50_000, 24, seed=3).need_share
    np.testing.assert_array_equal(first, passerelle_engine.run(50_000, 24, seed=3).need_share)
    assert not np.array_equal(first, passerelle_engine.run(50_000, 24, seed=4).need_share)


def test_numpy_is_reproducible():
    first = plain_numpy.run(50_000, 24, seed=3).need_share
    np.testing.assert_array_equal(first, plain_numpy.run(50_000, 24, seed=3).need_share)
    assert not np.array_equal(first, plain_numpy.run(50_000, 24, seed=4).need_share)


def test_bench_command_reports_every_ratio():
    # A short horizon keeps this a smoke test of the command; the ratios it prints are
    # measured, not asserted (timing thresholds would fail on a loaded machine).
    import json

    from typer.testing import CliRunner

    from passerelle.apps.cli import app
    from passerelle.bench import harness, sweeps
    from passerelle.config.scenario import load

    result = CliRunner().invoke(app, ["bench", "--json", "--people", "20000", "--months", "6",
                                      "--no-belgium", "--repeats", "1"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout[result.stdout.index("{"):])
    goals = report.pop("goals")
    for key in ("full model: agent-months per second", "full model: peak bytes per person",
                "full model: peak MB beside people (result tables)",
                "reference: engine time / numpy time", "reference: starsim time / engine time",
                "reference: engine speed / mesa speed", harness.REALISM,
                "memory: population columns, bytes per person",
                "memory: cascade columns, bytes per person", sweeps.SPEED_UP,
                sweeps.EFFICIENCY):
        assert report[key] > 0, key
    # The profile gives every module of the baseline its share of the run, and the rest.
    shares = {key.removeprefix("profile: ").removesuffix(" share of the full model's time"):
              value for key, value in report.items() if key.startswith("profile: ")}
    assert set(shares) == {*load("baseline").modules, "other"}
    assert all(0 <= share <= 1 for share in shares.values()), shares
    assert sum(shares.values()) == pytest.approx(1)
    # Every goal but Belgium's (left out here) is reported with its value.
    assert set(goals) == {g.figure for g in harness.GOALS} - {"belgium: wall seconds",
                                                              "belgium: peak GB"}
    for figure, goal in goals.items():
        assert goal["value"] == report[figure] and isinstance(goal["met"], bool), figure
