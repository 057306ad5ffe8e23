"""`dossier jury SOURCES SESSION --out DIR`: a jury session's decisions and documents."""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from pathlib import Path

import click

from ..documents import FORMATS
from ..errors import DossierError, SourceError
from ..text import plural
from .common import csv_choice, echo, echo_diagnostic, jobs_option, seconds


def jury_options(command):
    """The build's arguments and options (kept apart from the group, which `dossier jury lire` shares)."""
    for decorate in reversed((
        click.argument("folder", type=click.Path(path_type=Path), metavar="SOURCES"),
        click.argument("session", type=click.Path(path_type=Path), metavar="SESSION"),
        click.option("--out", type=click.Path(path_type=Path), metavar="DOSSIER", default=None,
                     help="Dossier des documents de la session (par défaut : build/jury/<nom du dossier de session>)."),
        click.option("--format", "formats", metavar="LISTE", callback=csv_choice(FORMATS),
                     help="Formats : pdf,docx,html par défaut."),
        click.option("--cle", "key", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FICHIER", default=None,
                     help="Clé de signature des badges (dossier badges cle) : sans elle, les badges sont écrits non signés."),
        click.option("--strict", is_flag=True, help="Refuser aussi une session avec des avertissements (résultats manquants…)."),
        jobs_option,
    )):
        command = decorate(command)
    return command


def run_jury(ctx, folder: Path, session: Path, out: Path | None, formats, strict: bool, jobs, key: Path | None = None) -> None:
    from ..pipeline import jury as pipeline

    quiet = ctx.obj["quiet"]
    out = out or Path("build") / "jury" / (session.resolve().name or "session")
    checked, parsed, diagnostics = pipeline.load(folder, session)
    for diag in diagnostics:
        echo_diagnostic(diag)
    if checked.certification is None or not checked.ok:
        raise SourceError("sources non conformes : rien n'a été produit")
    errors = sum(d.severity.name == "ERROR" for d in diagnostics)
    warnings = sum(d.severity.name == "WARNING" for d in diagnostics)
    if errors or parsed.info is None:
        raise SourceError(f"session non conforme : {plural(errors, 'erreur')} ; rien n'a été produit")
    if strict and warnings:
        raise SourceError(f"session : {plural(warnings, 'avertissement')} (--strict) ; rien n'a été produit")
    if not parsed.candidats:
        raise DossierError(f"{session} : aucun candidat dans candidats.csv")
    start = time.perf_counter()
    show = sys.stderr.isatty() and not quiet
    with click.progressbar(length=len(parsed.candidats), label="Candidats", file=sys.stderr) if show else nullcontext() as bar:
        result = pipeline.generate(folder, parsed, checked.certification, out, formats or ("pdf", "docx", "html"), jobs,
                                   progress=bar.update if bar is not None else None, key=key)
    if not quiet:
        echo(
            f"{plural(result.decisions, 'décision')} de bloc pour {plural(result.candidats, 'candidat')}, "
            f"{plural(result.files, 'fichier')} dans {out}/ (lisibles par vous seul) en {seconds(time.perf_counter() - start)}."
        )
