"""Results of real runs kept between site builds, keyed by the model's code and data.

A key is the SHA-256 of every file of the ``passerelle`` package (its ``.py`` sources and
scenario files) but the site's own pages (``apps/site/``), of the sourced figures CSV, and
of the file that defines the computation: a docs build re-simulates only when the model,
its figures or what is computed from them changed. Entries are JSON files written atomically, so an
interrupted build leaves no half-written entry and parallel builds are safe.
"""

from __future__ import annotations

import hashlib
import inspect
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
SITE = Path(__file__).parent


def model_hash(*extra: Path) -> str:
    """SHA-256 of the package's source files (not the site's pages), of the sourced
    figures CSV and of the ``extra`` files."""
    digest = hashlib.sha256()
    files = sorted(p for p in PACKAGE.rglob("*")
                   if p.suffix in HASHED_SUFFIXES and not p.is_relative_to(SITE))
    for path in [*files, Path(sources.FIGURES_FILE), *extra]:
        name = path.relative_to(PACKAGE) if path.is_relative_to(PACKAGE) else path.name
        digest.update(str(name).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cached(folder: Path, kind: str, compute: Callable[[], Any]) -> Any:
    """The JSON value ``compute()`` returns, read from ``folder`` when the model has not
    changed since it was computed, computed and stored otherwise.

    ``compute`` is a function defined in a file (its file is part of the key).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> first = cached(folder, "hash", model_hash)       # computed and stored
    >>> cached(folder, "hash", model_hash) == first      # read back
    True
    """
    key = model_hash(Path(inspect.getfile(compute)))[:16]
    path = Path(folder) / f"{kind}-{key}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{kind}-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(value, out, indent=1)
    os.replace(temporary, path)
    for stale in path.parent.glob(f"{kind}-*.json"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return value
