"""Results that many students' grading shares, computed once for an autograde batch.

Some reference answers rest on simulations that do not depend on the student, only on a
seed drawn from a small pool (``tp06-essai``: a dozen seeds for every student). Without a
store, each submission's kernel runs those simulations again, in the student's
``mes_donnees`` and in the hidden tests. Autograde's warm-up (see
:mod:`passerelle.course.warm_cache`) fills a folder with them once, and the sandbox binds
that folder read-only into every kernel and names it in ``PASSERELLE_SHARED_RESULTS``
(see :mod:`passerelle.course.sandbox`): a kernel then loads a result instead of computing it.

Nothing in the store is secret: it holds what the open simulator gives for a seed, which a
student's notebook can compute for itself. What matters is that a submission cannot change
it: the kernel reads it from the grader's read-only folder, never from a copy it could
write. Without the variable (a student's own JupyterLab, the audit, the tests) every
result is computed in-process, as before.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ENV = "PASSERELLE_SHARED_RESULTS"
T = TypeVar("T")


def folder() -> Path | None:
    """The batch's store, or ``None`` outside an autograde batch."""
    named = os.environ.get(ENV)
    return Path(named) if named else None


def shared(assignment: str, key: str, compute: Callable[[], T]) -> T:
    """The result ``key`` of ``assignment``: loaded from the batch's store when it holds it,
    else ``compute()``, and written to the store when the store is writable (the warm-up
    before the batch; kernels see it read-only).

    Examples
    --------
    >>> shared("tp06-essai", "exemple", lambda: 42)
    42
    """
    store = folder()
    if store is None:
        return compute()
    path = store / assignment / f"{key}.pickle"
    if path.is_file():
        with path.open("rb") as handle:
            return pickle.load(handle)
    value = compute()
    if os.access(store, os.W_OK):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)
    return value
