"""An autograded question: its reference answer, its tolerance, the known misconceptions and
the shape a plausible answer has. Each assignment module lists its questions; the hidden
tests, the audit and the solution cells all use them, so that a change of the model moves
answers and tests together.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Answer = Any
Compute = Callable[[Any], Answer]


@dataclass(frozen=True)
class Misconception:
    """A plausible wrong way to answer: the answer it gives and the hint (French) that names
    the trap without giving the answer."""

    answer: Compute
    hint: str


@dataclass(frozen=True)
class Kind:
    """What a plausible answer looks like (checked by the visible self-checks, which reveal
    nothing): a number, a sequence of ``length`` numbers, or a Series over ``labels``;
    each number finite and within [``low``, ``high``], an integer if ``integer``."""

    what: str
    low: float = -math.inf
    high: float = math.inf
    integer: bool = False
    length: int | None = None
    labels: tuple | None = None

    def problem(self, answer: Answer) -> str | None:
        """What is wrong with the form of ``answer`` (French), or ``None``."""
        if answer is None or answer is Ellipsis:
            return f"la réponse est vide : attendu {self.what}"
        if self.labels is not None:
            index = getattr(answer, "index", None)
            if index is None or sorted(map(str, index)) != sorted(map(str, self.labels)):
                return (f"attendu {self.what}, une série (pandas Series) indexée par "
                        f"{list(self.labels)}")
            values = list(answer.to_numpy())
        elif self.length is not None:
            if isinstance(answer, (str, bytes)) or not isinstance(answer, (Sequence, np.ndarray)):
                return f"attendu {self.what} (une suite de {self.length} nombres)"
            values = list(answer)
            if len(values) != self.length:
                return f"attendu {self.length} nombres, reçu {len(values)}"
        else:
            values = [answer]
        for value in values:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float,
                                                                               np.number)):
                return f"attendu {self.what}, reçu une valeur de type {type(value).__name__}"
            if not math.isfinite(float(value)):
                return f"attendu {self.what}, reçu une valeur non finie ({value})"
            if self.integer and float(value) != int(value):
                return f"attendu un nombre entier ({self.what})"
            if not self.low <= float(value) <= self.high:
                return (f"hors de la plage plausible [{self.low:g}, {self.high:g}] pour "
                        f"{self.what}")
        return None


@dataclass(frozen=True)
class Question:
    """An autograded question.

    ``reference(data)`` is the answer for a student's data; an answer passes when every
    number is within ``tolerance(data)`` of it (absolute, same unit as the answer; one
    per number for a Series);
    ``tolerance_why`` says where the tolerance comes from. ``variants`` are other correct
    ways to answer (rounding, an equivalent formula) that the audit's correct students use.
    """

    name: str
    kind: Kind
    reference: Compute
    tolerance: Callable[[Any], float | np.ndarray]
    tolerance_why: str
    misconceptions: dict[str, Misconception]
    variants: dict[str, Compute] = field(default_factory=dict)
    hint: str = "relisez la consigne et vérifiez chaque étape du calcul."


def as_numbers(answer: Answer, like: Answer) -> np.ndarray:
    """The numbers of ``answer`` as floats, in the order of ``like`` (a Series is aligned on
    ``like``'s labels, compared as text so that ``1`` and ``"1"`` match)."""
    if hasattr(like, "items") and hasattr(like, "to_numpy"):
        by_label = {str(label): value for label, value in answer.items()}
        return np.array([float(by_label[str(label)]) for label in like.index])
    return np.atleast_1d(np.asarray(answer, dtype=float))


# Relative slack for floating-point rounding: the same quantity computed in another order
# (``np.average`` or a sum divided by a sum) differs by about 1e-16 relative.
FLOAT_SLACK = 1e-9


def close(answer: Answer, target: Answer, tolerance: float | np.ndarray) -> bool:
    """Whether every number of ``answer`` is within ``tolerance`` (plus ``FLOAT_SLACK``
    relative) of ``target``'s; a number the reference cannot give (NaN: a mean over a group
    with nobody in it) is matched by NaN only.

    Examples
    --------
    >>> close(0.101, 0.1, 0.002), close((0.1, 0.3), (0.1, 0.2), 0.01)
    (True, False)
    >>> nan = float("nan")
    >>> close((0.1, nan), (0.1, nan), 0.0), close((0.1, 0.0), (0.1, nan), 0.0)
    (True, False)
    """
    try:
        got = as_numbers(answer, target)
    except (AttributeError, KeyError, TypeError, ValueError):
        return False
    want = as_numbers(target, target)
    slack = tolerance + FLOAT_SLACK * np.abs(want)
    if got.shape != want.shape or not np.array_equal(np.isnan(got), np.isnan(want)):
        return False
    present = ~np.isnan(want)
    return bool(np.all(np.abs(got - want)[present] <= np.broadcast_to(slack, want.shape)[present]))
