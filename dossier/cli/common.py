"""What the commands share: printing diagnostics, common options and arguments, French numbers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..checks import Checked
from ..checks.depot import blocking, pending
from ..documents.coverage import matrix_text
from ..sources.diagnostics import Diagnostic, Severity
from ..text import plural, printable

DEFAULT_SOURCES = "sources"


def color() -> bool:
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def echo(message: str = "", err: bool = False) -> None:
    """Every line the commands print: a control character in a file name or a value is shown as
    \\x1b, never sent to the terminal (which would obey it)."""
    click.echo(printable(message), err=err)


def echo_diagnostic(diag: Diagnostic) -> None:
    line = printable(diag.headline())
    if color():
        label = f"[{diag.severity.label} {diag.rule}]"
        line = line[: -len(label)] + click.style(label, fg=_COLORS.get(diag.severity))
    click.echo(line)
    for source_line in diag.excerpt:
        click.echo("    " + printable(source_line))


def _sources(ctx: click.Context, param, value: Path | None) -> Path:
    """The sources folder: the one named, else the current folder if it holds certification.yaml,
    else ./sources/ if it does; otherwise say what was looked for."""
    if value is not None:
        return project_sources(value)
    here = Path.cwd()
    for candidate in (Path("."), Path(DEFAULT_SOURCES)):
        if (here / candidate / "certification.yaml").is_file():
            return candidate
    raise click.UsageError(
        "aucune source trouvée ici : ni ./certification.yaml ni ./sources/certification.yaml ; "
        "placez-vous dans le dossier de la certification, ou nommez-le : dossier COMMANDE DOSSIER",
        ctx,
    )


def project_sources(folder: Path) -> Path:
    """A project folder named where its sources are meant (« dossier check mon-titre »): its sources/ folder,
    as `dossier nouveau` makes it; any other folder as given."""
    if not (folder / "certification.yaml").is_file() and (folder / DEFAULT_SOURCES / "certification.yaml").is_file():
        return folder / DEFAULT_SOURCES
    return folder


def find_sources(ctx: click.Context) -> Path:
    """The sources folder of the current folder (., then ./sources), as a command without [DOSSIER] finds it."""
    return _sources(ctx, None, None)


sources_argument = click.argument(
    "folder", required=False, default=None, type=click.Path(path_type=Path), metavar="[DOSSIER]", callback=_sources
)
strict_option = click.option("--strict", is_flag=True, help="Échouer aussi sur les avertissements.")
out_option = click.option(
    "--out", type=click.Path(path_type=Path), default=Path("build"), show_default=True,
    metavar="DOSSIER", help="Dossier de sortie.",
)
jobs_option = click.option(
    "--jobs", type=click.IntRange(1, 64), default=None, metavar="N", help="Nombre de processus (par défaut : un par cœur)."
)


def _global_flag(name: str):
    def remember(ctx: click.Context, param, value: bool) -> None:
        if value:
            ctx.ensure_object(dict)[name] = True

    return remember


def with_global_options(command: click.Command) -> click.Command:
    """-v and -q after the command's name too (« dossier build sources -q »), for it and its subcommands."""
    commands = [command]
    while commands:
        current = commands.pop()
        current.params += [
            click.Option(["-v", "--verbose"], is_flag=True, expose_value=False, callback=_global_flag("verbose"),
                         help="Plus de détails ; trace complète en cas d'erreur interne."),
            click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, callback=_global_flag("quiet"),
                         help="N'afficher que les problèmes."),
        ]
        if isinstance(current, click.Group):
            commands.extend(current.commands.values())
    return command


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
        echo("")
        echo(
            f"{checked.certification.intitule} : {plural(counts['blocs'], 'bloc')}, "
            f"{plural(counts['activites'], 'activité')}, {plural(counts['competences'], 'compétence')}, "
            f"{plural(counts['modalites'], 'modalité')}, {plural(counts['criteres'], 'critère')}"
        )
        if checked.certification.blocs:
            echo("")
            echo(matrix_text(checked.certification))
        if line := pending_line(checked):
            echo("")
            echo(line)
    return tally(checked)


def pending_line(checked: Checked) -> str:
    """The check summary's line: « 12 éléments à compléter avant dépôt (dossier check --depot les liste) »."""
    items = pending(checked.report)
    if not items:
        return ""
    line = f"{plural(len(items), 'élément')} à compléter avant dépôt"
    if not blocking(checked.report):
        return f"{line}, acceptés par le projet (regles: dans certification.yaml)"
    return f"{line} (dossier check --depot les liste)"



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
