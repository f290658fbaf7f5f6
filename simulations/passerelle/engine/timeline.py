"""Calendar months as integers: months since January 2000, so keys are stable across scenarios."""

from __future__ import annotations

import re

NEVER = -(2**30)  # a month column's value when its event has not happened (or never will)
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
