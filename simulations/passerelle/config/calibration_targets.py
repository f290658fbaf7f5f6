"""Calibration targets: the figures the free parameters are fitted to (``passerelle
calibrate``), each compared with the model under the source's own definition.

Five of them also seed the model (``seeded``): the uninsured share, undocumented people
in Brussels and DMG coverage in the three regions are inputs or starting values, so they
test the model's dynamics from that start and cannot identify its cascade (issue 13).
DMG coverage in Flanders and Wallonia (INAMI, 2015) moved here from the validation set
when the regions' odds of opening a DMG at a GP visit (``regular_gp.open_rr_*``) were
fitted to them. AMU use is
KCE 257's recourse over a year (people with a decision in force at some point in the
last 12 months), not the share with a decision in force on a given day.
"""

from __future__ import annotations

from passerelle.config.target_model import (
    ADULTS,
    CALIBRATION,
    RESIDENTS,
    UNDOCUMENTED,
    Target,
    cited,
    per_1000_a_year,
    points_band,
    relative_band,
    share_at_end,
    survey_band,
)
from passerelle.engine import sources
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA


def _dmg(region: str) -> Target:
    value, source = cited("dmg_coverage", region)
    short = "flanders" if region == FLANDERS else "wallonia"
    return Target(
        f"residents with a DMG, {region}", "belgium", value, *points_band(value, 0.04),
        "share 0-1", source, "±4 points, as for Brussels",
        share_at_end("with_dmg", region=region, coverage=RESIDENTS), CALIBRATION,
        "registered residents of the region with a global medical record (INAMI: DMG "
        "holders per inhabitant) at the end of the run",
        seeded=f"population.dmg_{short}")


def targets() -> tuple[Target, ...]:
    """The calibration targets, with their sources, bands and definitions."""
    uninsured = sources.value("uninsured_persons") / sources.value("population_total")
    unmet_bxl, unmet_bxl_source = cited("unmet_need_medical", BRUSSELS)
    unmet_q1, unmet_q1_source = cited("unmet_need_medical_lowest_income")
    dmg, dmg_source = cited("dmg_coverage", BRUSSELS)
    ed, ed_source = cited("ed_contacts_per_1000", BRUSSELS)
    undocumented, undocumented_source = cited("undocumented_persons", BRUSSELS)
    amu = sources.value("amu_users") / sources.value("undocumented_persons")
    ratio = undocumented / sources.value("undocumented_persons")
    return (
        Target(
            "uninsured share of residents", "belgium", uninsured, *relative_band(uninsured,
                                                                                  0.25),
            "share 0-1", sources.figure("uninsured_persons").citation,
            "±25%: a press summary of an INAMI count whose definition (not in order at a "
            "date) is narrower or wider than lapsed rights depending on the source",
            lambda r: r.at_end("population", coverage="lapsed")
            / r.at_end("population", coverage=RESIDENTS),
            CALIBRATION, "lapsed rights among registered residents at the end of the run",
            seeded="population.lapsed_share"),
        Target(
            "undocumented people in Brussels", "brussels", undocumented,
            ratio * sources.value("undocumented_persons_low"),
            ratio * sources.value("undocumented_persons_high"), "persons", undocumented_source,
            "KCE 257's national range (85,000-160,000) scaled to Brussels' share",
            lambda r: r.at_end("population", coverage=UNDOCUMENTED), CALIBRATION,
            "undocumented people present at the end of the run",
            seeded="population.undocumented_brussels"),
        Target(
            "undocumented people using AMU in a year", "belgium", amu, 0.10, 0.20,
            "share 0-1", sources.figure("amu_users").citation,
            "the source's own range: 10-20% of undocumented people",
            lambda r: r.at_end("amu_12m", coverage=UNDOCUMENTED)
            / r.at_end("population", coverage=UNDOCUMENTED), CALIBRATION,
            "undocumented people with an AMU decision in force at some time in the last 12 "
            "months, among the undocumented present (recourse over a year, as KCE 257 counts "
            "users), on the Belgian population"),
        Target(
            "adults with an unmet medical need in 12 months, Brussels", "brussels", unmet_bxl,
            *survey_band(unmet_bxl, 1_800), "share 0-1", unmet_bxl_source,
            "survey band (passerelle.config.target_model), about 1,800 adults interviewed in "
            "Brussels",
            share_at_end("unmet_12m_reported", "needed_12m", coverage=RESIDENTS,
                         age_band=ADULTS),
            CALIBRATION, "registered residents aged 16+ who perceived a need that went unmet "
                         "in the last 12 months, among those who perceived a need in those "
                         "months (Statbel: among those who needed care)"),
        Target(
            "adults with an unmet medical need in 12 months, lowest income quintile",
            "belgium", unmet_q1, *survey_band(unmet_q1, 2_400), "share 0-1", unmet_q1_source,
            "survey band (passerelle.config.target_model), about 2,400 adults in the lowest "
            "quintile",
            share_at_end("unmet_12m_reported", "needed_12m", coverage=RESIDENTS,
                         age_band=ADULTS, quintile="Q1"),
            CALIBRATION, "as for Brussels, in the lowest income quintile, Belgium"),
        Target(
            "residents with a DMG, Brussels", "brussels", dmg, *points_band(dmg, 0.04),
            "share 0-1", dmg_source,
            "±4 points: an exact administrative share, but for 2015 and from the press; "
            "the model has no trend over its ten years",
            share_at_end("with_dmg", coverage=RESIDENTS), CALIBRATION,
            "registered residents with a global medical record at the end of the run",
            seeded="population.dmg_brussels"),
        Target(
            "ED contacts per 1,000 a year, Brussels", "brussels", ed, *relative_band(ed, 0.15),
            "contacts per 1,000", ed_source,
            "±15%: contacts (295) and passages (419, Brussels Health Observatory) differ by "
            "their definition; we keep the contact figure and accept ±15%",
            per_1000_a_year("ed_visits"), CALIBRATION,
            "ED visits in the last simulated year per 1,000 people present"),
        *(_dmg(region) for region in (FLANDERS, WALLONIA)),
    )
