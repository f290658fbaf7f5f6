"""Callaway & Sant'Anna and two-way fixed effects against the published mpdta numbers.

Published numbers: the `did` package's README and "Getting started" vignette print the
ATT(g,t) table of `att_gt(yname="lemp", tname="year", idname="countyreal",
gname="first.treat", xformla=~1, data=mpdta)` (doubly robust, never-treated controls,
varying base period), `aggte(type="simple")` = -0.0400 (SE 0.0120) and
`aggte(type="dynamic")` = -0.0772, and the same table with `xformla=~lpop`.
"""

import numpy as np
import pandas as pd
import pytest

from passerelle.evaluate import Estimate, callaway_santanna, twfe

COLUMNS = {"outcome": "lemp", "unit": "countyreal", "time": "year", "group": "first.treat"}

# (group, time, published ATT(g,t)); the rows with time < group are pre-treatment placebos.
PUBLISHED_ATT_GT = [
    (2004, 2004, -0.0105),
    (2004, 2005, -0.0704),
    (2004, 2006, -0.1373),
    (2004, 2007, -0.1008),
    (2006, 2004, 0.0065),
    (2006, 2005, -0.0028),
    (2006, 2006, -0.0046),
    (2006, 2007, -0.0412),
    (2007, 2004, 0.0305),
    (2007, 2005, -0.0027),
    (2007, 2006, -0.0311),
    (2007, 2007, -0.0261),
]

# The same table with the covariate lpop (xformla = ~lpop), as printed in the did README.
PUBLISHED_ATT_GT_LPOP = [
    -0.0145,
    -0.0764,
    -0.1404,
    -0.1069,
    -0.0005,
    -0.0062,
    0.0010,
    -0.0413,
    0.0267,
    -0.0046,
    -0.0284,
    -0.0288,
]

# Published values are rounded to 4 decimals: a correct value is within half a unit of the
# last decimal.
ROUNDING = 5e-5


@pytest.fixture(scope="module")
def simple(mpdta: pd.DataFrame) -> Estimate:
    return callaway_santanna(mpdta, **COLUMNS)


def test_group_time_effects_match_published(simple: Estimate) -> None:
    table = simple.details["att_gt"]
    assert list(zip(table["group"], table["time"], strict=True)) == [
        (g, t) for g, t, _ in PUBLISHED_ATT_GT
    ]
    published = np.array([att for _, _, att in PUBLISHED_ATT_GT])
    np.testing.assert_allclose(table["att"], published, rtol=0, atol=ROUNDING)


def test_simple_aggregate_matches_published(simple: Estimate) -> None:
    assert simple.estimate == pytest.approx(-0.0400, abs=ROUNDING)
    assert simple.n_obs == 500
    # The published SE (0.0120) is the `did` default multiplier bootstrap with 1000 draws,
    # which estimates the SE by the interquartile range of the draws / 1.349. For a normal
    # statistic that estimator has a relative Monte Carlo SD of 1.166/sqrt(1000) = 3.7%,
    # i.e. 0.00044 here; our analytic influence-function SE targets the same quantity, so
    # we allow three Monte Carlo SDs plus the published rounding: 0.0013 + 0.00005.
    assert simple.std_error == pytest.approx(0.0120, abs=3 * 0.037 * 0.0120 + ROUNDING)
    low, high = simple.conf_int
    assert low == pytest.approx(simple.estimate - 1.959964 * simple.std_error, rel=1e-6)
    assert high == pytest.approx(simple.estimate + 1.959964 * simple.std_error, rel=1e-6)


def test_dynamic_aggregate_matches_published(mpdta: pd.DataFrame) -> None:
    dynamic = callaway_santanna(mpdta, aggregation="dynamic", **COLUMNS)
    assert dynamic.estimate == pytest.approx(-0.0772, abs=ROUNDING)
    events = dynamic.details["event_study"].set_index("event_time")
    # Event times 2 and 3 are identified by the 2004 cohort alone.
    assert events.loc[2, "att"] == pytest.approx(-0.1373, abs=ROUNDING)
    assert events.loc[3, "att"] == pytest.approx(-0.1008, abs=ROUNDING)
    assert dynamic.estimate == pytest.approx(events.loc[0:, "att"].mean(), rel=1e-12)


def test_pre_treatment_cells_use_the_varying_base_period(
    mpdta: pd.DataFrame, simple: Estimate
) -> None:
    """Each pre-treatment cell compares t with t-1; checked against a direct computation."""
    table = simple.details["att_gt"].set_index(["group", "time"])
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    cohort = mpdta.groupby("countyreal")["first.treat"].first()
    for group, time in [(2006, 2004), (2006, 2005), (2007, 2005), (2007, 2006)]:
        assert table.loc[(group, time), "base_period"] == time - 1
        change = wide[time] - wide[time - 1]
        by_hand = change[cohort == group].mean() - change[cohort == 0].mean()
        assert table.loc[(group, time), "att"] == pytest.approx(by_hand, abs=1e-12)


def test_universal_base_period_changes_only_pre_treatment_cells(
    mpdta: pd.DataFrame, simple: Estimate
) -> None:
    universal = callaway_santanna(mpdta, base_period="universal", **COLUMNS)
    table = universal.details["att_gt"].set_index(["group", "time"])
    varying = simple.details["att_gt"].set_index(["group", "time"])
    assert universal.estimate == pytest.approx(simple.estimate, abs=1e-12)
    assert table.loc[(2006, 2005), "att"] == 0.0
    assert np.isnan(table.loc[(2006, 2005), "se"])
    # Against base 2005, the 2004 placebo is minus the varying 2005 cell (base 2004).
    assert table.loc[(2006, 2004), "att"] == pytest.approx(-varying.loc[(2006, 2005), "att"])


@pytest.mark.parametrize("method", ["reg", "ipw"])
def test_estimators_coincide_without_covariates(
    mpdta: pd.DataFrame, simple: Estimate, method: str
) -> None:
    """With an intercept only, DR, regression and IPW all reduce to the DiD of means."""
    other = callaway_santanna(mpdta, method=method, **COLUMNS)
    assert other.estimate == pytest.approx(simple.estimate, abs=1e-12)
    assert other.std_error == pytest.approx(simple.std_error, rel=1e-9)


def test_covariate_adjusted_effects_match_published(mpdta: pd.DataFrame) -> None:
    adjusted = callaway_santanna(mpdta, covariates=["lpop"], **COLUMNS)
    np.testing.assert_allclose(
        adjusted.details["att_gt"]["att"], PUBLISHED_ATT_GT_LPOP, rtol=0, atol=ROUNDING
    )


def test_not_yet_treated_controls_enlarge_the_comparison_group(
    mpdta: pd.DataFrame, simple: Estimate
) -> None:
    """Cells whose not-yet-treated set adds nobody are unchanged; the others differ."""
    table = callaway_santanna(mpdta, control="not_yet_treated", **COLUMNS).details["att_gt"]
    table = table.set_index(["group", "time"])
    varying = simple.details["att_gt"].set_index(["group", "time"])
    # In 2007 every cohort is treated, so the controls are the never treated only.
    assert table.loc[(2004, 2007), "att"] == pytest.approx(varying.loc[(2004, 2007), "att"])
    assert table.loc[(2004, 2004), "att"] != pytest.approx(varying.loc[(2004, 2004), "att"])


def test_twfe_matches_hand_computed_two_period_did() -> None:
    """With two periods and one adoption date TWFE is the difference of mean changes."""
    df = pd.DataFrame(
        {
            "unit": [1, 1, 2, 2, 3, 3, 4, 4],
            "time": [0, 1] * 4,
            "y": [1.0, 4.0, 2.0, 6.0, 1.0, 2.0, 3.0, 3.5],
            "treated": [0, 1, 0, 1, 0, 0, 0, 0],
        }
    )
    # Treated changes 3 and 4 (mean 3.5); control changes 1 and 0.5 (mean 0.75).
    assert twfe(df, "y", "unit", "time", "treated").estimate == pytest.approx(2.75)


def test_twfe_equals_dummy_variable_regression_on_unbalanced_panel(mpdta: pd.DataFrame) -> None:
    """Absorbing the fixed effects gives the coefficient of the explicit dummy regression."""
    df = mpdta.assign(
        treated=((mpdta["first.treat"] > 0) & (mpdta["year"] >= mpdta["first.treat"])).astype(int)
    ).iloc[7:-11]
    result = twfe(df, "lemp", "countyreal", "year", "treated")
    dummies = pd.get_dummies(df[["countyreal", "year"]].astype(str), drop_first=True, dtype=float)
    exog = np.column_stack([np.ones(len(df)), df["treated"], dummies])
    coefficient = np.linalg.lstsq(exog, df["lemp"].to_numpy(), rcond=None)[0][1]
    assert result.estimate == pytest.approx(coefficient, abs=1e-9)
    assert result.n_obs == len(df)
    assert result.details["n_units"] == df["countyreal"].nunique()


def test_errors_name_the_problem(mpdta: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="'lemp2'"):
        callaway_santanna(mpdta, **{**COLUMNS, "outcome": "lemp2"})
    with pytest.raises(ValueError, match="balanced"):
        callaway_santanna(mpdta.iloc[1:], **COLUMNS)
    with pytest.raises(ValueError, match="aggregation"):
        callaway_santanna(mpdta, aggregation="calendar", **COLUMNS)
    with pytest.raises(ValueError, match="control"):
        callaway_santanna(mpdta, control="nevertreated", **COLUMNS)
