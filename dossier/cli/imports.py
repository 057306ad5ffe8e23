"""`dossier import`: an existing référentiel (Word table, RNCP open data, CASE package) → a sources folder;
edits back from Word and Excel into an existing one."""

from __future__ import annotations

from pathlib import Path

import click

from ..checks import check
from ..text import plural
from .changes import bring_in, dry_run_option, into_option
from .common import echo, project_sources


@click.group(name="import")
def import_group() -> None:
    """Importer un référentiel existant (tableau Word, open data RNCP, paquet CASE), ou rapporter des corrections (Word, Excel).

    Exemple : dossier import xlsx relecture.xlsx --dans sources --dry-run
    """


force_option = click.option(
    "--force", is_flag=True,
    help="Remplacer un import précédent dans ce dossier (seuls les fichiers qu'un import a écrits sont remplacés).",
)
out_required = click.option("--out", type=click.Path(path_type=Path), metavar="DOSSIER", required=True,
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
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DOSSIER",
              help="Dossier de sources à créer.")
@into_option
@force_option
@dry_run_option
def import_docx(document: Path, out: Path | None, into: Path | None, force: bool, dry_run: bool) -> None:
    """Importer un référentiel d'un tableau Word à quatre colonnes, ou en rapporter les corrections.

    Activités | compétences | modalités | critères, comme dans les dossiers
    déposés : en-têtes sur une ou deux lignes, lignes de titre de bloc, une
    grande ligne par bloc ou une ligne par compétence avec cellules fusionnées,
    puces « - », « • » ou listes Word, lignes « Durée : 3 heures ». L'en-tête
    du document (intitulé, code RNCP, niveau, NSF, ROME…) est lu. Le texte est
    gardé tel quel ; IMPORT.md liste ce qui est à revoir et chaque valeur
    provisoire.

    Avec --dans DOSSIER, met à jour les blocs d'un projet existant à partir du
    document corrigé : chaque changement est affiché (--dry-run : sans rien
    écrire) ; une compétence, un critère, une épreuve dont le texte a changé
    garde son identifiant ; certification.yaml et les textes du livret ne
    sont pas modifiés.

    Exemple : dossier import docx corrige.docx --dans sources --dry-run
    """
    from ..importers import docx_table, writer

    if (out is None) == (into is None):
        raise click.UsageError("indiquez --out (nouveau dossier) ou --dans (dossier existant à mettre à jour)")
    if into is not None:
        if force:
            raise click.UsageError("--force ne s'emploie qu'avec --out")
        from ..importers import docx_merge

        changes, notes = docx_merge.changes(document, into)
        bring_in(into, document.name, changes, dry_run, notes=notes)
        return
    if dry_run:
        raise click.UsageError("--dry-run ne s'emploie qu'avec --dans")
    cert, blocs, notes = docx_table.read(document)
    writer.write_project(out, cert, blocs, notes, document.name, force, origin=document)
    _imported(out, notes)


@import_group.command(name="rncp")
@click.argument("export", type=click.Path(path_type=Path))
@click.option("--fiche", required=True, metavar="RNCPnnnnn", help="Numéro de la fiche à importer (RNCP37488).")
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


@import_group.command(name="case")
@click.argument("paquet", type=click.Path(dir_okay=False, path_type=Path))
@out_required
@force_option
def import_case(paquet: Path, out: Path, force: bool) -> None:
    """Importer un référentiel de compétences au format 1EdTech CASE (paquet JSON, CFPackage).

    Pour un référentiel écrit dans un autre outil (OpenSALT, un registre CASE) :
    les blocs (sous le document), leurs compétences et leurs critères (liens
    « isChildOf »), les critères qui évaluent plusieurs compétences, les
    alignements ESCO et ROME 4.0. Un élément qui n'est sous aucun bloc est
    signalé dans IMPORT.md, jamais rattaché au hasard. La fiche (niveau, voies
    d'accès…) et les épreuves sont à compléter : dossier check les demande.

    Exemple : dossier import case referentiel-case.json --out mon-referentiel
    """
    from ..importers import case, writer

    cert, blocs, notes = case.read(paquet)
    writer.write_project(out, cert, blocs, notes, paquet.name, force)
    _imported(out, notes)


@import_group.command(name="xlsx")
@click.argument("workbook", metavar="CLASSEUR", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dans", "into", type=click.Path(file_okay=False, path_type=Path), required=True,
              callback=lambda ctx, param, value: project_sources(value),
              help="Dossier de sources à mettre à jour (celui qui a été exporté).")
@dry_run_option
def import_xlsx(workbook: Path, into: Path, dry_run: bool) -> None:
    """Rapporter dans les sources les modifications d'un classeur de relecture.

    Le classeur est celui de « dossier export xlsx », relu et modifié par
    l'équipe. Chaque modification est affichée avec sa cellule (« BC02!C7 »)
    puis écrite dans les fichiers YAML, dont les commentaires, l'ordre des clés
    et les guillemets sont gardés. Une cellule illisible (niveau « six »,
    type d'épreuve hors liste, identifiant inconnu) ou modifiée à la fois dans
    le classeur et, depuis l'export, dans les sources est signalée, et rien
    n'est écrit. Les commentaires de la colonne « Commentaire » sont affichés,
    pas écrits dans les sources. Un classeur sans modification ne change rien.

    Exemple : dossier import xlsx relecture.xlsx --dans sources --dry-run
    """
    from ..importers import xlsx_import

    read = xlsx_import.read(workbook, into)
    bring_in(into, workbook.name, read.changes, dry_run, comments=read.comments, problems=read.problems)
