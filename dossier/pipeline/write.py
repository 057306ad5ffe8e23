"""The one place that writes output files: atomically, never half-written.

What the machine refuses (a read-only folder, a full disk, a file where a folder
should be) is said as a user error naming the file, and leaves nothing behind:
the temporary file is removed and the previous version of the output stays.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import environment_error


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> Path:
    """Write `data` to `path` through a temporary file renamed into place."""
    return write_atomic_with(path, lambda handle: handle.write(data), mode)


def write_atomic_with(path: Path, fill: Callable[[BinaryIO], object], mode: int = 0o644) -> Path:
    """Let `fill` write into a temporary file, then rename it to `path` (for outputs too big to hold)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise environment_error(exc, exc.filename or path.parent) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and exc.errno is not None:
            raise environment_error(exc, path) from exc
        raise
    return path
