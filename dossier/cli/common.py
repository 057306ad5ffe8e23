"""What the commands share: printing diagnostics, common options and arguments, French numbers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..checks import Checked
from ..documents.coverage import matrix_text
from ..sources.diagnostics import Diagnostic, Severity
from ..text import plural

DEFAULT_SOURCES = "sources"


def color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def echo_diagnostic(diag: Diagnostic) -> None:
    line = diag.format()
    if color():
        label = f"[{diag.severity.label} {diag.rule}]"
        line = line[: -len(label)] + click.style(label, fg=_COLORS.get(diag.severity))
    click.echo(line)


sources_argument = click.argument(
    "folder", required=False, default=DEFAULT_SOURCES, type=click.Path(path_type=Path), metavar="[DOSSIER]"
)
strict_option = click.option("--strict", is_flag=True, help="Échouer aussi sur les avertissements.")
out_option = click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True,
    help="Dossier de sortie.",
)
jobs_option = click.option(
    "--jobs", type=click.IntRange(1, 64), default=None, help="Nombre de processus (par défaut : un par cœur)."
)


def seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


def summary_counts(cert) -> dict[str, int]:
    return {
        "blocs": len(cert.blocs),
        "activites": len(cert.activites),
        "competences": len(cert.competences),
        "modalites": len(cert.modalites),
        "criteres": len(cert.criteres),
    }


def tally(checked: Checked) -> str:
    """« 0 erreur, 2 avertissements, 9 infos »."""
    report = checked.report
    return (
        f"{plural(report.errors, 'erreur')}, {plural(report.warnings, 'avertissement')}, "
        f"{plural(report.count(Severity.INFO), 'info')}"
    )


def print_report(checked: Checked, quiet: bool, with_summary: bool, infos: bool = True, hide: tuple[str, ...] = ()) -> str:
    """Print the diagnostics (and the summary), but those of the rules in `hide` (printed apart);
    return the tally line."""
    for diag in checked.report.sorted():
        if diag.rule in hide:
            continue
        if infos or diag.severity > Severity.INFO:
            echo_diagnostic(diag)
    if with_summary and checked.certification is not None and not quiet:
        counts = summary_counts(checked.certification)
        click.echo("")
        click.echo(
            f"{checked.certification.intitule} : {plural(counts['blocs'], 'bloc')}, "
            f"{plural(counts['activites'], 'activité')}, {plural(counts['competences'], 'compétence')}, "
            f"{plural(counts['modalites'], 'modalité')}, {plural(counts['criteres'], 'critère')}"
        )
        if checked.certification.blocs:
            click.echo("")
            click.echo(matrix_text(checked.certification))
    return tally(checked)


def csv_choice(choices):
    def convert(ctx, param, value):
        if not value:
            return ()
        items = tuple(v.strip() for v in value.split(",") if v.strip())
        unknown = [v for v in items if v not in choices]
        if unknown:
            raise click.BadParameter(f"« {unknown[0]} » inconnu ; au choix : {', '.join(choices)}")
        return items

    return convert
