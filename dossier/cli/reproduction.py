"""The literal reproduction found by `dossier check --rncp`, printed bloc by bloc, worst first."""

from __future__ import annotations

from pathlib import Path

import click

from ..checks import Checked
from ..checks.reproduction import Result, percent
from ..documents.reproduction import reproduction_view
from ..sources.diagnostics import Severity
from ..text import plural
from .common import echo_diagnostic

REPRODUCTION_RULES = ("reproduction", "reproduction-correspondance")


def print_reproduction(checked: Checked, result: Result, report: Path) -> None:
    """Each bloc with texts found elsewhere, worst first; each text as its diagnostic, then the other fiches."""
    diagnostics = {(d.loc, d.keypath, d.rule): d for d in checked.report.diagnostics if d.rule in REPRODUCTION_RULES}
    click.echo("")
    click.echo(f"Reproduction littérale — {reproduction_view(checked.certification, result).resume}")
    for bloc in result.blocs:
        if not bloc.texts:
            continue
        click.echo("")
        click.echo(
            f"{bloc.code} — {bloc.intitule} : {plural(len(bloc.texts), 'texte')} repris, jusqu'à "
            f"{percent(bloc.worst)} d'un texte ({percent(bloc.share)} du bloc)"
        )
        for found in bloc.texts:
            rule = "reproduction-correspondance" if found.found[0].correspondance else "reproduction"
            diag = diagnostics.get((found.text.loc, found.text.keypath, rule))
            if diag is None or diag.severity == Severity.IGNORE:
                continue
            click.echo("  ", nl=False)
            echo_diagnostic(diag)
            others = [f"{f.fiche} ({f.bloc or 'bloc sans code'}, {percent(f.share)})" for f in found.found[1:6]]
            if others:
                more = len(found.found) - 6
                click.echo(f"    aussi : {', '.join(others)}{f' et {more} autres' if more > 0 else ''}")
    click.echo("")
    click.echo(f"Rapport : {report}")



