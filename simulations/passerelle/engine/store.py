"""Results on disk: one Parquet file per run, queried across runs with DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

RESULTS_FILE = "results.parquet"
SUMMARY_FILE = "summary.json"


def write_results(results, out: Path) -> Path:
    """Write the tidy table and the summary of ``results`` into folder ``out``."""
    from passerelle.engine.results import summary_json

    out.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(results.table(), preserve_index=False)
    table = table.replace_schema_metadata(results.parquet_metadata())
    pq.write_table(table, out / RESULTS_FILE, compression="zstd")
    (out / SUMMARY_FILE).write_text(summary_json(results) + "\n", encoding="utf-8")
    return out


def connect(root: str | Path, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a view ``results`` over every ``results.parquet`` below
    ``root`` (column ``run`` is the folder of each run)."""
    pattern = str(Path(root) / "**" / RESULTS_FILE)
    connection = duckdb.connect(database)
    connection.execute(
        f"CREATE OR REPLACE VIEW results AS SELECT regexp_replace(filename, '/{RESULTS_FILE}$',"
        f" '') AS run, * EXCLUDE (filename) FROM read_parquet('{pattern}', filename = true,"
        " union_by_name = true)"
    )
    return connection
