"""``centre_registre``: an unconditional centre's patient registry.

Drawn from the ``facilitators+centres`` run (see ``runs``): every simulated patient is one
registry file, so the file is a random sample of the real patients (one in ``scale``).
``CentreRegistry`` reads, each month after the centres' step, who was seen, who was
turned away and asked to come back, and what the centre's social workers did: an AMU
application filed at the CPAS, a referral back to a regular GP (re-insertion: a DMG
opened). ``DmgBeforeCentres`` notes GP records and pending AMU decisions just before the
centres' step, so that those two acts are told apart from the same events elsewhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.datasets import dress, runs
from passerelle.datasets.recorders import (
    AMU,
    CONSULTATION,
    KINDS,
    REFERRAL,
    WAITING,
    CentreRegistry,
)
from passerelle.datasets.schemas import COVERAGE_LABELS, SEXES

SEED = 5023  # post-processing draws: dates, pseudonyms, addresses, unknown ages
AGE_UNKNOWN = 0.03  # share of patients whose age the centre does not know


def tabulate(sim, registry: CentreRegistry, seed: int) -> tuple[pd.DataFrame, dict]:
    """The registry file (one row per event, by patient and date) and its truth."""
    rng = np.random.default_rng(seed)
    fake = dress.fakers(seed)
    rows = pd.DataFrame({key: np.concatenate([r[key] for r in registry.rows])
                         for key in registry.rows[0]})
    rows = rows.sort_values(["uid", "month", "kind"], kind="stable", ignore_index=True)
    people = rows["uid"].unique()
    code = dict(zip(people, dress.codes(len(people), "P", rng), strict=True))
    unknown_age = set(people[rng.random(len(people)) < AGE_UNKNOWN])
    communes = np.array([a.name for a in sim.population.areas], dtype=object)
    first = rows.groupby("uid").cumcount() == 0
    address = {}
    for uid, commune, homeless in rows.loc[first, ["uid", "commune", "homeless"]].itertuples(
            index=False):
        language = "nl" if rng.random() < 0.1 else "fr"
        address[uid] = None if homeless else dress.street_address(
            fake[language], language, communes[commune], rng)
    consultation = rows["kind"] == KINDS.index(CONSULTATION)
    labels = np.array(COVERAGE_LABELS, dtype=object)
    sites = [site.name for site in sim.module("centres").pars.sites]
    frame = pd.DataFrame({
        "patient": rows["uid"].map(code),
        "centre": np.array(sites, dtype=object)[rows["site"]],
        "date": _days(rows, rng),
        "type": np.array(KINDS, dtype=object)[rows["kind"]],
        "numero_consultation": consultation.groupby(rows["uid"]).cumsum().where(
            consultation).astype("Int16"),
        "age": rows["age"].astype("Int16").where(~rows["uid"].isin(unknown_age)),
        "sexe": np.array(SEXES, dtype=object)[rows["sex"]],
        "commune": np.where(rows["homeless"], None, communes[rows["commune"]]),
        "adresse": rows["uid"].map(address),
        "sans_abri": rows["homeless"],
        "interprete": rows["language"],
        "couverture_entree": rows.groupby("uid")["coverage"].transform("first").map(
            lambda g: labels[g]),
        "couverture": labels[rows["coverage"]],
        "medecin_regulier": rows["regular_gp"],
    })
    frame = frame.assign(order=rows["kind"]).sort_values(
        ["patient", "date", "order"], kind="stable", ignore_index=True).drop(columns="order")
    seen = rows[consultation]
    truth = {
        "patients": int(seen["uid"].nunique()),
        "consultations": int(consultation.sum()),
        "people_waiting_listed": int(rows.loc[rows["kind"] == KINDS.index(WAITING),
                                              "uid"].nunique()),
        "amu_applications": int((rows["kind"] == KINDS.index(AMU)).sum()),
        "referrals_to_regular_gp": int((rows["kind"] == KINDS.index(REFERRAL)).sum()),
        "age_unknown_people": len(unknown_age),
    }
    return frame, truth


def _days(rows: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """One day per person and month: what the centre does for a person in a month (a
    consultation, then social work following from it) is written on the same day."""
    visits = rows[["uid", "month"]].drop_duplicates(ignore_index=True)
    visits["date"] = dress.month_dates(visits["month"].to_numpy(), rng)
    return rows[["uid", "month"]].merge(visits, how="left")["date"]


def build() -> tuple[pd.DataFrame, dict, dict[str, str]]:
    """The registry from the shared intervention run."""
    run = runs.observed()
    frame, truth = tabulate(run.sim, run.sim.module("registry_recorder"), SEED)
    truth["sampling_fraction"] = 1 / run.results.scale
    return frame, truth, runs.facts()
