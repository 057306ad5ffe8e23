"""`dossier check`, `dossier regles`, `dossier schema`: the sources and their rules."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..checks import CHECKS, check
from ..checks.depot import pending
from ..errors import SourceError
from ..sources.diagnostics import Severity
from .common import echo, print_report, sources_argument, strict_option, summary_counts
from .reproduction import REPRODUCTION_RULES, print_reproduction


@click.command(name="check")
@sources_argument
@strict_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="text pour les personnes, json pour les outils.",
)
@click.option(
    "--rncp", "export", type=click.Path(path_type=Path), default=None, metavar="EXPORT",
    help="Chercher aussi la reproduction littérale de fiches publiées : l'export open data des fiches RNCP "
    "(fichier .xml, archive .zip, ou dossier de ces fichiers).",
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
    help="Avec --rncp : où écrire le rapport conformite/reproduction.html.",
)
@click.option(
    "--cache", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Où garder l'index de l'export (par défaut ~/.cache/dossier).",
)
@click.option(
    "--precedente", metavar="VERSION", default=None,
    help="La version précédente, pour vérifier les correspondances avec elle : un dossier de sources, git:RÉVISION ou "
    "rncp:EXPORT.xml#RNCPnnnnn (par défaut : renouvellement.version_precedente).",
)
@click.option(
    "--depot", is_flag=True,
    help="Lister seulement ce qui empêche le dépôt, fichier par fichier, avec ce qu'il faut faire : valeurs provisoires "
    "ou d'exemple (a_adapter:), textes d'exemple du livret, chapitres de règles manquants, erreurs.",
)
@click.option(
    "--session", "session", type=click.Path(path_type=Path), default=None, metavar="DOSSIER",
    help="Vérifier aussi un dossier de session de jury (session.yaml, candidats.csv, resultats.csv, deliberations.csv).",
)
@click.pass_context
def check_command(ctx: click.Context, folder: Path, strict: bool, fmt: str, export: Path | None, out: Path, cache: Path | None,
                  precedente: str | None, depot: bool, session: Path | None) -> None:
    """Vérifier les sources : schéma, règles de France compétences, conseils de rédaction.

    Affiche chaque problème sous la forme fichier:ligne:colonne: clé: message,
    puis un résumé et la matrice de couverture compétences × épreuves.
    Avec --rncp, compare aussi chaque compétence, critère et épreuve aux blocs
    de toutes les fiches de l'export, affiche les passages repris, bloc par
    bloc, et écrit le rapport conformite/reproduction.html dans --out. Quand la
    version précédente se lit (--precedente, ou renouvellement.version_precedente),
    vérifie les correspondances avec elle : ses blocs et compétences nommés
    existent, chacun de ses blocs a sa décision.
    Le résumé compte les éléments à compléter avant dépôt ; --depot les liste,
    fichier par fichier, avec ce qu'il faut faire (et sort en 1 s'il en reste).
    Code de sortie : 0 si tout va bien, 1 s'il y a des erreurs (ou des
    avertissements avec --strict), 2 si la commande est mal employée.

    Avec --session, vérifie aussi un dossier de session de jury : candidat,
    bloc, épreuve ou critère inconnus, valeurs hors de l'échelle, épreuve d'un
    bloc non présenté, doublons, résultats manquants (bloc « incomplet »).

    Exemple : dossier check sources --strict --rncp export_fiches_RNCP_V4_1.zip
    """
    from ..importers.versions import check_with_previous

    checked = check(folder)
    if session is not None:
        _check_session(checked, session)
    check_with_previous(checked, precedente)
    result = None
    if export is not None and checked.ok:
        from ..pipeline.reproduction import reproduction, write_report

        result = reproduction(checked, export, cache, progress=_progress() if not ctx.obj["quiet"] else None)
        report_path = write_report(checked, result, out)
    if depot and fmt == "text":
        from .depot import print_depot

        ctx.exit(1 if print_depot(checked) else 0)
    failed = checked.failed(strict)
    if fmt == "json":
        report = checked.report
        payload = {
            "ok": not failed,
            "counts": {s.label: report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
            "summary": summary_counts(checked.certification) if checked.certification else None,
            "a_completer": len(pending(checked.report)),
            "diagnostics": [d.as_json() for d in report.sorted()],
        }
        click.echo(json_text(payload))
        ctx.exit(1 if failed else 0)
    quiet = ctx.obj["quiet"]
    tally = print_report(checked, quiet, with_summary=True, hide=REPRODUCTION_RULES if result else ())
    if result is not None:
        print_reproduction(checked, result, report_path)
    elif export is not None:
        click.echo("\nReproduction littérale non cherchée : les sources ont des erreurs.")
    if failed:
        reason = " (--strict : les avertissements comptent)" if checked.ok and strict else ""
        raise SourceError(f"sources non conformes : {tally}{reason}")
    if not quiet:
        echo(f"Sources conformes : {tally}.")


def _check_session(checked, folder: Path) -> None:
    """The session's diagnostics join the sources' (read only when the sources read)."""
    from ..checks.session import check_session
    from ..sources.session import read_session

    if checked.certification is None:
        return
    parsed = read_session(folder, checked.certification)
    checked.report.extend(parsed.report)
    if parsed.info is not None:
        checked.report.extend(check_session(checked.certification, parsed))


def json_text(payload) -> str:
    """JSON for tools: non-ASCII text as is, but every control character escaped (\\u009b), even
    those JSON allows raw, so that the terminal it may be shown in never obeys one."""
    import re

    text = json.dumps(payload, ensure_ascii=False, indent=2)
    return re.sub("[\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufffe\uffff]", lambda m: f"\\u{ord(m.group()):04x}", text)


def _progress():
    """On a terminal, the fiches read while the export's index is built (once per export)."""
    import sys

    if not sys.stderr.isatty():
        return None

    def show(fiches: int) -> None:
        if fiches < 0:  # the index is built
            click.echo("", err=True)
            return
        click.echo(f"\rIndex de l'export (une fois pour cet export) : {fiches} fiches lues…", nl=False, err=True)

    return show


@click.command(name="regles")
def regles_command() -> None:
    """Lister les règles de vérification, leur sévérité et si un projet peut l'ajuster.

    Un projet ajuste une règle dans certification.yaml :
    regles: {competence-finalite: info}

    Exemple : dossier regles
    """
    for rule in CHECKS:
        adjustable = "ajustable" if rule.adjustable else "fixe"
        echo(f"{rule.id:30} {rule.severity.label:14} {adjustable:9} {rule.summary}")


@click.command(name="schema")
@click.option(
    "--out", type=click.Path(path_type=Path), metavar="DOSSIER", default=None,
    help="Écrire certification.schema.json, bloc.schema.json et session.schema.json dans ce dossier.",
)
def schema_command(out: Path | None) -> None:
    """Publier le format des sources en JSON Schema, pour les éditeurs.

    Sans --out, affiche les deux schémas. Dans un fichier YAML, la première ligne
    « # yaml-language-server: $schema=… » fait compléter et souligner les clés
    par les éditeurs (VS Code avec l'extension YAML, par exemple).

    Exemple : dossier schema --out schema
    """
    from ..pipeline.write import write_atomic
    from ..sources import schema

    schemas = schema.json_schemas()
    if out is None:
        echo(json.dumps(schemas, ensure_ascii=False, indent=2))
        return
    for name, content in schemas.items():
        path = write_atomic(out / name, schema.dump_json_schema(content).encode())
        echo(f"écrit : {path}")
