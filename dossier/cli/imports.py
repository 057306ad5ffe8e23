"""`dossier import`: an existing référentiel (Word table, RNCP open data) → a sources folder."""

from __future__ import annotations

from pathlib import Path

import click

from ..checks import check
from ..text import plural
from .common import echo


@click.group(name="import")
def import_group() -> None:
    """Importer un référentiel existant : d'un tableau Word, ou de l'open data RNCP.

    Exemple : dossier import rncp export.xml --fiche RNCP37488 --out rncp37488
    """


force_option = click.option(
    "--force", is_flag=True,
    help="Remplacer un import précédent dans ce dossier (seuls les fichiers qu'un import a écrits sont remplacés).",
)
out_required = click.option("--out", type=click.Path(path_type=Path), metavar="DIRECTORY", required=True,
                            help="Dossier de sources à créer.")


def _imported(out: Path, notes: list[str]) -> None:
    checked = check(out)
    report = checked.report
    echo(
        f"Sources écrites dans {out}/ ({plural(len(checked.certification.blocs) if checked.certification else 0, 'bloc')}, "
        f"{plural(len(checked.certification.competences) if checked.certification else 0, 'compétence')}) ; "
        f"à revoir : {out / 'IMPORT.md'} ; dossier check : {plural(report.errors, 'erreur')}, "
        f"{plural(report.warnings, 'avertissement')}."
    )


@import_group.command(name="docx")
@click.argument("document", type=click.Path(path_type=Path))
@out_required
@force_option
def import_docx(document: Path, out: Path, force: bool) -> None:
    """Importer un référentiel d'un tableau Word à quatre colonnes.

    Activités | compétences | modalités | critères, comme dans les dossiers
    déposés : en-têtes sur une ou deux lignes, lignes de titre de bloc, une
    grande ligne par bloc ou une ligne par compétence avec cellules fusionnées,
    puces « - », « • » ou listes Word, lignes « Durée : 3 heures ». Le texte est
    gardé tel quel ; IMPORT.md liste ce qui est à revoir (par exemple les
    critères qui n'ont pas pu être rattachés à une compétence précise).

    Exemple : dossier import docx referentiel.docx --out mon-referentiel
    """
    from ..importers import docx_table, writer

    cert, blocs, notes = docx_table.read(document)
    writer.write_project(out, cert, blocs, notes, document.name, force, origin=document)
    _imported(out, notes)


@import_group.command(name="rncp")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--fiche", required=True, help="Numéro de la fiche à importer (RNCP37488).")
@out_required
@force_option
def import_rncp(export: Path, fiche: str, out: Path, force: bool) -> None:
    """Importer une fiche de l'export open data de France compétences (XML, format V4.1).

    Lit l'export au fil de l'eau (un export complet de plusieurs centaines de Mo
    tient en mémoire), et écrit la fiche (intitulé, niveau, codes, certificateurs,
    activités visées, emplois, voies d'accès et jurys) et ses blocs (compétences,
    modalités). L'open data n'a pas de critères : dossier check liste ensuite les
    compétences à doter de critères.

    Exemple : dossier import rncp export_fiches_RNCP_V4_1.xml --fiche RNCP37488 --out rncp37488
    """
    from ..importers import rncp, writer

    cert, blocs, notes = rncp.read(export, fiche)
    writer.write_project(out, cert, blocs, notes, f"{export.name}, fiche {fiche.upper()}", force, origin=export)
    _imported(out, notes)
