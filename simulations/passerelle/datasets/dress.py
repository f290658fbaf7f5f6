"""Dressing synthetic records: pseudonyms, fake names and addresses (faker, ``fr_BE`` and
``nl_BE`` with fixed seeds), and the slips of hand-kept records (typos, swapped dates).

Nothing here comes from a real person: pseudonyms are random codes drawn after the
simulation, names and streets are made up by faker, and only the postal codes and the
Dutch names of Brussels' communes are real (public facts about places).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from faker import Faker

# Postal code and Dutch name of each Brussels commune (bpost; the communes' own names).
BRUSSELS_POSTCODES = {
    "Anderlecht": ("1070", "Anderlecht"), "Auderghem": ("1160", "Oudergem"),
    "Berchem-Sainte-Agathe": ("1082", "Sint-Agatha-Berchem"), "Bruxelles": ("1000", "Brussel"),
    "Etterbeek": ("1040", "Etterbeek"), "Evere": ("1140", "Evere"),
    "Forest": ("1190", "Vorst"), "Ganshoren": ("1083", "Ganshoren"),
    "Ixelles": ("1050", "Elsene"), "Jette": ("1090", "Jette"),
    "Koekelberg": ("1081", "Koekelberg"),
    "Molenbeek-Saint-Jean": ("1080", "Sint-Jans-Molenbeek"),
    "Saint-Gilles": ("1060", "Sint-Gillis"),
    "Saint-Josse-ten-Noode": ("1210", "Sint-Joost-ten-Node"),
    "Schaerbeek": ("1030", "Schaarbeek"), "Uccle": ("1180", "Ukkel"),
    "Watermael-Boitsfort": ("1170", "Watermaal-Bosvoorde"),
    "Woluwe-Saint-Lambert": ("1200", "Sint-Lambrechts-Woluwe"),
    "Woluwe-Saint-Pierre": ("1150", "Sint-Pieters-Woluwe"),
}
_STREET_KINDS = ("rue", "rue", "rue", "avenue", "chaussée de", "place", "boulevard")
_CODE_ALPHABET = np.array(list("23456789ABCDEFGHJKLMNPQRSTUVWXYZ"))  # no 0/O, 1/I


def fakers(seed: int) -> dict[str, Faker]:
    """A French- and a Dutch-speaking Belgian faker, each seeded with ``seed``."""
    found = {"fr": Faker("fr_BE"), "nl": Faker("nl_BE")}
    for fake in found.values():
        fake.seed_instance(seed)
    return found


def codes(n: int, prefix: str, rng: np.random.Generator, length: int = 6) -> np.ndarray:
    """``n`` distinct random codes ``<prefix>-XXXXXX`` (32 symbols a position)."""
    numbers = rng.choice(len(_CODE_ALPHABET) ** length, size=n, replace=False)
    digits = (numbers[:, None] // len(_CODE_ALPHABET) ** np.arange(length)[::-1]) % len(
        _CODE_ALPHABET)
    return np.array([f"{prefix}-{''.join(row)}" for row in _CODE_ALPHABET[digits]],
                    dtype=object)


def street_address(fake: Faker, language: str, commune: str, rng: np.random.Generator) -> str:
    """A made-up street and number in a real Brussels commune, written in ``language``."""
    postcode, dutch = BRUSSELS_POSTCODES[commune]
    number = int(rng.integers(1, 180))
    if language == "nl":
        return f"{fake.street_name()} {number}, {postcode} {dutch}"
    kind = _STREET_KINDS[int(rng.integers(len(_STREET_KINDS)))]
    return f"{kind} {fake.last_name()} {number}, {postcode} {commune}"


def typo(text: str, rng: np.random.Generator) -> str:
    """``text`` with one slip of the keyboard: a letter dropped, doubled or swapped."""
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    i = letters[int(rng.integers(1, len(letters) - 1))]
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]


def month_dates(months: np.ndarray, rng: np.random.Generator) -> pd.DatetimeIndex:
    """A day drawn in each month (months since 2000-01), on the 1st to the 28th."""
    years, index = np.divmod(np.asarray(months, dtype=np.int64), 12)
    first = pd.to_datetime(pd.DataFrame({"year": 2000 + years, "month": index + 1, "day": 1}))
    return pd.DatetimeIndex(first + pd.to_timedelta(rng.integers(0, 28, len(first)), unit="D"))
