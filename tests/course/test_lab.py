"""A student's JupyterLab: a real server on 127.0.0.1 (free port, token) validates a release
notebook through nbgrader's server extension, and headless Chromium shows it open in JupyterLab
(screenshot saved under results/, checked non-blank)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from matplotlib.image import imread
from workflow_batch import ASSIGNMENT, COURSE_CONFIG, FIXTURES

from passerelle.course.gates import generate
from passerelle.course.lab import LabServer, student_copy
from passerelle.course.nbgrader_course import Course

REPO = Path(__file__).parents[2]
CHROMIUM = "/usr/bin/chromium"
START_SECONDS = 240
"""JupyterLab starts in a few seconds; the CI machine is shared, so wait up to this long."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    course = Course(root / "cours")
    (course.source).mkdir(parents=True)
    shutil.copy(COURSE_CONFIG, course.root / "nbgrader_config.py")
    shutil.copytree(FIXTURES / "source" / ASSIGNMENT, course.source / ASSIGNMENT)
    generate(course, ASSIGNMENT)
    home = student_copy(course, "e123456", root / "mes-tp")
    port, token = _free_port(), "jeton-de-test"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "JUPYTER_CONFIG_DIR": str(root / "config"), "JUPYTER_RUNTIME_DIR": str(root / "rt")}
    server = subprocess.Popen(
        LabServer(home, port=port, token=token, open_browser=False).command("lab"), cwd=home,
        env=env, stdout=subprocess.DEVNULL, stderr=(root / "lab.log").open("w"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (root / "lab.log").read_text()
                assert time.monotonic() < deadline, "JupyterLab did not start"
                time.sleep(0.5)
        yield base, token, home
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_the_server_binds_loopback_and_refuses_without_token(lab):
    base, _, _ = lab
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(f"{base}/api/contents")
    assert refused.value.code == 403


def test_validate_runs_the_release_notebook_through_the_server(lab):
    base, token, home = lab
    body = urllib.parse.urlencode({"path": f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"}).encode()
    request = urllib.request.Request(f"{base}/assignments/validate?token={token}", data=body,
                                     method="POST")
    with urllib.request.urlopen(request, timeout=300) as answer:
        result = json.loads(answer.read())
    assert result["success"], result
    # The blank release fails its visible tests: nbgrader says so in the result it returns.
    assert "failed" in result["value"], result["value"]
    assert (home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()


def test_chromium_shows_the_notebook_open_in_jupyterlab(lab, tmp_path):
    base, token, _ = lab
    url = f"{base}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?token={token}"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--window-size=1280,900", "--virtual-time-budget=30000"]
    dom = subprocess.run([CHROMIUM, *flags, f"--user-data-dir={tmp_path / 'dom'}",
                          "--dump-dom", url], capture_output=True, text=True, timeout=300)
    assert "TP d'essai" in dom.stdout or "TP d&#39;essai" in dom.stdout, dom.stdout[-2000:]
    shot = REPO / "results" / f"lab-{ASSIGNMENT}.png"
    shot.parent.mkdir(exist_ok=True)
    subprocess.run([CHROMIUM, *flags, f"--user-data-dir={tmp_path / 'shot'}",
                    f"--screenshot={shot}", url], capture_output=True, timeout=300, check=True)
    image = imread(shot)
    assert image.shape[:2] == (900, 1280)
    assert image[..., :3].std() > 0.05
