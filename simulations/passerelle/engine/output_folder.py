"""Output folders written whole or not at all.

A command checks its ``--out`` before it computes anything (``check``), then writes into a
hidden temporary folder beside it (``staged``), renamed into place once every file is
written. A failure or an interruption removes the temporary folder: ``out`` then holds
what it held before (nothing, or the previous output), never half of a new one.

An existing ``out`` is replaced only if it is empty or holds a previous output (one of
``OUTPUT_MARKERS`` at its top); any other folder is refused rather than deleted.

Example::

    from pathlib import Path
    from passerelle.engine.output_folder import staged

    with staged(Path("results/note")) as folder:
        (folder / "summary.json").write_text("{}")
    # results/note/summary.json now exists; on an exception nothing would
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TMP_INFIX = ".tmp-"
OLD_INFIX = ".old-"
# Files at the top of a folder that a passerelle command wrote (run, compare, evaluate).
OUTPUT_MARKERS = ("results.parquet", "summary.json", "comparison.csv", "replications.csv",
                  "report.md")


class OutputError(ValueError):
    """``--out`` cannot receive an output (the message names the path and what is allowed)."""


def check(out: str | Path, option: str = "--out", replace: bool = True) -> Path:
    """Refuse, before any work, an ``out`` that could not be written: an existing file, a
    path under a file, a folder whose parent cannot be written, or (with ``replace``) a
    folder that holds files other than a previous output. Returns ``out`` as a ``Path``.

    Writing is tried for real (a temporary folder is made and removed in the nearest
    existing parent), since permission bits do not tell for root or read-only mounts.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> check(folder / "run").name
    'run'
    """
    out = Path(out)
    if out.is_file() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{option} {out}: is an existing file; give a folder to write into")
    parent = out
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{option} {out}: is under a file, {parent}; give a folder path "
                          "whose parents are folders")
    if replace and out.is_dir() and not replaceable(out):
        raise OutputError(f"{option} {out}: folder holds files that are not a passerelle "
                          f"output (none of {', '.join(OUTPUT_MARKERS)}); give a new or "
                          "empty folder")
    probe = parent / f".passerelle{TMP_INFIX}probe-{uuid.uuid4().hex}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as error:
        raise OutputError(f"{option} {out}: cannot write in {parent} "
                          f"({error.strerror or error}); give a folder you may write in"
                          ) from None
    return out


def replaceable(folder: Path) -> bool:
    """Whether ``folder`` is empty or holds a previous output of a command."""
    names = {path.name for path in folder.iterdir()}
    return not names or any(marker in names for marker in OUTPUT_MARKERS)


@contextmanager
def staged(out: str | Path) -> Iterator[Path]:
    """A temporary folder beside ``out``, renamed to ``out`` when the block ends without
    an error (replacing a previous output); removed, with ``out`` untouched, otherwise."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = out.parent / f".{out.name}{TMP_INFIX}{uuid.uuid4().hex}"
    try:
        folder.mkdir()
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if out.exists():
        old = out.parent / f".{out.name}{OLD_INFIX}{uuid.uuid4().hex}"
        os.rename(out, old)
        os.rename(folder, out)
        shutil.rmtree(old)
    else:
        os.rename(folder, out)

