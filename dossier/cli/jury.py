"""`dossier jury`: the jury session (`dossier jury SOURCES SESSION`), and its filled grids read back (`lire`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import DossierError
from ..text import plural
from .common import echo
from .jury_session import jury_options, run_jury

BUILD = "construire"


class SessionGroup(click.Group):
    """`dossier jury SOURCES SESSION …` runs the build; a first word naming a subcommand runs it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [BUILD, *args]
        return super().parse_args(ctx, args)


@click.group(name="jury", cls=SessionGroup)
def jury_group() -> None:
    """Session de jury : décisions, procès-verbal, fiches de synthèse, relevés, attestations, parchemins.

    dossier jury SOURCES SESSION --out DOSSIER lit le dossier de session
    (session.yaml, candidats.csv, resultats.csv, deliberations.csv), calcule
    les décisions de chaque candidat pour chaque bloc présenté, puis écrit les
    documents (PDF, DOCX, HTML), decisions.csv et les PDF à imprimer. Les
    fichiers écrits contiennent des données personnelles : ils ne sont
    lisibles que par vous (droits 0600).

    dossier jury lire GRILLES… --out resultats.csv relit les grilles Word
    cochées par le jury et écrit resultats.csv, sans rien retaper.

    Exemple : dossier jury sources exemples/session --out build/jury
    """


@jury_group.command(name=BUILD)
@jury_options
@click.pass_context
def construire_command(ctx, folder, session, out, formats, key, strict, jobs) -> None:
    """Calculer les décisions de la session et écrire ses documents (la commande par défaut de dossier jury).

    Les fichiers sont écrits dans --out (par défaut build/jury/<session>/),
    lisibles par vous seul : procès-verbal, decisions.csv, fiches de synthèse,
    relevés, attestations, parchemins, les PDF à imprimer (imprimer/), les
    badges numériques Open Badges 3.0 de chaque bloc validé (badges/, signés
    avec --cle) et, si session.yaml règle l'accrochage, accrochage.xml : les
    titulaires, pour la Caisse des Dépôts.

    Exemple : dossier jury construire sources exemples/session --out build/jury
    """
    run_jury(ctx, folder, session, out, formats, strict, jobs, key)


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
