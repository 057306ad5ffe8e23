"""`dossier jury`: the session's jury — its filled grids read back (`lire`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import DossierError
from ..text import plural
from .common import echo


@click.group(name="jury")
def jury_group() -> None:
    """Session de jury : les grilles remplies relues, les décisions et les documents de la session.

    Exemple : dossier jury lire build/sessions/juin-2027 --out session/resultats.csv
    """


@jury_group.command(name="lire")
@click.argument("grilles", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FICHIER", required=True,
              help="Fichier resultats.csv à écrire (séparateur « ; », UTF-8).")
@click.pass_context
def jury_lire(ctx, grilles: tuple[Path, ...], out: Path) -> None:
    """Relire les grilles Word remplies par le jury et écrire resultats.csv.

    GRILLES : les grilles pré-remplies par « dossier grilles --candidats »
    (fichiers .docx, ou dossiers, parcourus en entier), cochées et annotées dans
    Word ou LibreOffice. Chaque case cochée donne une ligne : numéro du candidat,
    épreuve, compétence, critère, valeur (acquis, non acquis…, ou la note) et les
    observations de la ligne. Une grille dont le candidat ou l'épreuve est inconnu,
    ou une ligne où deux cases sont cochées, est signalée avec le fichier et la
    ligne : rien n'est alors écrit. Une ligne sans case cochée est signalée, sans
    bloquer (le candidat sera « incomplet » pour ce bloc).

    Exemple : dossier jury lire build/sessions/juin-2027 --out session/resultats.csv
    """
    from ..importers.grilles_docx import csv_bytes, grids_in, lire
    from ..pipeline.write import write_atomic

    files = grids_in(list(grilles))
    if not files:
        raise DossierError("aucune grille Word (.docx) trouvée dans " + ", ".join(map(str, grilles)))
    lecture = lire(files)
    for message in lecture.avertissements:
        echo(f"Avertissement : {message}", err=True)
    for message in lecture.problemes:
        echo(message)
    if lecture.problemes:
        n = len(lecture.problemes)
        raise DossierError(f"{plural(n, 'problème')} dans les grilles ; {out} n'a pas été écrit")
    write_atomic(out, csv_bytes(lecture.resultats), mode=0o600)  # a session's results: the owner's only
    if not ctx.obj.get("quiet"):
        echo(f"{plural(len(lecture.resultats), 'résultat')} lu{'s' if len(lecture.resultats) > 1 else ''} "
             f"dans {plural(len(files), 'grille')} : {out}")
