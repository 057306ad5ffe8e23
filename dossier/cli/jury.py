"""`dossier jury`: the jury session (`dossier jury SOURCES SESSION`), and its subcommands."""

from __future__ import annotations

import click

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

    Exemple : dossier jury sources exemples/session --out build/jury
    """


@jury_group.command(name=BUILD)
@jury_options
@click.pass_context
def construire_command(ctx, folder, session, out, formats, strict, jobs) -> None:
    """Calculer les décisions de la session et écrire ses documents (la commande par défaut de dossier jury).

    Les fichiers sont écrits dans --out (par défaut build/jury/<session>/),
    lisibles par vous seul : procès-verbal, decisions.csv, fiches de synthèse,
    relevés, attestations, parchemins, et les PDF à imprimer (imprimer/).

    Exemple : dossier jury construire sources exemples/session --out build/jury
    """
    run_jury(ctx, folder, session, out, formats, strict, jobs)
