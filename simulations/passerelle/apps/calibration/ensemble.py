"""A posterior ensemble on disk: a Parquet table of parameter sets and their weights,
with what produced it (software, settings, priors, targets, tolerance) in its metadata.
Reading one needs no ABC library (``passerelle.apps.calibration.abc`` writes them)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

METADATA_KEY = b"passerelle.posterior"
DRAW_SEED = 20_260_101  # the fixed draw of parameter sets from the ensemble (any value)


class CalibrationError(ValueError):
    """A calibration that cannot start or resume (one-line message)."""


def read_posterior(path: Path) -> tuple[pd.DataFrame, dict]:
    """A posterior ensemble and its metadata (software, settings, priors, targets).

    Examples
    --------
    >>> from passerelle.config.scenario_files import locate_posterior
    >>> ensemble, meta = read_posterior(locate_posterior("built-in"))
    >>> "weight" in ensemble, len(ensemble) == meta["settings"]["particles"]
    (True, True)
    """
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise CalibrationError(f"{path}: not a posterior ensemble ({error}); write one with "
                               "`passerelle calibrate`") from None
    meta = json.loads((table.schema.metadata or {}).get(METADATA_KEY, b"{}"))
    if not meta:
        raise CalibrationError(f"{path}: not a posterior ensemble (no {METADATA_KEY.decode()} "
                               "metadata); write one with `passerelle calibrate`")
    return table.to_pandas(), meta


def draw_sets(posterior: pd.DataFrame, sets: int, seed: int = DRAW_SEED) -> pd.DataFrame:
    """``sets`` parameter sets drawn from the ensemble by weight, with replacement, always
    the same for the same ensemble and ``seed``.

    Examples
    --------
    >>> ensemble = pd.DataFrame({"a": [1.0, 2.0], "weight": [1.0, 0.0]})
    >>> draw_sets(ensemble, 3)["a"].tolist()
    [1.0, 1.0, 1.0]
    """
    weights = posterior["weight"].to_numpy(dtype=float)
    rows = np.random.default_rng(seed).choice(len(posterior), size=sets,
                                              p=weights / weights.sum())
    return posterior.iloc[rows].drop(columns="weight").reset_index(drop=True)
