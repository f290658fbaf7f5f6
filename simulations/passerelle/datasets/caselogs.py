"""``facilitateurs_suivi``: the facilitators' case logs, kept by hand.

Drawn from the ``facilitators+centres`` run (see ``runs``): every simulated client of a
facilitator is one case file, so the file is a random sample of the real case files (one
in ``scale``). ``CaseLog`` reads the clients each month after the facilitators' step: who
was enrolled, what went wrong with their care (the cascade's failed step) and whether the
facilitator noticed it, rights reopened, BIM activated, GP found (DMG), AMU applied for,
a visit to a centre, the end of the accompaniment. ``tabulate`` turns this into contact
entries, dressed with faker (workers' names, notes in French or Dutch) and with the slips
of hand-kept records in documented shares (``ERRORS``).

The barriers noted are the ones the facilitators' module reports upward: whether a
facilitator notices a client's failed need is the facilitators' own draw, a pure function
of (seed, module, stream, month, uid), which ``CaseLog`` reads again with the same key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.datasets import dress, runs
from passerelle.datasets.recorders import CaseLog
from passerelle.datasets.schemas import CASE_BARRIERS, COVERAGE_LABELS, INTAKE_NEEDS, SEXES
from passerelle.engine.sources import BRUSSELS, FLANDERS
from passerelle.engine.steps import STEPS
from passerelle.modules.places import commune_mask

SEED = 4021  # post-processing draws: dates, extra contacts, workers, notes, slips
EXTRA_CONTACTS = 0.5  # mean further contacts a month, beyond the one that logs events
ERRORS = {  # share of entries (cases for "age_as_birth_year") with each slip
    "date_missing": 0.04,
    "day_month_swapped": 0.02,
    "commune_typo": 0.03,
    "age_as_birth_year": 0.02,
    "contact_not_logged": 0.05,
    "entry_duplicated": 0.02,
}
NOTES = {
    "fr": {
        "intake": "Premier contact, situation expliquée.",
        "perceive": "Ne voit pas la nécessité de consulter malgré des plaintes.",
        "seek": "N'ose pas consulter ; méfiance envers les services, langue.",
        "reach": "Pas de médecin disponible près de chez {pronoun} ; délais trop longs.",
        "pay": "Ne peut pas avancer les frais de consultation.",
        "engage": "A interrompu le traitement prescrit.",
        "mutualite": "Accompagnement à la mutualité ({street}).",
        "cpas": "Demande d'AMU déposée au CPAS.",
        "medecin_generaliste": "Rendez-vous obtenu chez le Dr {doctor}, {street}.",
        "centre": "Orientation vers le centre de santé.",
        "none": ("Appel de suivi, rien à signaler.", "Visite à domicile.",
                 "Pas joignable, message laissé.", "Point sur les démarches en cours."),
        "closing": "Clôture de l'accompagnement.",
        "gone": "Dossier clôturé : plus de nouvelles.",
        "pronoun": "lui",
    },
    "nl": {
        "intake": "Eerste contact, situatie toegelicht.",
        "perceive": "Ziet de nood aan een consultatie niet in, ondanks klachten.",
        "seek": "Durft niet naar de dokter; wantrouwen, taal.",
        "reach": "Geen huisarts beschikbaar in de buurt{pronoun}; lange wachttijden.",
        "pay": "Kan de consultatie niet voorschieten.",
        "engage": "Heeft de voorgeschreven behandeling stopgezet.",
        "mutualite": "Begeleid naar het ziekenfonds ({street}).",
        "cpas": "AMU-aanvraag ingediend bij het OCMW.",
        "medecin_generaliste": "Afspraak bij dokter {doctor}, {street}.",
        "centre": "Doorverwezen naar het gezondheidscentrum.",
        "none": ("Opvolggesprek, niets te melden.", "Huisbezoek.",
                 "Niet bereikbaar, bericht ingesproken.", "Stand van de lopende stappen."),
        "closing": "Afsluiting van de begeleiding.",
        "gone": "Dossier afgesloten: geen nieuws meer.",
        "pronoun": "",
    },
}


def _concat(parts: list[dict[str, np.ndarray]]) -> pd.DataFrame:
    return pd.DataFrame({key: np.concatenate([p[key] for p in parts]) for key in parts[0]})


def _workers(sim, rng: np.random.Generator, fake: dict) -> dict[int, list[tuple[str, str]]]:
    """(name, language) of each deployment's workers: Dutch-speaking in Flanders,
    French-speaking in Wallonia, a third Dutch-speaking in Brussels."""
    areas = sim.population.areas
    found = {}
    for index, deployment in enumerate(sim.module("facilitators").pars.deployments):
        mask = commune_mask(deployment.area, areas)
        region = next((a.region for a, inside in zip(areas, mask, strict=True) if inside), "")
        dutch = {FLANDERS: 1.0, BRUSSELS: 1 / 3}.get(region, 0.0)
        workers = []
        for _ in range(max(round(deployment.workers), 1)):
            language = "nl" if rng.random() < dutch else "fr"
            workers.append((fake[language].name(), language))
        found[index] = workers
    return found


def _note(language: str, row, fake: dict, rng: np.random.Generator, commune: str) -> str:
    words = NOTES[language]
    parts = []
    if row.kind == "ouverture":
        parts.append(words["intake"])
    if row.barrier >= 0:
        parts.append(words[STEPS[row.barrier]].format(pronoun=words["pronoun"]))
    for event in ("cpas", "mutualite", "medecin_generaliste", "centre"):
        if row.orientation == event:
            parts.append(words[event].format(
                street=dress.street_address(fake[language], language, commune, rng)
                if commune in dress.BRUSSELS_POSTCODES else fake[language].street_name(),
                doctor=fake[language].last_name()))
    if row.kind == "cloture":
        parts.append(words["gone"] if row.outcome == "deces_ou_depart" else words["closing"])
    if not parts:
        parts.append(words["none"][int(rng.integers(len(words["none"])))])
    return " ".join(parts)


def _entries(intakes: pd.DataFrame, months: pd.DataFrame, rng: np.random.Generator
             ) -> pd.DataFrame:
    """Contact entries of every file (``case``: row of ``intakes``), in file and date
    order: the intake, one entry a month carrying the month's events (the last one
    closing the file), further plain contacts, less the contacts never logged."""
    opening = pd.DataFrame({
        "uid": intakes["uid"], "month": intakes["month"], "kind": "ouverture",
        "barrier": intakes["barrier"], "orientation": None, "reopened": False, "bim": False,
        "gp": False, "outcome": None})
    orientation = np.select(
        [months["amu"], months["reopened"] | months["bim"], months["gp"], months["centre"]],
        ["cpas", "mutualite", "medecin_generaliste", "centre"], None)
    follow = pd.DataFrame({
        "uid": months["uid"], "month": months["month"],
        "kind": np.where(months["closed"] | months["gone"], "cloture", "suivi"),
        "barrier": np.where(months["noted"], months["barrier"], -1),
        "orientation": orientation, "reopened": months["reopened"], "bim": months["bim"],
        "gp": months["gp"],
        "outcome": np.select([months["gone"], months["closed"]],
                             ["deces_ou_depart", "accompagnement_termine"], None)})
    extra = follow.loc[follow.index.repeat(rng.poisson(EXTRA_CONTACTS, len(follow)) * (
        follow["kind"] == "suivi"))].assign(barrier=-1, orientation=None, reopened=False,
                                            bim=False, gp=False)
    entries = pd.concat([opening, follow, extra], ignore_index=True)
    entries = entries[~((entries["kind"] == "suivi")
                        & (rng.random(len(entries)) < ERRORS["contact_not_logged"]))]
    entries["date"] = dress.month_dates(entries["month"].to_numpy(), rng)
    entries["case"] = entries["uid"].map({uid: i for i, uid in enumerate(intakes["uid"])})
    rank = entries["kind"].map({"ouverture": 0, "suivi": 1, "cloture": 2})
    return entries.assign(rank=rank).sort_values(["case", "month", "rank", "date"],
                                                 ignore_index=True)


def tabulate(sim, log: CaseLog, seed: int) -> tuple[pd.DataFrame, dict]:
    """The case-log file (one row per contact entry, in file and date order) and the
    truth behind it: barriers met and noted, events, slips made."""
    rng = np.random.default_rng(seed)
    fake = dress.fakers(seed)
    intakes = _concat(log.intakes).sort_values("uid", ignore_index=True)
    months = _concat(log.months)
    months = months[months["uid"].isin(intakes["uid"])]
    # Entries stop at the first month the file is closed (end of enrolment, death, departure).
    months = months.sort_values(["uid", "month"], ignore_index=True)
    ended = (months["closed"] | months["gone"]).astype(int)
    months = months[ended.groupby(months["uid"]).cumsum() - ended == 0].reset_index(drop=True)
    truth = _truth(months)
    workers = _workers(sim, rng, fake)
    intakes["worker"] = [int(rng.integers(len(workers[site]))) for site in intakes["site"]]
    intakes["code"] = dress.codes(len(intakes), "FAC", rng)
    entries = _entries(intakes, months, rng)
    case = intakes.loc[entries["case"]].reset_index(drop=True)
    names = [workers[s][w] for s, w in zip(case["site"], case["worker"], strict=True)]
    communes = [a.name for a in sim.population.areas]
    commune = np.array(communes, dtype=object)[case["commune"]]
    language = np.array([lang for _, lang in names], dtype=object)
    written = np.where(language == "nl", [dress.BRUSSELS_POSTCODES.get(c, ("", c))[1]
                                          for c in commune], commune)
    frame = pd.DataFrame({
        "dossier": case["code"],
        "facilitateur": [name for name, _ in names],
        "date_contact": entries["date"],
        "type_contact": entries["kind"],
        "commune": written,
        "age": case["age"].astype("Int16"),
        "sexe": np.array(SEXES, dtype=object)[case["sex"]],
        "couverture_entree": np.array(COVERAGE_LABELS, dtype=object)[case["coverage"]],
        "besoins_entree": np.where(entries["kind"] == "ouverture",
                                   [_needs(bits) for bits in case["needs"]], None),
        "barriere_notee": np.array(CASE_BARRIERS, dtype=object)[
            entries["barrier"].clip(lower=0)],
        "orientation": entries["orientation"],
        "droits_rouverts": entries["reopened"].astype(bool),
        "bim_active": entries["bim"].astype(bool),
        "medecin_trouve": entries["gp"].astype(bool),
        "issue": entries["outcome"],
        "note": [_note(lang, row, fake, rng, c) for lang, row, c in zip(
            language, entries.itertuples(), commune, strict=True)],
    })
    frame.loc[entries["barrier"].to_numpy() < 0, "barriere_notee"] = None
    frame, slips = _slip(frame, case["month"].to_numpy(), rng)
    truth.update({"slips": slips, "cases": len(intakes), "entries": len(frame)})
    return frame, truth


def _needs(bits: int) -> str | None:
    """The intake needs of a bit mask (bit i: ``INTAKE_NEEDS[i]``), joined by ';'."""
    found = [need for i, need in enumerate(INTAKE_NEEDS) if bits >> i & 1]
    return ";".join(found) or None


def _truth(months: pd.DataFrame) -> dict:
    """Barriers met and noted during enrolment, and events, counted in client-months."""
    met = months[months["barrier"] >= 0]
    true = met["barrier"].value_counts().reindex(range(len(STEPS)), fill_value=0)
    noted = met[met["noted"]]["barrier"].value_counts().reindex(range(len(STEPS)),
                                                                 fill_value=0)
    return {
        "client_months": len(months),
        "barriers_met": dict(zip(CASE_BARRIERS, true.tolist(), strict=True)),
        "barriers_noted": dict(zip(CASE_BARRIERS, noted.tolist(), strict=True)),
        "rights_reopened": int(months["reopened"].sum()),
        "bim_activated": int(months["bim"].sum()),
        "gp_found": int(months["gp"].sum()),
    }


def _slip(frame: pd.DataFrame, intake: np.ndarray, rng: np.random.Generator
          ) -> tuple[pd.DataFrame, dict[str, int]]:
    """The slips of hand-kept records (``ERRORS``; ``intake``: month each entry's case
    opened); returns the file and how many slips of each kind were made."""
    n = len(frame)
    dates = frame["date_contact"]
    day, month = dates.dt.day, dates.dt.month
    swap = (rng.random(n) < ERRORS["day_month_swapped"]) & (day <= 12) & (day != month)
    frame.loc[swap, "date_contact"] = pd.to_datetime(pd.DataFrame(
        {"year": dates.dt.year, "month": day, "day": month})[swap])
    missing = rng.random(n) < ERRORS["date_missing"]
    frame.loc[missing, "date_contact"] = pd.NaT
    typo = rng.random(n) < ERRORS["commune_typo"]
    frame.loc[typo, "commune"] = [dress.typo(c, rng) for c in frame.loc[typo, "commune"]]
    cases = frame["dossier"].unique()
    chosen = cases[rng.random(len(cases)) < ERRORS["age_as_birth_year"]]
    born = frame["dossier"].isin(chosen).to_numpy()
    frame.loc[born, "age"] = 2000 + intake[born] // 12 - frame.loc[born, "age"]
    twice = rng.random(n) < ERRORS["entry_duplicated"]
    rows = np.sort(np.concatenate([np.arange(n), np.flatnonzero(twice)]), kind="stable")
    return frame.iloc[rows].reset_index(drop=True), {
        "date_missing": int(missing.sum()), "day_month_swapped": int(swap.sum()),
        "commune_typo": int(typo.sum()), "age_as_birth_year_cases": len(chosen),
        "entry_duplicated": int(twice.sum()),
    }


def _check_reports(run: runs.Run, log: CaseLog) -> None:
    """The barriers the logs note are those the facilitators' module reported upward."""
    months = _concat(log.months)
    noted = months[months["noted"]]["barrier"].value_counts()
    for index, step in enumerate(STEPS):
        reported = run.results.cells[f"fac_reported_{step}"].sum()
        if noted.get(index, 0) != reported:
            raise RuntimeError(f"case logs note {noted.get(index, 0)} barriers at '{step}', "
                               f"the facilitators reported {reported:g}: has the module's "
                               "'observe' stream changed? Update CaseLog.step.")


def build() -> tuple[pd.DataFrame, dict, dict[str, str]]:
    """The case logs from the shared intervention run."""
    run = runs.observed()
    log = run.sim.module("caselog_recorder")
    _check_reports(run, log)
    frame, truth = tabulate(run.sim, log, SEED)
    truth["sampling_fraction"] = 1 / run.results.scale
    return frame, truth, runs.facts()
