"""Reading a certification's folder: every source file, into the model and its diagnostics.

`load(folder)` reads `certification.yaml`, `blocs/*.yaml` and `livret/*.md`,
and returns the model with every diagnostic found on the way; it never stops
at the first problem.
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path

from . import model as m
from .diagnostics import Loc, Report
from .prose import read_prose
from .read import UnreadableError, compose_yaml, read_bytes, read_text, read_yaml
from .schema import BLOC, CERTIFICATION
from .spec import INVALID, Ctx

CERTIFICATION_FILE = "certification.yaml"
BLOCS_DIR = "blocs"
PROSE_DIR = "livret"
LOGO_NAMES = {"logo.png": "PNG", "logo.jpg": "JPEG", "logo.jpeg": "JPEG"}
MAX_LOGO_BYTES = 5 * 2**20
MAX_LOGO_PIXELS = 6000  # on a side: a 22 mm logo printed at 600 dpi needs 520


@dataclass(frozen=True)
class Loaded:
    certification: m.Certification | None
    report: Report
    files: tuple[Path, ...]  # every source file read


def load(folder: Path, display_root: Path | None = None, kept: dict | None = None) -> Loaded:
    """Read and validate every source file of one certification folder.

    `kept` (a process that reads the same folder again and again: `dossier suivre`) holds the blocs
    read last time, by shown path and text, with their diagnostics: a bloc file whose text has not
    changed is not composed and parsed again. Each file is still read through the safe reader, so a
    file that became a link out of the folder, or too big, or not UTF-8, is said as before. Only the
    blocs read this time are kept.
    """
    report = Report()
    folder = Path(folder)
    base = display_root if display_root is not None else Path.cwd()

    def show(path: Path) -> str:
        """The path as the user reads it: relative to the working folder when below it, else as given."""
        try:
            try:
                return str((path.parent.resolve() / path.name).relative_to(base.resolve()))  # a link by its own name
            except (OSError, RuntimeError):  # a link loop: the path as written, links not followed
                return str(Path(os.path.abspath(path)).relative_to(os.path.abspath(base)))
        except ValueError:
            return str(path)

    if not folder.is_dir():
        report.error("dossier-absent", Loc(show(folder)), "", "dossier de sources introuvable")
        return Loaded(None, report, ())
    files: list[Path] = [folder / CERTIFICATION_FILE]
    doc = read_yaml(folder / CERTIFICATION_FILE, show(folder / CERTIFICATION_FILE), report, inside=folder)
    cert = INVALID
    if doc is not None:
        cert = CERTIFICATION.parse(doc.root, "", Ctx(doc.display, report))

    blocs = []
    bloc_dir = folder / BLOCS_DIR
    bloc_files = sorted(p for p in bloc_dir.glob("*.yaml")) + sorted(bloc_dir.glob("*.yml")) if bloc_dir.is_dir() else []
    if bloc_dir.is_symlink() and not bloc_dir.exists():
        report.error("fichier-illisible", Loc(show(bloc_dir)), "", "lien symbolique cassé ou qui renvoie à lui-même : un dossier est attendu")
    elif not bloc_files:
        report.error("bloc-absent", Loc(show(bloc_dir)), "", "aucun bloc : ajoutez un fichier blocs/bc01.yaml")
    fresh: dict = {}
    for path in bloc_files:
        files.append(path)
        bloc = _bloc(path, show(path), report, folder, kept, fresh)
        if bloc is not None and bloc is not INVALID:
            blocs.append(bloc)
    if kept is not None:
        kept.clear()
        kept.update(fresh)

    prose_files = sorted((folder / PROSE_DIR).glob("*.md")) if (folder / PROSE_DIR).is_dir() else []
    prose = []
    for path in prose_files:
        files.append(path)
        item = read_prose(path, show(path), report, inside=folder)
        if item is not None:
            prose.append(item)

    logo = _logo(folder, show, report, files)
    if cert is INVALID:
        return Loaded(None, report, tuple(files))
    return Loaded(replace(cert, blocs=tuple(blocs), prose=tuple(prose), logo=logo), report, tuple(files))


def _bloc(path: Path, display: str, report: Report, folder: Path, kept: dict | None, fresh: dict):
    """One bloc file's model (None or INVALID when it has errors), its diagnostics added to `report`."""
    if kept is None:
        bdoc = read_yaml(path, display, report, inside=folder)
        return None if bdoc is None else BLOC.parse(bdoc.root, "", Ctx(bdoc.display, report))
    text = read_text(path, display, report, inside=folder)
    if text is None:
        return None
    key = (display, text)
    if key not in kept:
        own = Report()
        bdoc = compose_yaml(text, path, display, own)
        kept[key] = (None if bdoc is None else BLOC.parse(bdoc.root, "", Ctx(bdoc.display, own)), tuple(own.diagnostics))
    bloc, said = fresh[key] = kept[key]
    report.diagnostics.extend(said)
    return bloc


def _logo(folder: Path, show, report: Report, files: list[Path]) -> m.Logo | None:
    """The logo, if the folder has one: a real PNG or JPEG image inside the folder, of bounded size."""
    for name, kind in LOGO_NAMES.items():
        path = folder / name
        if not (path.exists() or path.is_symlink()):
            continue
        files.append(path)
        where = Loc(show(path))
        try:
            data = read_bytes(path, inside=folder, limit=MAX_LOGO_BYTES)
        except UnreadableError as exc:
            report.error("logo" if exc.rule == "fichier-taille" else exc.rule, where, "", exc.message)
            return None
        problem = _image_problem(data, kind)
        if problem:
            report.error("logo", where, "", problem)
            return None
        mime = "image/png" if kind == "PNG" else "image/jpeg"
        return m.Logo(name, mime, hashlib.sha256(data).hexdigest(), data)
    return None


def _image_problem(data: bytes, kind: str) -> str:
    """Why `data` is not a usable image of this kind ("" if it is one)."""
    from PIL import Image, UnidentifiedImageError  # imported only when there is a logo

    too_big = f"logo trop grand ({{}} pixels ; {MAX_LOGO_PIXELS} au plus de côté) : réduisez-le"
    try:
        with Image.open(io.BytesIO(data)) as image:
            found, (width, height) = image.format, image.size
            if found != kind:
                return f"le logo n'est pas une image {kind} (c'est {'une image ' + found if found else 'autre chose'}) : enregistrez-le en {kind}"
            if max(width, height) > MAX_LOGO_PIXELS:
                return too_big.format(f"{width} × {height}")
            image.verify()
    except Image.DecompressionBombError:  # Pillow's own bound, far above ours
        return too_big.format("des centaines de millions de")
    except UnidentifiedImageError:
        return f"le logo n'est pas une image lisible : enregistrez-le en {kind}"
    except (OSError, ValueError, SyntaxError):
        return f"image {kind} abîmée : enregistrez le logo de nouveau"
    return ""

