"""The served site: every internal link and anchor resolves, and the main pages render in
headless Chromium (Debian's package) to a non-blank screenshot holding the page's title."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import numpy as np
from PIL import Image
from sitecheck_html import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "results" / "site-screenshots"
# The course is French only: its notebook is shot in French.
SHOT = ("", "model/", "parameters/", "validation/", "course/tp-essai/tp-essai/",
        "reference/api/", "en/", "en/model/", "en/parameters/", "en/validation/",
        "en/reference/api/")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--window-size=1280,900")


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        return error.code, b"", ""


def test_every_internal_link_and_anchor_resolves(served, built):
    """Crawl from both home pages; every page, asset and anchor linked must exist, and
    every built page must be reachable."""
    root = urlparse(served)
    queue, seen, pages, broken = deque([served, urljoin(served, "en/")]), set(), {}, []
    wanted_anchors: list[tuple[str, str, str]] = []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        status, body, kind = _get(url)
        if status != 200:
            broken.append(url)
            continue
        if kind != "text/html":
            continue
        page = Page(body.decode("utf-8"))
        pages[url] = page
        for link in page.links:
            target, fragment = urldefrag(urljoin(url, link))
            parsed = urlparse(target)
            if parsed.scheme not in ("http", "https") or parsed.netloc != root.netloc:
                continue
            if fragment:
                wanted_anchors.append((url, target, fragment))
            queue.append(target)
    assert not broken, f"broken links: {broken[:20]}"
    missing = [(source, f"{target}#{fragment}") for source, target, fragment in wanted_anchors
               if target in pages and fragment not in pages[target].ids]
    assert not missing, f"missing anchors: {missing[:20]}"
    built_pages = {p.relative_to(built.site).parent.as_posix()
                   for p in built.site.rglob("index.html")}
    reached = {urlparse(u).path.strip("/") or "." for u in pages}
    assert built_pages <= reached, f"unreachable pages: {sorted(built_pages - reached)}"


def _chromium(*arguments: str) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="passerelle-chromium-")
    try:
        return subprocess.run([shutil.which("chromium") or "/usr/bin/chromium",
                               *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
                              capture_output=True, text=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _shoot(served: str, path: str, built) -> tuple[str, str, str | None, Path]:
    url = urljoin(served, path)
    language, rest = ("en", path[3:]) if path.startswith("en/") else ("fr", path)
    target = SCREENSHOTS / f"{language}_{rest.strip('/').replace('/', '_') or 'home'}.png"
    shot = _chromium(f"--screenshot={target}", "--dump-dom", url)  # one launch, both
    title = Page((built.site / path / "index.html").read_text(encoding="utf-8")).h1
    assert shot.returncode == 0 and target.exists(), f"{url}: {shot.stderr[-2000:]}"
    return url, shot.stdout, title, target


def test_screenshots_are_not_blank_and_show_the_title(served, built):
    """A blank or single-colour page has no spread of grey levels; a page with text on it
    has a few percent of its pixels away from the background. Its DOM, as Chromium
    rendered it, holds the page's own title."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=2) as pool:
        shots = list(pool.map(lambda p: _shoot(served, p, built), SHOT))
    for url, dom, title, path in shots:
        grey = np.asarray(Image.open(path).convert("L"), dtype=float)
        assert grey.shape == (900, 1280), f"{url}: {grey.shape}"
        background = np.bincount(grey.astype(int).ravel()).argmax()
        away = np.mean(np.abs(grey - background) > 32)
        assert grey.std() > 1 and away > 0.01, f"{url}: blank screenshot ({away:.3%})"
        assert title and title in Page(dom).text, f"{url}: title {title!r} not rendered"
