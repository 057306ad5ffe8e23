"""A version of a référentiel, wherever it is: a sources folder, a git revision, a fiche of the open data.

- `DOSSIER`: a sources folder, as is;
- `git:RÉVISION` (or `git:RÉVISION:DOSSIER`): a sources folder as it was at that revision of its git
  repository (tag, branch, commit), read with `git archive` into a temporary folder — the working
  tree is never touched;
- `rncp:EXPORT.xml#RNCPnnnnn`: a fiche of France compétences' open-data export, read by the importer
  (rncp.py) and written as sources into a temporary folder.

Each is read like any sources folder (sources/load.py): the model, and the count of the errors its
files have (a comparison with a broken version may miss what the errors hide: the caller says so).
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..checks import Checked, severity
from ..checks.correspondances import against
from ..errors import DossierError
from ..sources.diagnostics import Severity
from ..sources.load import CERTIFICATION_FILE, load
from ..sources.model import Certification
from .writer import dump

GIT = "git:"
RNCP = "rncp:"


@dataclass(frozen=True)
class Version:
    label: str  # as the user named it
    certification: Certification
    errors: int  # errors in its source files
    folder: Path | None = None  # the folder on disk, when the version is one


def describe(spec: str) -> str:
    """What a version's name means, for messages."""
    if spec.startswith(GIT):
        return f"la révision git {spec[len(GIT):].split(':', 1)[0]}"
    if spec.startswith(RNCP):
        return f"la fiche {spec.rsplit('#', 1)[-1]} de l'open data"
    return f"le dossier {spec}"


def open_version(spec: str, sources: Path | None = None, base: Path | None = None) -> Version:
    """Read one version. `sources`: the folder a `git:RÉVISION` without folder refers to; `base`: what a
    relative folder is relative to (the current folder when None)."""
    if spec.startswith(GIT):
        revision, _, folder = spec[len(GIT):].partition(":")
        if not revision:
            raise DossierError(f"« {spec} » : indiquez une révision git (git:v1.0, git:main, git:HEAD~3)")
        where = Path(folder) if folder else sources
        if where is None:
            raise DossierError(f"« {spec} » : de quel dossier de sources ? Écrivez git:{revision}:DOSSIER")
        if base is not None and not where.is_absolute():
            where = base / where
        return _from_git(spec, revision, where)
    if spec.startswith(RNCP):
        export, sep, number = spec[len(RNCP):].rpartition("#")
        if not sep or not export or not number:
            raise DossierError(f"« {spec} » : écrivez rncp:EXPORT.xml#RNCPnnnnn (l'export open data et le numéro de la fiche)")
        path = Path(export)
        if base is not None and not path.is_absolute():
            path = base / path
        return _from_rncp(spec, path, number)
    folder = Path(spec)
    if base is not None and not folder.is_absolute():
        folder = base / folder
    if not (folder / CERTIFICATION_FILE).is_file():
        raise DossierError(f"{folder} : pas de {CERTIFICATION_FILE} (un dossier de sources, git:RÉVISION ou rncp:EXPORT.xml#RNCPnnnnn attendu)")
    return _read(spec, folder, folder)


def _read(label: str, folder: Path, kept: Path | None) -> Version:
    loaded = load(folder, display_root=folder)
    if loaded.certification is None:
        first = next((d.format() for d in loaded.report.sorted()), "")
        raise DossierError(f"{label} : sources illisibles ({first})")
    return Version(label, loaded.certification, loaded.report.errors, kept)


def _git(args: list[str], cwd: Path, what: str, binary: bool = False):
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise DossierError("git n'est pas installé : installez-le pour lire une révision (apt-get install git)") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DossierError(f"{what} ({reason[-1] if reason else f'git a échoué, code {done.returncode}'})")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


def _from_git(label: str, revision: str, folder: Path) -> Version:
    if not folder.is_dir():
        raise DossierError(f"{folder} : dossier introuvable (la révision {revision} de quel dossier ?)")
    top = Path(_git(["rev-parse", "--show-toplevel"], folder, f"{folder} n'est pas dans un dépôt git"))
    prefix = _git(["rev-parse", "--show-prefix"], folder, f"{folder} : dépôt git illisible")
    _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top, f"révision « {revision} » inconnue du dépôt git {top}")
    archive = _git(["archive", "--format=tar", revision, "--", prefix or "."], top,
                   f"à la révision {revision}, {prefix or 'le dépôt'} n'existe pas", binary=True)
    with tempfile.TemporaryDirectory(prefix="dossier-version-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")  # nothing outside tmp, no device, no link out
        where = Path(tmp) / prefix
        if not (where / CERTIFICATION_FILE).is_file():
            raise DossierError(f"à la révision {revision}, {prefix or 'la racine du dépôt'} n'a pas de {CERTIFICATION_FILE}")
        return _read(label, where, None)


def _from_rncp(label: str, export: Path, number: str) -> Version:
    from . import rncp

    cert, blocs, _notes = rncp.read(export, number)
    with tempfile.TemporaryDirectory(prefix="dossier-version-") as tmp:
        folder = Path(tmp)
        (folder / "blocs").mkdir()
        (folder / CERTIFICATION_FILE).write_text(dump(cert, ""), encoding="utf-8")
        for n, bloc in enumerate(blocs, start=1):
            (folder / "blocs" / f"bloc{n:02d}.yaml").write_text(dump(bloc, ""), encoding="utf-8")
        version = _read(label, folder, None)
    return version


def check_with_previous(checked: Checked, spec: str | None = None) -> Version | None:
    """Check the correspondances with the previous version against it, when it can be read: `spec` (given
    on the command line), else the sources' renouvellement.version_precedente (relative to them). A version
    the sources name but that cannot be read is reported as a diagnostic; one given by `spec` is an error."""
    cert = checked.certification
    if cert is None:
        return None
    named = spec or cert.renouvellement.version_precedente
    if not named:
        return None
    try:
        other = open_version(named, sources=checked.folder, base=None if spec else checked.folder)
    except DossierError as exc:
        if spec:
            raise
        loc, path = cert.renouvellement.src.at("version_precedente")
        checked.report.add(severity(cert, "version-precedente"), "version-precedente", loc, path,
                           f"version précédente illisible, les correspondances ne sont pas vérifiées avec elle : {exc.message}")
        return None
    for rule_id, (loc, path, message) in against(cert, other.certification):
        level = severity(cert, rule_id)
        if level != Severity.IGNORE:
            checked.report.add(level, rule_id, loc, path, message)
    return other
