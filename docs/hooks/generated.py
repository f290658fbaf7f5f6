"""MkDocs hook: add the pages generated from the code (``passerelle.apps.site``) to the
build, and the generated sections (data sets, course) to the navigation.

The config's ``extra.generator`` says where to read and write (paths relative to the
config file): ``cache`` (real runs kept between builds), ``course`` (the course folder,
whose ``source/`` is released with nbgrader). Nothing generated is written to ``docs/``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from mkdocs.structure.files import File

from passerelle.apps.site.pages import Generated, Places, generated

_state: dict[str, object] = {}


def _places(config) -> Places:
    here = Path(config.config_file_path).parent
    options = config.extra["generator"]
    workdir = tempfile.TemporaryDirectory(prefix="passerelle-site-")
    _state["workdir"] = workdir
    return Places(root=here.parent, cache=(here / options["cache"]).resolve(),
                  course=(here / options["course"]).resolve(), workdir=Path(workdir.name))


def _expand(nav: list, sections: dict[str, list[dict[str, str]]]) -> list:
    """The nav with each entry naming a generated section replaced by its pages."""
    expanded = []
    for item in nav:
        if isinstance(item, dict):
            ((title, value),) = item.items()
            if isinstance(value, str) and value in sections:
                item = {title: sections[value]}
            elif isinstance(value, list):
                item = {title: _expand(value, sections)}
        expanded.append(item)
    return expanded


def on_config(config):
    pages: Generated = generated(config.theme["language"], _places(config))
    _state["pages"] = pages
    if config.nav:
        config.nav = _expand(config.nav, pages.sections)
    return config


def on_files(files, config):
    pages: Generated = _state["pages"]
    for path, content in pages.files.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_post_build(config):
    _state.pop("workdir").cleanup()
