"""The one place that writes output files: atomically, never half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file renamed into place."""
    return write_atomic_with(path, lambda handle: handle.write(data))


def write_atomic_with(path: Path, fill: Callable[[BinaryIO], object]) -> Path:
    """Let `fill` write into a temporary file, then rename it to `path` (for outputs too big to hold)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
