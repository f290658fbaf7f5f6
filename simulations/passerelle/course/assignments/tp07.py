"""tp07-double-difference: the Molenbeek centre's opening on the commune panel
``panel_communes``: parallel trends, a difference-in-differences, spill-over into the
neighbouring communes, staggered openings.

A student's data are another sample of the same simulated population: every monthly count
of unmet needs and of ED visits is redrawn as ``scale × Poisson(count / scale)``, the
sampling noise of a simulated sample where one person stands for ``scale`` residents
(``scale`` derived from the file: the residents of its first month over the simulated
population size in its metadata). The population and the treatment columns are those of
the file; the truth of ``truth.json`` (same population) stays the target of the estimates.

Tolerances. Every answer is a deterministic function of the student's own panel (means,
least-squares slopes, the estimators of ``passerelle.evaluate``), so the reference computed
on the same rows is exact: an answer passes at floating-point precision (``FLOAT_SLACK``),
which any correct computation meets (a mean of means in another order, ``plain_did``
instead of means by hand, ``method="dr"`` or ``"reg"`` without covariates) and which the
misconceptions miss.
"""

from __future__ import annotations

import json
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question

NAME = "tp07-double-difference"
PANEL_FILE = "panel_communes.parquet"
TREATED = "Molenbeek-Saint-Jean"
# Assumption (design choice): the 2 x 2 comparison keeps 24 months after the opening, so
# that neither the facilitators (June 2021) nor Anderlecht's centre (April 2023) enter it.
POST_MONTHS = 24
# Assumption (design choice): a "neighbour" is a commune whose centre lies within 3 km of
# Molenbeek's (the column distance_centre_km while Molenbeek's centre is the only one open):
# the communes bordering Molenbeek, whose residents the centre draws the most.
NEIGHBOUR_KM = 3.0
RESAMPLED = ("besoins_non_satisfaits", "urgences")
OUTCOME = "besoins_non_satisfaits"
RATE = "taux"
PER = 1000.0  # rates per 1,000 residents a month, as the truth of the data set
EXACT = ("deterministic on the student's own panel: exact (floating-point slack only)")


@lru_cache(maxsize=1)
def _file() -> tuple[pd.DataFrame, float, dict]:
    """The panel as the file holds it, its scale (residents per simulated person) and the
    centres of its truth. Read with pyarrow (no schema check: it imports pandera and takes
    seconds in a fresh kernel; the data set tests check the file)."""
    import pyarrow.parquet as pq

    from passerelle.engine.sources import SOURCES_DIR

    table = pq.read_table(SOURCES_DIR.parent / PANEL_FILE)
    overrides = table.schema.metadata[b"passerelle.overrides"].decode()
    size = float(dict(o.split("=") for o in overrides.split())["population.size"])
    frame = table.to_pandas()
    frame["commune"] = frame["commune"].astype(str)
    frame["mois"] = pd.to_datetime(frame["mois"])
    first = frame["mois"] == frame["mois"].min()
    scale = float(frame.loc[first, "population"].sum()) / size
    truth = json.loads((SOURCES_DIR.parent / "truth.json").read_text())["panel_communes"]
    return frame, scale, truth


class Panel:
    """A student's panel, with the cuts every question reads (computed once: the
    reference, the misconceptions and the audit read them many times)."""

    def __init__(self, frame: pd.DataFrame, centres: dict):
        self.frame = frame
        self.centres = centres

    @cached_property
    def with_rate(self) -> pd.DataFrame:
        """The panel with ``taux`` (unmet needs per 1,000 residents) and ``numero_mois``."""
        frame = self.frame.copy()
        frame[RATE] = frame[OUTCOME] / frame["population"] * PER
        frame["numero_mois"] = frame["mois"].dt.year * 12 + frame["mois"].dt.month
        return frame

    @cached_property
    def opening(self) -> pd.Timestamp:
        """The first month Molenbeek's centre is open."""
        frame = self.frame
        return frame.loc[frame["centre_ouvert"] & (frame["commune"] == TREATED), "mois"].min()

    @cached_property
    def window(self) -> pd.DataFrame:
        """The 2 x 2 window: from the first month to ``POST_MONTHS`` after the opening,
        without the communes that get another centre in it (Bruxelles' addiction centre)."""
        frame = self.with_rate
        end = self.opening + pd.DateOffset(months=POST_MONTHS)
        other = {c["commune"] for c in self.centres.values()
                 if c["commune"] != TREATED and pd.Timestamp(c["opening"]) < end}
        return frame[(frame["mois"] < end) & ~frame["commune"].isin(other)]

    @cached_property
    def neighbours(self) -> list[str]:
        """Communes within ``NEIGHBOUR_KM`` of Molenbeek's centre (Molenbeek excluded)."""
        at_opening = self.window[self.window["mois"] == self.opening]
        near = at_opening["distance_centre_km"] <= NEIGHBOUR_KM
        return sorted(set(at_opening.loc[near, "commune"]) - {TREATED})

    @cached_property
    def by_month(self) -> dict[str, np.ndarray]:
        """The window as months x communes arrays (communes in ``communes``' order), of the
        rate and of the count."""
        tables = {column: self.window.pivot(index="mois", columns="commune", values=column)
                  for column in (RATE, OUTCOME)}
        return {column: table[self.communes].to_numpy(dtype=float)
                for column, table in tables.items()}

    @cached_property
    def communes(self) -> list[str]:
        """The communes of the window, sorted."""
        return sorted(set(self.window["commune"].astype(object)))

    @cached_property
    def before(self) -> np.ndarray:
        """Which months of ``by_month`` come before the opening."""
        return np.sort(self.window["mois"].unique()) < self.opening

    @cached_property
    def staggered(self) -> float:
        """Callaway & Sant'Anna over the whole panel (see ``staggered``)."""
        return staggered(self)

    @cached_property
    def two_way(self) -> float:
        """The two-way fixed-effects estimate over the whole panel (see ``two_way``)."""
        return two_way(self)


@lru_cache(maxsize=512)
def data(student: str) -> Panel:
    """``student``'s panel: the file's, with its counts of unmet needs and ED visits
    redrawn as another sample of the same population (see the module)."""
    frame, scale, truth = _file()
    rng = np.random.default_rng(student_seed(student, NAME))
    mine = frame.copy()
    for column in RESAMPLED:
        draws = rng.poisson(mine[column].to_numpy(dtype=float) / scale)
        mine[column] = np.round(draws * scale).astype(np.int64)
    return Panel(mine, truth["centres"])


def for_notebook(panel: Panel) -> pd.DataFrame:
    """A copy of the panel: the student may change it without changing the reference."""
    return panel.frame.copy()


# --- the estimators (reference solution and misconceptions) -------------------------------

def _mean_by_month(p: Panel, communes, column: str = RATE, before: bool = False
                   ) -> np.ndarray:
    """Monthly mean of ``column`` over ``communes`` in the window (each commune counts for
    one); the months before the opening only if ``before``."""
    index = [p.communes.index(c) for c in communes]
    series = p.by_month[column][:, index].mean(axis=1)
    return series[p.before] if before else series


def controls(p: Panel, without: tuple[str, ...] = ()) -> list[str]:
    """The control communes of the window: every commune but Molenbeek and ``without``."""
    return [c for c in p.communes if c not in {TREATED, *without}]


def pre_rate(p: Panel, column: str = RATE, whole: bool = False) -> float:
    """Molenbeek's mean monthly rate before the opening (over the whole window if
    ``whole``)."""
    return float(_mean_by_month(p, [TREATED], column, before=not whole).mean())


def _slope(series: np.ndarray) -> float:
    return float(np.polyfit(np.arange(len(series), dtype=float), series, 1)[0])


def pre_trend_gap(p: Panel, whole: bool = False, alone: bool = False) -> float:
    """Slope (rate per month) of Molenbeek's monthly rate minus that of the controls' mean,
    over the months before the opening (the whole window if ``whole``; Molenbeek's own
    slope if ``alone``)."""
    treated = _slope(_mean_by_month(p, [TREATED], before=not whole))
    return treated if alone else treated - _slope(_mean_by_month(p, controls(p),
                                                                 before=not whole))


def change(p: Panel, communes: list[str], column: str = RATE) -> float:
    """Mean of the monthly means of ``communes`` after the opening minus before."""
    series = _mean_by_month(p, communes, column)
    return float(series[~p.before].mean() - series[p.before].mean())


def did(p: Panel, treated: list[str], control: list[str], column: str = RATE) -> float:
    """(treated after − before) − (controls after − before), means of monthly means."""
    return change(p, treated, column) - change(p, control, column)


def did_with_plain_did(p: Panel, treated: list[str], control: list[str]) -> float:
    """The same with ``passerelle.evaluate.plain_did`` (a variant of the correct answer)."""
    from passerelle.evaluate import plain_did

    rows = p.window[p.window["commune"].isin([*treated, *control])]
    return plain_did(rows, treated, p.opening, outcome=RATE, unit="commune", time="mois",
                     n_resamples=0).estimate


def before_after(p: Panel) -> float:
    """Misconception: Molenbeek's change only."""
    return change(p, [TREATED])


def after_only(p: Panel) -> float:
    """Misconception: Molenbeek minus the controls, after the opening only."""
    gap = _mean_by_month(p, [TREATED]) - _mean_by_month(p, controls(p))
    return float(gap[~p.before].mean())


def staggered(p: Panel) -> float:
    """Callaway & Sant'Anna over the whole panel: cohorts by the first month a centre open
    to everyone stands in the commune, never-treated communes as controls."""
    from passerelle.evaluate import callaway_santanna

    frame = cohorts(p.with_rate)
    return callaway_santanna(frame, RATE, "commune", "numero_mois", "cohorte",
                             method="reg").estimate


def cohorts(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``cohorte``: the commune's first ``numero_mois`` with a centre, 0 if
    never."""
    first = frame[frame["centre_ouvert"]].groupby("commune")["numero_mois"].min()
    return frame.assign(cohorte=frame["commune"].map(first).fillna(0))


def two_way(p: Panel) -> float:
    """Misconception for the staggered question: the two-way fixed-effects estimate."""
    from passerelle.evaluate import twfe

    frame = p.with_rate.assign(traite=p.with_rate["centre_ouvert"].astype(int))
    return twfe(frame, RATE, "commune", "numero_mois", "traite").estimate


# --- the questions ------------------------------------------------------------------------

# Wide ranges: a count instead of a rate must reach the grader, which names the trap.
RATE_KIND = Kind("un taux pour 1 000 habitants par mois", 0.0, 1e6)
EFFECT_KIND = Kind("une différence de taux pour 1 000 habitants par mois", -1e6, 1e6)
SLOPE_KIND = Kind("une pente (taux pour 1 000 habitants, par mois)", -1e6, 1e6)


def _exact(p: Panel) -> float:
    return 0.0


def _near(p: Panel) -> list[str]:
    return p.neighbours


def _far(p: Panel) -> list[str]:
    return controls(p, tuple(p.neighbours))


def _pre_rate_by_sum(p: Panel) -> float:
    rows = p.window[(p.window["commune"] == TREATED) & (p.window["mois"] < p.opening)]
    return float(rows[RATE].sum() / len(rows))


def _gap_slope(p: Panel) -> float:
    gap = (_mean_by_month(p, [TREATED], before=True)
           - _mean_by_month(p, controls(p), before=True))
    return _slope(gap)


QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "taux_avant", RATE_KIND, reference=pre_rate, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "comptes": Misconception(
                lambda p: pre_rate(p, OUTCOME),
                "Vous avez pris le nombre de besoins non satisfaits : rapportez-le à la "
                "population de la commune (pour 1 000 habitants) pour comparer des communes "
                "de tailles différentes."),
            "toute_la_periode": Misconception(
                lambda p: pre_rate(p, whole=True),
                "Vous avez inclus les mois après l'ouverture : la question porte sur les "
                "mois avant l'ouverture du centre."),
        },
        variants={"somme_sur_effectif": _pre_rate_by_sum},
    ),
    Question(
        "ecart_de_pente_avant", SLOPE_KIND, reference=pre_trend_gap, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "molenbeek_seule": Misconception(
                lambda p: pre_trend_gap(p, alone=True),
                "C'est la pente de Molenbeek seule : les tendances parallèles comparent la "
                "pente de Molenbeek à celle des communes témoins (faites la différence)."),
            "toute_la_periode": Misconception(
                lambda p: pre_trend_gap(p, whole=True),
                "Vous avez ajusté la pente sur toute la fenêtre : après l'ouverture, l'effet "
                "du centre se mêle à la tendance. Le test porte sur les mois avant."),
        },
        variants={"pente_de_l_ecart": _gap_slope},
    ),
    Question(
        "double_difference", EFFECT_KIND,
        reference=lambda p: did(p, [TREATED], controls(p)), tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "avant_apres": Misconception(
                before_after,
                "Vous avez comparé Molenbeek avant et après seulement : le taux change aussi "
                "sans le centre (saisons, tendance) ; retranchez le changement des communes "
                "témoins."),
            "apres_seulement": Misconception(
                after_only,
                "Vous avez comparé Molenbeek aux témoins après l'ouverture seulement : les "
                "communes diffèrent déjà avant ; retranchez l'écart d'avant l'ouverture."),
            "comptes": Misconception(
                lambda p: did(p, [TREATED], controls(p), OUTCOME),
                "Vous avez travaillé sur des nombres de besoins : utilisez le taux pour "
                "1 000 habitants, sinon les grandes communes pèsent plus."),
        },
        variants={"plain_did": lambda p: did_with_plain_did(p, [TREATED], controls(p))},
    ),
    Question(
        "double_difference_sans_voisines", EFFECT_KIND,
        reference=lambda p: did(p, [TREATED], _far(p)), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "avec_voisines": Misconception(
                lambda p: did(p, [TREATED], controls(p)),
                "Vos témoins comprennent encore les communes voisines : retirez celles qui "
                "sont à 3 km ou moins du centre."),
            "voisines_seules": Misconception(
                lambda p: did(p, [TREATED], _near(p)),
                "Vous avez gardé les voisines comme seuls témoins : ce sont elles qu'il faut "
                "retirer, elles profitent aussi du centre."),
        },
        variants={"plain_did": lambda p: did_with_plain_did(p, [TREATED], _far(p))},
    ),
    Question(
        "debordement", EFFECT_KIND,
        reference=lambda p: did(p, _near(p), _far(p)), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda p: -did(p, _near(p), _far(p)),
                "Le signe est inversé : calculez le changement des voisines moins celui des "
                "communes éloignées."),
            "avec_molenbeek": Misconception(
                lambda p: did(p, [TREATED, *_near(p)], _far(p)),
                "Vous avez mis Molenbeek parmi les voisines : le débordement se mesure sur "
                "les communes voisines seules."),
        },
        variants={"plain_did": lambda p: did_with_plain_did(p, _near(p), _far(p))},
    ),
    Question(
        "callaway_santanna", EFFECT_KIND, reference=lambda p: p.staggered, tolerance=_exact,
        tolerance_why=EXACT + "; without covariates method 'dr' and 'reg' agree",
        misconceptions={
            "twfe": Misconception(
                lambda p: p.two_way,
                "C'est l'estimation à effets fixes (twfe) : avec des ouvertures à des dates "
                "différentes, elle compare aussi des communes déjà traitées entre elles. "
                "La question demande callaway_santanna."),
            "fenetre": Misconception(
                lambda p: did(p, [TREATED], controls(p)),
                "C'est la double différence de la fenêtre de la question 3 : ici, on "
                "utilise tout le panel et les deux ouvertures, avec callaway_santanna."),
        },
    ),
)}
