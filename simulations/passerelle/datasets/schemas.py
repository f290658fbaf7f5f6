"""Pandera schemas of the data sets: every column with its type, allowed values and unit.

Each schema is strict and ordered (exactly these columns, in this order) and coerces on
validation, so that ``load`` returns the same dtypes whatever wrote the file. The
datasheets (``datasets/<name>.md``) list the same columns; a test keeps them in step.
Category labels are French, like the column names, for the course's students.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from passerelle.engine import sources
from passerelle.engine.groups import AGE_BANDS
from passerelle.engine.sources import BRUSSELS, FLANDERS, WALLONIA
from passerelle.engine.steps import STEPS

REGIONS = (BRUSSELS, FLANDERS, WALLONIA)
BRUSSELS_COMMUNES = tuple(c.name for c in sources.communes() if c.region == BRUSSELS)
ADULT_AGE_BANDS = AGE_BANDS[1:]
SEXES = ("F", "M")
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"

# Survey answers to "why did you not get the care you needed?", one per cascade step
# (the perceive step cannot be answered: a need not perceived is not reported).
REASONS = {
    "seek": "peur_mefiance_langue",
    "reach": "delai_distance",
    "pay": "cout",
    "engage": "soins_inadaptes",
}
REASON_UNKNOWN = "autre_ne_sait_pas"
REASON_LABELS = (*(REASONS[step] for step in STEPS if step in REASONS), REASON_UNKNOWN)
SURVEY_STATUSES = ("repondant", "non_repondant", "hors_champ")
# A barrier a facilitator notes, one per cascade step (in STEPS order).
CASE_BARRIERS = ("besoin_non_percu", *REASON_LABELS[:-1])
CASE_CONTACTS = ("ouverture", "suivi", "cloture")
# Needs a facilitator assesses at intake: rights (mutuelle, AMU, BIM), a regular GP,
# language, housing, addiction.
INTAKE_NEEDS = ("droits", "medecin_traitant", "langue", "logement", "assuetudes")
CASE_ORIENTATIONS = ("cpas", "mutualite", "medecin_generaliste", "centre")
CASE_OUTCOMES = ("accompagnement_termine", "deces_ou_depart")
# Coverage groups, in the order of passerelle.engine.groups.COVERAGE_GROUPS.
COVERAGE_LABELS = ("assure", "assure_bim", "hors_ordre_mutuelle", "sans_papiers_amu",
                   "sans_papiers_sans_amu", "demandeur_asile")


def _category(labels: tuple[str, ...], ordered: bool = False) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(labels), ordered=ordered)


def _col(dtype, description: str, *, nullable: bool = False, checks=None,
         unique: bool = False) -> pa.Column:
    return pa.Column(dtype, checks=checks, nullable=nullable, unique=unique,
                     description=description)


def _numeric_iff_value(frame: pd.DataFrame) -> pd.Series:
    numeric = pd.to_numeric(frame["value_text"], errors="coerce").notna()
    return numeric == frame["value"].notna()


def _months_written_as_months(frame: pd.DataFrame) -> pd.Series:
    months = frame["unit"] == "month"
    return ~months | frame["value_text"].str.match(MONTH_PATTERN)


SOURCES = pa.DataFrameSchema(
    {
        "key": _col(str, "figure's identifier, snake_case",
                    checks=pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
        "value": _col(float, "the figure as a number, in `unit` (missing when the figure "
                      "is a month)", nullable=True),
        "value_text": _col(str, "the figure as written in the file (numbers; months as "
                           "YYYY-MM)", checks=pa.Check.str_length(min_value=1)),
        "unit": _col(str, "unit of the value", checks=pa.Check.str_length(min_value=1)),
        "year": _col(str, "year or period the figure refers to (YYYY or YYYY-YYYY)",
                     nullable=True, checks=pa.Check.str_matches(r"^\d{4}(-\d{4})?$")),
        "geography": _col(str, "where the figure applies (country, region, commune, city)",
                          checks=pa.Check.str_length(min_value=1)),
        "source": _col(str, "where the figure comes from",
                       checks=pa.Check.str_length(min_value=1)),
        "grade": _col(_category(sources.GRADES), "F: found in the source; F(sec): "
                      "secondary source quoting an official figure; E: estimated or derived"),
        "note": _col(str, "how it was derived, what to verify", nullable=True),
    },
    checks=[
        pa.Check(_numeric_iff_value, error="value is set exactly when value_text is a number"),
        pa.Check(_months_written_as_months, error="figures in unit 'month' are YYYY-MM"),
    ],
    unique=["key", "geography"],
    strict=True, ordered=True, coerce=True, name="sources",
)

COMMUNES = pa.DataFrameSchema(
    {
        "commune": _col(str, "name of the commune or rest-of-region area", unique=True),
        "nis": _col(str, "NIS code (missing for rest-of-region areas)", nullable=True,
                    checks=pa.Check.str_matches(r"^\d{5}$")),
        "region": _col(_category(REGIONS), "region"),
        "population": _col(float, "residents, persons (missing for rest-of-region areas: "
                           "what the region's total leaves)", nullable=True,
                           checks=pa.Check.gt(0)),
        "lat": _col(float, "latitude of the commune's centre, degrees",
                    checks=pa.Check.in_range(49.4, 51.6)),
        "lon": _col(float, "longitude of the commune's centre, degrees",
                    checks=pa.Check.in_range(2.5, 6.5)),
        "deprivation": _col(float, "0 (least) to 1 (most deprived)",
                            checks=pa.Check.in_range(0, 1)),
    },
    strict=True, ordered=True, coerce=True, name="communes",
)


# What only an interview tells; all are missing for people not interviewed.
SURVEY_ANSWERS = ("date_entretien", "poids", "quintile_revenu", "en_ordre_mutuelle", "bim",
                  "medecin_regulier", "maladie_chronique", "litteratie_limitee",
                  "barriere_langue", "besoin_non_satisfait", "raison")
# Answers that a respondent may leave missing: income (item non-response), and the reason
# when no need went unmet.
SURVEY_OPTIONAL = ("quintile_revenu", "raison")


def _answers_from_respondents(frame: pd.DataFrame) -> pd.Series:
    answered = frame["statut"] == "repondant"
    required = [c for c in SURVEY_ANSWERS if c not in SURVEY_OPTIONAL]
    return (answered & frame[required].notna().all(axis=1)) | (
        ~answered & frame[list(SURVEY_ANSWERS)].isna().all(axis=1))


def _reason_iff_unmet(frame: pd.DataFrame) -> pd.Series:
    unmet = frame["besoin_non_satisfait"].fillna(False).astype(bool)
    return unmet == frame["raison"].notna()


ENQUETE_SANTE = pa.DataFrameSchema(
    {
        "id": _col(str, "respondent's pseudonym (random, linked to nothing)", unique=True,
                   checks=pa.Check.str_matches(r"^ES-\d{5}$")),
        "commune": _col(_category(BRUSSELS_COMMUNES), "commune of residence in the "
                        "population register; the sampling stratum"),
        "sexe": _col(_category(SEXES), "sex in the register: F or M"),
        "age": _col("int16", "age in completed years when the sample was drawn",
                    checks=pa.Check.ge(16)),
        "classe_age": _col(_category(ADULT_AGE_BANDS, ordered=True), "age band, years"),
        "statut": _col(_category(SURVEY_STATUSES), "repondant: interviewed; non_repondant: "
                       "refused or not reached; hors_champ: died before the interview"),
        "date_entretien": _col("datetime64[us]", "date of the interview (respondents)",
                               nullable=True),
        "poids_plan": _col(float, "design weight: residents of the stratum's frame "
                           "represented by each sampled person, persons",
                           checks=pa.Check.gt(0)),
        "poids": _col(float, "design weight adjusted for non-response within commune × sex "
                      "× age group (respondents), persons", nullable=True,
                      checks=pa.Check.gt(0)),
        "quintile_revenu": _col("Int8", "household income quintile, 1 (lowest) to 5; missing "
                                "when not answered", nullable=True,
                                checks=pa.Check.isin([1, 2, 3, 4, 5])),
        "en_ordre_mutuelle": _col("boolean", "in order with the mutuelle (health insurance) "
                                  "at the interview", nullable=True),
        "bim": _col("boolean", "has the increased reimbursement (BIM)", nullable=True),
        "medecin_regulier": _col("boolean", "has a regular GP (global medical record, DMG, "
                                 "or a maison médicale)", nullable=True),
        "maladie_chronique": _col("boolean", "at least one chronic condition", nullable=True),
        "litteratie_limitee": _col("boolean", "limited health literacy (HLS-EU score below "
                                   "sufficient)", nullable=True),
        "barriere_langue": _col("boolean", "speaks none of French, Dutch or English well "
                                "(interview with an interpreter)", nullable=True),
        "besoin_non_satisfait": _col("boolean", "in the last 12 months, needed care and did "
                                     "not get it", nullable=True),
        "raison": _col(_category(REASON_LABELS), "main reason the care was not obtained "
                       "(when besoin_non_satisfait)", nullable=True),
    },
    checks=[
        pa.Check(_answers_from_respondents, error="respondents, and only they, have answers "
                 "(income may be missing)"),
        pa.Check(_reason_iff_unmet, error="raison is set exactly when besoin_non_satisfait"),
    ],
    strict=True, ordered=True, coerce=True, name="enquete_sante",
)

FACILITATEURS_SUIVI = pa.DataFrameSchema(
    {
        "dossier": _col(str, "case pseudonym (random, linked to nothing)",
                        checks=pa.Check.str_matches(r"^FAC-[2-9A-Z]{6}$")),
        "facilitateur": _col(str, "facilitator who keeps the file (a made-up name)"),
        "date_contact": _col("datetime64[us]", "date of the contact as written (may be "
                             "missing or have day and month swapped)", nullable=True),
        "type_contact": _col(_category(CASE_CONTACTS), "ouverture: intake; suivi: "
                             "follow-up; cloture: file closed"),
        "commune": _col(str, "client's commune as written (French or Dutch name, "
                        "sometimes misspelt)"),
        "age": _col("Int16", "client's age at intake, years (a few files hold the year of "
                    "birth instead)", checks=pa.Check.in_range(0, 2030)),
        "sexe": _col(_category(SEXES), "F or M"),
        "couverture_entree": _col(_category(COVERAGE_LABELS), "coverage at intake"),
        "besoins_entree": _col(str, "needs assessed at intake (ouverture entries), joined "
                               "by ';': " + ", ".join(INTAKE_NEEDS), nullable=True,
                               checks=pa.Check.str_matches(
                                   rf"^({'|'.join(INTAKE_NEEDS)})(;({'|'.join(INTAKE_NEEDS)}))*$")),
        "barriere_notee": _col(_category(CASE_BARRIERS), "barrier to care the facilitator "
                               "noted at this contact", nullable=True),
        "orientation": _col(_category(CASE_ORIENTATIONS), "where the client was sent or "
                            "accompanied since the last entry", nullable=True),
        "droits_rouverts": _col(bool, "lapsed mutuelle rights reopened since the last entry"),
        "bim_active": _col(bool, "increased reimbursement (BIM) activated since the last "
                           "entry"),
        "medecin_trouve": _col(bool, "a regular GP (DMG) found since the last entry"),
        "issue": _col(_category(CASE_OUTCOMES), "how the file closed (cloture entries)",
                      nullable=True),
        "note": _col(str, "free-text note in French or Dutch (made-up names and streets)"),
    },
    checks=[pa.Check(lambda f: (f["type_contact"] == "cloture") == f["issue"].notna(),
                     error="issue is set exactly on cloture entries")],
    strict=True, ordered=True, coerce=True, name="facilitateurs_suivi",
)

REGISTRY_EVENTS = ("consultation", "liste_attente", "demande_amu", "renvoi_medecin_traitant")

CENTRE_REGISTRE = pa.DataFrameSchema(
    {
        "patient": _col(str, "patient pseudonym (random, linked to nothing)",
                        checks=pa.Check.str_matches(r"^P-[2-9A-Z]{6}$")),
        "centre": _col(str, "centre (short name of the scenario's site)"),
        "date": _col("datetime64[us]", "date of the event"),
        "type": _col(_category(REGISTRY_EVENTS), "consultation: medical consultation; "
                     "liste_attente: turned away for lack of capacity, asked to come back; "
                     "demande_amu: social workers filed an AMU application at the CPAS; "
                     "renvoi_medecin_traitant: referred back to a regular GP (DMG opened)"),
        "numero_consultation": _col("Int16", "rank of the consultation for this patient "
                                    "(consultations)", nullable=True,
                                    checks=pa.Check.ge(1)),
        "age": _col("Int16", "age at the event, years (missing when unknown)", nullable=True,
                    checks=pa.Check.in_range(0, 120)),
        "sexe": _col(_category(SEXES), "F or M"),
        "commune": _col(_category(BRUSSELS_COMMUNES), "commune of residence (missing for "
                        "homeless people)", nullable=True),
        "adresse": _col(str, "contact address: a made-up street in the commune (missing "
                        "for homeless people)", nullable=True),
        "sans_abri": _col(bool, "homeless or badly housed"),
        "interprete": _col(bool, "needs an interpreter (speaks none of French, Dutch or "
                           "English well)"),
        "couverture_entree": _col(_category(COVERAGE_LABELS), "coverage at the patient's "
                                  "first event in the registry"),
        "couverture": _col(_category(COVERAGE_LABELS), "coverage at this event"),
        "medecin_regulier": _col(bool, "has a regular GP (DMG or maison médicale) at this "
                                 "event"),
    },
    checks=[pa.Check(lambda f: (f["type"] == "consultation")
                     == f["numero_consultation"].notna(),
                     error="numero_consultation is set exactly on consultations"),
            pa.Check(lambda f: f["sans_abri"] == f["commune"].isna(),
                     error="commune is missing exactly for homeless people")],
    strict=True, ordered=True, coerce=True, name="centre_registre",
)


def _count(description: str) -> pa.Column:
    return _col("int64", f"{description} (real population, rounded)", checks=pa.Check.ge(0))


PANEL_COMMUNES = pa.DataFrameSchema(
    {
        "commune": _col(_category(BRUSSELS_COMMUNES), "commune"),
        "mois": _col("datetime64[us]", "month (its first day)"),
        "population": _count("people present at the end of the month, persons"),
        "besoins_non_satisfaits": _count("care needs that went unmet in the month, needs"),
        "non_satisfait_12m": _count("people with a perceived unmet need in the last 12 "
                                    "months, persons"),
        "urgences": _count("emergency department visits in the month, visits"),
        "urgences_evitables": _count("ED visits for a non-urgent need or a need that turned "
                                     "urgent after going unmet, visits"),
        "hors_ordre_mutuelle": _count("residents not in order with their mutuelle, persons"),
        "sans_papiers": _count("undocumented people, persons"),
        "sans_papiers_amu": _count("undocumented people with an AMU decision in force, "
                                   "persons"),
        "avec_dmg": _count("people with a DMG (regular GP), persons"),
        "consultations_centre": _count("consultations of the commune's residents at an "
                                       "unconditional centre, consultations"),
        "clients_facilitateurs": _count("residents enrolled with a facilitator, persons"),
        "centre_ouvert": _col(bool, "an unconditional centre open to everyone stands in "
                              "the commune"),
        "distance_centre_km": _col(float, "distance to the nearest open centre for everyone, "
                                   "km between commune centres (missing before the first "
                                   "opening)", nullable=True, checks=pa.Check.ge(0)),
        "facilitateurs_actifs": _col(bool, "facilitators work in the commune"),
    },
    unique=["commune", "mois"],
    strict=True, ordered=True, coerce=True, name="panel_communes",
)
