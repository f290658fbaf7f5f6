"""Shared fixtures for the evaluation-lab tests: the external reference data sets."""

from pathlib import Path

import pandas as pd
import pytest

EXTERNAL = Path(__file__).resolve().parents[2] / "datasets" / "external"


@pytest.fixture(scope="session")
def mpdta() -> pd.DataFrame:
    """Callaway & Sant'Anna (2021) county panel, as shipped with the `did` package."""
    return pd.read_csv(EXTERNAL / "mpdta.csv")


@pytest.fixture(scope="session")
def prop99() -> pd.DataFrame:
    """Packs per capita, one row per year (column `Year`) and one column per state."""
    return pd.read_csv(EXTERNAL / "prop99_wide.csv")


@pytest.fixture(scope="session")
def dampack_cdiff() -> pd.DataFrame:
    """dampack's ``calculate_icers()`` on its C. difficile example: inputs and outputs."""
    return pd.read_csv(EXTERNAL / "dampack_cdiff_icers.csv")
