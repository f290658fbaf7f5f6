"""Validation targets: published Belgian figures the model is never fitted to, reported out
of sample, each compared with the model's quantity under the source's own definition.

Most come from a referee's reading of public sources (issue 13 and
``datasets/sources/validation_candidates.md``, copied from the chair's reference folder),
each checked against the text that publishes it where that text was at hand (the note of
its row in ``belgium_sources.csv`` says what was checked, and what was not). Each is
compared at its source's reference date (``year``, ``target_model.as_of``) and carries the
model's reason to miss it (``gap``) with its kind (``gap_kind``: model structure,
definition, source). Regions are read from the Belgian run's communes (``communes.csv``).
EU-SILC sample sizes by region are an assumption (order of magnitude: the Belgian sample
of about 6,000 households gives about 11,000 adults, 5,000 in Flanders and 3,500 in
Wallonia).
"""

from __future__ import annotations

from passerelle.config.target_model import (
    ADULTS,
    RESIDENTS,
    VALIDATION,
    Target,
    cited,
    in_region,
    per_1000_a_year,
    points_band,
    relative_band,
    share_at_end,
    survey_band,
)
from passerelle.engine.results import Results
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA

INSURED = ("insured", "insured_bim")
NOT_IN_A_MUTUELLE = ("lapsed", "undocumented_amu", "undocumented_no_amu", "asylum_seeker")
EU_SILC_ADULTS = {"Belgium": 11_000, FLANDERS: 5_000, WALLONIA: 3_500}
REGIONS = {"Belgium": None, FLANDERS: FLANDERS, WALLONIA: WALLONIA, BRUSSELS: BRUSSELS}
NO_REGIONAL_NEEDS = (
    "need incidence follows income and ED use differs in Flanders, but access does not "
    "differ by region outside Brussels (only the communes' deprivation and the Brussels "
    "reach penalty do), and no COVID shock raises 2021's unmet needs (66.4% of them "
    "COVID-related, Statbel), where the calibration reads the same survey's Brussels "
    "figure on a year without COVID")
GROWING_MM = ("enrolment starts from AIM's 2014 share of each region and grows at INAMI's "
              "national 8% a year (2015) everywhere, where AIM's own shares grew at 6.8% a year "
              "in Brussels, 9.4% in Flanders and 5.9% in Wallonia from 2014 to 2020")
REGIONAL_ED = ("ED use differs by one ratio on the ED shares of met non-urgent needs in "
               "Flanders, read from the share of ED passages admitted (FPS Public Health) "
               "by assuming that admitted passages are as frequent in every region")
INCOME_FROM_HEALTH = ("the income gradient in need incidence is read from self-rated "
                      "health by education (Sciensano, HIS 2018), not from care use by "
                      "income, and the figure itself is the referee's reading of AIM")
NOT_AT_HAND = "the AIM publication was not at hand: the figure is the referee's reading"


def _unmet(region: str) -> Target:
    value, source = cited("unmet_need_medical", region)
    return Target(
        f"adults with an unmet medical need in 12 months, {region}", "belgium", value,
        *survey_band(value, EU_SILC_ADULTS[region]), "share 0-1", source,
        f"survey band, about {EU_SILC_ADULTS[region]:,} adults interviewed (assumption)",
        share_at_end("unmet_12m_reported", "needed_12m", region=REGIONS[region],
                     coverage=RESIDENTS, age_band=ADULTS),
        VALIDATION, "registered residents aged 16+ who perceived a need that went unmet in "
        "the 12 months to December 2021, among those who perceived a need in those months "
        "(Statbel: among those who needed care)", gap=NO_REGIONAL_NEEDS, gap_kind="structure",
        year=2021)


def _cost_reason(results: Results) -> float:
    where = {"coverage": RESIDENTS, "age_band": ADULTS}
    failed = {step: results.last_year(f"unmet_{step}", **where)
              for step in ("seek", "reach", "pay", "engage")}
    return failed["pay"] / sum(failed.values())


def _dmg_belgium() -> Target:
    value, source = cited("dmg_coverage")
    return Target(
        "residents with a DMG, Belgium", "belgium", value, *points_band(value, 0.04),
        "share 0-1", source, "±4 points, as for Brussels (calibration set)",
        share_at_end("with_dmg", coverage=RESIDENTS), VALIDATION,
        "registered residents with a global medical record (INAMI: DMG holders per "
        "inhabitant), in December of the first simulated year (2016) for the 2015 share",
        seeded="population.dmg_brussels, dmg_flanders and dmg_wallonia, and "
               "regular_gp.open_rr_flanders and open_rr_wallonia, fitted to the regional "
               "shares of the same year (Belgium's share is their sum over the regions)",
        gap_kind="structure",
        gap="DMGs open at GP visits, with regional odds fitted to hold each region's "
            "2015 share, and close at a fixed monthly rate: the share stays near its 2015 "
            "start and does not follow the real rise (32% at the end of 2007)",
        year=2015)


def _maison_medicale(region: str) -> Target:
    value, source = cited("maison_medicale_enrolled_share_aim", region)
    return Target(
        f"insured enrolled in a maison médicale, {region}", "belgium", value,
        *relative_band(value, 0.20), "share 0-1", source,
        "±20%: an AIM share read in the press (La Libre, 2023) that grew by about 7% a "
        "year (Belgium 3.2% in 2015, 4.4% in 2020), so a date off by a few years moves it "
        "by a fifth (assumption)",
        share_at_end("with_maison_medicale", region=REGIONS[region], coverage=INSURED),
        VALIDATION, "insured people enrolled in December 2020",
        seeded="population.mm_brussels, mm_flanders and mm_wallonia (AIM's 2014 shares, "
        "the same publication) and population.mm_growth", gap=GROWING_MM,
        gap_kind="structure", year=2020)


def _ed(region: str) -> Target:
    value, source = cited("ed_contacts_per_1000", region)
    return Target(
        f"ED contacts per 1,000 a year, {region}", "belgium", value,
        *relative_band(value, 0.15), "contacts per 1,000", source,
        "±15%, as for Brussels (calibration set): contacts and passages differ by definition",
        per_1000_a_year("ed_visits", REGIONS[region]), VALIDATION,
        "ED visits in the first simulated year (2016) per 1,000 people present, for "
        "2011-2012", **_ed_gap(region))


def _ed_gap(region: str) -> dict:
    if region != "Belgium":
        return {"gap": REGIONAL_ED, "gap_kind": "source", "year": 2011}
    return {"gap": "two series: KCE 263 counts 3.2 million ED contacts (2012), where the "
                   "INAMI audit behind the regional figures and the calibrated Brussels one "
                   "counts 1.6 million self-referred and 693,000 referred contacts (2011), "
                   "about 210 per 1,000; the model's Belgian rate, calibrated on Brussels "
                   "and meeting the audit's Flemish and Walloon rates, meets the second",
            "gap_kind": "source", "year": 2012}


def _ed_users(bim: bool) -> Target:
    key = "ed_users_share_bim" if bim else "ed_users_share_non_bim"
    value, source = cited(key)
    group = "insured_bim" if bim else "insured"
    return Target(
        f"insured {'with' if bim else 'without'} BIM who used the ED in a year", "belgium",
        value, *relative_band(value, 0.15), "share 0-1", source,
        "±15%, as for ED contacts: an exact AIM share, but contacts and passages are "
        "counted differently across hospitals (" + NOT_AT_HAND + ")",
        share_at_end("ed_12m", coverage=group), VALIDATION,
        "people seen at least once at the ED in the 12 months to December 2022, among the "
        "insured with (without) BIM", gap=INCOME_FROM_HEALTH, gap_kind="source", year=2022)


def _bim_share(region: str | None):
    place = in_region(region)

    def model(results: Results) -> float:
        cells = place(results)
        return (results.at_end("population", coverage="insured_bim", **cells)
                / results.at_end("population", coverage=RESIDENTS, **cells))
    return model


def _gp_contacts_per_patient(results: Results) -> float:
    contacts = (results.last_year("met_gp", coverage=INSURED)
                + results.last_year("met_maison_medicale", coverage=INSURED)
                + results.last_year("gp_followups", coverage=INSURED))
    return contacts / results.at_end("gp_12m", coverage=INSURED)


def targets() -> tuple[Target, ...]:
    """The validation targets, with their sources, bands and definitions."""
    cost, cost_source = cited("unmet_need_share_due_to_cost")
    deaths, deaths_source = cited("crude_death_rate")
    bim_share, bim_share_source = cited("bim_share_of_residents")
    bim_bxl, bim_bxl_source = cited("bim_share_of_residents", BRUSSELS)
    per_patient, per_patient_source = cited("gp_contacts_per_patient")
    patients, patients_source = cited("gp_patients_share")
    no_mutuelle, no_mutuelle_source = cited("ed_patients_without_mutuelle")
    return (
        *(_unmet(region) for region in ("Belgium", FLANDERS, WALLONIA)),
        Target(
            "unmet needs whose reason is cost", "belgium", cost,
            *survey_band(cost, 400), "share 0-1", cost_source,
            "survey band, about 400 adults reporting an unmet need (3.7% of 11,000)",
            _cost_reason, VALIDATION,
            "adult residents' perceived unmet need-months of 2019 that failed at 'pay', "
            "among those failing a later step than 'perceive' (Statbel: people with an "
            "unmet need whose main reason is financial; 64% in 2020, 41.3% in 2021)",
            gap="the model records, per need-month, the first step that failed, where a "
                "respondent names one main reason: the Brussels and deprivation penalties on "
                "'reach' then make it the most common failed step (an order-free "
                "attribution over the steps is issue 13's structural fix)",
            gap_kind="definition", year=2019),
        _dmg_belgium(),
        Target(
            "residents with BIM, Belgium", "belgium", bim_share,
            *relative_band(bim_share, 0.10), "share 0-1", bim_share_source,
            "±10%: an exact INAMI count rounded by the press ('nearly 2.4 million', 21%; "
            "over Statbel's 11.83 million the count gives 20.3%)",
            _bim_share(None), VALIDATION,
            "registered residents with BIM among all of them (the National Register's "
            "population: undocumented people and asylum seekers are not counted), at the "
            "end of June 2025", seeded="population.bim_eligible_by_quintile and the take-up "
            "parameters", gap_kind="structure", year=2025, month=6,
            gap="BIM entitlement and take-up churn around stationary shares (entitlement lost "
                "at coverage.bim_loss_per_year and regained by quintile), so the model's share "
                "stays near its start where the real one rose (15% in 2008, 18.5% in 2021, "
                "21% in 2025, with automatic grants since 2024)"),
        Target(
            "residents with BIM, Brussels", "belgium", bim_bxl,
            *relative_band(bim_bxl, 0.10), "share 0-1", bim_bxl_source,
            "±10%, as for Belgium", _bim_share(BRUSSELS), VALIDATION,
            "registered residents with BIM among all of them in the Brussels communes of the "
            "Belgian run, in December 2023 (the study's own year is not given)",
            gap="BIM entitlement by income quintile is national (the income ceiling is), "
                "and Brussels' quintiles follow its communes' deprivation only: household "
                "make-up (single parents, people living alone) is not represented",
            gap_kind="structure",
            year=2023),
        *(_maison_medicale(region) for region in ("Belgium", BRUSSELS, FLANDERS, WALLONIA)),
        Target(
            "insured with a GP contact in a year", "belgium", patients,
            *points_band(patients, 0.05), "share 0-1", patients_source,
            "±5 points: billed contacts of all insured, some of them abroad part of the year "
            "(assumption)", share_at_end("gp_12m", coverage=INSURED), VALIDATION,
            "insured people seen by a GP or a maison médicale in the 12 months to December "
            "2021", gap="AIM counts billed GP contacts, and patients of a maison médicale "
                        "under the forfait have none billed; " + NOT_AT_HAND,
            gap_kind="source", year=2021),
        Target(
            "GP contacts per patient a year", "belgium", per_patient,
            *relative_band(per_patient, 0.15), "contacts per patient", per_patient_source,
            "±15%: AIM counts billed contacts (consultations and home visits)",
            _gp_contacts_per_patient, VALIDATION,
            "GP and maison médicale contacts of the insured in 2021 per insured person with "
            "at least one", gap_kind="definition", year=2021,
            gap="AIM counts billed contacts, of which a maison médicale under the forfait "
                "bills none, where the model counts its contacts; the follow-up contacts "
                "after a met need are an argued count (regular_gp.followups_per_need), not "
                "a sourced one"),
        *(_ed(region) for region in ("Belgium", FLANDERS, WALLONIA)),
        *(_ed_users(bim) for bim in (True, False)),
        Target(
            "ED patients without a mutuelle", "belgium", no_mutuelle,
            *relative_band(no_mutuelle, 0.30), "share 0-1", no_mutuelle_source,
            "±30%: an old (2005) share from hospital records, where 'without mutuelle' mixes "
            "lapsed rights, undocumented people and foreign visitors (assumption)",
            lambda r: r.last_year("ed_visits", coverage=NOT_IN_A_MUTUELLE)
            / r.last_year("ed_visits"), VALIDATION,
            "ED visits of the first simulated year (2016, for 2005) by people not in order "
            "with a mutuelle (lapsed, undocumented, asylum seekers), among all ED visits",
            gap="no foreign visitors in the model, whom the 2005 hospital records count "
                "as without a mutuelle", gap_kind="definition", year=2005),
        Target(
            "deaths per 1,000 a year, Belgium", "belgium", 1000 * deaths,
            *relative_band(1000 * deaths, 0.10), "deaths per 1,000", deaths_source,
            "±10%: a rounded figure (grade E), and the rate moves by several tenths a year "
            "with influenza and heat waves (assumption)",
            per_1000_a_year("deaths"), VALIDATION,
            "deaths in 2023 per 1,000 people present",
            seeded="demography.death_by_age, death_at_65 and death_ageing",
            gap_kind="structure", year=2023,
            gap="births replace deaths and no young adults immigrate, so the population "
                "ages faster than Belgium's; the fall in death rates that offsets it is "
                "one national rate from the 2010-2020 gain in life expectancy, with no "
                "COVID-19 or heat-wave years"),
    )

