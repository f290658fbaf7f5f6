"""Reading built pages with the standard library: text, ids, links, titles."""

from __future__ import annotations

from html.parser import HTMLParser

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src"}


class Page(HTMLParser):
    """One HTML page: its visible text, element ids, links and first ``<h1>``."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text_parts: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.h1: str | None = None
        self._in_h1 = False
        self._h1_parts: list[str] = []
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for key in ("id", "name"):
            if attributes.get(key):
                self.ids.add(attributes[key])
        wanted = LINK_ATTRIBUTES.get(tag)
        if wanted and attributes.get(wanted):
            self.links.append(attributes[wanted])
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "h1" and self.h1 is None:
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            self.h1 = " ".join("".join(self._h1_parts).split()).removesuffix("¶").strip()

    def handle_data(self, data):
        if not self._skip:
            self.text_parts.append(data)
        if self._in_h1:
            self._h1_parts.append(data)

    @property
    def text(self) -> str:
        """The page's text with whitespace collapsed."""
        return " ".join("".join(self.text_parts).split())
