"""What the commands share: printing diagnostics, common options, French number words."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import build
from .coverage import matrix_text
from .diagnostics import Diagnostic, Severity

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


def seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def print_report(result: build.Checked, quiet: bool, with_summary: bool, infos: bool = True) -> str:
    """Print the diagnostics (and the summary); return the tally line."""
    for diag in result.report.sorted():
        if infos or diag.severity > Severity.INFO:
            echo_diagnostic(diag)
    if with_summary and result.certification is not None and not quiet:
        counts = build.summary_counts(result.certification)
        click.echo("")
        click.echo(
            f"{result.certification.intitule} : {plural(counts['blocs'], 'bloc')}, "
            f"{plural(counts['activites'], 'activité')}, {plural(counts['competences'], 'compétence')}, "
            f"{plural(counts['modalites'], 'modalité')}, {plural(counts['criteres'], 'critère')}"
        )
        if result.certification.blocs:
            click.echo("")
            click.echo(matrix_text(result.certification))
    report = result.report
    return (
        f"{plural(report.errors, 'erreur')}, {plural(report.warnings, 'avertissement')}, "
        f"{plural(report.count(Severity.INFO), 'info')}"
    )


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
