"""All the generated pages of one language of the site.

``generated(language, places)`` returns a ``Generated``: the files to add to the build
(``{site path: text or bytes}``) and the navigation of the generated sections (the data
sets, the course). The course (French only)
releases the student notebooks into ``places.workdir``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from passerelle.apps.site import (
    calibration,
    cite,
    cli_reference,
    course,
    datasheets,
    evaluation,
    model_figures,
    parameters,
    validation,
)
from passerelle.apps.site.markdown import repository_paths, wide
from passerelle.apps.site.model_run import model_run

INSTRUCTORS = "course/enseignants.md"
STYLESHEET = "assets/passerelle.css"  # docs/assets/, shared by both languages
REPLICATIONS = {
    "fr": ("# Biais, couverture et puissance\n\n"
           "Réplications réelles du laboratoire d'évaluation "
           "(`passerelle.evaluate.designs.replicate`), refaites par `make docs` quand le "
           "modèle change et gardées en cache sinon : l'essai randomisé individuel tiré {r} "
           "fois sur une même paire de simulations (inférence par randomisation sur une "
           "cohorte). Avec des résultats autodéclarés (`reporting=0.8`), l'estimation est "
           "attendue biaisée vers zéro d'un cinquième (un biais de +0,2 × |vérité|). Les "
           "unités sont celles de la vérité (par participant, sur la période "
           "post-intervention). Voir [le laboratoire](evaluation.md).\n\n"),
    "en": ("# Bias, coverage and power\n\n"
           "Real replications of the evaluation lab "
           "(`passerelle.evaluate.designs.replicate`), redone by `make docs` when the model "
           "changes and cached otherwise: the individually randomised trial drawn {r} times "
           "on one pair of simulations (randomisation inference on one cohort). With "
           "self-reported outcomes (`reporting=0.8`) the estimate is expected to be biased "
           "towards zero by a fifth (a bias of +0.2 × |truth|). Units are the truth's (per "
           "participant, over the post-period). See [the lab](evaluation.md).\n\n"),
}


@dataclass(frozen=True)
class Places:
    """Where the generator reads and writes: the repository, the cache of real runs, the
    course folder and a scratch folder for nbgrader's release."""

    root: Path
    cache: Path
    course: Path
    workdir: Path


@dataclass
class Generated:
    """Files to add to the build, and navigation sections: a nav entry pointing at a key
    of ``sections`` becomes that list of ``{title: path}``."""

    files: dict[str, str | bytes] = field(default_factory=dict)
    sections: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def generated(language: str, places: Places) -> Generated:
    """Every generated page and figure of ``language`` (``"fr"`` or ``"en"``)."""
    run = model_run(places.cache)
    out = Generated({
        "parameters.md": wide(parameters.page(language)),
        "validation.md": wide(validation.page(language, run)),
        validation.PLOT: validation.plot(language, run),
        "figures/cascade.svg": model_figures.cascade(language),
        "figures/barriers.svg": model_figures.barriers(language, run),
        "reference/cli.md": cli_reference.page(language),
        "replications.md": wide(REPLICATIONS[language].format(r=evaluation.REPLICATIONS)
                                + evaluation.summary_table(
                                    language, evaluation.replications(places.cache)) + "\n"),
        "datasets/index.md": datasheets.index(places.root / "datasets", language),
        **calibration.files(language),
        "cite.md": cite.page(places.root, language),
        STYLESHEET: (places.root / "docs" / STYLESHEET).read_text(encoding="utf-8"),
    })
    overview = {"fr": "Vue d'ensemble", "en": "Overview"}[language]
    out.sections["datasets/index.md"] = [{overview: "datasets/index.md"}]
    for sheet in datasheets.datasheets(places.root / "datasets"):
        path = f"datasets/{sheet.stem}.md"
        out.files[path] = datasheets.sheet(sheet, language)
        out.sections["datasets/index.md"].append({sheet.stem: path})
    if language == "fr":
        _course(places, out)
    return out


def _course(places: Places, out: Generated) -> None:
    notebooks = course.notebooks(places.course, places.workdir)
    readme = places.course / "README.md"
    instructors = None
    if readme.exists():
        out.files[INSTRUCTORS] = repository_paths(readme.read_text(encoding="utf-8"),
                                                  "course")
        instructors = Path(INSTRUCTORS).name
    out.files["course/index.md"] = course.index(places.course, notebooks, instructors)
    nav = out.sections["course/index.md"] = [{"Accueil du cours": "course/index.md"}]
    for notebook in notebooks:
        out.files[notebook.path] = notebook.markdown
        out.files.update(notebook.files)
        nav.append({notebook.title: notebook.path})
    if instructors:
        nav.append({"Guide des enseignants": INSTRUCTORS})
