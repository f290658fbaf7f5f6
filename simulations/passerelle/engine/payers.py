"""Who pays for care: each payer by the key of its cost measure (``cost_<key>``, EUR) and
the name a reader sees in tables and plots.

Examples
--------
>>> cost_name("federal")
'cost to the federal state'
"""

from __future__ import annotations

PAYER_NAMES = {
    "inami": "INAMI",
    "patient": "patients",
    "federal": "the federal state",
    "programme": "programme funders",
    "unpaid": "hospitals (unpaid bills, bad debt)",
}


def cost_name(payer: str) -> str:
    """The human text of the cost measure of ``payer`` (``cost to INAMI``)."""
    return f"cost to {PAYER_NAMES[payer]}"
