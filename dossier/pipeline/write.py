"""The one place that writes output files: atomically, never half-written.

What the machine refuses (a read-only folder, a full disk, a file where a folder
should be) is said as a user error naming the file, and leaves nothing behind:
the temporary file is removed and the previous version of the output stays.
`write_all` goes further for a build's files: all of them or none (each is
written beside its place first; only once all are written are they renamed).
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


def write_all(files: list[tuple[Path, bytes]], mode: int = 0o644) -> list[Path]:
    """Write every file or none: a full disk halfway leaves every previous output as it was."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            staged.append((_staged(Path(path), lambda handle, data=data: handle.write(data), mode), Path(path)))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException as exc:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(exc, OSError) and exc.errno is not None:
            raise environment_error(exc, exc.filename or (staged[-1][1] if staged else None)) from exc
        raise
    return [path for _, path in staged]


def _staged(path: Path, fill: Callable[[BinaryIO], object], mode: int) -> str:
    """A temporary file beside `path`, filled and closed (removed if that fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.chmod(tmp, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


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
