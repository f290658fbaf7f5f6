"""The validation page: every calibration target (in sample) and validation target (out of
sample) against the model's value, with its band, as a table and a plot, from the cached
real run (``model_run``); each miss comes with the model's structural reason for it."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

from passerelle.apps.site.figures import figure, svg
from passerelle.apps.site.markdown import table

WORDS = {
    "fr": {
        "title": "Validation",
        "intro": (
            "Le scénario de référence est comparé à chaque cible sur les 12 derniers mois "
            "simulés ({first} à {last}, simulation de {start} à {end}) : une simulation "
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
        "seeded": "entrée du modèle",
        "plot": "Valeur du modèle (point ; rond : calibration, losange : validation) et "
                "bande d'acceptation (barre), relatives à la valeur publiée (trait vertical "
                "= 1)",
        "axis": "rapport à la valeur publiée", "alt": "Graphique des cibles",
        "plot_title": "Graphique", "table_title": "Tableaux", "bands": "Bandes et définitions",
        "misses": "Écarts expliqués",
        "misses_intro": ("Pour chaque cible hors bande, la raison structurelle du modèle "
                         "(en anglais, telle que dans le code) :"),
        "seeded_note": ("Une cible dont le chiffre est aussi une entrée du modèle (colonne "
                        "« entrée du modèle ») teste sa dynamique depuis ce départ, pas sa "
                        "structure."),
    },
    "en": {
        "title": "Validation",
        "intro": (
            "The baseline is compared with every target over the last 12 simulated months "
            "({first} to {last}, of a run from {start} to {end}): a real run (`passerelle "
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
        "seeded": "model input",
        "plot": "The model's value (dot: calibration, diamond: validation) and the "
                "acceptance band (bar), relative to the published value (vertical line = 1)",
        "axis": "ratio to the published value", "alt": "Plot of the targets",
        "plot_title": "Plot", "table_title": "Tables", "bands": "Bands and definitions",
        "misses": "Misses explained",
        "misses_intro": "For each target out of its band, the model's structural reason:",
        "seeded_note": ("A target whose figure is also a model input (column 'model input') "
                        "tests the model's dynamics from that start, not its structure."),
    },
}
PLOT = "figures/validation.svg"
ROLES = ("calibration", "validation")
RATIO_TICKS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)


def _value(value: float, unit: str) -> str:
    if unit.startswith("share"):
        return f"{100 * value:.2f} %"
    if abs(value) < 100:
        return f"{value:.2f}"
    return f"{value:,.0f}".replace(",", " ")


def plot(language: str, run: dict) -> str:
    """SVG: for each target the band and the model's value, relative to the published value
    (calibration targets first, then validation targets)."""
    words = WORDS[language]
    checks = [c for role in ROLES for c in run["checks"] if c["role"] == role]
    fig, ax = figure(7.5, 0.32 * len(checks) + 1.0)
    y = np.arange(len(checks))[::-1]
    for row, check in zip(y, checks, strict=True):
        low, high = check["low"] / check["value"], check["high"] / check["value"]
        ax.plot([low, high], [row, row], color="#9fb8d8", linewidth=7, solid_capstyle="butt")
        colour = "#1b5e20" if check["passed"] else "#b71c1c"
        marker = "o" if check["role"] == "calibration" else "D"
        ax.plot(check["model"] / check["value"], row, marker, color=colour, markersize=6)
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
    return svg(fig)


def _tables(words: dict, checks: list[dict]) -> list[str]:
    header = [words[k] for k in ("target", "population", "model", "value", "band", "result",
                                 "seeded", "source")]
    lines = []
    for role in ROLES:
        rows = [[c["target"], c["population"], _value(c["model"], c["unit"]),
                 _value(c["value"], c["unit"]),
                 f"{_value(c['low'], c['unit'])} – {_value(c['high'], c['unit'])}",
                 words["pass"] if c["passed"] else words["fail"], c["seeded"] or "–",
                 c["source"]] for c in checks if c["role"] == role]
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
    misses = [[c["target"], c["gap"]] for c in checks if not c["passed"]]
    return "\n".join([
        f"# {words['title']}", "",
        words["intro"].format(first=first, last=last, start=start, end=end), "",
        *summaries,
        f"## {words['plot_title']}", "",
        f"![{words['alt']}]({PLOT})", "", f"*{words['plot']}.*", "",
        f"## {words['table_title']}", "", words["seeded_note"], "",
        *_tables(words, checks),
        f"## {words['misses']}", "", words["misses_intro"], "",
        table([words["target"], words["reason"]], misses), "",
        f"## {words['bands']}", "",
        table([words["target"], words["why"], words["definition"]],
              [[c["target"], c["band"], c["definition"]] for c in checks]), "",
    ])
