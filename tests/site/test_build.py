"""The site builds strict in both languages, says what the code says, and publishes no
notebook JSON and no part of a solution."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sitecheck_course import ASSIGNMENT, MARKERS, SECRET_SEED, SECRET_TRUTH, TITLE, secret_lines
from sitecheck_html import Page

from passerelle.apps.site import parameters
from passerelle.apps.site.cache import cached, model_hash
from passerelle.engine.parameters import provenance

LANGUAGES = {"fr": "", "en": "en"}
SHARED_PAGES = ("index.html", "model/index.html", "interventions/index.html",
                "parameters/index.html", "validation/index.html", "evaluation/index.html",
                "replications/index.html", "datasets/index.html",
                "datasets/enquete_sante/index.html", "reference/cli/index.html",
                "reference/api/index.html", "cite/index.html", "changelog/index.html")
# Raw notebook JSON as nbformat writes it (keys of a cell and of the notebook).
NOTEBOOK_JSON = re.compile(r'"(cell_type|nbformat|nbformat_minor|execution_count)"\s*:')


def _pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_both_languages_build_with_their_pages(built):
    """Strict builds (the fixture fails on any warning) with every page in each language,
    the course in French only, and the switcher on every page."""
    for language, folder in LANGUAGES.items():
        for page in SHARED_PAGES:
            assert (built.site / folder / page).exists(), f"{language}: no {page}"
    assert (built.site / "course" / ASSIGNMENT / ASSIGNMENT / "index.html").exists()
    assert not (built.site / "en" / "course").exists()
    assert built.pages["fr"] > built.pages["en"] >= len(SHARED_PAGES)
    for path in _pages(built.site):
        if path.name == "404.html":
            continue
        html = path.read_text(encoding="utf-8")
        assert 'hreflang="fr"' in html and 'hreflang="en"' in html, f"no switcher: {path}"
        language = "en" if path.is_relative_to(built.site / "en") else "fr"
        assert f'<html lang="{language}"' in html, f"{path}: not marked {language}"


def _switcher_target(page: Path, language: str) -> Path:
    href = re.search(rf'<a href="([^"]*)" hreflang="{language}" class="md-select__link">',
                     page.read_text(encoding="utf-8"))[1]
    return (page.parent / href / "index.html").resolve()


def test_the_switcher_stays_on_the_page_when_it_is_translated(built):
    site = built.site.resolve()
    for page in SHARED_PAGES:
        french, english = site / page, site / "en" / page
        assert _switcher_target(french, "en") == english, page
        assert _switcher_target(english, "fr") == french, page
        assert _switcher_target(french, "fr") == french, page
    course = site / "course" / "index.html"
    assert _switcher_target(course, "en") == site / "en" / "index.html"


def test_no_page_holds_raw_notebook_json(built):
    for path in [*_pages(built.site), *built.site.rglob("search_index.json")]:
        text = path.read_text(encoding="utf-8")
        assert not NOTEBOOK_JSON.search(text), f"raw notebook JSON in {path}"


def _published_text(site: Path) -> dict[Path, str]:
    """What a reader (or the search box) can see: every page's text, every search index."""
    texts = {path: Page(path.read_text(encoding="utf-8")).text for path in _pages(site)}
    for index in site.rglob("search_index.json"):
        docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
        texts[index] = " ".join(" ".join(f"{d['title']} {d['text']}".split()) for d in docs)
    return texts


def test_leak_audit(built):
    """No solution line, hidden test, marker, seed or true value of the course anywhere
    in the site (pages and search index), for the fixture and the real assignments."""
    secrets = secret_lines(built.course)
    assert any(SECRET_TRUTH in line for line in secrets)  # the audit sees the fixture
    texts = _published_text(built.site)
    for path, text in texts.items():
        for marker in (*MARKERS, SECRET_SEED, SECRET_TRUTH):
            assert marker not in text, f"{path}: {marker!r} published"
        for line in secrets:
            assert line not in text, f"{path}: solution or hidden test line {line!r}"
    raw = "".join(p.read_text(encoding="utf-8") for p in _pages(built.site))
    assert "HIDDEN TESTS" not in raw and SECRET_SEED not in raw


def test_course_page_is_the_student_version(built):
    """The fixture's page is what nbgrader releases: the French stub, the visible test,
    the title; and the course's home is the syllabus and lists it."""
    page = Page((built.site / "course" / ASSIGNMENT / ASSIGNMENT / "index.html")
                .read_text(encoding="utf-8"))
    assert page.h1 == TITLE
    assert "raise NotImplementedError()" in page.text
    assert "une part est entre 0 et 1" in page.text
    home = Page((built.site / "course" / "index.html").read_text(encoding="utf-8"))
    assert TITLE in home.text
    # The syllabus (course/syllabus.md) is the course's home: sequence and weights.
    assert home.h1.startswith("Programme du cours")
    assert "Évaluation" in home.text and "projet-final" in home.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_parameters_page_lists_every_parameter_from_the_code(built, language):
    text = Page((built.site / LANGUAGES[language] / "parameters" / "index.html")
                .read_text(encoding="utf-8")).text
    for section in parameters.owners().values():
        for owner, params in section.items():
            for row in provenance(params):
                assert f"{row['name']} " in text, f"{owner}.{row['name']} missing"
                assert " ".join(row["source"].split()) in text, f"{owner}.{row['name']}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_validation_page_shows_the_cached_run(built, language):
    """Every target of the cached real run is on the page with the model's value as the
    page formats it, and the plot is published beside it."""
    from passerelle.apps.site.model_run import compute
    from passerelle.apps.site.validation import PLOT, value

    run = cached(Path(__file__).resolve().parents[2] / "results" / "site-cache", "model-run",
                 compute)
    folder = built.site / LANGUAGES[language] / "validation"
    text = Page((folder / "index.html").read_text(encoding="utf-8")).text
    for check in run["checks"]:
        assert check["target"] in text
        assert value(check["model"], check["unit"]) in text
    plot = built.site / LANGUAGES[language] / PLOT
    assert plot.read_text(encoding="utf-8").startswith("<?xml")


def test_cache_key_follows_the_computation_and_not_the_site(tmp_path):
    """The key changes with the file that defines the computation; an entry is reused
    without recomputing while the key stands."""
    definition = tmp_path / "compute.py"
    definition.write_text("x = 1\n")
    first = model_hash(definition)
    assert model_hash(definition) == first
    definition.write_text("x = 2\n")
    assert model_hash(definition) != first
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert cached(tmp_path, "k", compute) == {"n": 1}
    assert cached(tmp_path, "k", compute) == {"n": 1}
    assert len(calls) == 1
