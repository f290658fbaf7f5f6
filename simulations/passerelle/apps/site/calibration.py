"""The calibration page: the built-in posterior ensemble (``passerelle calibrate``'s, whose
representative set the built-in defaults are), its parameters against their priors, which
ones the targets identify, its marginals and correlated pairs; and every target over
parameter sets drawn from it (the posterior predictive checks recorded beside it by
``passerelle targets --posterior --record``). Both files are read, nothing is simulated."""

from __future__ import annotations

import json
from pathlib import Path

from passerelle.apps.calibration.ensemble import read_posterior
from passerelle.apps.calibration.report import (
    against_defaults,
    correlated_pairs,
    marginals_svg,
    pairs_svg,
    weighted_summary,
)
from passerelle.apps.site import validation
from passerelle.apps.site.markdown import table
from passerelle.config.scenario_files import POSTERIOR_FILE, PREDICTIVE_FILE

MARGINALS, PAIRS, PREDICTIVE = ("figures/calibration-marginals.svg",
                                "figures/calibration-pairs.svg", "figures/predictive.svg")
WORDS = {
    "fr": {
        "title": "Calibration",
        "intro": (
            "Les {parameters} paramètres libres du modèle sont ajustés aux {targets} cibles "
            "de calibration par ABC-SMC (pyabc, `passerelle calibrate`) : chaque paramètre "
            "a une loi a priori uniforme tirée de sa provenance (`passerelle.apps."
            "calibration.priors`), et la distance est le plus grand écart à une cible en "
            "unités de sa bande (1 : toutes les cibles dans leur bande). Ensemble a "
            "posteriori de {particles} jeux de paramètres pondérés, après {generations} "
            "générations et {simulations} simulations de {population} personnes sur {months} "
            "mois (graine {seed}) ; tolérance finale {epsilon}. Passerelle {version}, "
            "commit `{commit}`. Le jeu représentatif de l'ensemble est la particule la plus "
            "proche des médianes marginales."),
        "are_defaults": ("Les valeurs par défaut des scénarios intégrés sont ce jeu "
                         "représentatif (provenance `calibrated` dans les "
                         "[paramètres](parameters.md))."),
        "not_defaults": ("**Les valeurs par défaut des scénarios intégrés ne sont pas ce jeu "
                         "représentatif** (colonne « valeur par défaut ») : elles restent "
                         "ajustées à la main tant que la calibration n'a pas convergé."),
        "unconverged": ("**Non convergée** : la tolérance dépasse 1, des jeux de cet "
                        "ensemble peuvent placer une cible hors de sa bande."),
        "parameters": "Paramètres",
        "head": ["paramètre", "a priori", "moyenne a posteriori", "intervalle à 90 %",
                 "é.-t. / é.-t. a priori", "identifié", "jeu représentatif",
                 "valeur par défaut", "provenance"],
        "yes": "oui", "no": "**non**",
        "unidentified": "Non identifiés par ces cibles (écart-type a posteriori au-delà de "
                        "0,7 fois celui de la loi a priori) : {names}.",
        "none": "aucun",
        "marginals": "Lois marginales a posteriori",
        "marginals_caption": "Histogrammes pondérés ; la ligne rouge est la densité de la "
                             "loi a priori uniforme.",
        "pairs": "Paires les plus corrélées",
        "pair_head": ["paramètre", "paramètre", "corrélation pondérée"],
        "predictive": "Toutes les cibles sur l'ensemble a posteriori",
        "predictive_intro": (
            "{sets} jeux tirés de l'ensemble (selon leurs poids), chacun sur sa propre "
            "graine, de sorte que l'intervalle prédictif à 95 % réunit l'incertitude des "
            "paramètres et celle de Monte-Carlo ; {overrides}. Une cible passe quand la "
            "médiane sur les jeux est dans sa bande. Les cibles de validation n'ont jamais "
            "été ajustées (hors échantillon). Enregistré par Passerelle {version}, commit "
            "`{commit}` (`passerelle targets --posterior --record`)."),
        "defaults": "population et durée par défaut",
        "summary": "{role} : la médiane de {passed} cibles sur {total} est dans sa bande.",
        "predictive_head": ["cible", "ensemble", "médiane", "intervalle prédictif à 95 %",
                            "valeur publiée", "bande", "jeux dans la bande", "résultat"],
        "in": "calibration", "out": "validation",
        "pass": "dans la bande", "fail": "hors bande",
        "plot_caption": ("Médiane (point), intervalle prédictif à 95 % (trait) et bande "
                         "d'acceptation (barre), relatifs à la valeur publiée."),
        "missing": ("Aucun ensemble a posteriori n'est livré avec cette version "
                    "(`passerelle calibrate` l'écrit)."),
        "no_predictive": "Aucun contrôle prédictif n'est enregistré pour cet ensemble.",
        "fitted": "cible ajustée",
        "unmet": ("l'ensemble a posteriori ne l'atteint pas (tolérance {epsilon} ; 1 : toutes "
                  "les cibles de calibration dans leur bande sur les simulations de la "
                  "calibration)"),
    },
    "en": {
        "title": "Calibration",
        "intro": (
            "The model's {parameters} free parameters are fitted to the {targets} "
            "calibration targets by ABC-SMC (pyabc, `passerelle calibrate`): each parameter "
            "has a uniform prior from its provenance (`passerelle.apps.calibration.priors`), "
            "and the distance is the largest deviation from a target in units of its band "
            "(1: every target in its band). Posterior ensemble of {particles} weighted "
            "parameter sets, after {generations} generations and {simulations} simulations "
            "of {population} people over {months} months (seed {seed}); final tolerance "
            "{epsilon}. Passerelle {version}, commit `{commit}`. The ensemble's "
            "representative set is the particle nearest the marginal medians."),
        "are_defaults": ("The built-in scenarios' defaults are this representative set "
                         "(provenance `calibrated` in the [parameters](parameters.md))."),
        "not_defaults": ("**The built-in scenarios' defaults are not this representative "
                         "set** (column 'default'): they stay fitted by hand until the "
                         "calibration converges."),
        "unconverged": ("**Not converged**: the tolerance is above 1, so sets of this "
                        "ensemble may put a target outside its band."),
        "parameters": "Parameters",
        "head": ["parameter", "prior", "posterior mean", "90% interval", "sd / prior sd",
                 "identified", "representative set", "default", "provenance"],
        "yes": "yes", "no": "**no**",
        "unidentified": "Not identified by these targets (posterior sd above 0.7 of the "
                        "prior's): {names}.",
        "none": "none",
        "marginals": "Marginal posteriors",
        "marginals_caption": "Weighted histograms; the red line is the uniform prior's "
                             "density.",
        "pairs": "Most correlated pairs",
        "pair_head": ["parameter", "parameter", "weighted correlation"],
        "predictive": "Every target over the posterior",
        "predictive_intro": (
            "{sets} sets drawn from the ensemble (by weight), each on its own seed, so that "
            "the 95% predictive interval holds parameter and Monte Carlo uncertainty "
            "together; {overrides}. A target passes when the median over sets lies in its "
            "band. Validation targets were never fitted (out of sample). Recorded by "
            "Passerelle {version}, commit `{commit}` (`passerelle targets --posterior "
            "--record`)."),
        "defaults": "default population and length",
        "summary": "{role}: the median of {passed} of {total} targets lies in its band.",
        "predictive_head": ["target", "set", "median", "95% predictive interval",
                            "published value", "band", "sets in band", "result"],
        "in": "calibration", "out": "validation",
        "pass": "in band", "fail": "out of band",
        "plot_caption": ("Median (dot), 95% predictive interval (line) and acceptance band "
                         "(bar), relative to the published value."),
        "missing": ("No posterior ensemble ships with this version (`passerelle calibrate` "
                    "writes one)."),
        "no_predictive": "No predictive check is recorded for this ensemble.",
        "fitted": "fitted target",
        "unmet": ("the posterior ensemble does not meet it (tolerance {epsilon}; 1: every "
                  "calibration target in its band on the calibration's own simulations)"),
    },
}


def _count(number: int, language: str) -> str:
    return f"{number:,}".replace(",", " " if language == "fr" else ",")


def _number(value: float) -> str:
    return f"{value:.3g}"


def _parameters(words: dict, posterior, meta: dict) -> list[str]:
    priors = meta["priors"]
    summary = weighted_summary(posterior, priors)
    compared = against_defaults(posterior, priors).set_index("parameter")
    provenance = {p["name"]: (p["low"], p["high"], p["unit"], p["provenance"]) for p in priors}
    rows = []
    for r in summary.itertuples():
        low, high, unit, why = provenance[r.parameter]
        rows.append([f"`{r.parameter}`", f"{low:g} – {high:g} ({unit})", _number(r.mean),
                     f"{_number(r.q05)} – {_number(r.q95)}", f"{r.sd_ratio:.2f}",
                     words["yes"] if r.identified else words["no"],
                     f"{compared.loc[r.parameter, 'representative']:.4g}",
                     f"{compared.loc[r.parameter, 'default']:.4g}", why])
    unidentified = [f"`{r.parameter}`" for r in summary.itertuples() if not r.identified]
    pairs = correlated_pairs(posterior, [p["name"] for p in priors])
    return [words["are_defaults" if compared["same"].all() else "not_defaults"], "",
            f"## {words['parameters']}", "", table(words["head"], rows), "",
            words["unidentified"].format(names=", ".join(unidentified) or words["none"]), "",
            f"## {words['marginals']}", "", f"![]({MARGINALS})", "",
            f"*{words['marginals_caption']}*", "",
            f"## {words['pairs']}", "", f"![]({PAIRS})", "",
            table(words["pair_head"], [[f"`{x}`", f"`{y}`", f"{r:+.2f}"] for x, y, r in pairs]),
            ""]


def _predictive(words: dict, record: dict, language: str) -> list[str]:
    checks = record["checks"]
    lines = [f"## {words['predictive']}", "", words["predictive_intro"].format(
        sets=record["sets"], version=record["software"]["version"],
        commit=record["software"]["commit"],
        overrides=", ".join(f"`{o}`" for o in record["overrides"]) or words["defaults"]), ""]
    for role in validation.ROLES:
        chosen = [c for c in checks if c["role"] == role]
        lines += ["**" + words["summary"].format(
            role=words["in" if role == "calibration" else "out"],
            passed=sum(c["passed"] for c in chosen), total=len(chosen)) + "**", ""]
    rows = [[c["target"], words["in" if c["role"] == "calibration" else "out"],
             validation.value(c["model"], c["unit"]),
             f"{validation.value(c['ppi_low'], c['unit'])} – "
             f"{validation.value(c['ppi_high'], c['unit'])}",
             validation.value(c["value"], c["unit"]),
             f"{validation.value(c['low'], c['unit'])} – {validation.value(c['high'], c['unit'])}",
             f"{c['in_band']:.0%}", words["pass"] if c["passed"] else words["fail"]]
            for c in checks]
    shared = validation.WORDS[language]
    unmet = words["unmet"].format(epsilon=f"{record['posterior'].get('epsilon', 0):.2f}")
    misses = [[c["target"], words["fitted"], unmet] if c["role"] == "calibration" else
              [c["target"], shared["kinds"].get(c["gap_kind"], "–"), c["gap"] or "–"]
              for c in checks if not c["passed"]]
    explained = ([f"## {shared['misses']}", "", shared["misses_intro"], "",
                  table([shared["target"], shared["kind"], shared["reason"]], misses), ""]
                 if misses else [])
    return [*lines, f"![]({PREDICTIVE})", "", f"*{words['plot_caption']}*", "",
            table(words["predictive_head"], rows), "", *explained]


def files(language: str, posterior: Path = POSTERIOR_FILE, predictive: Path = PREDICTIVE_FILE
          ) -> dict[str, str]:
    """The page (``calibration.md``) and its figures in ``language``, from the posterior
    file and its recorded predictive checks (when present)."""
    words = WORDS[language]
    if not Path(posterior).exists():
        return {"calibration.md": f"# {words['title']}\n\n{words['missing']}\n"}
    ensemble, meta = read_posterior(Path(posterior))
    settings, software = meta["settings"], meta["software"]
    lines = [f"# {words['title']}", "", words["intro"].format(
        parameters=len(meta["priors"]), targets=len(meta["targets"]), particles=len(ensemble),
        generations=meta["generations"], simulations=_count(meta["simulations"], language),
        population=_count(settings["population"], language), months=settings["months"],
        seed=settings["seed"], epsilon=f"{meta['epsilon']:.3f}", version=software["version"],
        commit=software["commit"]), ""]
    if meta["epsilon"] > 1:
        lines += [words["unconverged"], ""]
    lines += _parameters(words, ensemble, meta)
    out = {MARGINALS: marginals_svg(ensemble, meta["priors"]),
           PAIRS: pairs_svg(ensemble, correlated_pairs(ensemble, [p["name"] for p in
                                                                  meta["priors"]]))}
    if Path(predictive).exists():
        record = json.loads(Path(predictive).read_text(encoding="utf-8"))
        lines += _predictive(words, record, language)
        out[PREDICTIVE] = validation.plot(language, {"checks": record["checks"]})
    else:
        lines += [words["no_predictive"], ""]
    out["calibration.md"] = "\n".join(lines)
    return out
