"""What a target is, how its acceptance band is argued, and the model quantities targets
are made of (shares of residents, adults, a region's communes).

How the acceptance bands are argued. A band is the uncertainty of the figure itself, not
of the model, and is fixed before looking at the model's value:

- Survey figures (EU-SILC) get the 95% interval of the survey estimate, with ``n`` the
  respondents the survey interviews in that population and a design effect of 1.5 for
  clustering and weighting, widened by a quarter for the model's different definition of
  a "need" (an episode of care rather than a self-assessment): ``± 1.25 · 1.96 ·
  sqrt(1.5 · p(1−p)/n)`` (``survey_band``).
- Counts from administrations or estimates with a published range get that range.
- Administrative figures reported by the press for another year or definition get a
  relative tolerance (``relative_band``) or a margin in points (``points_band``) set by
  the spread of the definitions the sources themselves mention (noted at each target).

Sample noise of the model is small beside these bands at the default size (100,000
people: a share near 8% of 60,000 adults has a standard error of 0.1 point).

When a target is compared. A target with a reference ``year`` is compared with the run cut
at the end of that year (``as_of``): stocks at its last month, flows over its 12 months, as
the source counts them. A year before the first simulated one is compared with the first
simulated year, one after the run with its last 12 months. A target without a year (the
calibration set) is compared with the last 12 simulated months.

Why a target misses (``GAP_KINDS``). Each validation target carries, beside its figure, the
model's reason to miss it, of one of three kinds: a piece of model *structure* that is
missing (which one is said), a *definition* of the published figure that the model's
quantity cannot follow, or the *source*'s own uncertainty (a secondary, old or
inconsistent figure).
"""

from __future__ import annotations

import bisect
import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

from passerelle.engine import sources
from passerelle.engine.groups import ADULT_BANDS, AGE_BANDS
from passerelle.engine.results import Results

RESIDENTS = ("insured", "insured_bim", "lapsed")
ADULTS = tuple(AGE_BANDS[i] for i in ADULT_BANDS)
UNDOCUMENTED = ("undocumented_amu", "undocumented_no_amu")
CALIBRATION, VALIDATION = "calibration", "validation"
ROLES = (CALIBRATION, VALIDATION)
POPULATIONS = ("brussels", "belgium")
GAP_KINDS = {
    "structure": "model structure missing",
    "definition": "definition mismatch",
    "source": "source uncertainty",
}
MONTHS_A_YEAR = 12


def survey_band(p: float, n: int) -> tuple[float, float]:
    """95% interval of a survey share ``p`` from ``n`` respondents, design effect 1.5,
    widened by a quarter (see the module docstring).

    Examples
    --------
    >>> [round(x, 4) for x in survey_band(0.1, 1_000)]
    [0.0715, 0.1285]
    """
    half = 1.25 * 1.96 * math.sqrt(1.5 * p * (1 - p) / n)
    return p - half, p + half


def relative_band(value: float, tolerance: float) -> tuple[float, float]:
    """``value`` ± ``tolerance`` (a fraction of the value).

    Examples
    --------
    >>> [round(x, 6) for x in relative_band(200.0, 0.15)]
    [170.0, 230.0]
    """
    return (1 - tolerance) * value, (1 + tolerance) * value


def points_band(share: float, points: float) -> tuple[float, float]:
    """A share ± ``points`` percentage points (``points`` as a share: 0.04 is 4 points).

    Examples
    --------
    >>> [round(x, 3) for x in points_band(0.406, 0.04)]
    [0.366, 0.446]
    """
    return share - points, share + points


@dataclass(frozen=True)
class Target:
    """A published figure and the model quantity that matches the source's definition.

    ``role`` is ``calibration`` (fitted) or ``validation`` (never fitted: out of sample).
    ``definition`` says how the model's quantity follows the source's own definition
    (population, period, counting unit). ``seeded`` names the model input that takes the
    same figure (or ``""``): such a target tests the model's dynamics from that start,
    not its structure. ``gap`` is the model's known reason to miss it and ``gap_kind``
    its kind (a key of ``GAP_KINDS``). ``year`` and ``month`` are the source's reference
    date (``as_of``); without a year the last 12 simulated months are compared.

    Examples
    --------
    >>> Target("x", "belgium", 1.0, 0.9, 1.1, "share 0-1", "s", "b", len, gap="why",
    ...        gap_kind="wording")
    Traceback (most recent call last):
    ...
    ValueError: target 'x': gap_kind 'wording' is not one of structure, definition, source
    """

    name: str
    population: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    band: str
    model: Callable[[Results], float]
    role: str = CALIBRATION
    definition: str = ""
    seeded: str = ""
    gap: str = ""
    gap_kind: str = ""
    year: int | None = None
    month: int = MONTHS_A_YEAR

    def __post_init__(self) -> None:
        if bool(self.gap) != bool(self.gap_kind):
            raise ValueError(f"target {self.name!r}: a gap needs its kind and a kind its gap")
        if self.gap_kind and self.gap_kind not in GAP_KINDS:
            raise ValueError(f"target {self.name!r}: gap_kind {self.gap_kind!r} is not one "
                             f"of {', '.join(GAP_KINDS)}")


def as_of(results: Results, year: int | None, month: int = MONTHS_A_YEAR) -> Results:
    """``results`` cut at the end of ``month`` of ``year``: its stocks are then those of
    that month and its last 12 months those that end there (see the module docstring).

    A date before the run gives its first 12 months, one after it (or ``year=None``) the
    whole run.

    Examples
    --------
    >>> from passerelle import run
    >>> results = run("baseline", population={"size": 2_000}, run={"months": 36, "burn_in": 0})
    >>> [as_of(results, year).months[-1] for year in (2005, 2017, 2030)]
    ['2016-12', '2017-12', '2018-12']
    """
    if year is None:
        return results
    months = results.months
    end = bisect.bisect_right(months, f"{year:04d}-{month:02d}")
    end = min(max(end, MONTHS_A_YEAR), len(months))
    return dataclasses.replace(results, cells={k: v[:end] for k, v in results.cells.items()})


def compared_months(results: Results) -> str:
    """The months a target's yearly flows are summed over, as ``first – last``."""
    months = results.months[-MONTHS_A_YEAR:]
    return f"{months[0]} – {months[-1]}"

def cited(key: str, geography: str = "Belgium") -> tuple[float, str]:
    """The value of a sourced figure and its citation."""
    figure = sources.figure(key, geography)
    return float(figure.value), figure.citation


def region_communes(results: Results, region: str) -> tuple[str, ...]:
    """The communes of ``results`` that lie in ``region`` (as communes.csv names it)."""
    regions = {c.name: c.region for c in sources.communes()}
    return tuple(c for c in results.grouping.communes if regions.get(c) == region)


def in_region(region: str | None) -> Callable[[Results], dict]:
    """A ``where`` for ``Results.select``: the region's communes (all if ``None``)."""
    def where(results: Results) -> dict:
        return {} if region is None else {"commune": region_communes(results, region)}
    return where


def share_at_end(numerator: str, denominator: str = "population", region: str | None = None,
                 **where) -> Callable[[Results], float]:
    """The end-of-run ratio of two stocks over the same cells (residents of a region...)."""
    place = in_region(region)

    def model(results: Results) -> float:
        cells = {**where, **place(results)}
        return results.at_end(numerator, **cells) / results.at_end(denominator, **cells)
    return model


def per_1000_a_year(measure: str, region: str | None = None,
                    **where) -> Callable[[Results], float]:
    """A flow over the last 12 months per 1,000 people present at the end."""
    place = in_region(region)

    def model(results: Results) -> float:
        cells = {**where, **place(results)}
        return 1000 * results.last_year(measure, **cells) / results.at_end("population",
                                                                          **cells)
    return model
