"""Keep large temporaries on the heap: a long run allocates the same big arrays each month.

By default glibc maps every allocation over a few MB with mmap and unmaps it when freed, so
each month's temporaries fault their pages in again (a third of a full-size run's time was
spent in the kernel). ``keep_heap`` asks glibc to serve them from the heap and not to give
memory back, so freed arrays are reused. It is process-wide, so the command line calls it;
library users may call it in a process dedicated to simulation. Elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_MAX = -4


def keep_heap() -> bool:
    """Disable mmap for large allocations and heap trimming (glibc only); True if applied."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    if not hasattr(libc, "mallopt"):
        return False
    return bool(libc.mallopt(_M_MMAP_MAX, 0)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, 2**30))
