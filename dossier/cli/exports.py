"""`dossier export`: the référentiel for other systems (1EdTech CASE 1.1) and for a team editing it
outside the tool (an Excel workbook, brought back with `dossier import xlsx`)."""

from __future__ import annotations

import re
from pathlib import Path

import click

from ..checks import check
from ..errors import SourceError
from ..text import plural, slug
from .common import print_report, sources_argument, strict_option, tally


@click.group(name="export")
def export_group() -> None:
    """Exporter le référentiel : en classeur Excel à faire relire, ou au format ouvert CASE.

    Exemple : dossier export xlsx sources --out relecture.xlsx
    """


def _rncp_codes(ctx, param, values):
    for value in values:
        if not re.fullmatch(r"RNCP\d{3,6}", value):
            raise click.BadParameter(f"« {value} » n'est pas un code RNCP (RNCP suivi de chiffres)")
    return tuple(values)


@export_group.command(name="case")
@sources_argument
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER.json",
              help="Fichier JSON à écrire (remplacé s'il existe).")
@click.option("--remplace", multiple=True, metavar="RNCPnnnnn", callback=_rncp_codes,
              help="Code RNCP d'une certification que celle-ci remplace (version précédente) ; se répète.")
@strict_option
@click.pass_context
def export_case(ctx: click.Context, folder: Path, out: Path, remplace: tuple[str, ...], strict: bool) -> None:
    """Exporter le référentiel au format 1EdTech CASE 1.1 (un CFPackage JSON).

    Pour les registres de référentiels de compétences et les plateformes de
    formation (OpenSALT, CaSS, LMS) : la certification (CFDocument), ses blocs,
    compétences et critères (CFItems, avec leurs codes BC01, C1.2, CR1.3), leur
    hiérarchie et leurs liens (CFAssociations), les alignements ROME et ESCO,
    et chaque grille d'évaluation avec l'échelle (CFRubrics). Les identifiants
    (UUID) sont stables d'un export à l'autre : un registre met à jour le
    référentiel au lieu de le dupliquer. Les sources doivent être conformes.

    Exemple : dossier export case sources --out referentiel-case.json
    """
    from ..exporters.case import case_package, dumps
    from ..pipeline.write import write_atomic

    checked = check(folder)
    if checked.failed(strict):
        print_report(checked, ctx.obj["quiet"], with_summary=False)
        raise SourceError(f"sources non conformes : {tally(checked)} ; rien n'a été exporté")
    cert = checked.certification
    package = case_package(cert, replaces=remplace)
    write_atomic(out, dumps(package))
    if not ctx.obj["quiet"]:
        click.echo(
            f"CASE 1.1 écrit dans {out} : {plural(len(package['CFItems']), 'élément')} "
            f"({plural(len(cert.blocs), 'bloc')}, {plural(len(cert.competences), 'compétence')}, "
            f"{plural(len(cert.criteres), 'critère')}), {plural(len(package['CFAssociations']), 'association')}, "
            f"{plural(len(package.get('CFRubrics', [])), 'grille')}."
        )


@export_group.command(name="xlsx")
@sources_argument
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="CLASSEUR.xlsx",
              help="Classeur à écrire (par défaut : <intitulé>.xlsx dans le dossier courant).")
@click.pass_context
def export_xlsx(ctx, folder: Path, out: Path | None) -> None:
    """Écrire un classeur Excel de relecture : la fiche, puis une feuille par bloc.

    Une ligne par activité, tâche, compétence (suivie de ses critères) et
    épreuve ; les listes fermées (type d'épreuve, échelle, niveau, voies
    d'accès ouvertes) en listes déroulantes ; les identifiants dans des
    cellules verrouillées (feuilles protégées, sans mot de passe) ; une colonne
    « Commentaire ». Les modifications reviennent dans les sources par
    « dossier import xlsx CLASSEUR --dans DOSSIER ».

    Exemple : dossier export xlsx sources --out relecture.xlsx
    """
    from ..importers import xlsx_export
    from ..pipeline.plan import document_date

    checked = check(folder)
    if not checked.ok:
        tally = print_report(checked, ctx.obj["quiet"], with_summary=False, infos=False)
        raise SourceError(f"sources non conformes : {tally} ; corrigez-les avant d'exporter")
    out = out or Path(f"{slug(checked.certification.intitule)}.xlsx")
    result = xlsx_export.export(folder, out, document_date(checked.certification))
    if not ctx.obj["quiet"]:
        click.echo(f"Classeur écrit : {out} ({plural(result.blocs, 'bloc')}, {plural(result.rows, 'ligne')} à relire) ; "
                   f"rapportez les modifications par : dossier import xlsx {out} --dans {folder}")
