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

Autograde's default is one bubblewrap a batch rather than one a kernel: the kernel server of
:mod:`passerelle.course.kernel_server` starts under this file system (:func:`confinement`),
pre-imported, and each kernel it forks confines itself to the view above before any student
code runs. :func:`launcher` remains the kernelspec where the server cannot run.

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
import select
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from passerelle.course.kernel_forks import Confinement

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


def visible_paths(hidden: Path) -> list[Path]:
    """The readable folders the sandbox binds: those of :func:`readable_paths` but a folder
    that holds ``hidden`` (the course root), so that the course stays invisible.

    Examples
    --------
    >>> Path("/usr") in visible_paths(Path("/srv/cours"))
    True
    """
    hidden = hidden.resolve()
    return [path for path in readable_paths() if not hidden.is_relative_to(path)]


def confinement(hidden: Path, own_processes: bool = True) -> list[str]:
    """The bubblewrap command line (up to the working folder) of the sandbox's file system.

    ``own_processes`` gives the sandbox its own PID namespace and ``/proc``; the kernel
    server (:mod:`passerelle.course.kernel_server`) sees the machine's ``/proc`` instead,
    since each kernel it forks mounts a ``/proc`` of its own namespace, which the kernel
    refuses where the ``/proc`` below it is partly covered, as bubblewrap's is.

    Examples
    --------
    >>> confinement(Path("/srv/cours"))[-4:]  # doctest: +SKIP
    ['--unsetenv', 'JUPYTER_PATH', '--unsetenv', 'JPY_PARENT_PID']
    """
    # A private /tmp first: the folders bound after it stay visible even when they lie under
    # /tmp (a checkout or an environment there, as on a CI machine).
    cmd = [bubblewrap(), "--die-with-parent", "--unshare-ipc", "--unshare-uts", "--new-session",
           "--tmpfs", "/tmp"]
    if own_processes:
        cmd.insert(2, "--unshare-pid")
    for path in visible_paths(hidden):
        cmd += ["--ro-bind", str(path), str(path)]
    for link in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if Path(link).is_symlink():
            cmd += ["--symlink", os.readlink(link), link]
    cmd += ["--dev", "/dev"]
    cmd += ["--proc", "/proc"] if own_processes else ["--bind", "/proc", "/proc"]
    cmd += ["--tmpfs", str(hidden.resolve())]
    cmd += ["--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", MATPLOTLIB_DIR,
            "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "NUMBA_CACHE_DIR", NUMBA_DIR,
            "--unsetenv", "JUPYTER_PATH",
            # bwrap is the parent (and --die-with-parent ends the kernel with nbgrader); the
            # kernel sees PID 1 as its parent and must not take that for a dead parent.
            "--unsetenv", "JPY_PARENT_PID"]
    return cmd


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
    cmd = confinement(hidden)
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
    server
        The socket of a running :class:`KernelServer`: each
        kernel is then forked by it, pre-imported and confined the same way, instead of
        started afresh under its own bubblewrap.
    """

    folder: Path
    hidden: Path
    warm_caches: Path | None = None
    server: Path | None = None

    def install(self) -> Path:
        """Write the kernelspec; returns ``folder`` (to put first on ``JUPYTER_PATH``)."""
        spec = self.folder / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True, exist_ok=True)
        if self.server is None:
            argv = launcher(self.hidden, self.warm_caches)
        else:
            client = Path(__file__).with_name("kernel_client.py")
            argv = [sys.executable, "-I", "-S", str(client), str(self.server),
                    "{connection_file}"]
        (spec / "kernel.json").write_text(json.dumps({
            "argv": argv,
            "display_name": "Python 3 (bac à sable de correction)",
            "language": "python",
            # bwrap --new-session: a signal to its process group would miss the kernel.
            "interrupt_mode": "message",
        }, indent=1), encoding="utf-8")
        return self.folder


# The line the kernel server writes when it is ready to fork kernels.
READY = b"pret\n"
# The server's numba cache and matplotlib font list, kept from one batch to the next: the
# server started in 9.7 s with an empty cache, 3.6-3.9 s with a full one, 3.7 s compiling
# nothing (quiet 2-core machine, wall time, one start each).
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "passerelle" / "noyaux"
# Seconds the server may take to import what the kernels import, compile the numba kernels
# and draw a figure: 9.7 s with an empty cache on a quiet 2-core machine (assumption: 12
# times that on a loaded one).
START_TIMEOUT = 120.0


@dataclass
class KernelServer:
    """The batch's kernel server, as a context manager: started, ready, stopped at the end.

    Parameters
    ----------
    folder
        The server's own folder (its socket and log); hidden from the kernels.
    hidden
        The course root: invisible to the server and the kernels, except ``graded_root``.
    graded_root
        The course's ``autograded/`` folder: a kernel sees only its own
        ``<student>/<assignment>`` folder of it.
    cache
        Where the server keeps its compiled numba kernels and matplotlib's font list from one
        batch to the next (only the server writes there; each kernel gets a private copy), or
        ``None``: the server compiles nothing and the kernels run the numpy twins.

    Raises
    ------
    SandboxUnavailable
        On entering, when bubblewrap is missing or the server cannot start or confine a
        kernel (its error is in the message).

    Examples
    --------
    >>> with KernelServer(Path("/tmp/serveur"), Path("cours"),
    ...                   Path("cours/autograded")) as server:  # doctest: +SKIP
    ...     SandboxKernel(Path("/tmp/noyaux"), Path("cours"), server=server.address).install()
    """

    folder: Path
    hidden: Path
    graded_root: Path
    cache: Path | None = CACHE
    process: subprocess.Popen | None = field(default=None, init=False, repr=False)

    @property
    def address(self) -> Path:
        """The server's Unix socket."""
        return self.folder / "s"

    def __enter__(self) -> KernelServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.graded_root.mkdir(parents=True, exist_ok=True)
        folder, graded = self.folder.resolve(), self.graded_root.resolve()
        cmd = confinement(self.hidden, own_processes=False)
        cmd += ["--bind", str(graded), str(graded), "--bind", str(folder), str(folder)]
        cache = None
        if self.cache is not None:
            self.cache.mkdir(parents=True, exist_ok=True)
            cache = self.cache.resolve()
            cmd += ["--bind", str(cache), str(cache)]
        seen = Confinement(graded, folder, tuple(
            path for path in visible_paths(self.hidden) if path.is_relative_to("/tmp")), cache)
        cmd += ["--chdir", "/", "--", sys.executable, "-m", "passerelle.course.kernel_server",
                str(self.address.resolve()), seen.to_json()]
        log = (folder / "serveur.log").open("wb")
        self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=log)
        log.close()
        ready, _, _ = select.select([self.process.stdout], [], [], START_TIMEOUT)
        if not ready or self.process.stdout.readline() != READY:
            self.__exit__()
            text = (folder / "serveur.log").read_text(errors="replace").strip()
            raise SandboxUnavailable("le serveur de noyaux n'a pas démarré : "
                                     + (text.splitlines()[-1] if text else "délai dépassé"))
        return self

    def __exit__(self, *_) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process.stdout.close()
            self.process = None
