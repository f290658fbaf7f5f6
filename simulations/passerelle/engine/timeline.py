"""Calendar months as integers: months since January 2000, so keys are stable across scenarios."""

from __future__ import annotations

import re

# A month column (``<event>_month``) holds MONTH integers: the supported calendar
# (passerelle.engine.units, 2000-01 to 2060-12, plus 600 run months and the ages of the
# oldest) lies within ±2,000, and NEVER is far enough below it that a month minus any
# column value, NEVER included, still fits (at most 16,384 + 2,000 < 32,767). Two bytes
# instead of four halve the 44 bytes a person that the baseline's eleven month columns took
# (of 131 in all); tests/test_architecture.py checks the bounds.
MONTH = "int16"
NEVER = -(2**14)  # a month column's value when its event has not happened (or never will)
END_OF_TIME = 2**30  # the month an open-ended window (no end, no closing) ends
_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> int:
    """``"2016-01"`` → months since 2000-01."""
    match = _PATTERN.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{text!r} is not a month written YYYY-MM")
    return (int(match.group(1)) - 2000) * 12 + int(match.group(2)) - 1


def month_label(month: int) -> str:
    """Months since 2000-01 → ``"YYYY-MM"``."""
    year, index = divmod(int(month), 12)
    return f"{2000 + year:04d}-{index + 1:02d}"
