"""Care contacts of the current month, by channel: who was seen where (one contact each)."""

from __future__ import annotations

import numpy as np

CHANNELS = ("gp", "maison_medicale", "centre", "ed_urgent", "ed_avoidable", "hospital")


class Encounters:
    """Filled by the cascade and escalation each month, read by costs and interventions."""

    def __init__(self) -> None:
        self._parts: dict[str, list[np.ndarray]] = {channel: [] for channel in CHANNELS}

    def add(self, channel: str, uids: np.ndarray) -> None:
        """Record one contact in ``channel`` for each uid."""
        if channel not in self._parts:
            raise KeyError(f"unknown channel {channel!r}; channels: {CHANNELS}")
        self._parts[channel].append(np.asarray(uids, dtype=np.int64))

    def get(self, channel: str) -> np.ndarray:
        """The uids seen in ``channel`` this month (a person may appear once per contact)."""
        parts = self._parts[channel]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
