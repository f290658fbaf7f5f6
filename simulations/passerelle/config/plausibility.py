"""Plausibility of the facilitators against the IMPaCT trial (Kangovi et al., JAMA Intern
Med 2014;174:535): community health workers who accompany patients leaving hospital
raised primary-care contact within 14 days from 47.9% to 60.0%, adjusted OR 1.52
(95% CI 1.03-2.23).

The measurable analogue. The model steps monthly and a hospital stay begins and ends in
the month of the ED visit, so "within 14 days of discharge" becomes "in the month after the
discharge month": a contact with a GP, a maison médicale or a centre (the ``ledger``'s
``first_discharge_followed``, for each person's first discharge of the reported period).
The built-in scenario ``impact-check`` enrols people in the month they leave hospital,
for one month, with enough workers for every discharge in Brussels.

Two estimates, both on the same people:

- the **true effect on the treated**: for people enrolled at their first discharge, the
  analogue in the ``impact-check`` run against the same people in the baseline run on the
  same seed (common random numbers: their histories are identical up to enrolment);
- the **trial-like estimate**: within the ``impact-check`` run, first discharges enrolled
  against first discharges not enrolled (a person declines with probability
  1 − ``acceptance``, independently of everything else: a randomised comparison).

What moves the analogue: the post-discharge visit a facilitator books
(``discharge_followup``, calibrated here) and, during the month of accompaniment, the
log-odds added to perceiving, seeking and completing care (``perceive_effect``,
``seek_effect``, ``engage_effect``) and the regular GP found (``gp_found_per_month``),
which also keeps met needs away from the ED.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from passerelle.config.scenario import load
from passerelle.engine import sources
from passerelle.engine.sim import Sim
from passerelle.engine.timeline import NEVER
from passerelle.modules.ledger import Ledger

TRIAL = "USA"


@dataclass(frozen=True)
class ImpactCheck:
    """The IMPaCT analogue over seeds: shares, odds ratios and the trial's figures."""

    treated: int
    share_treated: float
    share_counterfactual: float
    odds_ratio: float
    interval: tuple[float, float]
    trial_like_odds_ratio: float
    trial_like_interval: tuple[float, float]
    per_seed: tuple[float, ...]
    trial_odds_ratio: float = sources.value("impact_2014_primary_care_14d_or", TRIAL)
    trial_interval: tuple[float, float] = (
        sources.value("impact_2014_primary_care_14d_or_low", TRIAL),
        sources.value("impact_2014_primary_care_14d_or_high", TRIAL),
    )

    @property
    def within_trial_interval(self) -> bool:
        low, high = self.trial_interval
        return low <= self.odds_ratio <= high


def _odds(p: float) -> float:
    return p / (1 - p)


def _woolf(a: int, n1: int, c: int, n0: int) -> tuple[float, float, float]:
    """Odds ratio of a/n1 against c/n0 and its 95% Woolf interval."""
    b, d = n1 - a, n0 - c
    ratio = (a * d) / (b * c)
    half = 1.96 * np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return ratio, ratio * np.exp(-half), ratio * np.exp(half)


def impact_check(seeds: Sequence[int] = (1, 2, 3), overrides: Sequence[str] = (),
                 changes: Sequence[str] = (), scenario: str = "impact-check",
                 reference: str = "baseline") -> ImpactCheck:
    """Run ``scenario`` and ``reference`` on each seed and compute the IMPaCT analogue;
    ``overrides`` apply to both (population, run), ``changes`` to ``scenario`` only (e.g.
    ``facilitators.discharge_followup=0``).

    The odds ratio pools the treated over seeds; its interval is a t interval over the
    per-seed log odds ratios (the spread of the model's own noise; none with one seed).
    The trial-like interval is Woolf's, on the pooled two-by-two table.
    """
    counts = np.zeros(3, dtype=np.int64)  # treated: followed with, followed without, n
    trial = np.zeros(4, dtype=np.int64)   # enrolled followed, enrolled, others followed, others
    per_seed = []
    for seed in seeds:
        chosen = [*overrides, f"run.seed={seed}"]
        runs = [Sim(load(name, extra), modules=[Ledger()]).run()
                for name, extra in ((scenario, [*chosen, *changes]), (reference, chosen))]
        with_fac, without = runs[0].people, runs[1].people
        first = with_fac["first_discharge_month"]
        if not np.array_equal(first, without["first_discharge_month"]):
            raise ValueError(f"first discharges differ between {scenario} and {reference}: "
                             "people were enrolled before their first discharge")
        known = (with_fac["first_discharge_followed"] >= 0) & (first != NEVER)
        treated = known & (with_fac["fac_enrolled_month"] == first) & (
            without["first_discharge_followed"] >= 0)
        yes_t = int(with_fac["first_discharge_followed"][treated].sum())
        yes_c = int(without["first_discharge_followed"][treated].sum())
        n = int(treated.sum())
        counts += (yes_t, yes_c, n)
        per_seed.append(_odds(yes_t / n) / _odds(yes_c / n))
        others = known & (with_fac["fac_enrolled_month"] != first)
        trial += (yes_t, n, int(with_fac["first_discharge_followed"][others].sum()),
                  int(others.sum()))
    p1, p0 = counts[0] / counts[2], counts[1] / counts[2]
    logs = np.log(per_seed)
    if len(logs) > 1:
        half = stats.t.ppf(0.975, len(logs) - 1) * logs.std(ddof=1) / np.sqrt(len(logs))
    else:
        half = np.nan
    pooled = _odds(p1) / _odds(p0)
    trial_ratio, trial_low, trial_high = _woolf(*trial)
    return ImpactCheck(
        treated=int(counts[2]), share_treated=float(p1), share_counterfactual=float(p0),
        odds_ratio=float(pooled),
        interval=(float(pooled * np.exp(-half)), float(pooled * np.exp(half))),
        trial_like_odds_ratio=float(trial_ratio),
        trial_like_interval=(float(trial_low), float(trial_high)),
        per_seed=tuple(float(x) for x in per_seed),
    )
