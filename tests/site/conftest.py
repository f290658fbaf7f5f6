"""The site is built once per test session (once for all xdist workers: the first builds
under a file lock, the others reuse it) and served on 127.0.0.1 on a free port."""

from __future__ import annotations

import fcntl
import functools
import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sitecheck_course import make_course


@dataclass(frozen=True)
class Built:
    """A built site: its folder, the course it was built from, pages per language and
    the build's seconds."""

    site: Path
    course: Path
    pages: dict[str, int]
    seconds: float


def _shared_folder(tmp_path_factory, worker_id: str) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@pytest.fixture(scope="session")
def built(tmp_path_factory, worker_id) -> Built:
    """Both languages built strict (``python -m passerelle.apps.site.build``, what
    ``make docs`` runs) from the real course plus a fixture assignment."""
    folder = _shared_folder(tmp_path_factory, worker_id) / "site-build"
    folder.mkdir(exist_ok=True)
    done = folder / "built.json"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            course = make_course(folder / "course")
            process = subprocess.run(
                [sys.executable, "-c", "import json, sys\n"
                 "from passerelle.apps.site.build import build\n"
                 "r = build(sys.argv[1], course=sys.argv[2])\n"
                 "print(json.dumps({'pages': r.pages, 'seconds': r.seconds, "
                 "'cpu_seconds': r.cpu_seconds}))",
                 str(folder / "site"), str(course)],
                capture_output=True, text=True, check=False)
            assert process.returncode == 0, (
                f"the strict build failed:\n{process.stdout[-4000:]}\n{process.stderr[-8000:]}")
            report = json.loads(process.stdout.strip().splitlines()[-1])
            done.write_text(json.dumps({**report, "course": str(course)}))
    report = json.loads(done.read_text())
    return Built(folder / "site", Path(report["course"]), report["pages"], report["seconds"])


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served(built: Built):
    """The built site on http://127.0.0.1:<free port>/ (port 0: the system picks one)."""
    handler = functools.partial(_Quiet, directory=str(built.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
