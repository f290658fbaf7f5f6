"""Results on disk: one Parquet file per run, queried across runs with DuckDB.

A sweep's run folder also holds ``run.json``: what was run (scenario, overrides and their
resolved values, seed) and, for each file, its SHA-256 and the table's rows, so that a
kept run is verified before it is trusted (``problem``).
"""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

RESULTS_FILE = "results.parquet"
SUMMARY_FILE = "summary.json"
RUN_FILE = "run.json"


class CorruptRunWarning(UserWarning):
    """Some run folders below a root could not be read; the others are served."""


def write_results(results, out: Path) -> Path:
    """Write the tidy table and the summary of ``results`` into folder ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(results.table(), preserve_index=False)
    table = table.replace_schema_metadata(results.parquet_metadata())
    pq.write_table(table, out / RESULTS_FILE, compression="zstd")
    (out / SUMMARY_FILE).write_text(summary_json(results) + "\n", encoding="utf-8")
    return out


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def parquet_rows(data: bytes) -> int:
    """Rows of the Parquet file held in ``data`` (from its footer)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return pq.read_metadata(pa.BufferReader(data)).num_rows


def problem(folder: str | Path) -> str | None:
    """What is wrong with the run in ``folder``, or ``None`` if it can be trusted.

    With a ``run.json`` (a sweep's run), every file it lists must have its recorded
    SHA-256 and the results their recorded rows; without one, ``results.parquet`` must
    have a readable footer.

    Examples
    --------
    >>> import tempfile
    >>> problem(tempfile.mkdtemp())
    'results.parquet is missing'
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder)
    results = folder / RESULTS_FILE
    if not results.is_file():
        return f"{RESULTS_FILE} is missing"
    described = folder / RUN_FILE
    if not described.exists():
        try:
            pq.read_metadata(results)
        except (OSError, pa.ArrowException) as error:
            return f"{RESULTS_FILE} is unreadable ({error})"
        return None
    try:
        recorded = json.loads(described.read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"{RUN_FILE} is unreadable or has no checksums ({error!r})"
    for name, expected in recorded.items():
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        data = path.read_bytes()
        if sha256(data) != expected.get("sha256"):
            return f"{name} does not match the checksum in {RUN_FILE}"
        if "rows" in expected and parquet_rows(data) != expected["rows"]:
            return f"{name} has not the {expected['rows']} rows recorded in {RUN_FILE}"
    return None


def connect(root: str | Path, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection over every run below ``root``: a table ``runs`` (one row per
    run: ``run`` its folder, ``run_id``, ``scenario``, ``seed``, and each overridden
    parameter as a column named ``section.field``) and a view ``results`` (every row of
    every ``results.parquet`` with the columns of its run).

    A run that cannot be trusted (see ``problem``) is left out with a
    ``CorruptRunWarning`` naming it; the others are served.

    Parameters
    ----------
    root : str or pathlib.Path
        A folder holding runs (a sweep's output, or runs saved with ``Results.save``).
    database : str, default ":memory:"
        DuckDB's database: in memory, or a file to keep the tables in.

    Returns
    -------
    duckdb.DuckDBPyConnection
        The connection, with the table ``runs`` and the view ``results``.

    Examples
    --------
    >>> from passerelle import run
    >>> root = getfixture("tmp_path")
    >>> for seed in (1, 2):
    ...     saved = run("baseline", population={"size": 2000},
    ...                 run={"months": 2, "burn_in": 0, "seed": seed}).save(root / f"seed{seed}")
    >>> db = connect(root)
    >>> db.sql("SELECT scenario, seed FROM runs ORDER BY seed").fetchall()
    [('baseline', 1), ('baseline', 2)]
    >>> db.sql("SELECT seed, count(*) FROM results WHERE measure = 'ed_visits' "
    ...        "AND group_by = 'all' GROUP BY seed ORDER BY seed").fetchall()
    [(1, 2), (2, 2)]
    """
    import duckdb
    import pyarrow as pa

    root = Path(root)
    folders = sorted(path.parent for path in root.glob(f"**/{RESULTS_FILE}")
                     if not any(part.startswith(".") for part in
                                path.relative_to(root).parts))
    rows, corrupt = [], []
    for folder in folders:
        wrong = problem(folder)
        if wrong is None:
            rows.append(_described(folder))
        else:
            corrupt.append(f"{folder}: {wrong}")
    if corrupt:
        warnings.warn(f"{len(corrupt)} of {len(folders)} runs below {root} left out: "
                      + "; ".join(corrupt), CorruptRunWarning, stacklevel=2)
    if not rows:
        raise FileNotFoundError(f"no readable {RESULTS_FILE} below {root}")
    parameters = sorted({key for row in rows for key in row["parameters"]})
    runs = pa.table({
        "run": [row["run"] for row in rows],
        "run_id": [row["run_id"] for row in rows],
        "scenario": [row["scenario"] for row in rows],
        "seed": pa.array([row["seed"] for row in rows], pa.int64()),
        **{key: _column([row["parameters"].get(key) for row in rows]) for key in parameters},
    })
    connection = duckdb.connect(database)
    connection.register("described_runs", runs)
    connection.execute("CREATE OR REPLACE TABLE runs AS SELECT * FROM described_runs")
    connection.unregister("described_runs")
    files = ", ".join(f"'{_quoted(str(Path(row['run']) / RESULTS_FILE))}'" for row in rows)
    connection.execute(
        f"CREATE OR REPLACE VIEW results AS SELECT runs.*, r.* EXCLUDE (filename) FROM "
        f"read_parquet([{files}], filename = true, union_by_name = true) AS r JOIN runs "
        f"ON r.filename = runs.run || '/{RESULTS_FILE}'"
    )
    return connection


def _described(folder: Path) -> dict:
    """What was run in ``folder``: from ``run.json`` for a sweep's run, else from
    ``summary.json`` (a ``passerelle run`` folder; no overrides are recorded there)."""
    described = folder / RUN_FILE
    if described.exists():
        data = json.loads(described.read_text(encoding="utf-8"))
        return {"run": str(folder), "run_id": data["id"], "scenario": data.get("scenario"),
                "seed": data.get("seed"), "parameters": data.get("parameters", {})}
    try:
        run = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))["run"]
    except (OSError, ValueError, KeyError):
        run = {}
    return {"run": str(folder), "run_id": folder.name, "scenario": run.get("scenario"),
            "seed": run.get("seed"), "parameters": {}}


def _column(values: list) -> pa.Array:
    """A column of override values: typed when they share a JSON type, else as text."""
    import pyarrow as pa

    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else json.dumps(v) for v in values], pa.string())


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def summary_json(results) -> str:
    """The summary (by key, with each key's unit and label) and metadata as stable JSON
    (sorted keys, rounded floats)."""
    table = results.summary()
    summary = {row.key: round(float(row.value), 10) for row in table.itertuples()}
    return json.dumps({"run": results.describe(), "summary": summary,
                       "units": dict(zip(table.key, table.unit, strict=True)),
                       "labels": dict(zip(table.key, table.indicator.str.strip(), strict=True))},
                      indent=2, sort_keys=True, default=str)
