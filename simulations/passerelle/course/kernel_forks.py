"""What each fork of the kernel server does: confine itself, then start the kernel.

:func:`attend` answers one request of :mod:`passerelle.course.kernel_client` in a fork of the
server (see :mod:`passerelle.course.kernel_server` for the whole design): new namespaces, a
PID 1 that mounts the kernel's file system (:class:`Confinement` says what it may see) and
drops every capability, the kernel as PID 2, then the kernel's exit status sent back, or the
kernel killed when the client goes. :func:`probe` does the same up to the kernel, once, when
the server starts.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from passerelle.course import identity, namespaces

CONNECTION_FILE = "/tmp/noyau.json"
# Exit status of a fork that could not be confined (no kernel ran).
UNCONFINED = 125


@dataclass(frozen=True)
class Confinement:
    """What a forked kernel may see, as the server passes it to each fork.

    Parameters
    ----------
    graded_root
        The course's ``autograded/`` folder: the kernel sees only its own
        ``<student>/<assignment>`` folder of it.
    hidden
        The server's own folder (its socket), out of the kernels' sight.
    kept
        Read-only folders under ``/tmp`` (the environment, on a CI machine), bound again on
        the kernel's new ``/tmp``.
    cache
        The server's cache (numba, matplotlib), or ``None``: each kernel gets a private copy.

    Examples
    --------
    >>> seen = Confinement(Path("/c/autograded"), Path("/tmp/serveur"))
    >>> Confinement.from_json(seen.to_json()) == seen
    True
    """

    graded_root: Path
    hidden: Path
    kept: tuple[Path, ...] = ()
    cache: Path | None = None

    def to_json(self) -> str:
        """The confinement as the server's command line carries it."""
        return json.dumps({"graded_root": str(self.graded_root), "hidden": str(self.hidden),
                           "kept": [str(p) for p in self.kept],
                           "cache": None if self.cache is None else str(self.cache)})

    @classmethod
    def from_json(cls, text: str) -> Confinement:
        """The confinement :meth:`to_json` wrote."""
        data = json.loads(text)
        return cls(Path(data["graded_root"]), Path(data["hidden"]),
                   tuple(Path(p) for p in data["kept"]),
                   None if data["cache"] is None else Path(data["cache"]))


def _graded_folder(cwd: str, graded_root: Path) -> Path:
    folder = Path(cwd).resolve()
    parts = folder.relative_to(graded_root).parts if folder.is_relative_to(graded_root) else ()
    if len(parts) != 2 or not folder.is_dir():
        raise ValueError(f"{folder} is not a graded folder <student>/<assignment> of "
                         f"{graded_root}")
    return folder


def _cover(path: Path) -> None:
    """An empty tmpfs on ``path``: made on the new ``/tmp`` when it lies there."""
    if path.is_relative_to("/tmp"):
        path.mkdir(parents=True, exist_ok=True)
    else:
        namespaces.mount_tmpfs(str(path))


def _confine(folder: Path, seen: Confinement) -> None:
    """PID 1's mounts, in its new namespaces, then every capability dropped."""
    namespaces.mount_proc()
    opened = {path: os.open(path, os.O_PATH | os.O_DIRECTORY)
              for path in (*seen.kept, folder, *((seen.cache,) if seen.cache else ()))}
    namespaces.mount_tmpfs("/tmp")
    for path in seen.kept:
        path.mkdir(parents=True, exist_ok=True)
        namespaces.bind(f"/proc/self/fd/{opened[path]}", str(path))
    _cover(seen.graded_root)
    folder.mkdir(parents=True, exist_ok=True)
    namespaces.bind(f"/proc/self/fd/{opened[folder]}", str(folder))
    _cover(seen.hidden)
    if seen.cache is not None:
        _cover(seen.cache)
        shutil.copytree(f"/proc/self/fd/{opened[seen.cache]}", seen.cache, dirs_exist_ok=True)
    for descriptor in opened.values():
        os.close(descriptor)
    Path("/tmp/ipython").mkdir()
    namespaces.drop_capabilities()


def _kernel(folder: Path, connection: str) -> None:
    """PID 2: the IPython kernel, as ``python -m ipykernel_launcher -f FILE`` starts it."""
    code = 1
    try:
        os.setsid()
        os.chdir(folder)
        identity.start_in(folder)
        descriptor = os.open(CONNECTION_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(descriptor, connection.encode())
        os.close(descriptor)
        null = os.open(os.devnull, os.O_RDWR)
        for stream in (0, 1, 2):
            os.dup2(null, stream)
        os.close(null)
        os.environ.pop("JPY_PARENT_PID", None)
        sys.argv = ["ipykernel_launcher", "-f", CONNECTION_FILE]
        # As for ``python -m ipykernel_launcher`` started in the graded folder.
        sys.path.insert(0, str(folder))
        from ipykernel import kernelapp
        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    finally:
        os._exit(code)


def _start_kernel(folder: Path, connection: str) -> None:
    """PID 1's work once confined: start the kernel as PID 2, reap, end with the kernel."""
    kernel = os.fork()
    if kernel == 0:
        _kernel(folder, connection)
    while True:
        reaped, status = os.wait()
        if reaped == kernel:
            os._exit(_status(status))


def _status(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


def _answer(link: socket.socket, **answer) -> None:
    with contextlib.suppress(OSError):
        link.sendall(json.dumps(answer).encode() + b"\n")


def attend(link: socket.socket, seen: Confinement,
           start: Callable[[Path, str], None] = _start_kernel) -> None:
    """One request, in a fork of the server: new namespaces, a confined PID 1 that calls
    ``start``, then wait for either PID 1's end (answered with its status) or the client's
    (PID 1 is killed, and with it everything in its namespace).

    Examples
    --------
    >>> if os.fork() == 0:  # doctest: +SKIP
    ...     attend(link, Confinement(Path("/c/autograded"), Path("/tmp/serveur")))
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    namespaces.die_with_parent()
    try:
        request = json.loads(link.makefile("rb").readline())
        folder = _graded_folder(str(request["cwd"]), seen.graded_root)
        connection = str(request["connection"])
        if not isinstance(json.loads(connection), dict):
            raise ValueError("the connection file holds no JSON object")
        namespaces.unshare_all()
    except (OSError, ValueError, KeyError, TypeError) as error:
        _answer(link, exit=1, error=str(error))
        return
    read_errors, write_errors = os.pipe()
    init = os.fork()
    if init == 0:
        link.close()
        os.close(read_errors)
        try:
            namespaces.die_with_parent()
            _confine(folder, seen)
        except BaseException as error:
            os.write(write_errors, str(error).encode()[:1000])
            os._exit(UNCONFINED)
        os.close(write_errors)
        start(folder, connection)
        os._exit(0)
    os.close(write_errors)
    watched = os.pidfd_open(init)
    ready, _, _ = select.select([link, watched], [], [])
    if watched not in ready:
        os.kill(init, signal.SIGKILL)
    _, status = os.waitpid(init, 0)
    error = os.read(read_errors, 1000).decode(errors="replace")
    _answer(link, exit=_status(status), error=error or None)


def probe(seen: Confinement) -> str:
    """A request answered as a kernel's would be, up to the kernel itself: its error, or
    ``""`` when a fork can be confined.

    Examples
    --------
    >>> probe(Confinement(Path("/c/autograded"), Path("/tmp/serveur")))  # doctest: +SKIP
    ''
    """
    folder = seen.graded_root / ".sonde" / "sonde"
    folder.mkdir(parents=True, exist_ok=True)
    ours, theirs = socket.socketpair()
    child = os.fork()
    if child == 0:
        ours.close()
        try:
            attend(theirs, seen, start=lambda *_: os._exit(0))
        finally:
            os._exit(0)
    theirs.close()
    _answer(ours, cwd=str(folder), connection="{}")
    line = ours.makefile("rb").readline()
    answer = json.loads(line) if line else {"exit": 1, "error": "no answer"}
    os.waitpid(child, 0)
    ours.close()
    shutil.rmtree(folder.parent)
    return "" if answer["exit"] == 0 else answer.get("error") or f"exit {answer['exit']}"
