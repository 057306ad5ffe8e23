"""The folders a run manages: which output folders are refused, and what a run may remove.

A build owns build/site/, build/dossier/ and each document's folder; a session
run owns its folder under build/sessions/. What an earlier run wrote there and
this run no longer makes is removed at the end of a successful run (a renamed
certification's old référentiel, a removed épreuve's grid, the grids of last
run's candidates), and so are the leftovers of a run that was killed (temporary
files, parts of merged PDFs). Nothing else: never a file the tool did not write,
never a link followed, never anything outside the folders it manages.

Before anything is made, the output folder is refused when a mistake there would
cost the user's files: the root, the home folder, the sources folder or any
folder inside or around it that the run would manage.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import DossierError, environment_error

# write_atomic's temporary files (.name.XXXX.tmp) and a session's parts of merged PDFs
LEFTOVER = re.compile(r"^\..+\.(?:tmp|part\d{5}\.pdf)$")


def _real(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def refuse_out(out: Path, option: str = "--out", sources: Path | None = None, managed: Iterable[str] = ()) -> None:
    """Refuse an output folder that is the root or the home folder (or above it), lies in the sources
    folder, or would have the run manage a folder holding the sources."""
    real = _real(out)
    home = _home()
    if real == Path(real.anchor):
        raise DossierError(f"{option} {out} : la racine du disque ne peut pas servir de dossier de sortie ; choisissez un dossier à part (par exemple {option} build)")
    if home is not None and _within(home, real):
        raise DossierError(f"{option} {out} : le dossier personnel ne peut pas servir de dossier de sortie ; choisissez un dossier à part (par exemple {option} build)")
    if sources is None:
        return
    src = _real(sources)
    if _within(real, src):
        raise DossierError(f"{option} {out} : le dossier de sortie ne peut pas être dans le dossier des sources ({sources}) ; choisissez un dossier à côté (par exemple {option} build)")
    for name in managed:
        if _within(src, real / name):
            raise DossierError(f"{option} {out} : {real / name} contiendrait les sources ({sources}), que la construction remplacerait ; choisissez un autre dossier de sortie")


def prepare_out(out: Path, managed: Iterable[str], files: Iterable[str] = ()) -> None:
    """Make sure `out` can be written before anything is made, and without creating it yet: a folder
    (or one that can be made) where each managed folder is a folder, each of the run's own `files`
    (its state) is not, and a file can be created."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DossierError(f"{out} est un fichier : le dossier de sortie doit être un dossier ; déplacez-le ou choisissez un autre dossier (--out)")
    for name in managed:
        if (out / name).exists() and not (out / name).is_dir():
            raise DossierError(f"{out / name} est un fichier là où la construction range ses documents : déplacez-le ou supprimez-le")
    for name in files:
        if (out / name).is_dir() and not (out / name).is_symlink():
            raise DossierError(f"{out / name} est un dossier là où la construction tient son état : supprimez-le (il est refait)")
    if out.is_dir():
        try:
            fd, probe = tempfile.mkstemp(dir=out, prefix=".dossier-", suffix=".tmp")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise environment_error(exc, out) from exc
        return
    parent = next((p for p in Path(os.path.abspath(out)).parents if p.exists()), None)
    if parent is not None and not parent.is_dir():
        raise DossierError(f"{parent} est un fichier : le dossier de sortie {out} ne peut pas y être créé ; choisissez un autre dossier (--out)")
    if parent is not None and not os.access(parent, os.W_OK | os.X_OK):
        raise DossierError(f"{out} ne peut pas être créé dans {parent} (disque en lecture seule ou droits insuffisants) : choisissez un autre dossier (--out)")


def prune(root: Path, keep: Iterable[Path], ours: Iterable[str | Path]) -> list[Path]:
    """Remove from `root` the files of `ours` (relative to root, written by an earlier run) that are
    not in `keep` (relative too), every leftover of a killed run, then the folders left empty.
    Returns what was removed (relative to root)."""
    root = Path(root)
    if not root.is_dir() or root.is_symlink():
        return []
    keep = {Path(p) for p in keep}
    doomed = {Path(p) for p in ours} - keep
    removed: list[Path] = []
    emptied: set[Path] = set()  # folders something was removed from: removed too once empty
    for folder, dirs, names in os.walk(root, topdown=False):
        here = Path(folder)
        for name in names + [d for d in dirs if (here / d).is_symlink()]:
            rel = (here / name).relative_to(root)
            if rel in keep or not (rel in doomed or LEFTOVER.match(name)):
                continue
            try:
                (here / name).unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise environment_error(exc, here / name) from exc
            removed.append(rel)
            emptied.add(here)
        if here != root and here in emptied:
            try:
                here.rmdir()  # only if empty
                emptied.add(here.parent)
            except OSError:
                pass
    return sorted(removed)


def written_before(listing: Path) -> list[str]:
    """What a run recorded it wrote, in its listing file (nothing known: nothing removed)."""
    try:
        paths = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else []
