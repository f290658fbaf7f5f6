"""The assignments: one module each, holding the student's data, the reference answers and
the misconceptions of every autograded question.

Each module has ``NAME``, ``data(student)`` (the student's personal data, cached),
``for_notebook(data)`` (what ``mes_donnees`` hands the notebook) and ``QUESTIONS``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = {
    "tp00-prise-en-main": "passerelle.course.assignments.tp00",
    "tp01-non-recours": "passerelle.course.assignments.tp01",
    "tp02-cascade": "passerelle.course.assignments.tp02",
    "tp03-droits": "passerelle.course.assignments.tp03",
    "tp04-facilitateurs": "passerelle.course.assignments.tp04",
    "tp05-centre": "passerelle.course.assignments.tp05",
    "tp06-essai": "passerelle.course.assignments.tp06",
    "tp07-double-difference": "passerelle.course.assignments.tp07",
}
NAMES = tuple(MODULES)


def assignment(name: str) -> ModuleType:
    """The module of assignment ``name`` (imported on first use)."""
    try:
        return importlib.import_module(MODULES[name])
    except KeyError:
        raise KeyError(f"pas de devoir {name!r} ; devoirs : {list(NAMES)}") from None
