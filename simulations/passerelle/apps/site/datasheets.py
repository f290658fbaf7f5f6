"""The data sets pages: each bilingual datasheet of ``datasets/*.md`` cut to one language.

A datasheet has a title ``# `name` — French title / English title``, a short common head
(how to load it) and two sections, ``## Français`` and ``## English``, each with its
columns table. A page keeps the head and its language's section (headings raised by one
level); links to data files, which the site does not publish, become their repository
path.
"""

from __future__ import annotations

import re
from pathlib import Path

from passerelle.apps.site.markdown import repository_paths, table

SECTIONS = {"fr": "## Français", "en": "## English"}
WORDS = {
    "fr": {"title": "Jeux de données",
           "intro": ("Les chiffres sourcés et les jeux de données synthétiques de `datasets/`, "
                     "chacun avec sa fiche (origine, génération, colonnes, usages). Les "
                     "microdonnées sont synthétiques : aucune personne réelle n'y figure. "
                     "`passerelle.datasets.load(nom)` rend un DataFrame validé."),
           "name": "jeu de données", "what": "contenu"},
    "en": {"title": "Data sets",
           "intro": ("The sourced figures and the synthetic data sets of `datasets/`, each with "
                     "its datasheet (origin, generation, columns, uses). The microdata are "
                     "synthetic: no real person is in them. `passerelle.datasets.load(name)` "
                     "returns a validated DataFrame."),
           "name": "data set", "what": "contents"},
}


def datasheets(folder: Path) -> list[Path]:
    """The datasheets of ``folder`` (``datasets/``), sorted by name."""
    return sorted(p for p in Path(folder).glob("*.md") if SECTIONS["en"] in p.read_text("utf-8"))


def title(text: str, language: str) -> str:
    """The datasheet's title in ``language``: ``name — title``."""
    first = text.splitlines()[0].removeprefix("# ")
    name, _, titles = first.partition(" — ")
    french, _, english = titles.rpartition(" / ")
    return f"{name} — {french if language == 'fr' else english}" if english else first


def sheet(path: Path, language: str) -> str:
    """The datasheet at ``path`` in ``language``, ready for the site."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(SECTIONS["fr"])
    french, _, english = rest.partition(SECTIONS["en"])
    body = french if language == "fr" else english
    head_lines = head.splitlines()[1:]
    raised = re.sub(r"^###", "##", body, flags=re.MULTILINE)
    page = "\n".join([f"# {title(text, language)}", *head_lines, raised.strip(), ""])
    return repository_paths(page, path.parent.name)


def index(folder: Path, language: str) -> str:
    """The data sets' index page: one row per datasheet."""
    words = WORDS[language]
    rows = []
    for path in datasheets(folder):
        name, _, what = title(path.read_text(encoding="utf-8"), language).partition(" — ")
        rows.append([f"[{name}]({path.stem}.md)", what])
    return "\n".join([f"# {words['title']}", "", words["intro"], "",
                      table([words["name"], words["what"]], rows), ""])
