"""Build the whole site, French at the root and English under ``en/``, in one process.

``make docs`` runs ``python -m passerelle.apps.site.build``. Both languages are built
here with MkDocs' own API, strict (a warning stops the build), one after the other in
one process so that the package, the figures and the cached runs are loaded once.

Examples
--------
>>> report = build(Path("results/site"))           # doctest: +SKIP
>>> report.pages                                   # doctest: +SKIP
{'fr': 31, 'en': 27}
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from passerelle.apps.site.translations import link_translations

DOCS = Path(__file__).resolve().parents[4] / "docs"
LANGUAGES = {"fr": "", "en": "en"}  # language → folder of the built site


@dataclass(frozen=True)
class BuildReport:
    """What a build made: the site folder, pages per language, wall-clock seconds and
    the CPU seconds of this process (the fairer figure on a shared machine)."""

    site: Path
    pages: dict[str, int]
    seconds: float
    cpu_seconds: float


@contextmanager
def _environment(values: dict[str, str]):
    before = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def build(site: Path, course: Path | None = None, cache: Path | None = None,
          docs: Path = DOCS) -> BuildReport:
    """Build both languages into ``site`` (strict); ``course`` and ``cache`` override the
    configs' course folder and cache of real runs."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = Path(site).resolve()
    values = {"NO_MKDOCS_2_WARNING": "1"}
    if course is not None:
        values["PASSERELLE_COURSE"] = str(Path(course).resolve())
    if cache is not None:
        values["PASSERELLE_SITE_CACHE"] = str(Path(cache).resolve())
    began, began_cpu = time.perf_counter(), time.process_time()
    pages = {}
    with _environment(values):
        for language, folder in LANGUAGES.items():
            config = load_config(str(docs / f"mkdocs.{language}.yml"),
                                 site_dir=str(site / folder), strict=True)
            mkdocs_build(config)
            pages[language] = count_pages(site / folder, [site / f for f in LANGUAGES.values()
                                                          if f and f != folder])
    link_translations(site, LANGUAGES)
    return BuildReport(site, pages, time.perf_counter() - began,
                       time.process_time() - began_cpu)


def count_pages(folder: Path, exclude: list[Path]) -> int:
    """HTML pages of one language (``index.html`` files, not the 404 page)."""
    return sum(1 for page in folder.rglob("index.html")
               if not any(page.is_relative_to(other) for other in exclude))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Passerelle site (fr + en).")
    parser.add_argument("--out", type=Path, default=Path("results/site"))
    parser.add_argument("--course", type=Path, default=None)
    arguments = parser.parse_args(argv)
    report = build(arguments.out, course=arguments.course)
    counts = ", ".join(f"{language}: {n} pages" for language, n in report.pages.items())
    print(f"built {report.site} in {report.seconds:.1f} s, {report.cpu_seconds:.1f} s of CPU "
          f"({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
