"""Synthetic DiD, synthetic control and DiD against Arkhangelsky et al. (2021), Table 1.

California's Proposition 99 (treatment from 1989) against the 38 control states; Table 1
reports DiD -27.3 (SE 17.7), SC -19.6 (9.9) and SDID -15.6 (8.4), with placebo SEs.
"""

import numpy as np
import pandas as pd
import pytest

from passerelle.evaluate import Estimate, plain_did, synthetic_control, synthetic_did, twfe

DESIGN = {"treated_units": "California", "treatment_start": 1989, "time": "Year"}

# Published to one decimal: a correct value is within half a unit of the last decimal.
ROUNDING = 0.05


@pytest.fixture(scope="module")
def fits(prop99: pd.DataFrame) -> dict[str, Estimate]:
    return {
        "did": plain_did(prop99, **DESIGN),
        "sc": synthetic_control(prop99, **DESIGN),
        "sdid": synthetic_did(prop99, **DESIGN),
    }


@pytest.mark.parametrize(("name", "published"), [("did", -27.3), ("sc", -19.6), ("sdid", -15.6)])
def test_point_estimates_match_table_1(
    fits: dict[str, Estimate], name: str, published: float
) -> None:
    assert fits[name].estimate == pytest.approx(published, abs=ROUNDING)
    assert fits[name].n_obs == 39 * 31


def test_twfe_on_the_long_panel_matches_table_1(prop99: pd.DataFrame) -> None:
    long = prop99.melt(id_vars="Year", var_name="state", value_name="packs")
    long["treated"] = ((long["state"] == "California") & (long["Year"] >= 1989)).astype(int)
    result = twfe(long, "packs", "state", "Year", "treated")
    assert result.estimate == pytest.approx(-27.3, abs=ROUNDING)
    assert result.estimate == pytest.approx(plain_did(prop99, **DESIGN).estimate, abs=1e-9)


def test_synthetic_did_weights(fits: dict[str, Estimate]) -> None:
    """Weights lie on the simplex; their effective numbers are those printed by synthdid.

    synthdid's print method on this data reports "Effective N0/N0 = 16.4/38" and
    "Effective T0/T0 = 2.8/19", i.e. 1/sum(omega^2) and 1/sum(lambda^2).
    """
    omega, lam = fits["sdid"].details["omega"], fits["sdid"].details["lambda"]
    for weights in (omega, lam):
        assert weights.min() >= 0
        assert weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert len(omega) == 38
    assert "California" not in omega.index
    assert 1 / np.sum(omega**2) == pytest.approx(16.4, abs=ROUNDING)
    assert 1 / np.sum(lam**2) == pytest.approx(2.8, abs=ROUNDING)
    assert omega.idxmax() == "Nevada"
    assert lam[lam > 0].index.tolist() == [1986, 1987, 1988]


@pytest.mark.parametrize(
    ("name", "published", "draw_sd"), [("did", 17.7, 1.38), ("sc", 9.9, 0.86), ("sdid", 8.4, 0.64)]
)
def test_placebo_standard_errors_match_table_1(
    fits: dict[str, Estimate], name: str, published: float, draw_sd: float
) -> None:
    """Both our SE and the published one are Monte Carlo draws of a 200-placebo SE.

    With one treated unit, a placebo estimate depends only on which control state plays
    the treated one, so the 200-replication placebo SE is the SD of 200 draws from the 38
    leave-one-state-out placebo estimates. Resampling those 38 values gives the Monte
    Carlo SD `draw_sd` of such an SE (1.38, 0.86 and 0.64 for DiD, SC and SDID). The
    difference between two independent draws has SD draw_sd·sqrt(2); we allow 3 of them.
    """
    result = fits[name]
    assert result.std_error == pytest.approx(published, abs=3 * np.sqrt(2) * draw_sd)
    assert result.conf_int[0] < result.estimate < result.conf_int[1]


def test_long_and_wide_layouts_agree(prop99: pd.DataFrame, fits: dict[str, Estimate]) -> None:
    long = prop99.melt(id_vars="Year", var_name="state", value_name="packs").sample(
        frac=1.0, random_state=3
    )
    result = synthetic_did(
        long,
        "California",
        1989,
        outcome="packs",
        unit="state",
        time="Year",
        n_resamples=0,
    )
    assert result.estimate == pytest.approx(fits["sdid"].estimate, abs=1e-10)
    assert np.isnan(result.std_error)


def test_synthetic_did_removes_bias_from_differential_trends() -> None:
    """Controls with heterogeneous linear trends; the treated unit trends like a few of them.

    DiD assumes parallel trends, so it is biased by (1.8 - mean control slope) times the gap
    between the mean post and mean pre periods; SDID reweights towards the steep controls.
    """
    rng = np.random.default_rng(11)
    periods, n_controls, effect = np.arange(20), 30, 5.0
    slopes = np.append(rng.uniform(0.0, 2.0, n_controls), 1.8)
    levels = rng.normal(0, 3, n_controls + 1)
    y = levels[:, None] + slopes[:, None] * periods + rng.normal(0, 0.3, (n_controls + 1, 20))
    y[-1, periods >= 15] += effect
    wide = pd.DataFrame(y.T, columns=[f"u{k}" for k in range(n_controls + 1)])
    wide.insert(0, "period", periods)
    design = {"treated_units": "u30", "treatment_start": 15, "time": "period", "n_resamples": 0}
    sdid = synthetic_did(wide, **design).estimate
    did = plain_did(wide, **design).estimate
    assert abs(sdid - effect) < 1.0
    assert abs(did - effect) > 3.0


def test_errors_name_the_problem(prop99: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="Atlantis"):
        synthetic_did(prop99, "Atlantis", 1989, time="Year")
    with pytest.raises(ValueError, match="pre-treatment"):
        synthetic_did(prop99, "California", 1970, time="Year")
    with pytest.raises(ValueError, match="'Yr'"):
        synthetic_did(prop99, "California", 1989, time="Yr")
    with pytest.raises(ValueError, match="outcome, unit and time"):
        synthetic_did(prop99, "California", 1989, outcome="packs")
