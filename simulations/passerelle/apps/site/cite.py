"""The "how to cite" page, read from ``CITATION.cff`` and ``LICENSE`` at build time."""

from __future__ import annotations

from pathlib import Path

import yaml

WORDS = {
    "fr": {"title": "Citer Passerelle",
           "intro": ("Les métadonnées de citation sont dans `CITATION.cff`, à la racine du "
                     "dépôt (format Citation File Format 1.2.0, lu aussi par GitHub et "
                     "Zenodo). Cette page en est tirée à chaque construction du site."),
           "text": "Citation", "bibtex": "BibTeX", "licence": "Licence",
           "licence_intro": "Passerelle est distribué sous licence {license} :"},
    "en": {"title": "How to cite",
           "intro": ("The citation metadata are in `CITATION.cff` at the top of the "
                     "repository (Citation File Format 1.2.0, also read by GitHub and "
                     "Zenodo). This page is made from it at every build of the site."),
           "text": "Citation", "bibtex": "BibTeX", "licence": "Licence",
           "licence_intro": "Passerelle is distributed under the {license} licence:"},
}


def page(root: Path, language: str) -> str:
    """The citation and licence page in ``language``."""
    words = WORDS[language]
    meta = yaml.safe_load((Path(root) / "CITATION.cff").read_text(encoding="utf-8"))
    authors = " and ".join(a.get("name") or f"{a['family-names']}, {a['given-names']}"
                           for a in meta["authors"])
    year = str(meta["date-released"])[:4]
    text = f"{authors} ({year}). *{meta['title']}* (version {meta['version']}). Software."
    bibtex = "\n".join([
        "@software{passerelle,",
        f"  author  = {{{{{authors}}}}},",
        f"  title   = {{{meta['title']}}},",
        f"  year    = {{{year}}},",
        f"  version = {{{meta['version']}}},",
        f"  license = {{{meta['license']}}},",
        "}",
    ])
    licence = (Path(root) / "LICENSE").read_text(encoding="utf-8").strip()
    return "\n".join([
        f"# {words['title']}", "", words["intro"], "",
        f"## {words['text']}", "", text, "",
        f"## {words['bibtex']}", "", "```bibtex", bibtex, "```", "",
        f"## {words['licence']}", "", words["licence_intro"].format(license=meta["license"]),
        "", "```text", licence, "```", "",
    ])
