"""``icer_table`` against an established package's output on the same inputs: the R
package dampack (DARTH workgroup), whose ``calculate_icers()`` results are copied in
``datasets/external`` (see its README), and the worked example of the VA's Health Economics
Resource Center (HERC) that dampack's own tests reproduce."""

import numpy as np
import pandas as pd
import pytest

from passerelle.evaluate import icer_table, net_monetary_benefit

# dampack's statuses: non-dominated, extendedly dominated, (strongly) dominated.
STATUS = {"ND": ("reference", "non-dominated"), "ED": ("extendedly dominated",),
          "D": ("dominated",)}


def _against(expected: pd.DataFrame) -> pd.DataFrame:
    found = icer_table(expected.rename(columns={"Strategy": "name", "Cost": "cost",
                                                "Effect": "effect"}))
    return found.set_index("name").loc[expected.Strategy]


def test_the_c_difficile_frontier_matches_dampack_to_its_last_decimals(
        dampack_cdiff: pd.DataFrame) -> None:
    """Eleven strategies, one extendedly dominated and four dominated: every status, and
    the incremental costs, effects and ICERs of the frontier to the precision of the file
    (15 significant digits: each input is off by up to half a unit of its 15th digit, and
    a difference by twice that, which a ratio of differences adds up)."""
    expected = dampack_cdiff
    found = _against(expected)
    for status, wanted in zip(found.status, expected.Status, strict=True):
        assert status in STATUS[wanted]
    assert (found.status == "reference").sum() == 1
    digit = {column: 10.0 ** (np.floor(np.log10(expected[column].abs().max())) - 14)
             for column in ("Cost", "Effect")}
    error = {"incremental_cost": digit["Cost"], "incremental_effect": digit["Effect"]}
    error["icer"] = expected.ICER.abs() * (digit["Cost"] / expected.Inc_Cost.abs()
                                           + digit["Effect"] / expected.Inc_Effect.abs())
    for mine, theirs in (("incremental_cost", "Inc_Cost"),
                         ("incremental_effect", "Inc_Effect"), ("icer", "ICER")):
        given = expected[theirs].notna().to_numpy()
        assert found[mine][~given].isna().all()
        assert given.sum() == 5
        gap = np.abs(found[mine].to_numpy() - expected[theirs].to_numpy())[given]
        assert (gap <= np.broadcast_to(error[mine], len(expected))[given]).all(), mine


def test_the_herc_example_gives_its_published_icers() -> None:
    """HERC's example (herc.research.va.gov, cost-effectiveness analysis), as in dampack's
    tests: usual care, then B at USD 5,000, D at 12,500 and E at 20,000 per QALY; C is
    extendedly dominated, A dominated."""
    strategies = pd.DataFrame({"name": ["E", "D", "C", "B", "A", "UC"],
                               "cost": [55000, 35000, 25000, 10000, 12000, 5000],
                               "effect": [5, 4, 3, 2, 1.5, 1]})
    table = icer_table(strategies).set_index("name")
    frontier = table[table.status.isin(["reference", "non-dominated"])]
    assert list(frontier.index) == ["UC", "B", "D", "E"]
    assert frontier.icer.iloc[1:].tolist() == [5000.0, 12500.0, 20000.0]
    assert frontier.incremental_cost.iloc[1:].tolist() == [5000.0, 25000.0, 20000.0]
    assert table.loc["C", "status"] == "extendedly dominated"
    assert table.loc["A", "status"] == "dominated"
    # On the frontier, the strategy of highest net benefit changes at each ICER.
    for wtp, best in ((4_999, "UC"), (5_001, "B"), (12_501, "D"), (20_001, "E")):
        nmb = net_monetary_benefit(strategies.cost, strategies.effect, wtp)
        assert strategies.name[int(np.argmax(nmb))] == best
    assert net_monetary_benefit(35000, 4, 12_500) == pytest.approx(
        net_monetary_benefit(10000, 2, 12_500))
