"""Inequality measures against small examples worked out by hand in the comments."""

import numpy as np
import pandas as pd
import pytest

from passerelle.evaluate import (
    atkinson_index,
    concentration_index,
    distributional_summary,
    equally_distributed_equivalent,
    relative_index_of_inequality,
    slope_index_of_inequality,
)

# Five people ranked by income (poorest first) with a 0/1 outcome, e.g. unmet need:
#   h = 1, 1, 0, 1, 0; mean 0.6; fractional ranks R = 0.1, 0.3, 0.5, 0.7, 0.9 (mean 0.5).
#   cov(h, R) = [0.4·(-0.4) + 0.4·(-0.2) + (-0.6)·0 + 0.4·0.2 + (-0.6)·0.4] / 5
#             = (-0.16 - 0.08 + 0 + 0.08 - 0.24) / 5 = -0.08
#   C = 2·(-0.08)/0.6 = -0.26667   (check: 2/(n·mean)·sum(h·R) - 1 = (2/3)·1.1 - 1)
#   Wagstaff: C/(1 - mean) = -0.26667/0.4 = -0.66667
#   Erreygers: 4·mean·C/(b - a) = 4·0.6·(-0.26667) = -0.64
FIVE = pd.DataFrame({"income": [900, 1200, 1500, 2100, 3000], "need": [1, 1, 0, 1, 0]})


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("standard", -0.8 / 3), ("wagstaff", -2 / 3), ("erreygers", -0.64)],
)
def test_concentration_index_five_people(kind: str, expected: float) -> None:
    shuffled = FIVE.sample(frac=1.0, random_state=0)
    assert concentration_index(shuffled, "need", "income", kind=kind) == pytest.approx(expected)


def test_concentration_index_with_weights_and_ties() -> None:
    """Weights: h = 2, 4, 6 with weights 2, 1, 1 (total 4).

    R = (0 + 2/2)/4 = 0.25, (2 + 1/2)/4 = 0.625, (3 + 1/2)/4 = 0.875; mean h = 14/4 = 3.5.
    cov = [2·(-1.5)·(-0.25) + 1·0.5·0.125 + 1·2.5·0.375]/4 = 1.75/4 = 0.4375;
    C = 2·0.4375/3.5 = 0.25. Splitting the first person into two tied people of weight 1
    must give the same index.
    """
    weighted = pd.DataFrame({"y": [2.0, 4.0, 6.0], "inc": [1, 2, 3], "w": [2.0, 1.0, 1.0]})
    assert concentration_index(weighted, "y", "inc", weight="w") == pytest.approx(0.25)
    split = pd.DataFrame({"y": [2.0, 2.0, 4.0, 6.0], "inc": [1, 1, 2, 3]})
    assert concentration_index(split, "y", "inc") == pytest.approx(0.25)


def test_tied_ranks_share_their_mid_point() -> None:
    """Incomes 1, 1, 2 and h = 0, 1, 1: the tie spans [0, 2/3], so R = 1/3, 1/3, 5/6.

    mean h = 2/3; cov = [(-2/3)(-1/6) + (1/3)(-1/6) + (1/3)(1/3)]/3 = (1/6)/3 = 1/18;
    C = 2·(1/18)/(2/3) = 1/6 (ordering the tied people either way would give 0 or 1/3).
    """
    df = pd.DataFrame({"h": [0.0, 1.0, 1.0], "inc": [1, 1, 2]})
    assert concentration_index(df, "h", "inc") == pytest.approx(1 / 6)
    assert concentration_index(df.iloc[[1, 0, 2]], "h", "inc") == pytest.approx(1 / 6)


def test_concentration_index_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="outside bounds"):
        concentration_index(FIVE.assign(need=FIVE["need"] * 2), "need", "income", kind="wagstaff")
    scaled = concentration_index(
        FIVE.assign(need=FIVE["need"] * 10), "need", "income", kind="erreygers", bounds=(0, 10)
    )
    assert scaled == pytest.approx(-0.64)


# Three socioeconomic groups, bottom to top: population shares 0.2, 0.5, 0.3 and mean
# outcomes 10, 8, 5. Ridit mid-points: 0.1, 0.45, 0.85 (weighted mean 0.5); weighted mean
# outcome 7.5. Sxy = 0.2·(-0.4)·2.5 + 0.5·(-0.05)·0.5 + 0.3·0.35·(-2.5) = -0.475;
# Sxx = 0.2·0.16 + 0.5·0.0025 + 0.3·0.1225 = 0.07. Slope (SII) = -0.475/0.07 = -6.785714;
# fitted(0) = 7.5 + 6.785714·0.5 = 10.892857; fitted(1) = 4.107143;
# RII = 4.107143/10.892857 = 0.377049.
GROUPS = pd.DataFrame({"quintile": [1, 2, 3], "rate": [10.0, 8.0, 5.0], "pop": [20, 50, 30]})


def test_slope_and_relative_index_three_groups() -> None:
    assert slope_index_of_inequality(GROUPS, "rate", "quintile", weight="pop") == pytest.approx(
        -0.475 / 0.07
    )
    assert relative_index_of_inequality(GROUPS, "rate", "quintile", weight="pop") == pytest.approx(
        4.107143 / 10.892857, rel=1e-6
    )


def test_slope_index_from_individual_rows_and_reversed_order() -> None:
    """Individual rows aggregate to the same groups; reversing the order flips the sign."""
    rows = GROUPS.loc[GROUPS.index.repeat(GROUPS["pop"])].drop(columns="pop")
    assert slope_index_of_inequality(rows, "rate", "quintile") == pytest.approx(-0.475 / 0.07)
    reversed_sii = slope_index_of_inequality(GROUPS, "rate", "quintile", "pop", ascending=False)
    assert reversed_sii == pytest.approx(0.475 / 0.07)


def test_equally_distributed_equivalent_and_atkinson() -> None:
    """Incomes 1 and 4 (mean 2.5).

    epsilon = 0: EDE = 2.5, A = 0.  epsilon = 0.5: EDE = ((1 + 2)/2)^2 = 2.25, A = 0.1.
    epsilon = 1: geometric mean 2, A = 0.2.  epsilon = 2: harmonic mean 2/(1 + 1/4) = 1.6,
    A = 0.36.
    """
    values = [1.0, 4.0]
    for epsilon, ede, atkinson in [(0, 2.5, 0.0), (0.5, 2.25, 0.1), (1, 2.0, 0.2), (2, 1.6, 0.36)]:
        assert equally_distributed_equivalent(values, epsilon) == pytest.approx(ede)
        assert atkinson_index(values, epsilon) == pytest.approx(atkinson, abs=1e-12)
    # Weights 2 and 1 are the same as repeating the first value: geometric mean 4^(1/3).
    assert equally_distributed_equivalent([1.0, 4.0], 1, weights=[2, 1]) == pytest.approx(
        4 ** (1 / 3)
    )
    with pytest.raises(ValueError, match="positive"):
        equally_distributed_equivalent([0.0, 4.0], 1)


def test_distributional_summary_by_hand() -> None:
    """Two groups; threshold 10,000 per QALY.

    Group 1 (two people): costs 100 and 300, QALYs 0.02 and 0.04 -> mean cost 200, mean
    QALY 0.03, NHB 0.03 - 200/10000 = 0.01. Group 2 (one person weighted 2): cost 200,
    QALY 0.05 -> NHB 0.05 - 0.02 = 0.03. Population 2 and 2: mean NHB 0.02.
    Without baseline, epsilon = 2: EDE = harmonic mean of 0.01 and 0.03 = 2/(100 + 33.33)
    = 0.015. With baselines 50 (group 1) and 70 (group 2), epsilon = 1:
    EDE change = sqrt(50.01·70.03) - sqrt(50·70) = 59.179396 - 59.160798 = 0.018593.
    """
    df = pd.DataFrame(
        {
            "q": [1, 1, 2],
            "cost": [100.0, 300.0, 200.0],
            "qaly": [0.02, 0.04, 0.05],
            "w": [1.0, 1.0, 2.0],
            "baseline": [50.0, 50.0, 70.0],
        }
    )
    summary = distributional_summary(df, "q", "cost", "qaly", 10_000, epsilon=2, weight="w")
    table = summary.by_group
    np.testing.assert_allclose(table["incremental_cost"], [200.0, 200.0])
    np.testing.assert_allclose(table["incremental_health"], [0.03, 0.05])
    np.testing.assert_allclose(table["net_health_benefit"], [0.01, 0.03])
    np.testing.assert_allclose(table["share"], [0.5, 0.5])
    assert summary.mean_nhb == pytest.approx(0.02)
    assert summary.ede_nhb == pytest.approx(0.015)
    with_baseline = distributional_summary(
        df, "q", "cost", "qaly", 10_000, epsilon=1, weight="w", baseline="baseline"
    )
    expected = np.sqrt(50.01 * 70.03) - np.sqrt(50 * 70)
    assert expected == pytest.approx(0.018593, abs=1e-6)
    assert with_baseline.ede_nhb == pytest.approx(expected, rel=1e-9)
    np.testing.assert_allclose(with_baseline.by_group["post_health"], [50.01, 70.03])


def test_distributional_summary_rejects_negative_benefits_without_baseline() -> None:
    df = pd.DataFrame({"q": [1, 2], "cost": [0.0, 1000.0], "qaly": [0.01, 0.0]})
    with pytest.raises(ValueError, match="positive"):
        distributional_summary(df, "q", "cost", "qaly", 20_000)
    with pytest.raises(ValueError, match="'qualy'"):
        distributional_summary(df, "q", "cost", "qualy", 20_000)
