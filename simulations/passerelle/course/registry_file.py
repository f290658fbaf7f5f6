"""The registry ``centre_registre`` as the course reads it: fast, with its column types."""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import pyarrow.parquet as pq

from passerelle.engine.sources import SOURCES_DIR

REGISTRY = "centre_registre"
TRUTH_FILE = "truth.json"


@lru_cache(maxsize=1)
def read_registry() -> pd.DataFrame:
    """``centre_registre`` with the types of its schema, rows in the file's order.

    Read with pyarrow rather than ``passerelle.datasets.load``: the schema check imports
    pandera and takes seconds in a student's fresh kernel; the file itself is checked
    against its schema and checksum by the data set tests.
    """
    return pq.read_table(SOURCES_DIR.parent / f"{REGISTRY}.parquet").to_pandas(
        date_as_object=False)


@lru_cache(maxsize=1)
def registry_sampling_fraction() -> float:
    """The share of the centres' simulated patients the file holds (``truth.json``)."""
    truth = json.loads((SOURCES_DIR.parent / TRUTH_FILE).read_text(encoding="utf-8"))
    return float(truth[REGISTRY]["sampling_fraction"])
