"""Work on all cores in threads of our own: numba kernels compiled ``nogil``, compressors.

numba's ``parallel=True`` would split a kernel's ``prange`` the same way, but compiling
its parallel form cost the horizon kernel 21 s against 15 s (a fresh cache, as on every
new install's first run); plain threads cost nothing to compile.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def cores() -> int:
    """The CPUs this process may run on (all of them where that cannot be asked)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def thread_groups(threads: int | None, items: int) -> int:
    """How many groups to split ``items`` among: ``threads`` (default: one per core),
    no more than there are items, at least one."""
    return max(1, min(cores() if threads is None else int(threads), items))


def in_threads(work: Callable[[int, int], None], groups: int) -> None:
    """Call ``work(group, groups)`` for ``group`` in 0..groups-1, each in a thread.

    A single group runs in the caller's thread. An exception in any group is raised
    here once all have finished.
    """
    if groups <= 1:
        work(0, 1)
        return
    with ThreadPoolExecutor(groups) as pool:
        futures = [pool.submit(work, group, groups) for group in range(groups)]
    for future in futures:
        future.result()
