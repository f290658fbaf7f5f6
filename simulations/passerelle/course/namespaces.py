"""The Linux system calls that confine a forked kernel: namespaces, mounts, capabilities.

What :mod:`passerelle.course.kernel_server` needs of the kernel, through ``ctypes`` (Linux
only): ``unshare`` into new user, mount, PID, IPC and UTS namespaces, ``mount`` (tmpfs, bind,
proc) and dropping every capability for good. Every call raises :class:`OSError` naming the
call and the path on failure, so that a kernel that cannot be confined never starts.
"""

from __future__ import annotations

import ctypes
import os
import signal
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
CAPABILITY_VERSION_3 = 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, call: str, path: str = "") -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"{call}: {os.strerror(number)}", path or None)


def unshare_all() -> None:
    """Enter new user, mount, PID, IPC and UTS namespaces, as the same user.

    The caller must be single-threaded (a freshly forked child is). The PID namespace applies
    to the caller's next child, which is its PID 1. Mounts stop propagating to the parent.

    Examples
    --------
    >>> if os.fork() == 0:  # doctest: +SKIP
    ...     unshare_all()
    ...     os._exit(0)
    """
    uid, gid = os.geteuid(), os.getegid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC
                         | CLONE_NEWUTS), "unshare")
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
    Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate",
           "/")


def die_with_parent() -> None:
    """Be killed (``SIGKILL``) when the parent process ends, or at once if it has already.

    Examples
    --------
    >>> die_with_parent()  # doctest: +SKIP
    """
    parent = os.getppid()
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl pdeathsig")
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


def mount_tmpfs(target: str) -> None:
    """An empty, private tmpfs on ``target`` (no devices, no set-uid).

    Examples
    --------
    >>> mount_tmpfs("/tmp")  # doctest: +SKIP
    """
    _check(_libc.mount(b"tmpfs", target.encode(), b"tmpfs", MS_NOSUID | MS_NODEV,
                       b"mode=0755"), "mount tmpfs", target)


def mount_proc() -> None:
    """A ``/proc`` of the caller's own PID namespace (the caller must be inside it).

    Examples
    --------
    >>> mount_proc()  # doctest: +SKIP
    """
    _check(_libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None),
           "mount proc", "/proc")


def bind(source: str, target: str) -> None:
    """Bind ``source`` (a path, or ``/proc/self/fd/N`` of a folder opened before it was
    covered) on ``target``, with the flags of the mount it comes from (a read-only folder
    stays read-only).

    Examples
    --------
    >>> bind("/proc/self/fd/5", "/tmp/cours/autograded/e001/tp")  # doctest: +SKIP
    """
    _check(_libc.mount(source.encode(), target.encode(), None, MS_BIND | MS_REC, None),
           "mount --bind", target)


class _Header(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _Data(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Give up every capability for good: bounding, ambient, effective, permitted and
    inheritable sets emptied, and no new privileges through ``execve`` (set-uid files,
    file capabilities).

    Raises
    ------
    OSError
        When a capability is left afterwards (``/proc/self/status`` is read to check).

    Examples
    --------
    >>> drop_capabilities()  # doctest: +SKIP
    """
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl no_new_privs")
    _check(_libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "prctl ambient")
    for capability in range(last + 1):
        _check(_libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0), "prctl capbset_drop")
    data = (_Data * 2)()
    _check(_libc.capset(ctypes.byref(_Header(CAPABILITY_VERSION_3, 0)), data), "capset")
    status = dict(line.split(":", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if line.startswith("Cap"))
    left = {name: value.strip() for name, value in status.items() if int(value, 16)}
    if left:
        raise OSError(1, f"capabilities left after dropping them: {left}")
