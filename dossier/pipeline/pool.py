"""The one process pool, shared by the build and the session's grids.

Each worker loads what it needs once (its initializer), then takes tasks.
Importing concurrent.futures costs ~15 ms: only builds that use a pool pay it.
"""

from __future__ import annotations

import os
from collections.abc import Callable


def workers(jobs: int | None, tasks: int) -> int:
    """How many processes: what was asked (default: one per core), never more than the tasks."""
    return max(1, min(jobs or os.cpu_count() or 1, tasks))


def process_pool(count: int, initializer: Callable, initargs: tuple):
    """A pool of `count` processes, each set up by `initializer(*initargs)`."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=count, initializer=initializer, initargs=initargs)
