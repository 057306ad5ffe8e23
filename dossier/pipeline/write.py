"""The one place that writes output files: atomically, never half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> Path:
    """Write `data` to `path` through a temporary file renamed into place (mode 0o600: the owner's eyes only)."""
    return write_atomic_with(path, lambda handle: handle.write(data), mode)


def write_atomic_with(path: Path, fill: Callable[[BinaryIO], object], mode: int = 0o644) -> Path:
    """Let `fill` write into a temporary file, then rename it to `path` (for outputs too big to hold)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def write_new(path: Path, data: bytes) -> Path:
    """Write a new file readable by its owner only (a secret key): whole or not at all, and never over
    an existing file (FileExistsError)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0o600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # fails if the path exists: an existing key is never replaced
    finally:
        os.unlink(tmp)
    return path
