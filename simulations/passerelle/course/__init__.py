"""The course: every student's personal data, and grading against each student's truth.

In a notebook::

    from passerelle.course import mes_donnees
    donnees = mes_donnees("tp01-non-recours", matricule=MATRICULE)

The data are drawn from a seed derived from (matricule, assignment, course year): two
students get different samples and therefore different correct answers. The hidden tests
(``passerelle.course.grading.check``) recompute the graded student's data and answers.
This package imports nothing heavy: an assignment's module (pandas, the simulator) is
imported when its data are first asked for.
"""

from __future__ import annotations

from passerelle.course import identity
from passerelle.course.assignments import assignment

__all__ = ["mes_donnees"]


def mes_donnees(devoir: str, matricule: str):
    """Your personal data for assignment ``devoir``, drawn from your ``matricule``.

    Parameters
    ----------
    devoir : str
        The assignment, e.g. ``"tp01-non-recours"``.
    matricule : str
        Your student id, exactly as the university gave it.

    Returns
    -------
    The assignment's data: a DataFrame for ``tp00-prise-en-main`` and ``tp01-non-recours``,
    a ``DonneesCascade`` for ``tp02-cascade``, a ``DonneesDroits`` for ``tp03-droits``, a
    ``DonneesSuivi`` for ``tp04-facilitateurs``.

    Examples
    --------
    >>> donnees = mes_donnees("tp00-prise-en-main", matricule="000123")
    >>> len(donnees) > 0
    True
    """
    module = assignment(devoir)
    identity.declare(devoir, matricule)
    return module.for_notebook(module.data(identity.normalise(matricule)))
