"""The one process pool, shared by the build and the session's grids.

Each worker loads what it needs once (its initializer), then takes tasks.
Importing concurrent.futures costs ~15 ms: only builds that use a pool pay it.

A worker never outlives the process that made the pool: killed with kill -9,
the parent cannot tell its workers, and they would wait on their pipe forever
(holding ~75 MB each). So each worker asks the kernel for SIGKILL when its
parent dies (prctl PR_SET_PDEATHSIG, on Linux), and — everywhere, and in case
the parent died before that request — a watch thread checks every second that
its parent is still the one that started it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator

PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH_SECONDS = 1.0


def workers(jobs: int | None, tasks: int) -> int:
    """How many processes: what was asked (default: one per core), never more than the tasks."""
    return max(1, min(jobs or os.cpu_count() or 1, tasks))


def process_pool(count: int, initializer: Callable, initargs: tuple):
    """A pool of `count` processes, each set up by `initializer(*initargs)`, each ending with this process."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=count, initializer=_start_worker, initargs=(os.getpid(), initializer, initargs))


def _start_worker(parent: int, initializer: Callable, initargs: tuple) -> None:
    die_with(parent)
    initializer(*initargs)


def die_with(parent: int) -> None:
    """End this process as soon as the process `parent` (the one that made the pool) is gone."""
    direct = os.getppid() == parent  # else a fork server started this process for the parent
    if direct and sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl: the watch thread alone
            pass
    if not _alive(parent, direct):  # gone before the request above could take effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent, direct), name="parent-watch", daemon=True).start()


def _alive(parent: int, direct: bool) -> bool:
    if direct:
        return os.getppid() == parent  # once the parent is gone, another process adopts this one
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _watch(parent: int, direct: bool) -> None:
    import time

    while _alive(parent, direct):
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def chunks(items: list, size: int) -> Iterator[list]:
    """The items in batches of `size`, for the pool's tasks."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
