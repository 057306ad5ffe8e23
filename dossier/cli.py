"""The `dossier` command: a thin layer over the importable API."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__, build, cli_import, cli_publish, schema
from .checks import CHECKS
from .cli_common import csv_choice, plural, print_report, seconds, sources_argument, strict_option
from .documents import FORMATS
from .errors import SourceError


class InternalError(click.ClickException):
    exit_code = 3

    def show(self, file=None) -> None:
        click.echo(f"Erreur interne : {self.format_message()}", err=True, file=file)


class Group(click.Group):
    """The one error boundary: a bug becomes one line, a traceback only with --verbose."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:  # a bug of ours, not the user's
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            raise InternalError(
                f"{type(exc).__name__}: {exc} — relancez avec --verbose pour le détail, et signalez-le"
            ) from exc


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dossier")
@click.option("-v", "--verbose", is_flag=True, help="Plus de détails ; trace complète en cas d'erreur interne.")
@click.option("-q", "--quiet", is_flag=True, help="N'afficher que les problèmes.")
@click.pass_context
def cli(ctx: click.Context, verbose: bool, quiet: bool) -> None:
    """Le référentiel d'une certification professionnelle (RNCP), des sources YAML
    aux documents : référentiel, livret du candidat, grilles, site.

    Exemple : dossier check sources
    """
    ctx.ensure_object(dict)
    ctx.obj.update(verbose=verbose, quiet=quiet)


@cli.command()
@sources_argument
@strict_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text pour les personnes, json pour les outils.",
)
@click.pass_context
def check(ctx: click.Context, folder: Path, strict: bool, fmt: str) -> None:
    """Vérifier les sources : schéma, règles de France compétences, conseils de rédaction.

    Affiche chaque problème sous la forme fichier:ligne:colonne: clé: message,
    puis un résumé et la matrice de couverture compétences × épreuves.
    Code de sortie : 0 si tout va bien, 1 s'il y a des erreurs (ou des
    avertissements avec --strict), 2 si la commande est mal employée.

    Exemple : dossier check sources --strict
    """
    result = build.check(folder)
    failed = result.failed(strict)
    if fmt == "json":
        payload = {
            "ok": not failed,
            "counts": build.severity_counts(result.report),
            "summary": build.summary_counts(result.certification) if result.certification else None,
            "diagnostics": [d.as_json() for d in result.report.sorted()],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        ctx.exit(1 if failed else 0)
    quiet = ctx.obj["quiet"]
    tally = print_report(result, quiet, with_summary=True)
    if failed:
        reason = " (--strict : les avertissements comptent)" if result.ok and strict else ""
        raise SourceError(f"sources non conformes : {tally}{reason}")
    if not quiet:
        click.echo(f"Sources conformes : {tally}.")


@cli.command(name="build")
@sources_argument
@strict_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Dossier de sortie.")
@click.option("--only", callback=csv_choice(build.TARGETS), help="Documents à produire, séparés par des virgules : " + ", ".join(build.TARGETS) + ".")
@click.option("--format", "formats", callback=csv_choice(FORMATS), help="Formats, séparés par des virgules : " + ", ".join(FORMATS) + ".")
@click.option("--draft", is_flag=True, help="Construire malgré les erreurs des sources ; chaque page porte BROUILLON.")
@click.option("--bloc", default="", metavar="CODE", help="Un livret pour ce seul bloc (candidat visant un bloc, VAE).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Nombre de processus (par défaut : un par cœur).")
@click.option("--force", is_flag=True, help="Tout refaire, même ce qui est à jour.")
@click.pass_context
def build_command(ctx, folder: Path, strict: bool, out: Path, only, formats, draft: bool, bloc: str, jobs, force: bool) -> None:
    """Construire les documents : référentiel, livret, grilles vierges, site et dossier de dépôt.

    Les sources sont d'abord vérifiées ; s'il y a une erreur, rien n'est écrit
    (sauf avec --draft, qui marque chaque page BROUILLON et ne fait pas le
    dossier de dépôt). Seuls les fichiers dont une source, un gabarit ou un
    réglage a changé sont refaits, en parallèle sur tous les cœurs. Chaque
    fichier est écrit d'un coup : un échec laisse les fichiers précédents intacts.

    Exemple : dossier build sources --only referentiel --format pdf,docx
    """
    quiet = ctx.obj["quiet"]
    start = time.perf_counter()
    key = build.options_key(only, formats, draft, bloc, strict)
    if not force:
        count = build.unchanged(folder, out, key)
        if count is not None:
            if not quiet:
                click.echo(f"Rien à refaire : {plural(count, 'fichier')} à jour dans {out}/ ({seconds(time.perf_counter() - start)}).")
            return
    checked = build.check(folder)
    tally = print_report(checked, quiet, with_summary=False, infos=ctx.obj["verbose"])
    if checked.certification is None or (checked.failed(strict) and not draft):
        raise SourceError(f"sources non conformes : {tally} ; rien n'a été construit")
    show = sys.stderr.isatty() and not quiet
    bar = None

    def planned(n: int) -> None:
        nonlocal bar
        if show and n:
            bar = click.progressbar(length=n, label="Construction", file=sys.stderr)
            bar.__enter__()

    try:
        result = build.build(
            folder, out, only, formats, draft=draft, checked=checked, bloc=bloc, jobs=jobs, force=force, strict=strict,
            on_plan=planned, progress=(lambda _o: bar.update(1)) if show else None,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if ctx.obj["verbose"]:
        for path in result.written:
            click.echo(f"écrit : {path}")
    if draft and not quiet:
        click.echo("BROUILLON : chaque page le porte ; le dossier de dépôt n'est pas construit.", err=True)
    if not quiet:
        n = len(result.written)
        brouillon = " (BROUILLON)" if draft else ""
        click.echo(
            f"{plural(n, 'fichier')} écrit{'s' if n > 1 else ''}, {result.up_to_date} à jour, "
            f"dans {out}/{brouillon} en {seconds(time.perf_counter() - start)}."
        )


@cli.command(name="schema")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Écrire certification.schema.json et bloc.schema.json dans ce dossier.",
)
def schema_command(out: Path | None) -> None:
    """Publier le format des sources en JSON Schema, pour les éditeurs.

    Sans --out, affiche les deux schémas. Dans un fichier YAML, la première ligne
    « # yaml-language-server: $schema=… » fait compléter et souligner les clés
    par les éditeurs (VS Code avec l'extension YAML, par exemple).

    Exemple : dossier schema --out schema
    """
    schemas = schema.json_schemas()
    if out is None:
        click.echo(json.dumps(schemas, ensure_ascii=False, indent=2))
        return
    from .write import write_atomic

    for name, content in schemas.items():
        path = write_atomic(out / name, schema.dump_json_schema(content).encode())
        click.echo(f"écrit : {path}")


@cli.command()
def regles() -> None:
    """Lister les règles de vérification, leur sévérité et si un projet peut l'ajuster.

    Un projet ajuste une règle dans certification.yaml :
    regles: {competence-finalite: info}

    Exemple : dossier regles
    """
    for check_ in CHECKS:
        adjustable = "ajustable" if check_.adjustable else "fixe"
        click.echo(f"{check_.id:30} {check_.severity.label:14} {adjustable:9} {check_.summary}")


cli.add_command(cli_publish.grilles_command)
cli.add_command(cli_publish.site_command)
cli.add_command(cli_publish.serve_command)
cli.add_command(cli_import.import_group)


def main() -> None:
    try:
        cli(prog_name="dossier")
    except BrokenPipeError:  # `dossier regles | head`: the reader left, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
