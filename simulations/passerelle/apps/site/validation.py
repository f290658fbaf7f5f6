"""The validation page: every calibration target (in sample) and validation target (out of
sample) against the model's value, with its band, as a table and a plot, from the cached
real run (``model_run``); each miss comes with the model's reason for it and its kind
(model structure, definition, source: ``passerelle.config.target_model.GAP_KINDS``),
coloured by kind in the plot."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from passerelle.apps.site.figures import figure, svg
from passerelle.apps.site.markdown import table
from passerelle.config.target_model import GAP_KINDS

WORDS = {
    "fr": {
        "title": "Validation",
        "intro": (
            "Le scénario de référence (simulation de {start} à {end}) est comparé à chaque "
            "cible à l'année de référence de sa source (colonne « période comparée » : les "
            "stocks au dernier mois de l'année, les flux sur ses 12 mois ; une année "
            "antérieure à la simulation est lue sur la première année simulée), et sur les "
            "12 derniers mois simulés ({first} à {last}) pour les cibles de calibration. "
            "C'est une simulation "
            "réelle (`passerelle targets`, la référence sur la Région de Bruxelles-Capitale "
            "et sur une population belge), refaite par `make docs` dès que le code du modèle "
            "ou ses chiffres sourcés changent, et gardée en cache sinon. Les cibles de "
            "**calibration** sont ajustées (dans l'échantillon) ; les cibles de "
            "**validation** ne le sont jamais (hors échantillon). Chaque chiffre publié est "
            "comparé à la grandeur du modèle selon la définition de sa source (recours sur "
            "un an plutôt que prévalence un jour donné, population de l'enquête, année). La "
            "bande d'acceptation est l'incertitude du chiffre publié, fixée avant de "
            "regarder le modèle (voir `passerelle/config/target_model.py`). Noms des cibles, "
            "définitions et sources tels que dans le code."),
        "summary": "{role} : {passed} cibles sur {total} sont dans leur bande.",
        "calibration": "Calibration (dans l'échantillon)",
        "validation": "Validation (hors échantillon)",
        "target": "cible", "population": "population", "model": "modèle",
        "value": "valeur publiée", "band": "bande", "result": "résultat", "source": "source",
        "why": "justification de la bande", "pass": "dans la bande", "fail": "hors bande",
        "definition": "définition de la grandeur du modèle", "reason": "raison de l'écart",
        "seeded": "entrée du modèle", "compared": "période comparée",
        "kind": "nature de l'écart",
        "kinds": {"structure": "structure du modèle manquante",
                  "definition": "définition différente", "source": "incertitude de la source"},
        "plot": "Valeur du modèle (point ; rond : calibration, losange : validation ; "
                "couleur : dans la bande, ou nature de l'écart) et bande d'acceptation "
                "(barre), relatives à la valeur publiée (trait vertical = 1)",
        "axis": "rapport à la valeur publiée", "alt": "Graphique des cibles",
        "plot_title": "Graphique", "table_title": "Tableaux", "bands": "Bandes et définitions",
        "misses": "Écarts expliqués",
        "misses_intro": ("Pour chaque cible hors bande, la nature de l'écart (une structure "
                         "qui manque au modèle, une définition de la source que sa grandeur "
                         "ne peut suivre, ou l'incertitude de la source) et sa raison (en "
                         "anglais, telle que dans le code) :"),
        "seeded_note": ("Une cible dont le chiffre est aussi une entrée du modèle (colonne "
                        "« entrée du modèle ») teste sa dynamique depuis ce départ, pas sa "
                        "structure."),
    },
    "en": {
        "title": "Validation",
        "intro": (
            "The baseline (a run from {start} to {end}) is compared with every target at its "
            "source's reference year (column 'months compared': stocks at the year's last "
            "month, flows over its 12 months; a year before the run is read on the first "
            "simulated year), and over the last 12 simulated months ({first} to {last}) for "
            "the calibration targets. It is a real run (`passerelle "
            "targets`, the baseline on the Brussels-Capital Region and on a Belgian "
            "population), redone by `make docs` whenever the model's code or its sourced "
            "figures change, and cached otherwise. **Calibration** targets are fitted (in "
            "sample); **validation** targets never are (out of sample). Each published "
            "figure is compared with the model's quantity under its source's own definition "
            "(recourse over a year rather than prevalence on a day, the survey's population, "
            "the year). The acceptance band is the uncertainty of the published figure, "
            "fixed before looking at the model (see `passerelle/config/target_model.py`)."),
        "summary": "{role}: {passed} of {total} targets lie in their band.",
        "calibration": "Calibration (in sample)",
        "validation": "Validation (out of sample)",
        "target": "target", "population": "population", "model": "model",
        "value": "published value", "band": "band", "result": "result", "source": "source",
        "why": "why this band", "pass": "in band", "fail": "out of band",
        "definition": "definition of the model's quantity", "reason": "reason for the miss",
        "seeded": "model input", "compared": "months compared", "kind": "kind of miss",
        "kinds": GAP_KINDS,
        "plot": "The model's value (dot: calibration, diamond: validation; colour: in band, "
                "or the kind of miss) and the acceptance band (bar), relative to the "
                "published value (vertical line = 1)",
        "axis": "ratio to the published value", "alt": "Plot of the targets",
        "plot_title": "Plot", "table_title": "Tables", "bands": "Bands and definitions",
        "misses": "Misses explained",
        "misses_intro": ("For each target out of its band, the kind of miss (a piece of "
                         "structure the model lacks, a definition of the source its quantity "
                         "cannot follow, or the source's own uncertainty) and its reason:"),
        "seeded_note": ("A target whose figure is also a model input (column 'model input') "
                        "tests the model's dynamics from that start, not its structure."),
    },
}
PLOT = "figures/validation.svg"
ROLES = ("calibration", "validation")
RATIO_TICKS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)
PASS_COLOUR = "#1b5e20"
KIND_COLOURS = {"structure": "#b71c1c", "definition": "#e65100", "source": "#6a1b9a"}


def _colour(check: dict) -> str:
    return PASS_COLOUR if check["passed"] else KIND_COLOURS.get(check["gap_kind"], "#555555")


def value(number: float, unit: str) -> str:
    """A target's number as the pages print it: shares in per cent, two decimals under
    100, whole numbers with a thin space between thousands above.

    Examples
    --------
    >>> value(0.084, "share 0-1"), value(9.35, "per 1,000"), value(52000.0, "persons")
    ('8.40 %', '9.35', '52 000')
    """
    if unit.startswith("share"):
        return f"{100 * number:.2f} %"
    if abs(number) < 100:
        return f"{number:.2f}"
    return f"{number:,.0f}".replace(",", " ")


def plot(language: str, run: dict) -> str:
    """SVG: for each target the band and the model's value (with its 95% posterior
    predictive interval as a line when the checks carry one), relative to the published
    value (calibration targets first, then validation targets)."""
    words = WORDS[language]
    checks = [c for role in ROLES for c in run["checks"] if c["role"] == role]
    fig, ax = figure(7.5, 0.32 * len(checks) + 1.0)
    y = np.arange(len(checks))[::-1]
    for row, check in zip(y, checks, strict=True):
        low, high = check["low"] / check["value"], check["high"] / check["value"]
        ax.plot([low, high], [row, row], color="#9fb8d8", linewidth=7, solid_capstyle="butt")
        if "ppi_low" in check:  # over a posterior: its 95% predictive interval
            ax.plot([check["ppi_low"] / check["value"], check["ppi_high"] / check["value"]],
                    [row, row], color=_colour(check), linewidth=1.2)
        marker = "o" if check["role"] == "calibration" else "D"
        ax.plot(check["model"] / check["value"], row, marker, color=_colour(check),
                markersize=6)
    ax.axvline(1.0, color="#333333", linewidth=0.8)
    calibrated = sum(c["role"] == "calibration" for c in checks)
    if 0 < calibrated < len(checks):
        ax.axhline(len(checks) - calibrated - 0.5, color="#999999", linewidth=0.6,
                   linestyle="--")
    ax.set_yticks(y, [c["target"] for c in checks], fontsize=8)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(RATIO_TICKS))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(words["axis"])
    ax.spines[["top", "right"]].set_visible(False)
    legend = [(PASS_COLOUR, words["pass"])] + [
        (KIND_COLOURS[kind], words["kinds"][kind]) for kind in GAP_KINDS
        if any(not c["passed"] and c["gap_kind"] == kind for c in checks)]
    ax.legend([Line2D([], [], marker="D", linestyle="", color=c) for c, _ in legend],
              [label for _, label in legend], loc="lower left", bbox_to_anchor=(0.0, 1.0),
              ncol=len(legend), frameon=False, fontsize=8)
    return svg(fig)


def _tables(words: dict, checks: list[dict]) -> list[str]:
    header = [words[k] for k in ("target", "population", "compared", "model", "value", "band",
                                 "result", "kind", "seeded", "source")]
    lines = []
    for role in ROLES:
        rows = [[c["target"], c["population"], c["compared"], value(c["model"], c["unit"]),
                 value(c["value"], c["unit"]),
                 f"{value(c['low'], c['unit'])} – {value(c['high'], c['unit'])}",
                 words["pass"] if c["passed"] else words["fail"],
                 words["kinds"][c["gap_kind"]] if c["gap_kind"] else "–",
                 c["seeded"] or "–", c["source"]] for c in checks if c["role"] == role]
        lines += [f"### {words[role]}", "", table(header, rows), ""]
    return lines


def page(language: str, run: dict) -> str:
    """The validation page in ``language`` from the cached run."""
    words = WORDS[language]
    checks = run["checks"]
    first, last = run["compared"]
    start, end = run["months"]
    summaries = []
    for role in ROLES:
        chosen = [c for c in checks if c["role"] == role]
        summaries += ["**" + words["summary"].format(
            role=words[role], passed=sum(c["passed"] for c in chosen), total=len(chosen))
            + "**", ""]
    misses = [[c["target"], words["kinds"].get(c["gap_kind"], "–"), c["gap"] or "–"]
              for c in checks if not c["passed"]]
    return "\n".join([
        f"# {words['title']}", "",
        words["intro"].format(first=first, last=last, start=start, end=end), "",
        *summaries,
        f"## {words['plot_title']}", "",
        f"![{words['alt']}]({PLOT})", "", f"*{words['plot']}.*", "",
        f"## {words['table_title']}", "", words["seeded_note"], "",
        *_tables(words, checks),
        f"## {words['misses']}", "", words["misses_intro"], "",
        table([words["target"], words["kind"], words["reason"]], misses), "",
        f"## {words['bands']}", "",
        table([words["target"], words["why"], words["definition"]],
              [[c["target"], c["band"], c["definition"]] for c in checks]), "",
    ])
