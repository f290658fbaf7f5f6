"""``enquete_sante``: a health-interview-style survey of Brussels residents, drawn from a
baseline run.

The design follows the Belgian Health Interview Survey in spirit: the frame is the
population register (people without papers, asylum seekers in reception and homeless
people are not in it), the sample is stratified by commune with a disproportionate
allocation (small communes oversampled), interviews are spread over a year, and about
half the people sampled answer, less often the young, men, low incomes and people who
speak none of the local languages. Respondents answer "in the last 12 months, did you
need care and not get it, and why?" from their own simulated history, so the true share
is known: ``HealthSurvey.truth``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field
from scipy.optimize import brentq
from scipy.special import expit

from passerelle.config.scenario import load
from passerelle.datasets import dress
from passerelle.datasets.schemas import (
    REASON_LABELS,
    REASONS,
    SEXES,
    SURVEY_ANSWERS,
    SURVEY_STATUSES,
)
from passerelle.engine.groups import AGE_BANDS, INSURED, LAPSED, age_band
from passerelle.engine.module import Module
from passerelle.engine.parameters import Params, assumption, sourced
from passerelle.engine.sim import Sim
from passerelle.engine.steps import STEPS
from passerelle.engine.timeline import parse_month

SCENARIO = "baseline"
OVERRIDES = ("population.size=40000", "run.start=2024-01", "run.months=24")
SEED = 2025  # post-processing draws (interview days, income item non-response)
# Weighting classes for the non-response adjustment: age groups of 16-44, 45-64, 65+.
WEIGHTING_AGE_GROUPS = (0, 0, 0, 1, 2, 2)


class SurveyParams(Params):
    """Sampling design and response behaviour of the survey."""

    fieldwork_start: str = Field(default="2025-01", description="first month of fieldwork",
                                 json_schema_extra={"source": "design choice"})
    fieldwork_months: int = Field(default=12, ge=1, le=24, description="months of fieldwork "
                                  "(interviews spread evenly)", json_schema_extra={
                                      "source": "design choice: the HIS interviews all year"})
    min_age: int = Field(default=16, ge=0, description="youngest age sampled, years",
                         json_schema_extra={"source": "design choice: EU-SILC's unmet need "
                                            "is asked of people aged 16 and over"})
    sample_size: int = assumption(
        4000, description="people drawn from the register", gt=0,
        why="with the response rate, about 2,000 interviews: the order of the Brussels "
        "part of the HIS (which oversamples Brussels; about 11,300 respondents in Belgium)",
    )
    min_per_commune: int = assumption(
        80, description="people drawn in each commune at least", ge=0,
        why="enough interviews in the smallest communes for a stratum estimate",
    )
    response_rate: float = sourced(
        "his_individual_response_rate", description="expected share of the people sampled "
        "who are interviewed (the log-odds below shift it person by person)", gt=0, lt=1,
    )
    response_by_age: tuple[float, float, float, float, float, float] = assumption(
        (0.0, -0.35, -0.15, 0.1, 0.25, -0.2), description="log-odds of responding by age "
        "band (0-15 unused)", why="survey participation is lowest among young adults and "
        "the oldest (HIS methodology reports)",
    )
    response_male: float = assumption(-0.15, description="log-odds of responding for men",
                                      why="men take part slightly less often")
    response_by_quintile: tuple[float, float, float, float, float] = assumption(
        (-0.4, -0.2, 0.0, 0.1, 0.15), description="log-odds of responding by income quintile",
        why="non-response rises as income falls",
    )
    response_language: float = assumption(
        -1.0, description="log-odds of responding with a language barrier",
        why="interviews are in French, Dutch, English or German; interpreters are rare",
    )
    income_item_nonresponse: float = assumption(
        0.08, description="share of respondents who do not state their income", ge=0, le=1,
        why="income is the most refused question in household surveys",
    )


class HealthSurvey(Module):
    """Draws the sample at the start of fieldwork and interviews each person in their
    month, after the cascade and outcomes of that month. Reads people; changes nothing."""

    name = "health_survey"
    order = 95.0
    changes_groups = False
    Params = SurveyParams

    def init(self, sim) -> None:
        self._start = parse_month(self.pars.fieldwork_start)
        self.communes = tuple(a.name for a in sim.population.areas)
        self.sample = np.zeros(0, dtype=np.int64)
        self.answers: dict[str, np.ndarray] = {}
        self._truth: list[tuple[int, int, int, int, np.ndarray]] = []

    def step(self, sim) -> None:
        offset = sim.month - self._start
        if not 0 <= offset < self.pars.fieldwork_months:
            return
        if offset == 0:
            self._draw(sim)
        self._interview(sim, offset)
        self._count_truth(sim)

    def _frame(self, sim) -> np.ndarray:
        people = sim.people
        return np.flatnonzero(people.alive & (people.coverage <= LAPSED) & ~people.homeless
                              & (sim.age_years() >= self.pars.min_age))

    def _reported(self, sim, uids: np.ndarray) -> np.ndarray:
        return sim.people.last_unmet_perceived_month[uids] >= sim.month - 11

    def _draw(self, sim) -> None:
        people, pars = sim.people, self.pars
        frame = self._frame(sim)
        stratum = people.commune[frame].astype(np.int64)
        sizes = np.bincount(stratum, minlength=len(self.communes))
        allocation = _allocate(sizes, pars.sample_size, pars.min_per_commune)
        order = np.lexsort((self.uniform(sim, "select", frame), stratum))
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rank = np.arange(frame.size) - starts[stratum[order]]
        chosen = order[rank < allocation[stratum[order]]]
        self.sample = frame[np.sort(chosen)]
        strata = people.commune[self.sample]
        months = (self.uniform(sim, "month", self.sample) * pars.fieldwork_months).astype(int)
        n = self.sample.size
        band = age_band(sim.age_years(self.sample))
        shift = (np.asarray(pars.response_by_age)[band] + pars.response_male * people.sex[
            self.sample] + np.asarray(pars.response_by_quintile)[people.quintile[self.sample]]
            + pars.response_language * people.language_barrier[self.sample])
        self.answers = {
            "response": expit(_intercept(shift, pars.response_rate) + shift),
            "commune": strata.astype(np.int64),
            "sex": people.sex[self.sample].astype(np.int8),
            "age": sim.age_years(self.sample).astype(np.int16),
            "design_weight": np.round(sizes[strata] / allocation[strata] * sim.scale, 4),
            "month": self._start + months,
            "status": np.full(n, -1, dtype=np.int8),
            **{key: np.zeros(n, dtype=dtype) for key, dtype in (
                ("quintile", np.int8), ("insured", bool), ("bim", bool), ("regular_gp", bool),
                ("chronic", bool), ("limited_literacy", bool), ("language_barrier", bool),
                ("unmet", bool), ("barrier", np.int8))},
        }

    def _interview(self, sim, offset: int) -> None:
        people, a = sim.people, self.answers
        due = np.flatnonzero(a["month"] == self._start + offset)
        uids = self.sample[due]
        responds = self.chance(sim, "respond", a["response"][due], uids)
        a["status"][due] = np.where(people.alive[uids], np.where(responds, 0, 1), 2)
        a["quintile"][due] = people.quintile[uids]
        a["insured"][due] = people.coverage[uids] == INSURED
        a["bim"][due] = people.bim[uids]
        a["regular_gp"][due] = people.dmg[uids] | people.mm_enrolled[uids]
        a["chronic"][due] = people.chronic[uids] > 0
        a["limited_literacy"][due] = people.literacy[uids] < 0.5
        a["language_barrier"][due] = people.language_barrier[uids]
        a["unmet"][due] = self._reported(sim, uids)
        a["barrier"][due] = people.last_barrier[uids]

    def _count_truth(self, sim) -> None:
        people = sim.people
        frame = self._frame(sim)
        reported = frame[self._reported(sim, frame)]
        adults = np.flatnonzero(people.alive & (sim.age_years() >= self.pars.min_age))
        reasons = np.bincount(_reason_index(people.last_barrier[reported]),
                              minlength=len(REASONS) + 1)
        self._truth.append((frame.size, reported.size, adults.size,
                            int(np.count_nonzero(self._reported(sim, adults))), reasons))

    def truth(self) -> dict:
        """The survey's estimands on the simulated population, pooled over fieldwork months
        (person-months): the share of the frame with a perceived unmet need in the last 12
        months, the same among all adults (out of the frame too), and the reasons."""
        frame, reported, adults, adults_reported = (
            sum(row[i] for row in self._truth) for i in range(4))
        reasons = sum(row[4] for row in self._truth)
        return {
            "estimand": f"share of registered residents aged {self.pars.min_age}+ (not "
                        "homeless) with a perceived unmet need in the last 12 months, pooled "
                        "over the fieldwork months",
            "unmet_share_frame": reported / frame,
            "unmet_share_all_adults": adults_reported / adults,
            "reason_shares_frame": dict(zip(REASON_LABELS, (reasons / reasons.sum()).tolist(),
                                            strict=True)),
            "frame_people_simulated": frame / len(self._truth),
        }


def _allocate(sizes: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Sample size per stratum: ``minimum`` each, the rest in proportion to the square root
    of the stratum's size (largest remainders), never more than the stratum holds."""
    base = np.minimum(sizes, minimum)
    share = np.sqrt(sizes) / np.sqrt(sizes).sum() * max(total - base.sum(), 0)
    extra = np.floor(share).astype(np.int64)
    left = total - base.sum() - extra.sum()
    extra[np.argsort(-(share - extra), kind="stable")[:max(left, 0)]] += 1
    return np.minimum(base + extra, sizes)


def _intercept(shift: np.ndarray, mean: float) -> float:
    """Log-odds ``c`` such that ``expit(c + shift)`` averages ``mean``."""
    return brentq(lambda c: expit(c + shift).mean() - mean, -20.0, 20.0, xtol=1e-12)


def _reason_index(barrier: np.ndarray) -> np.ndarray:
    """Index into ``REASON_LABELS`` of each last barrier (a STEPS index, -1 never)."""
    lookup = np.array([list(REASONS).index(step) if step in REASONS else len(REASONS)
                       for step in STEPS])
    return np.where(barrier >= 0, lookup[np.maximum(barrier, 0)], len(REASONS))


def tabulate(survey: HealthSurvey, seed: int) -> pd.DataFrame:
    """The survey file: one row per person sampled, in the order of their pseudonyms."""
    a, rng = survey.answers, np.random.default_rng(seed)
    n = survey.sample.size
    answered = a["status"] == 0
    interview = dress.month_dates(a["month"], rng)
    quintile = pd.array(a["quintile"] + 1, dtype="Int8")
    quintile[rng.random(n) < survey.pars.income_item_nonresponse] = pd.NA
    labels = np.array(REASON_LABELS, dtype=object)
    frame = pd.DataFrame({
        "id": "",
        "commune": np.array(survey.communes, dtype=object)[a["commune"]],
        "sexe": np.array(SEXES, dtype=object)[a["sex"]],
        "age": a["age"],
        "classe_age": np.array(AGE_BANDS, dtype=object)[age_band(a["age"])],
        "statut": np.array(SURVEY_STATUSES, dtype=object)[a["status"]],
        "date_entretien": interview,
        "poids_plan": a["design_weight"],
        "poids": np.nan,
        "quintile_revenu": quintile,
        "en_ordre_mutuelle": a["insured"],
        "bim": a["bim"],
        "medecin_regulier": a["regular_gp"],
        "maladie_chronique": a["chronic"],
        "litteratie_limitee": a["limited_literacy"],
        "barriere_langue": a["language_barrier"],
        "besoin_non_satisfait": a["unmet"],
        "raison": np.where(a["unmet"], labels[_reason_index(a["barrier"])], None),
    })
    answers = [column for column in SURVEY_ANSWERS if column != "poids"]
    frame[answers] = frame[answers].astype(object)
    frame.loc[~answered, answers] = None
    frame.loc[answered, "poids"] = np.round(_nonresponse_weights(frame)[answered], 4)
    frame["id"] = [f"ES-{i:05d}" for i in rng.permutation(n) + 1]
    return frame.sort_values("id", ignore_index=True)


def weighting_classes(frame: pd.DataFrame) -> pd.Series:
    """Non-response weighting class of each person sampled: commune × sex × age group
    (16-44, 45-64, 65+); where a class of a commune has no respondent, that commune's
    classes are merged into commune × age group, and if need be into the commune."""
    group = np.asarray(WEIGHTING_AGE_GROUPS)[
        [AGE_BANDS.index(band) for band in frame["classe_age"]]].astype(str)
    commune = frame["commune"].astype(str).to_numpy()
    levels = [commune + "|" + frame["sexe"].astype(str).to_numpy() + "|" + group,
              commune + "|" + group, commune]
    answered = (frame["statut"] == "repondant").to_numpy()
    cells = levels[0]
    for coarser in levels[1:]:
        covered = pd.Series(answered).groupby(cells).transform("any").to_numpy()
        short = pd.Series(~covered).groupby(commune).transform("any").to_numpy()
        cells = np.where(short, coarser, cells)
    return pd.Series(cells, index=frame.index)


def _nonresponse_weights(frame: pd.DataFrame) -> np.ndarray:
    """Design weights of respondents scaled up, within each weighting class, to the design
    weight of every person sampled in the class who was still alive at the interview."""
    cells = weighting_classes(frame)
    weights = frame["poids_plan"].to_numpy()
    eligible = pd.Series(np.where(frame["statut"] != "hors_champ", weights, 0.0))
    answered = pd.Series(np.where(frame["statut"] == "repondant", weights, 0.0))
    factor = eligible.groupby(cells).transform("sum") / answered.groupby(cells).transform(
        "sum")
    return weights * factor.to_numpy()


def build() -> tuple[pd.DataFrame, dict, dict[str, str]]:
    """Run the baseline with the survey; returns the table, the truth and the run's facts."""
    scenario = load(SCENARIO, OVERRIDES)
    survey = HealthSurvey()
    sim = Sim(scenario, modules=[survey])
    sim.run()
    frame = tabulate(survey, SEED)
    answered = frame["statut"] == "repondant"
    truth = {
        **survey.truth(),
        "sampled": len(frame),
        "respondents": int(answered.sum()),
        "response_rate": float(answered.sum() / (frame["statut"] != "hors_champ").sum()),
    }
    return frame, truth, {"scenario": SCENARIO, "overrides": " ".join(OVERRIDES),
                          "seed": str(scenario.run.seed)}
