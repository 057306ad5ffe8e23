"""The `dossier` command: a thin layer over the importable API."""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import click

from . import __version__, build, schema
from .checks import CHECKS
from .coverage import matrix_text
from .diagnostics import Diagnostic, Severity
from .documents import DOCUMENTS, FORMATS
from .documents import slugify as documents_slug
from .errors import DossierError, SourceError

DEFAULT_SOURCES = "sources"


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


def _color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _echo_diagnostic(diag: Diagnostic) -> None:
    line = diag.format()
    if _color():
        label = f"[{diag.severity.label} {diag.rule}]"
        line = line[: -len(label)] + click.style(label, fg=_COLORS.get(diag.severity))
    click.echo(line)


sources_argument = click.argument(
    "folder", required=False, default=DEFAULT_SOURCES, type=click.Path(path_type=Path), metavar="[DOSSIER]"
)
strict_option = click.option("--strict", is_flag=True, help="Échouer aussi sur les avertissements.")


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


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


def _print_report(result: build.Checked, quiet: bool, with_summary: bool, infos: bool = True) -> str:
    """Print the diagnostics (and the summary); return the tally line."""
    for diag in result.report.sorted():
        if infos or diag.severity > Severity.INFO:
            _echo_diagnostic(diag)
    if with_summary and result.certification is not None and not quiet:
        counts = build.summary_counts(result.certification)
        click.echo("")
        click.echo(
            f"{result.certification.intitule} : {_plural(counts['blocs'], 'bloc')}, "
            f"{_plural(counts['activites'], 'activité')}, {_plural(counts['competences'], 'compétence')}, "
            f"{_plural(counts['modalites'], 'modalité')}, {_plural(counts['criteres'], 'critère')}"
        )
        if result.certification.blocs:
            click.echo("")
            click.echo(matrix_text(result.certification))
    report = result.report
    return (
        f"{_plural(report.errors, 'erreur')}, {_plural(report.warnings, 'avertissement')}, "
        f"{_plural(report.count(Severity.INFO), 'info')}"
    )


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
    tally = _print_report(result, quiet, with_summary=True)
    if failed:
        reason = " (--strict : les avertissements comptent)" if result.ok and strict else ""
        raise SourceError(f"sources non conformes : {tally}{reason}")
    if not quiet:
        click.echo(f"Sources conformes : {tally}.")


def _csv_choice(choices):
    def convert(ctx, param, value):
        if not value:
            return ()
        items = tuple(v.strip() for v in value.split(",") if v.strip())
        unknown = [v for v in items if v not in choices]
        if unknown:
            raise click.BadParameter(f"« {unknown[0]} » inconnu ; au choix : {', '.join(choices)}")
        return items

    return convert


@cli.command(name="build")
@sources_argument
@strict_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Dossier de sortie.")
@click.option("--only", callback=_csv_choice(build.TARGETS), help="Documents à produire, séparés par des virgules : " + ", ".join(build.TARGETS) + ".")
@click.option("--format", "formats", callback=_csv_choice(FORMATS), help="Formats, séparés par des virgules : " + ", ".join(FORMATS) + ".")
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
                click.echo(f"Rien à refaire : {_plural(count, 'fichier')} à jour dans {out}/ ({_seconds(time.perf_counter() - start)}).")
            return
    checked = build.check(folder)
    tally = _print_report(checked, quiet, with_summary=False, infos=ctx.obj["verbose"])
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
            f"{_plural(n, 'fichier')} écrit{'s' if n > 1 else ''}, {result.up_to_date} à jour, "
            f"dans {out}/{brouillon} en {_seconds(time.perf_counter() - start)}."
        )


@cli.command(name="grilles")
@sources_argument
@click.option("--candidats", "candidates", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV des candidats de la session (nom ; prénom ; numéro ; blocs ; date ; lieu).")
@click.option("--session", default="", help="Nom de la session, imprimé sur les grilles (par défaut : le nom du CSV).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
              help="Dossier de sortie.")
@click.option("--format", "formats", callback=_csv_choice(FORMATS), help="Formats des grilles : pdf,docx par défaut (html possible).")
@click.option("--skip-invalid", is_flag=True, help="Produire les grilles des lignes valides et lister les lignes écartées.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Nombre de processus (par défaut : un par cœur).")
@click.pass_context
def grilles_command(ctx, folder: Path, candidates: Path | None, session: str, out: Path, formats, skip_invalid: bool, jobs) -> None:
    """Grilles d'évaluation : vierges, ou pré-remplies pour chaque candidat d'une session.

    Sans --candidats, écrit les grilles vierges (une par épreuve) dans
    build/grilles/. Avec un CSV (UTF-8, séparateur « ; » ou « , », tel
    qu'exporté par Excel ou LibreOffice ; colonnes « nom » et « blocs » au
    moins), écrit une grille par candidat et par épreuve, et un PDF
    regroupant toutes les grilles de chaque épreuve pour l'impression, dans
    build/sessions/<session>/. Si une ligne est fausse, rien n'est produit
    (sauf avec --skip-invalid).

    Exemple : dossier grilles sources --candidats juin-2027.csv --session "Juin 2027"
    """
    from . import candidats as candidats_mod
    from . import session as session_mod

    quiet = ctx.obj["quiet"]
    checked = build.check(folder)
    tally = _print_report(checked, quiet, with_summary=False, infos=ctx.obj["verbose"])
    if not checked.ok:
        raise SourceError(f"sources non conformes : {tally} ; rien n'a été construit")
    if candidates is None:
        result = build.build(folder, out, ("grilles",), formats, checked=checked)
        if not quiet:
            n = len(result.written)
            click.echo(f"{_plural(n, 'fichier')} écrit{'s' if n > 1 else ''} dans {out}/ en {_seconds(result.seconds)}.")
        return
    session = session or candidates.stem
    parsed = candidats_mod.read(candidates, str(candidates), checked.certification)
    for diag in parsed.report.sorted():
        _echo_diagnostic(diag)
    if parsed.report.errors and (not skip_invalid or not parsed.candidats):
        lines = len(parsed.invalid_lines)
        what = f"{_plural(lines, 'ligne')} invalide{'s' if lines > 1 else ''}" if lines else "fichier invalide"
        raise DossierError(f"{candidates} : {what} ; aucune grille n'a été produite")
    if parsed.invalid_lines:
        click.echo(f"Lignes écartées (--skip-invalid) : {', '.join(map(str, parsed.invalid_lines))}", err=True)
    if parsed.ignored_columns and not quiet:
        click.echo(f"Colonnes ignorées : {', '.join(parsed.ignored_columns)}", err=True)

    start = time.perf_counter()
    total = sum(len(b.modalites) for c in parsed.candidats for b in checked.certification.blocs if b.code in c.blocs)
    show = sys.stderr.isatty() and not quiet
    with click.progressbar(length=total, label="Grilles", file=sys.stderr) if show else nullcontext() as bar:
        result = session_mod.generate(
            folder, parsed.candidats, out, session, formats or ("pdf", "docx"), jobs,
            progress=bar.update if bar is not None else None,
        )
    if not quiet:
        where = out / "sessions" / documents_slug(session)
        click.echo(
            f"{_plural(result.grids, 'grille')} pour {_plural(len(parsed.candidats), 'candidat')} "
            f"({_plural(len(result.files), 'fichier')}, {_plural(len(result.merged), 'PDF')} à imprimer) "
            f"dans {where}/ en {_seconds(time.perf_counter() - start)}."
        )


@cli.command(name="site")
@sources_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
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
    quiet = ctx.obj["quiet"]
    checked = build.check(folder)
    tally = _print_report(checked, quiet, with_summary=False, infos=ctx.obj["verbose"])
    if not checked.ok:
        raise SourceError(f"sources non conformes : {tally} ; rien n'a été construit")
    result = build.build(folder, out, (build.SITE,), checked=checked)
    if not quiet:
        click.echo(f"Site écrit dans {out / 'site'}/ ({_plural(len(result.written), 'fichier')}) en {_seconds(result.seconds)}.")


@cli.command(name="serve")
@sources_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.pass_context
def serve_command(ctx, folder: Path, out: Path, port: int) -> None:
    """Servir le site sur localhost et le reconstruire à chaque modification.

    Surveille les sources et les gabarits ; après une modification, le site est
    reconstruit et la page ouverte dans le navigateur se recharge. Ctrl-C pour
    arrêter.

    Exemple : dossier serve sources --port 8000
    """
    from .serve import serve

    serve(folder, out, port, echo=click.echo)


@cli.group(name="import")
def import_group() -> None:
    """Importer un référentiel existant : d'un tableau Word, ou de l'open data RNCP.

    Exemple : dossier import rncp export.xml --fiche RNCP37488 --out rncp37488
    """


force_option = click.option("--force", is_flag=True, help="Remplacer le dossier de sortie s'il existe.")
out_required = click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
                            help="Dossier de sources à créer.")


def _imported(out: Path, notes: list[str]) -> None:
    checked = build.check(out)
    report = checked.report
    click.echo(
        f"Sources écrites dans {out}/ ({_plural(len(checked.certification.blocs) if checked.certification else 0, 'bloc')}, "
        f"{_plural(len(checked.certification.competences) if checked.certification else 0, 'compétence')}) ; "
        f"à revoir : {out / 'IMPORT.md'} ; dossier check : {_plural(report.errors, 'erreur')}, "
        f"{_plural(report.warnings, 'avertissement')}."
    )


@import_group.command(name="docx")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
@out_required
@force_option
def import_docx(document: Path, out: Path, force: bool) -> None:
    """Importer un référentiel d'un tableau Word à quatre colonnes.

    Activités | compétences | modalités | critères, comme dans les dossiers
    déposés : en-têtes sur une ou deux lignes, lignes de titre de bloc, une
    grande ligne par bloc ou une ligne par compétence avec cellules fusionnées,
    puces « - », « • » ou listes Word, lignes « Durée : 3 heures ». Le texte est
    gardé tel quel ; IMPORT.md liste ce qui est à revoir (par exemple les
    critères qui n'ont pas pu être rattachés à une compétence précise).

    Exemple : dossier import docx referentiel.docx --out mon-referentiel
    """
    from .importers import docx_table, writer

    cert, blocs, notes = docx_table.read(document)
    writer.write_project(out, cert, blocs, notes, document.name, force)
    _imported(out, notes)


@import_group.command(name="rncp")
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--fiche", required=True, help="Numéro de la fiche à importer (RNCP37488).")
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
    from .importers import rncp, writer

    cert, blocs, notes = rncp.read(export, fiche)
    writer.write_project(out, cert, blocs, notes, f"{export.name}, fiche {fiche.upper()}", force)
    _imported(out, notes)


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


def main() -> None:
    try:
        cli(prog_name="dossier")
    except BrokenPipeError:  # `dossier regles | head`: the reader left, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
