"""Numbers as a reader wants them: thousands separators, four significant figures, shares
as percentages, never an exponent for a count.

Examples
--------
>>> number(319437.2), number(0.012345), percent(0.0841), shown(0.0841, "share 0-1")
('319,400', '0.01235', '8.41%', '8.41%')
"""

from __future__ import annotations

import math

SHARE = "share 0-1"
MISSING = "–"
DIGITS = 4


def number(value: float | None, digits: int = DIGITS) -> str:
    """``value`` to ``digits`` significant figures with thousands separators and no
    trailing zeros; large values are rounded (319,437 → ``319,400``), never written in
    scientific notation (only values under 1e-4 are); ``–`` for a missing or infinite
    value."""
    if value is None or not math.isfinite(value):
        return MISSING
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -4:
        return f"{value:.{digits - 1}e}"
    decimals = max(digits - 1 - magnitude, 0)
    text = f"{round(value, digits - 1 - magnitude):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(share: float | None, digits: int = 3) -> str:
    """A share (0-1) as a percentage to ``digits`` significant figures: ``8.41%``."""
    if share is None or not math.isfinite(share):
        return MISSING
    return f"{number(100 * share, digits)}%"


def shown(value: float | None, unit: str, digits: int = DIGITS) -> str:
    """``value`` as shown in a table of ``unit``: a percentage for a share, else
    ``number``."""
    return percent(value, min(digits, 3)) if unit == SHARE else number(value, digits)


def interval(value: float | None, low: float | None, high: float | None,
             unit: str = "", digits: int = 3) -> str:
    """``value [low, high]`` to ``digits`` significant figures, or ``value`` alone when
    there is no interval."""
    text = shown(value, unit, digits)
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return text
    return f"{text} [{shown(low, unit, digits)}, {shown(high, unit, digits)}]"
