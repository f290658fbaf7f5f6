"""Point each page's language switcher at the same page in the other language.

Material for MkDocs links every entry of ``extra.alternate`` to the other language's home
page; it can stay on the page only with a ``site_url`` and the other language's sitemap,
and not on a site served from a file or another port. The two languages here share their
page paths (``docs/fr/model.md`` and ``docs/en/model.md`` become ``model/`` and
``en/model/``), so once both are built each switcher link is rewritten to the translation
when it exists on disk, and left on the home page when it does not (the French-only course).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

SWITCHER_LINK = re.compile(
    r'<a href="(?P<href>[^"]*)" hreflang="(?P<lang>[a-z-]+)" class="md-select__link">')


def translation(page: Path, source: Path, target: Path) -> Path:
    """The page of the ``target`` language's folder that translates ``page``, or that
    folder's home page when the page has no translation.

    Parameters
    ----------
    page
        A built page (``…/index.html``) of the language whose folder is ``source``.
    source, target
        The built folders of the page's language and of the other language.

    Returns
    -------
    Path
        ``target / page.relative_to(source)`` if it exists, else ``target / "index.html"``.

    Examples
    --------
    >>> import tempfile
    >>> site = Path(tempfile.mkdtemp())
    >>> for path in ("model/index.html", "index.html", "en/model/index.html", "en/index.html"):
    ...     (site / path).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (site / path).write_text("")
    >>> translation(site / "model/index.html", site, site / "en").relative_to(site).as_posix()
    'en/model/index.html'
    >>> (site / "course/index.html").parent.mkdir()
    >>> translation(site / "course/index.html", site, site / "en").relative_to(site).as_posix()
    'en/index.html'
    """
    same = target / page.relative_to(source)
    return same if same.exists() else target / "index.html"


def _href(page: Path, target: Path) -> str:
    relative = Path(os.path.relpath(target.parent, page.parent)).as_posix()
    return "./" if relative == "." else f"{relative}/"


def _pages(folder: Path, others: list[Path]) -> list[Path]:
    return [page for page in sorted(folder.rglob("index.html"))
            if not any(page.is_relative_to(other) for other in others)]


def link_translations(site: Path, folders: dict[str, str]) -> int:
    """Rewrite the switcher links of every built page to its translation.

    Parameters
    ----------
    site
        The built site's folder.
    folders
        Language code → its folder inside ``site`` (``""`` for the root language).

    Returns
    -------
    int
        The number of links that now lead to the same page in the other language.

    Examples
    --------
    >>> link_translations(Path("results/site"), {"fr": "", "en": "en"})  # doctest: +SKIP
    36
    """
    roots = {language: site / folder for language, folder in folders.items()}
    translated = 0
    for root in roots.values():
        nested = [other for other in roots.values() if other != root and other.is_relative_to(root)]
        for page in _pages(root, nested):
            targets = {language: translation(page, root, other)
                       for language, other in roots.items()}
            translated += sum(other != root and targets[language].parent != other
                              for language, other in roots.items())

            def relink(match: re.Match, page: Path = page, targets: dict = targets) -> str:
                if match["lang"] not in targets:
                    return match[0]
                return (f'<a href="{_href(page, targets[match["lang"]])}" '
                        f'hreflang="{match["lang"]}" class="md-select__link">')

            page.write_text(SWITCHER_LINK.sub(relink, page.read_text(encoding="utf-8")),
                            encoding="utf-8")
    return translated
