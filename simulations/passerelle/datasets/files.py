"""Deterministic files: Parquet written byte for byte the same on every build, and checksums.

A table is written with a fixed row order, no pandas metadata (which records library
versions, not data) and only the key-value metadata we pass, none of it a timestamp. The
column types are restored on reading by the data set's schema.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

CHECKSUMS = "SHA256SUMS"


def write_parquet(frame: pd.DataFrame, path: Path, metadata: Mapping[str, str]) -> None:
    """Write ``frame`` to ``path``: datetime columns as dates (day precision), zstd pages,
    ``metadata`` as the file's only key-value metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [
        pa.field(field.name, pa.date32()) if pa.types.is_timestamp(field.type) else field
        for field in table.schema
    ]
    table = table.cast(pa.schema(fields)).replace_schema_metadata(dict(metadata))
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression="zstd", compression_level=9)


def read_parquet(path: Path) -> pd.DataFrame:
    """The table in ``path`` as pandas (dates as datetime64; the schema fixes the rest)."""
    return pq.read_table(path).to_pandas(date_as_object=False)


def rows(path: Path) -> int:
    """Rows of a Parquet file (from its footer)."""
    return pq.read_metadata(path).num_rows


def metadata(path: Path) -> dict[str, str]:
    """The key-value metadata of a Parquet file."""
    raw = pq.read_schema(path).metadata or {}
    return {key.decode(): value.decode() for key, value in raw.items()}


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksums_text(folder: Path, names: list[str]) -> str:
    """``sha256sum`` format (``<hex>  <name>``, sorted by name) for files in ``folder``."""
    return "".join(f"{sha256(folder / name)}  {name}\n" for name in sorted(names))


def read_checksums(path: Path) -> dict[str, str]:
    """File name → hex digest from a ``sha256sum`` file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        found[name] = digest
    return found


def damaged(folder: Path) -> dict[str, str]:
    """Files listed in ``folder``'s ``SHA256SUMS`` that are missing or differ from it:
    file name → what is wrong (empty when every file matches).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text("a")
    >>> _ = (folder / CHECKSUMS).write_text(checksums_text(folder, ["a.txt"]))
    >>> damaged(folder)
    {}
    >>> _ = (folder / "a.txt").write_text("b")
    >>> damaged(folder)
    {'a.txt': 'differs from SHA256SUMS'}
    """
    wrong = {}
    for name, digest in read_checksums(folder / CHECKSUMS).items():
        path = folder / name
        if not path.is_file():
            wrong[name] = "is missing"
        elif sha256(path) != digest:
            wrong[name] = f"differs from {CHECKSUMS}"
    return wrong
