"""`dossier build` and `dossier site`: the documents, the site and the filing bundle."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..checks import Checked
from ..documents import FORMATS
from ..errors import SourceError
from ..pipeline.options import SITE, TARGETS, BuildOptions
from ..text import plural
from .common import csv_choice, echo, jobs_option, out_option, print_report, seconds, sources_argument, strict_option, tally


class _Terminal:
    """The build's hooks (pipeline.build.Hooks): prints the diagnostics once the sources are checked,
    and a progress bar on a terminal."""

    def __init__(self, quiet: bool, verbose: bool, progress: bool):
        self.quiet, self.verbose, self.progress = quiet, verbose, progress and not quiet and sys.stderr.isatty()
        self.bar = None

    def checked(self, checked: Checked) -> None:
        print_report(checked, self.quiet, with_summary=False, infos=self.verbose)

    def planned(self, count: int) -> None:
        if self.progress and count:
            self.bar = click.progressbar(length=count, label="Construction", file=sys.stderr)
            self.bar.__enter__()

    def made(self, output) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def run_build(ctx: click.Context, folder: Path, out: Path, options: BuildOptions, progress: bool = True):
    """A build with the terminal's hooks; sources with errors stop it with their count."""
    from ..pipeline.build import build  # imported when a build runs: `dossier check` starts faster
    terminal = _Terminal(ctx.obj["quiet"], ctx.obj["verbose"], progress)
    try:
        result = build(folder, out, options, terminal)
    finally:
        terminal.close()
    if result.refused:
        raise SourceError(f"sources non conformes : {tally(result.checked)} ; rien n'a été construit")
    for path in result.foreign:
        echo(f"Attention : {path} n'a pas été écrit par dossier et n'est pas dans MANIFEST.sha256 : retirez-le avant le dépôt.", err=True)
    if ctx.obj["verbose"]:
        for path in result.written:
            echo(f"écrit : {path}")
        for path in result.removed:
            echo(f"supprimé (plus produit) : {path}")
    return result


def removed_note(removed: list) -> str:
    """« , 3 anciens supprimés » when a build removed outputs it no longer makes."""
    n = len(removed)
    return f", {n} ancien{'s' if n > 1 else ''} supprimé{'s' if n > 1 else ''}" if n else ""


@click.command(name="build")
@sources_argument
@strict_option
@out_option
@click.option("--only", metavar="LISTE", callback=csv_choice(TARGETS), help="Documents à produire, séparés par des virgules : " + ", ".join(TARGETS) + ".")
@click.option("--format", "formats", metavar="LISTE", callback=csv_choice(FORMATS), help="Formats, séparés par des virgules : " + ", ".join(FORMATS) + ".")
@click.option("--brouillon", is_flag=True, help="Construire malgré les erreurs des sources ; chaque page porte BROUILLON.")
@click.option("--bloc", default="", metavar="CODE", help="Un livret pour ce seul bloc (candidat visant un bloc, VAE).")
@click.option(
    "--gros-caracteres", is_flag=True,
    help="Faire aussi le livret en gros caractères (corps 16 pt, interlignes larges, tableaux sur une colonne), "
    "à côté du livret courant : …-livret-gros-caracteres.pdf (aménagement pour un candidat malvoyant).",
)
@jobs_option
@click.option("--force", is_flag=True, help="Tout refaire, même ce qui est à jour.")
@click.pass_context
def build_command(
    ctx, folder: Path, strict: bool, out: Path, only, formats, brouillon: bool, bloc: str, gros_caracteres: bool, jobs, force: bool,
) -> None:
    """Construire les documents : référentiel, livret, grilles vierges, site et dossier de dépôt.

    Les sources sont d'abord vérifiées ; s'il y a une erreur, rien n'est écrit
    (sauf avec --brouillon, qui marque chaque page BROUILLON et ne fait pas le
    dossier de dépôt). Seuls les fichiers dont une source, un gabarit ou un
    réglage a changé sont refaits, en parallèle sur tous les cœurs. Chaque
    fichier est écrit d'un coup : un échec laisse les fichiers précédents intacts.

    Exemple : dossier build sources --only referentiel --format pdf,docx
    """
    quiet = ctx.obj["quiet"]
    start = time.perf_counter()
    options = BuildOptions(only, formats, brouillon, bloc, strict, jobs, force, gros_caracteres)
    result = run_build(ctx, folder, out, options)
    if result.unchanged:
        if not quiet:
            echo(f"Rien à refaire : {plural(result.up_to_date, 'fichier')} à jour dans {out}/ ({seconds(time.perf_counter() - start)}).")
        return
    if brouillon and not quiet:
        echo("BROUILLON : chaque page le porte ; le dossier de dépôt n'est pas construit.", err=True)
    elif result.blocked and not quiet:
        echo(f"BROUILLON : {plural(result.pending, 'élément')} à compléter avant dépôt (dossier check --depot les liste) ; "
             "le dossier de dépôt n'est pas construit et chaque page porte BROUILLON.", err=True)
    if not quiet:
        n = len(result.written)
        mark = " (BROUILLON)" if brouillon or result.blocked else ""
        echo(
            f"{plural(n, 'fichier')} écrit{'s' if n > 1 else ''}, {result.up_to_date} à jour{removed_note(result.removed)}, "
            f"dans {out}/{mark} en {seconds(time.perf_counter() - start)}."
        )


@click.command(name="site")
@sources_argument
@click.option("--out", type=click.Path(path_type=Path), metavar="DOSSIER", default=Path("build"), show_default=True,
              help="Dossier de sortie (le site va dans OUT/site/).")
@click.pass_context
def site_command(ctx, folder: Path, out: Path) -> None:
    """Publier le référentiel en HTML : un petit site statique dans build/site/.

    Une page d'accueil (la fiche), une page par bloc, la matrice de couverture,
    une recherche qui marche sans serveur, et les documents PDF et DOCX déjà
    construits à télécharger. Ouvrez build/site/index.html, ou déposez le
    dossier sur n'importe quel hébergement.

    Exemple : dossier site sources
    """
    result = run_build(ctx, folder, out, BuildOptions(only=(SITE,)), progress=False)
    if not ctx.obj["quiet"]:
        count = len(result.written) + result.up_to_date
        echo(f"Site écrit dans {out / 'site'}/ ({plural(count, 'fichier')}) en {seconds(result.seconds)}.")
