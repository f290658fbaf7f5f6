"""The attributes of newly drawn people, one draw per attribute.

``fill`` draws, for people of one kind (a resident, a newborn, an undocumented person,
an asylum seeker), their commune, age, sex, income quintile, housing, coverage, BIM,
regular GP, language, literacy and trust, substance use and chronic conditions, in that
order, each from its own random stream keyed by uid (``Streams.uniform("population",
stream, month, uids)``), so that the same person gets the same attributes in every
scenario. Each ``draw_*`` function writes its columns and returns what later draws use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from passerelle.config.geography import national_deprivation, people_by_kind
from passerelle.engine import sources
from passerelle.engine.groups import (
    ASYLUM,
    INSURED,
    LAPSED,
    NEWBORN,
    RESIDENT,
    UNDOCUMENTED,
    age_band,
)
from passerelle.engine.people import People
from passerelle.engine.random import Streams
from passerelle.engine.sources import BRUSSELS, FLANDERS
from passerelle.modules.regular_gp import maison_medicale_share

if TYPE_CHECKING:
    from passerelle.config.population import PopulationSpec

AGE_KEYS = ("share_under_18", "share_18_64", "share_65_plus")
OLDEST_DRAWN = 100  # years: the oldest age drawn (the density above 65 stops here)


@dataclass(frozen=True)
class Draw:
    """The people being drawn: who they are (``uids`` of ``kind``), where (``areas``), by
    which marginals (``spec``) and in which month."""

    spec: PopulationSpec
    people: People
    areas: tuple[sources.Commune, ...]
    uids: np.ndarray
    kind: str
    streams: Streams
    month: int

    def u(self, stream: str) -> np.ndarray:
        """One uniform draw per person from the population's ``stream``."""
        return self.streams.uniform("population", stream, self.month, self.uids)

    @property
    def newcomer(self) -> bool:
        return self.kind in ("undocumented", "asylum_seeker")


def fill(spec: PopulationSpec, people: People, areas: tuple[sources.Commune, ...],
         uids: np.ndarray, kind: str, streams: Streams, month: int) -> None:
    """Draw every attribute of the people ``uids``, of ``kind``, in calendar ``month``."""
    if uids.size == 0:
        return
    d = Draw(spec, people, areas, uids, kind, streams, month)
    commune = draw_commune(d)
    brussels = np.array([a.region == BRUSSELS for a in areas])[commune]
    age = draw_age(d, brussels)
    draw_sex(d)
    quintile = draw_quintile(d, commune)
    homeless = draw_homeless(d, brussels, quintile)
    coverage = draw_coverage(d, quintile, homeless)
    draw_bim(d, quintile, coverage, age)
    draw_regular_gp(d, commune, coverage)
    language = draw_language(d, brussels)
    draw_literacy_and_trust(d, quintile, language, homeless)
    draw_substance_use(d, age, homeless)
    draw_chronic(d, age)
    people.severity[uids] = 0.0
    people.alive[uids] = True


def _categorical(u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(weights) / np.sum(weights)
    return np.searchsorted(cumulative, u, side="right").clip(0, len(weights) - 1)


def draw_commune(d: Draw) -> np.ndarray:
    """Residents by population; undocumented people by population × deprivation, with the
    sourced share in Brussels."""
    spec, areas = d.spec, d.areas
    weights = np.array([a.population for a in areas])
    if d.kind == "undocumented":
        deprivation = np.array([a.deprivation for a in areas])
        brussels = np.array([a.region == BRUSSELS for a in areas])
        weights = weights * deprivation
        totals = people_by_kind(spec, areas)
        in_brussels = spec.undocumented_brussels * brussels.any() / totals["undocumented"]
        weights = np.where(brussels, weights / max(weights[brussels].sum(), 1e-12) * in_brussels,
                           weights / max(weights[~brussels].sum(), 1e-12) * (1 - in_brussels))
    commune = _categorical(d.u("commune"), weights)
    d.people.commune[d.uids] = commune
    return commune


def draw_age(d: Draw, brussels: np.ndarray) -> np.ndarray:
    """Age in years: residents by the sourced shares of their region, newcomers by
    assumption, newborns 0; within a band uniform, above 65 a decaying density."""
    spec, uids = d.spec, d.uids
    if d.kind == NEWBORN:
        age_months = np.zeros(uids.size, dtype=np.int64)
    else:
        if d.kind == RESIDENT:
            shares_b = [sources.value(k, BRUSSELS) for k in AGE_KEYS]
            shares_o = [sources.value(k) for k in AGE_KEYS]
            shares = np.where(brussels[:, None], shares_b, shares_o)
        else:
            shares = np.broadcast_to(getattr(spec, f"{d.kind}_ages"), (uids.size, 3))
        cumulative = np.cumsum(shares, axis=1) / shares.sum(axis=1, keepdims=True)
        band = (d.u("age_band")[:, None] >= cumulative).sum(axis=1).clip(0, 2)
        within = d.u("age_within")
        decay = spec.old_age_decay
        old = 65 - np.log1p(-within * (1 - np.exp(-decay * (OLDEST_DRAWN - 65)))) / decay
        years = np.select([band == 0, band == 1], [within * 18, 18 + within * 47], old)
        age_months = (years * 12).astype(np.int64)
    d.people.birth_month[uids] = d.month - age_months
    age = age_months // 12
    d.people.age_band[uids] = age_band(age)
    return age


def draw_sex(d: Draw) -> None:
    spec = d.spec
    male = {"undocumented": spec.male_undocumented, "asylum_seeker": spec.male_asylum_seeker}
    d.people.sex[d.uids] = d.u("sex") < male.get(d.kind, spec.male_residents)


def draw_quintile(d: Draw, commune: np.ndarray) -> np.ndarray:
    """Income quintile: residents shifted by their commune's deprivation; newcomers lowest."""
    if d.newcomer:
        quintile = np.zeros(d.uids.size, dtype=np.int8)
    else:
        deprivation = np.array([a.deprivation for a in d.areas])
        q = np.arange(5)
        logits = -d.spec.quintile_deprivation * (q[None, :] - 2) * (
            deprivation[commune][:, None] - national_deprivation())
        probs = np.exp(logits)
        cumulative = np.cumsum(probs, axis=1) / probs.sum(axis=1, keepdims=True)
        quintile = (d.u("quintile")[:, None] >= cumulative).sum(axis=1).clip(0, 4).astype(np.int8)
    d.people.quintile[d.uids] = quintile
    return quintile


def draw_homeless(d: Draw, brussels: np.ndarray, quintile: np.ndarray) -> np.ndarray:
    """Homelessness falls on the lowest quintile and undocumented people (about a third of
    the population at most): their rate is ``homeless_concentration`` times the region's."""
    spec = d.spec
    rate = np.where(brussels, spec.homeless_brussels, spec.homeless_elsewhere)
    exposed = (quintile == 0) & (d.kind in (RESIDENT, "undocumented"))
    homeless = d.u("homeless") < np.where(exposed, spec.homeless_concentration * rate, 0.0)
    d.people.homeless[d.uids] = homeless
    return homeless


def draw_coverage(d: Draw, quintile: np.ndarray, homeless: np.ndarray) -> np.ndarray:
    """Newcomers by their status; residents insured, or lapsed by quintile and housing."""
    spec = d.spec
    coverage = np.full(d.uids.size, INSURED, dtype=np.int8)
    if d.kind == "undocumented":
        coverage[:] = UNDOCUMENTED
    elif d.kind == "asylum_seeker":
        coverage[:] = ASYLUM
    elif d.kind == RESIDENT:
        rr = np.asarray(spec.lapsed_by_quintile) / np.mean(spec.lapsed_by_quintile)
        p_lapsed = np.where(homeless, spec.lapsed_homeless, spec.lapsed_share * rr[quintile])
        coverage[d.u("lapsed") < p_lapsed] = LAPSED
    d.people.coverage[d.uids] = coverage
    return coverage


def draw_bim(d: Draw, quintile: np.ndarray, coverage: np.ndarray, age: np.ndarray) -> None:
    """Entitlement by quintile; take-up among the insured, lower at working age."""
    spec = d.spec
    eligible = ((d.u("bim_eligible") < np.asarray(spec.bim_eligible_by_quintile)[quintile])
                & ~d.newcomer)
    working = (age >= 18) & (age < 65)
    take_up = np.where(working, spec.bim_take_up_working_age, spec.bim_take_up_other_ages)
    d.people.bim_eligible[d.uids] = eligible
    d.people.bim[d.uids] = eligible & (coverage == INSURED) & (d.u("bim") < take_up)


def draw_regular_gp(d: Draw, commune: np.ndarray, coverage: np.ndarray) -> None:
    """A maison médicale by region and month (``maison_medicale_share``), else a DMG by
    region (half as often when lapsed)."""
    spec = d.spec
    insured = coverage == INSURED
    region_of = np.array([a.region for a in d.areas])[commune]
    mm_share = maison_medicale_share(spec, region_of, d.month)
    mm = insured & (d.u("mm") < mm_share)
    dmg_share = np.select(
        [region_of == BRUSSELS, region_of == FLANDERS], [spec.dmg_brussels, spec.dmg_flanders],
        spec.dmg_wallonia,
    ) / (1 - mm_share)
    dmg_share = np.where(coverage == LAPSED, dmg_share / 2, dmg_share)
    d.people.mm_enrolled[d.uids] = mm
    d.people.dmg[d.uids] = ~mm & (insured | (coverage == LAPSED)) & (d.u("dmg") < dmg_share)


def draw_language(d: Draw, brussels: np.ndarray) -> np.ndarray:
    """A language barrier: newcomers by status, residents by region, newborns none."""
    spec = d.spec
    newcomers = dict(zip(("undocumented", "asylum_seeker"), spec.language_barrier_newcomers,
                         strict=True))
    p = newcomers.get(d.kind, 0.0) if d.newcomer else np.where(
        brussels, spec.language_barrier_brussels, spec.language_barrier_elsewhere)
    language = (d.u("language") < p) & (d.kind != NEWBORN)
    d.people.language_barrier[d.uids] = language
    return language


def draw_literacy_and_trust(d: Draw, quintile: np.ndarray, language: np.ndarray,
                            homeless: np.ndarray) -> None:
    """Latent scores mapped to 0-1; limited literacy (below 0.5) in about
    ``spec.limited_literacy`` of people."""
    from scipy.special import ndtr, ndtri

    spec = d.spec
    centre = -ndtri(spec.limited_literacy)
    literacy_z = (centre + spec.literacy_income * (quintile - 2)
                  - spec.literacy_language * language + ndtri(d.u("literacy")))
    d.people.literacy[d.uids] = ndtr(literacy_z)
    trust_z = (spec.trust_base + spec.trust_income * (quintile - 2)
               - spec.trust_homeless * homeless - spec.trust_newcomer * d.newcomer
               - spec.trust_undocumented * (d.kind == "undocumented") + ndtri(d.u("trust")))
    d.people.trust[d.uids] = ndtr(trust_z)


def draw_substance_use(d: Draw, age: np.ndarray, homeless: np.ndarray) -> None:
    spec = d.spec
    adult = (age >= 18) & (age < 65)
    p = np.where(homeless, spec.substance_use_homeless, spec.substance_use * adult)
    d.people.substance_use[d.uids] = d.u("substance") < p


def draw_chronic(d: Draw, age: np.ndarray) -> None:
    """Chronic conditions (0-3) by age band: at least one, then two and three."""
    p = np.asarray(d.spec.chronic_by_age)[age_band(age)]
    c = d.u("chronic")
    two, three = d.spec.chronic_multiple
    d.people.chronic[d.uids] = (c < p).astype(np.int8) + (c < two * p) + (c < three * p)
