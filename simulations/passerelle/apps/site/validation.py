"""The validation page: each calibration target against the model's value, with its band,
as a table and a plot, from the cached real run (``model_run``)."""

from __future__ import annotations

import numpy as np

from passerelle.apps.site.figures import figure, svg
from passerelle.apps.site.markdown import table

WORDS = {
    "fr": {
        "title": "Validation",
        "intro": (
            "Le scénario de référence est comparé à chaque cible de calibration sur les 12 "
            "derniers mois simulés ({first} à {last}, simulation de {start} à {end}) : une "
            "simulation réelle "
            "(`passerelle targets`, la référence sur la Région de Bruxelles-Capitale et sur une "
            "population belge), refaite par `make docs` dès que le code du modèle ou ses "
            "chiffres sourcés changent, et gardée en cache sinon. La bande d'acceptation est "
            "l'incertitude du chiffre publié, fixée avant de regarder le modèle (voir "
            "`passerelle/config/targets.py`). Noms des cibles et sources tels que dans le code."),
        "summary": "{passed} cibles sur {total} sont dans leur bande.",
        "target": "cible", "population": "population", "model": "modèle",
        "value": "valeur publiée", "band": "bande", "result": "résultat", "source": "source",
        "why": "justification de la bande", "pass": "dans la bande", "fail": "hors bande",
        "plot": "Valeur du modèle (point) et bande d'acceptation (barre), relatives à la "
                "valeur publiée (trait vertical = 1)",
        "axis": "rapport à la valeur publiée", "alt": "Graphique des cibles de calibration",
        "plot_title": "Graphique", "table_title": "Tableau", "bands": "Bandes",
    },
    "en": {
        "title": "Validation",
        "intro": (
            "The baseline is compared with every calibration target over the last 12 simulated "
            "months ({first} to {last}, of a run from {start} to {end}): a real run "
            "(`passerelle targets`, the baseline on the "
            "Brussels-Capital Region and on a Belgian population), redone by `make docs` "
            "whenever the model's code or its sourced figures change, and cached otherwise. The "
            "acceptance band is the uncertainty of the published figure, fixed before looking "
            "at the model (see `passerelle/config/targets.py`)."),
        "summary": "{passed} of {total} targets lie in their band.",
        "target": "target", "population": "population", "model": "model",
        "value": "published value", "band": "band", "result": "result", "source": "source",
        "why": "why this band", "pass": "in band", "fail": "out of band",
        "plot": "The model's value (dot) and the acceptance band (bar), relative to the "
                "published value (vertical line = 1)",
        "axis": "ratio to the published value", "alt": "Plot of the calibration targets",
        "plot_title": "Plot", "table_title": "Table", "bands": "Bands",
    },
}
PLOT = "figures/validation.svg"


def _value(value: float, unit: str) -> str:
    if unit.startswith("share"):
        return f"{100 * value:.2f} %"
    return f"{value:,.0f}".replace(",", " ")


def plot(language: str, run: dict) -> str:
    """SVG: for each target the band and the model's value, relative to the published value."""
    words = WORDS[language]
    checks = run["checks"]
    fig, ax = figure(7.5, 0.55 * len(checks) + 1.0)
    y = np.arange(len(checks))[::-1]
    for row, check in zip(y, checks, strict=True):
        low, high = check["low"] / check["value"], check["high"] / check["value"]
        ax.plot([low, high], [row, row], color="#9fb8d8", linewidth=9, solid_capstyle="butt")
        colour = "#1b5e20" if check["passed"] else "#b71c1c"
        ax.plot(check["model"] / check["value"], row, "o", color=colour, markersize=7)
    ax.axvline(1.0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, [c["target"] for c in checks])
    ax.set_xlabel(words["axis"])
    ax.spines[["top", "right"]].set_visible(False)
    return svg(fig)


def page(language: str, run: dict) -> str:
    """The validation page in ``language`` from the cached run."""
    words = WORDS[language]
    checks = run["checks"]
    first, last = run["compared"]
    start, end = run["months"]
    rows = [[c["target"], c["population"], _value(c["model"], c["unit"]),
             _value(c["value"], c["unit"]),
             f"{_value(c['low'], c['unit'])} – {_value(c['high'], c['unit'])}",
             words["pass"] if c["passed"] else words["fail"], c["source"]] for c in checks]
    header = [words[k] for k in ("target", "population", "model", "value", "band", "result",
                                 "source")]
    return "\n".join([
        f"# {words['title']}", "",
        words["intro"].format(first=first, last=last, start=start, end=end), "",
        "**" + words["summary"].format(passed=sum(c["passed"] for c in checks),
                                       total=len(checks)) + "**", "",
        f"## {words['plot_title']}", "",
        f"![{words['alt']}]({PLOT})", "", f"*{words['plot']}.*", "",
        f"## {words['table_title']}", "",
        table(header, rows), "",
        f"## {words['bands']}", "",
        table([words["target"], words["why"]], [[c["target"], c["band"]] for c in checks]), "",
    ])
