"""`dossier export`: the project in a form a team edits outside the tool (an Excel workbook), to bring back with `import`."""

from __future__ import annotations

from pathlib import Path

import click

from ..checks import check
from ..errors import SourceError
from ..text import plural, slug
from .common import print_report, sources_argument


@click.group(name="export")
def export_group() -> None:
    """Exporter le référentiel pour le faire relire et modifier hors de l'outil (Excel).

    Exemple : dossier export xlsx sources --out relecture.xlsx
    """


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
