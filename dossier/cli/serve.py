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
@click.pass_context
def serve_command(ctx, folder: Path, out: Path, port: int) -> None:
    """Servir le site sur localhost et le reconstruire à chaque modification.

    Surveille les sources et les gabarits ; après une modification, le site est
    reconstruit et la page ouverte dans le navigateur se recharge. Ctrl-C pour
    arrêter.

    Exemple : dossier serve sources --port 8000
    """
    from ..pipeline.serve import serve

    serve(folder, out, port, echo=click.echo)
