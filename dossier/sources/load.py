"""Reading a certification's folder: every source file, into the model and its diagnostics.

`load(folder)` reads `certification.yaml`, `blocs/*.yaml` and `livret/*.md`,
and returns the model with every diagnostic found on the way; it never stops
at the first problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import model as m
from .diagnostics import Loc, Report
from .prose import read_prose
from .read import read_yaml
from .schema import BLOC, CERTIFICATION
from .spec import INVALID, Ctx

CERTIFICATION_FILE = "certification.yaml"
BLOCS_DIR = "blocs"
PROSE_DIR = "livret"


@dataclass(frozen=True)
class Loaded:
    certification: m.Certification | None
    report: Report
    files: tuple[Path, ...]  # every source file read


def load(folder: Path, display_root: Path | None = None) -> Loaded:
    """Read and validate every source file of one certification folder."""
    report = Report()
    folder = Path(folder)
    base = display_root if display_root is not None else Path.cwd()

    def show(path: Path) -> str:
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(path)

    if not folder.is_dir():
        report.error("dossier-absent", Loc(show(folder)), "", "dossier de sources introuvable")
        return Loaded(None, report, ())
    files: list[Path] = [folder / CERTIFICATION_FILE]
    doc = read_yaml(folder / CERTIFICATION_FILE, show(folder / CERTIFICATION_FILE), report)
    cert = INVALID
    if doc is not None:
        cert = CERTIFICATION.parse(doc.root, "", Ctx(doc.display, report))

    blocs = []
    bloc_dir = folder / BLOCS_DIR
    bloc_files = sorted(p for p in bloc_dir.glob("*.yaml")) + sorted(bloc_dir.glob("*.yml")) if bloc_dir.is_dir() else []
    if not bloc_files:
        report.error("bloc-absent", Loc(show(bloc_dir)), "", "aucun bloc : ajoutez un fichier blocs/bc01.yaml")
    for path in bloc_files:
        files.append(path)
        bdoc = read_yaml(path, show(path), report)
        if bdoc is None:
            continue
        bloc = BLOC.parse(bdoc.root, "", Ctx(bdoc.display, report))
        if bloc is not INVALID:
            blocs.append(bloc)

    prose_files = sorted((folder / PROSE_DIR).glob("*.md")) if (folder / PROSE_DIR).is_dir() else []
    prose = []
    for path in prose_files:
        files.append(path)
        item = read_prose(path, show(path), report)
        if item is not None:
            prose.append(item)

    if cert is INVALID:
        return Loaded(None, report, tuple(files))
    return Loaded(replace(cert, blocs=tuple(blocs), prose=tuple(prose)), report, tuple(files))

