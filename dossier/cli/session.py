"""`dossier grilles`: the evaluation grids, blank or pre-filled for each candidate of a session."""

from __future__ import annotations

import sys
import time
from contextlib import nullcontext
from pathlib import Path

import click

from ..checks import check
from ..documents import FORMATS
from ..errors import DossierError, SourceError
from ..pipeline.options import BuildOptions
from ..text import controls, plural, slug
from .build import removed_note, run_build
from .common import csv_choice, echo, echo_diagnostic, jobs_option, print_report, seconds, sources_argument


@click.command(name="grilles")
@sources_argument
@click.option("--candidats", "candidates", type=click.Path(path_type=Path), metavar="FICHIER", default=None,
              help="CSV des candidats de la session (nom ; prénom ; numéro ; blocs ; date ; lieu).")
@click.option("--session", default="", metavar="NOM", help="Nom de la session, imprimé sur les grilles (par défaut : le nom du CSV).")
@click.option("--out", type=click.Path(path_type=Path), metavar="DOSSIER", default=Path("build"), show_default=True,
              help="Dossier de sortie.")
@click.option("--format", "formats", metavar="LISTE", callback=csv_choice(FORMATS), help="Formats des grilles : pdf,docx par défaut (html possible).")
@click.option("--skip-invalid", is_flag=True, help="Produire les grilles des lignes valides et lister les lignes écartées.")
@click.option("--jury", "jury_folder", type=click.Path(path_type=Path), metavar="DOSSIER", default=None,
              help="Dossier de la session de jury (son session.yaml) : une ligne de signature par membre, à son nom.")
@jobs_option
@click.pass_context
def grilles_command(ctx, folder: Path, candidates: Path | None, session: str, out: Path, formats, skip_invalid: bool,
                    jury_folder: Path | None, jobs) -> None:
    """Grilles d'évaluation : vierges, ou pré-remplies pour chaque candidat d'une session.

    Sans --candidats, écrit les grilles vierges (une par épreuve) dans
    build/grilles/. Avec un CSV tel qu'exporté par Excel ou LibreOffice
    (UTF-8 ou Windows-1252 — le « CSV (séparateur : point-virgule) » d'Excel —,
    reconnu et annoncé ; séparateur « ; » ou « , » ; colonnes « nom » et
    « blocs » au moins), écrit une grille par candidat et par épreuve, et un PDF
    regroupant toutes les grilles de chaque épreuve pour l'impression, dans
    build/sessions/<session>/. Si une ligne est fausse, rien n'est produit
    (sauf avec --skip-invalid).

    Avec --jury, les grilles portent une ligne de signature par membre du
    jury de la session (nom et qualité, lus dans son session.yaml).

    Exemple : dossier grilles sources --candidats juin-2027.csv --session "Juin 2027"
    """
    from ..pipeline import session as session_mod
    from ..sources import candidats as candidats_mod

    quiet = ctx.obj["quiet"]
    if candidates is None and jury_folder is not None:
        raise click.UsageError("--jury nomme le jury d'une session : il va avec --candidats", ctx)
    if candidates is None:  # the blank grids: a build of the grids (nothing done when nothing changed)
        result = run_build(ctx, folder, out, BuildOptions(only=("grilles",), formats=formats, jobs=jobs))
        if not quiet:
            n = len(result.written)
            echo(
                f"{plural(n, 'fichier')} écrit{'s' if n > 1 else ''}, {result.up_to_date} à jour, "
                f"dans {out}/ en {seconds(result.seconds)}."
            )
        return
    checked = check(folder)
    tally = print_report(checked, quiet, with_summary=False, infos=ctx.obj["verbose"])
    if not checked.ok:
        raise SourceError(f"sources non conformes : {tally} ; rien n'a été construit")
    jury = ()
    if jury_folder is not None:
        from ..documents.grilles import Membre
        from ..sources.session import SESSION_FILE, read_info_reported

        info, report = read_info_reported(jury_folder, f"{jury_folder}/{SESSION_FILE}")
        for diag in report.sorted():
            echo_diagnostic(diag)
        if info is None or report.errors:
            raise DossierError(f"{jury_folder}/{SESSION_FILE} : session de jury illisible ; aucune grille n'a été produite")
        jury = tuple(Membre(m.nom, m.qualite) for m in info.jury)
    session = session or candidates.stem
    if controls(session):
        raise DossierError(f"le nom de la session « {session} » contient un caractère de contrôle : choisissez-en un autre (--session)")
    parsed = candidats_mod.read(candidates, str(candidates), checked.certification)
    if parsed.delimiter and not quiet:
        click.echo(f"{candidates} : lu en {parsed.encoding}, séparateur « {parsed.delimiter} ».", err=True)
    for diag in parsed.report.sorted():
        echo_diagnostic(diag)
    if parsed.report.errors and (not skip_invalid or not parsed.candidats):
        lines = len(parsed.invalid_lines)
        what = f"{plural(lines, 'ligne')} invalide{'s' if lines > 1 else ''}" if lines else "fichier invalide"
        raise DossierError(f"{candidates} : {what} ; aucune grille n'a été produite")
    if parsed.invalid_lines:
        echo(f"Lignes écartées (--skip-invalid) : {', '.join(map(str, parsed.invalid_lines))}", err=True)
    if parsed.ignored_columns and not quiet:
        echo(f"Colonnes ignorées : {', '.join(parsed.ignored_columns)}", err=True)

    start = time.perf_counter()
    total = sum(len(b.modalites) for c in parsed.candidats for b in checked.certification.blocs if b.code in c.blocs)
    show = sys.stderr.isatty() and not quiet
    with click.progressbar(length=total, label="Grilles", file=sys.stderr) if show else nullcontext() as bar:
        result = session_mod.generate(
            folder, parsed.candidats, out, session, formats or ("pdf", "docx"), jobs,
            progress=bar.update if bar is not None else None, jury=jury,
        )
    if not quiet:
        where = out / "sessions" / slug(session)
        echo(
            f"{plural(result.grids, 'grille')} pour {plural(len(parsed.candidats), 'candidat')} "
            f"({plural(len(result.files), 'fichier')}, {plural(len(result.merged), 'PDF')} à imprimer"
            f"{removed_note(result.removed)}) dans {where}/ en {seconds(time.perf_counter() - start)}."
        )
