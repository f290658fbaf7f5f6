"""The survey ``enquete_sante`` as the course reads it: fast, with its column types."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pyarrow.parquet as pq

from passerelle.engine.sources import SOURCES_DIR

SURVEY_FILE = "enquete_sante.parquet"
BOOLEAN_COLUMNS = ("en_ordre_mutuelle", "bim", "medecin_regulier", "maladie_chronique",
                   "litteratie_limitee", "barriere_langue", "besoin_non_satisfait")


@lru_cache(maxsize=1)
def read_survey() -> pd.DataFrame:
    """``enquete_sante`` with the types of its schema (booleans and the quintile nullable).

    Read with pyarrow rather than ``passerelle.datasets.load``: the schema check imports
    pandera and takes seconds in a student's fresh kernel; the file itself is checked
    against its schema and checksum by the data set tests.
    """
    frame = pq.read_table(SOURCES_DIR.parent / SURVEY_FILE).to_pandas(date_as_object=False)
    for column in BOOLEAN_COLUMNS:
        frame[column] = frame[column].astype("boolean")
    frame["quintile_revenu"] = frame["quintile_revenu"].astype("Int8")
    return frame
