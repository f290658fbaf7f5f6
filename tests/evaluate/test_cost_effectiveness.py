"""Cost-effectiveness tools against small examples worked out by hand in the comments."""

import numpy as np
import pandas as pd
import pytest

from passerelle.evaluate import acceptability_curve, evpi, icer_table, net_monetary_benefit

# Four strategies (cost in euros, effect in QALYs), given out of order:
#   A 1000, 1.00   B 3000, 1.10   C 5000, 1.05   D 6000, 1.50
# C costs more than B for fewer QALYs: strictly dominated.
# Among A, B, D: ICER(B vs A) = 2000/0.1 = 20,000 > ICER(D vs B) = 3000/0.4 = 7,500, so B
# is extendedly dominated. Final frontier: A (reference), D with ICER 5000/0.5 = 10,000.
FOUR = pd.DataFrame(
    {
        "name": ["D", "B", "A", "C"],
        "cost": [6000, 3000, 1000, 5000],
        "effect": [1.5, 1.1, 1.0, 1.05],
    }
)


def test_icer_table_with_strict_and_extended_dominance() -> None:
    table = icer_table(FOUR).set_index("name")
    assert list(table.index) == ["A", "B", "C", "D"]
    assert table["status"].to_dict() == {
        "A": "reference",
        "B": "extendedly dominated",
        "C": "dominated",
        "D": "non-dominated",
    }
    assert table.loc["D", "incremental_cost"] == pytest.approx(5000)
    assert table.loc["D", "incremental_effect"] == pytest.approx(0.5)
    assert table.loc["D", "icer"] == pytest.approx(10_000)
    assert table.loc[["A", "B", "C"], "icer"].isna().all()


def test_icer_table_repeats_extended_dominance_until_icers_increase() -> None:
    """Removing an extendedly dominated strategy can expose another one.

    A 0, 0; B 30, 1; C 50, 2; D 60, 3; E 100, 4 (euros, QALYs).
    Sequential ICERs: B 30, C 20, D 10, E 40. B: 30 > 20, extendedly dominated.
    Without B: C vs A 25, D 10, E 40. C: 25 > 10, extendedly dominated.
    Without C: D vs A 60/3 = 20, E vs D 40/1 = 40: increasing, done.
    """
    strategies = pd.DataFrame(
        {"name": list("ABCDE"), "cost": [0, 30, 50, 60, 100], "effect": [0, 1, 2, 3, 4]}
    )
    table = icer_table(strategies).set_index("name")
    assert table["status"].to_dict() == {
        "A": "reference",
        "B": "extendedly dominated",
        "C": "extendedly dominated",
        "D": "non-dominated",
        "E": "non-dominated",
    }
    np.testing.assert_allclose(table.loc[["D", "E"], "icer"], [20, 40])


def test_icer_table_equal_costs_keep_the_more_effective() -> None:
    strategies = pd.DataFrame({"name": ["x", "y"], "cost": [10, 10], "effect": [1, 2]})
    table = icer_table(strategies).set_index("name")
    assert table["status"].to_dict() == {"y": "reference", "x": "dominated"}


def test_icer_table_errors() -> None:
    with pytest.raises(ValueError, match="'qaly'"):
        icer_table(FOUR, effect="qaly")
    with pytest.raises(ValueError, match="once"):
        icer_table(pd.concat([FOUR, FOUR]))


def test_net_monetary_benefit() -> None:
    # 20,000 €/QALY × 1.5 QALY - 6,000 € = 24,000 €; broadcasting over a vector of costs.
    assert net_monetary_benefit(6000, 1.5, 20_000) == pytest.approx(24_000)
    np.testing.assert_allclose(
        net_monetary_benefit([1000, 6000], [1.0, 1.5], 20_000), [19_000, 24_000]
    )


# PSA with 3 draws and 2 strategies (costs in euros, effects in QALYs):
#   draw 1: costs (0, 1000), effects (1.0, 1.10)
#   draw 2: costs (0, 1000), effects (1.0, 1.02)
#   draw 3: costs (0, 1000), effects (1.0, 1.06)
# At 20,000 €/QALY the NMB are (20,000, 21,000), (20,000, 19,400), (20,000, 20,200).
# Expected NMB: (20,000, 20,200) -> choose strategy 2 now.
# With perfect information: max per draw 21,000, 20,000, 20,200 -> mean 20,400.
# EVPI = 20,400 - 20,200 = 200 € per person.
# Probability strategy 2 is optimal: 2/3 at 20,000; at 10,000 the NMB of strategy 2 are
# 10,000, 9,200, 9,600 against 10,000 (tie in draw 1 goes to strategy 1): 0; at 50,000:
# 54,000, 50,000, 52,000 against 50,000: 2/3 (tie in draw 2 to strategy 1).
PSA_COSTS = np.array([[0.0, 1000.0]] * 3)
PSA_EFFECTS = np.array([[1.0, 1.10], [1.0, 1.02], [1.0, 1.06]])


def test_evpi_three_draws() -> None:
    assert evpi(PSA_COSTS, PSA_EFFECTS, 20_000) == pytest.approx(200.0)
    # At 0 €/QALY strategy 1 is optimal in every draw: no value of information.
    assert evpi(PSA_COSTS, PSA_EFFECTS, 0.0) == pytest.approx(0.0)


def test_acceptability_curve_three_draws() -> None:
    curve = acceptability_curve(
        PSA_COSTS, PSA_EFFECTS, [10_000, 20_000, 50_000], names=["usual care", "passerelle"]
    )
    np.testing.assert_allclose(curve["passerelle"], [0.0, 2 / 3, 2 / 3])
    np.testing.assert_allclose(curve.sum(axis=1), 1.0)
    assert list(curve.index) == [10_000, 20_000, 50_000]


def test_psa_shapes_are_checked() -> None:
    with pytest.raises(ValueError, match="draws x strategies"):
        evpi(PSA_COSTS, PSA_EFFECTS[:2], 20_000)
    with pytest.raises(ValueError, match="names"):
        acceptability_curve(PSA_COSTS, PSA_EFFECTS, [1.0], names=["only one"])
