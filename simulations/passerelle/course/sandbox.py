"""A kernel that sees only its own submission: the course's private files are out of reach.

nbgrader runs the hidden tests in the same kernel as the student's code, so whatever the
student's code can read, a hostile submission can print or copy: the source notebooks (the
solutions), the gradebook (every hidden test and every grade) and the other students' folders.
Autograde therefore starts each kernel under bubblewrap (Debian package ``bubblewrap``) with a
file system built from an allow-list:

- read-only: the system (``/usr``, ``/etc``, ...), the Python installation and environment, the
  folders on ``sys.path`` (the ``passerelle`` package) and the repository's ``datasets/`` folder
  that the package reads its sourced figures from;
- read-write: the one folder being graded (``autograded/<student_id>/<assignment>/``), which
  keeps the path nbgrader grades under, so the hidden tests read the graded id from it;
- private and empty: ``/tmp`` and ``$HOME``; its own ``/proc`` (other kernels' working folders are
  not visible through ``/proc/<pid>/cwd``);
- read-only, when given: the warm caches, made once before the batch (see
  :mod:`passerelle.course.warm_cache`: the numba kernels and matplotlib's font list), copied
  into the kernel's private ``/tmp`` (``/tmp/numba``, ``/tmp/matplotlib``) as it starts.
  numba loads compiled kernels only from a folder it can write to, and a shared
  writable cache would let one submission plant a pickled kernel that runs in the next one's;
  the private copy gives each kernel the compiled code without that channel.

Everything else (the course root, the repository and its ``.git``) does not exist for the kernel.
The kernel keeps the network (nbgrader talks to it over 127.0.0.1).

Residual risk, documented in ``course/README.md``: the kernel runs as the grader's user, so a
bubblewrap bug or a kernel exploit breaks out; the student's code shares the interpreter with the
hidden tests and can monkeypatch what they call (hidden tests import what they need themselves and
recompute the truth from the graded folder, but a determined student could rewrite
``os.getcwd``). The grader flags such code for a human look (see ``collect``'s report).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

KERNEL_NAME = "passerelle-bac-a-sable"
# The warm caches' subfolders (see passerelle.course.warm_cache), as the kernel finds them
# in its /tmp.
NUMBA = "numba"
MATPLOTLIB = "matplotlib"
NUMBA_DIR = f"/tmp/{NUMBA}"
MATPLOTLIB_DIR = f"/tmp/{MATPLOTLIB}"
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc", "/opt")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


def bubblewrap() -> str:
    """Path of the ``bwrap`` executable.

    Raises
    ------
    SandboxUnavailable
        When it is not installed.

    Examples
    --------
    >>> bubblewrap().endswith("bwrap")  # doctest: +SKIP
    True
    """
    found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed: it isolates each submission's kernel from the "
            "course's private files; install it (Debian/Ubuntu: apt-get install bubblewrap)")
    return found


def readable_paths() -> list[Path]:
    """Folders the kernel may read: system, Python, the package's folders and data sets.

    Examples
    --------
    >>> Path(sys.prefix).resolve() in readable_paths() or Path(sys.base_prefix) in readable_paths()
    True
    """
    paths = [Path(p) for p in SYSTEM_DIRS]
    paths += [Path(sys.base_prefix), Path(sys.prefix)]
    paths += [Path(p) for p in sys.path if p and Path(p).is_absolute() and Path(p).is_dir()]
    package = importlib.util.find_spec("passerelle")
    if package is not None and package.origin is not None:
        paths.append(Path(package.origin).resolve().parents[2] / "datasets")
    existing = sorted({p.resolve() for p in paths if p.exists()}, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in existing:
        if not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return kept


def launcher(hidden: Path, warm_caches: Path | None = None) -> list[str]:
    """The kernelspec ``argv``: a shell line that starts an IPython kernel under bubblewrap.

    The working folder (the submission nbgrader grades) is only known when the kernel starts,
    hence ``/bin/sh``: it binds ``$PWD`` and passes the connection file on. A readable folder
    that holds ``hidden`` (the course root) is left out, so the course stays invisible.
    ``warm_caches``, the folder :func:`passerelle.course.warm_cache.warm` filled, is bound
    read-only and copied into the kernel's private ``/tmp`` before the kernel starts.

    Examples
    --------
    >>> argv = launcher(Path("/srv/cours"))  # doctest: +SKIP
    >>> argv[:2], argv[-1]  # doctest: +SKIP
    (['/bin/sh', '-c'], '{connection_file}')
    """
    hidden = hidden.resolve()
    # A private /tmp first: the folders bound after it stay visible even when they lie under
    # /tmp (a checkout or an environment there, as on a CI machine).
    cmd = [bubblewrap(), "--die-with-parent", "--unshare-pid", "--unshare-ipc",
           "--unshare-uts", "--new-session", "--tmpfs", "/tmp"]
    for path in readable_paths():
        if hidden.is_relative_to(path):
            continue
        cmd += ["--ro-bind", str(path), str(path)]
    for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if Path(link).is_symlink():
            cmd += ["--symlink", os.readlink(link), link]
    cmd += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", str(hidden)]
    cmd += ["--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", MATPLOTLIB_DIR,
            "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "NUMBA_CACHE_DIR", NUMBA_DIR,
            "--unsetenv", "JUPYTER_PATH",
            # bwrap is the parent (and --die-with-parent ends the kernel with nbgrader); the
            # kernel sees PID 1 as its parent and must not take that for a dead parent.
            "--unsetenv", "JPY_PARENT_PID"]
    kernel = f'{shlex.quote(sys.executable)} -m ipykernel_launcher -f "$0"'
    if warm_caches is not None:
        warm = shlex.quote(str(warm_caches.resolve()))
        cmd += ["--ro-bind", str(warm_caches.resolve()), str(warm_caches.resolve())]
        start = f'cp -R {warm}/. /tmp/; exec {kernel}'
        kernel = f'/bin/sh -c {shlex.quote(start)} "$0"'
    fixed = " ".join(shlex.quote(part) for part in cmd)
    line = (f'exec {fixed} --bind "$PWD" "$PWD" --ro-bind "$0" "$0" --chdir "$PWD" '
            f'-- {kernel} >/dev/null 2>&1')
    return ["/bin/sh", "-c", line, "{connection_file}"]


@dataclass(frozen=True)
class SandboxKernel:
    """A Jupyter kernelspec (in ``folder``) whose kernels start confined by bubblewrap.

    Parameters
    ----------
    folder
        Where to write ``kernels/<KERNEL_NAME>/kernel.json``.
    hidden
        The course root: it appears empty to the kernel, except the graded folder itself.
    warm_caches
        The warm caches the kernels start from (read-only), or ``None``.
    """

    folder: Path
    hidden: Path
    warm_caches: Path | None = None

    def install(self) -> Path:
        """Write the kernelspec; returns ``folder`` (to put first on ``JUPYTER_PATH``)."""
        spec = self.folder / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True, exist_ok=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": launcher(self.hidden, self.warm_caches),
            "display_name": "Python 3 (bac à sable de correction)",
            "language": "python",
            # bwrap --new-session: a signal to its process group would miss the kernel.
            "interrupt_mode": "message",
        }, indent=1), encoding="utf-8")
        return self.folder
