"""Results of real runs kept between site builds, keyed by the model's code and data.

A key is the SHA-256 of every file of the ``passerelle`` package (its ``.py`` sources and
scenario files) and of the sourced figures CSV: a docs build re-simulates only when the
model or its figures changed. Entries are JSON files written atomically, so an
interrupted build leaves no half-written entry and parallel builds are safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import passerelle
from passerelle.config import sources

PACKAGE = Path(passerelle.__file__).parent
HASHED_SUFFIXES = (".py", ".toml")


def model_hash() -> str:
    """SHA-256 of the package's source files and of the sourced figures CSV."""
    digest = hashlib.sha256()
    files = sorted(p for p in PACKAGE.rglob("*") if p.suffix in HASHED_SUFFIXES)
    for path in [*files, Path(sources.FIGURES_FILE)]:
        name = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name
        digest.update(str(name).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cached(folder: Path, kind: str, compute: Callable[[], Any]) -> Any:
    """The JSON value ``compute()`` returns, read from ``folder`` when the model has not
    changed since it was computed, computed and stored otherwise.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> cached(folder, "answer", lambda: {"value": 42})
    {'value': 42}
    >>> cached(folder, "answer", lambda: 1 / 0)   # not recomputed
    {'value': 42}
    """
    path = Path(folder) / f"{kind}-{model_hash()[:16]}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(value, out, indent=1)
    os.replace(temporary, path)
    return value
