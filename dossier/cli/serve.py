"""`dossier serve`: the site on localhost, rebuilt at each change."""

from __future__ import annotations

from pathlib import Path

import click

from .common import sources_argument


@click.command(name="serve")
@sources_argument
@click.option("--out", type=click.Path(path_type=Path), metavar="DOSSIER", default=Path("build"), show_default=True,
              help="Dossier de sortie (le site va dans OUT/site/).")
@click.option("--port", type=click.IntRange(0, 65535), metavar="PORT", default=8000, show_default=True, help="Port local.")
@click.option("--no-open", "no_open", is_flag=True, help="Ne pas ouvrir le navigateur.")
@click.pass_context
def serve_command(ctx, folder: Path, out: Path, port: int, no_open: bool) -> None:
    """Servir le site sur localhost, l'ouvrir dans le navigateur, et le reconstruire à chaque modification.

    Surveille les sources et les gabarits. Après une modification, les pages
    du site sont reconstruites aussitôt et la page ouverte se recharge ; puis
    les documents qu'il propose au téléchargement (PDF, DOCX) sont refaits en
    arrière-plan — la page dit « Mise à jour en cours » jusqu'à ce qu'ils soient
    prêts. Une erreur dans les sources s'affiche en haut de chaque page et dans
    le terminal. Ctrl-C pour arrêter.

    Exemple : dossier serve sources --port 8000
    """
    from ..pipeline.serve import serve

    serve(folder, out, port, echo=click.echo, open_browser=not no_open)
