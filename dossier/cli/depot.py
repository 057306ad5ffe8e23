"""`dossier check --depot`: what keeps the sources from being filed, file by file, with what to do."""

from __future__ import annotations

from itertools import groupby

from ..checks import Checked
from ..checks.depot import blocking, pending
from ..sources.diagnostics import Diagnostic, Severity
from ..text import plural
from .common import echo


def _count(n: int) -> str:
    return plural(n, "élément")


def _where(diag: Diagnostic) -> str:
    place = f"ligne {diag.loc.line}" if diag.loc.line else ""
    return " — ".join(p for p in (place, diag.keypath) if p)


def print_depot(checked: Checked) -> bool:
    """List what blocks the filing, grouped by file; True when something does."""
    report = checked.report
    errors = [d for d in report.sorted() if d.severity == Severity.ERROR]
    items = errors + pending(report)
    blocked = errors + blocking(report)
    if not items:
        echo("Prêt à déposer : aucune valeur à adapter, aucun chapitre du livret ne manque.")
        return False
    by_file = sorted(items, key=lambda d: (d.loc.file, d.loc.line, d.loc.col))
    for file, group in groupby(by_file, key=lambda d: d.loc.file):
        echo(file or "(sources)")
        for diag in group:
            accepted = " (accepté par le projet : regles: dans certification.yaml)" if diag.severity < Severity.WARNING else ""
            where = _where(diag)
            echo(f"  - {where + ' : ' if where else ''}{diag.message}{accepted}")
        echo("")
    accepted = len(items) - len(blocked)
    if blocked:
        what = f"{_count(len(blocked))} à compléter avant dépôt"
        if errors:
            what += f", dont {plural(len(errors), 'erreur')}"
        echo(f"Dépôt impossible : {what}" + (f" ({accepted} autres acceptés par le projet)." if accepted else "."))
        echo("Le dossier de dépôt (build/dossier/) n'est pas construit tant qu'il en reste ; les autres documents portent BROUILLON.")
        return True
    echo(f"Prêt à déposer, mais {_count(accepted)} à compléter sont acceptés par le projet (regles: dans certification.yaml) : "
         "vérifiez-les avant le dépôt.")
    return False
