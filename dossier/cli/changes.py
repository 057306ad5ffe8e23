"""What `import docx --dans` and `import xlsx` share: showing the changes, then writing them or not."""

from __future__ import annotations

from pathlib import Path

import click

from ..checks import check
from ..errors import DossierError
from ..importers.changes import Change
from ..importers.update import prepare, write
from ..text import plural
from .common import echo_diagnostic, project_sources, tally

dry_run_option = click.option("--dry-run", is_flag=True, help="Afficher les changements sans rien écrire.")
into_option = click.option("--dans", "into", type=click.Path(file_okay=False, path_type=Path), default=None,
                           callback=lambda ctx, param, value: value if value is None else project_sources(value),
                           help="Dossier de sources existant à mettre à jour (ou le projet qui le contient).")


def _section(title: str, lines: list[str]) -> None:
    if lines:
        click.echo(f"{title} :")
        for line in lines:
            click.echo(f"  {line}")


def bring_in(folder: Path, source: str, changes: list[Change], dry_run: bool, notes: list[str] = (),
             comments: list[str] = (), problems: list[str] = ()) -> None:
    """Show what changes (and what could not be read), check the result on a copy, then write — or say why not."""
    before = check(folder)
    if before.certification is None:
        for diag in before.report.sorted():
            echo_diagnostic(diag)
        raise DossierError(f"{folder} : les sources ne se lisent pas ; corrigez-les d'abord (dossier check {folder})")
    update = prepare(folder, changes, before) if changes and not problems else None
    made = update.changes if update else changes
    if made:
        click.echo(f"{plural(len(made), 'changement')} lu{'s' if len(made) > 1 else ''} dans {source} :")
        for change in made:
            click.echo(f"  {change.describe()}")
    _section("À noter", list(notes))
    _section("Commentaires du classeur (non écrits dans les sources)", list(comments))
    if problems:
        _section("Cellules non lues", list(problems))
        raise DossierError(f"{plural(len(problems), 'cellule')} non lue{'s' if len(problems) > 1 else ''} : rien n'a été écrit")
    if update is None or not update.texts:
        click.echo(f"Aucun changement : {folder}/ est déjà à jour.")
        return
    after = update.after
    new_errors = update.new_errors()
    if new_errors:
        click.echo("Après ces changements, dossier check trouverait :")
        for diag in new_errors:
            echo_diagnostic(diag)
        raise DossierError(f"ces changements donneraient {plural(len(new_errors), 'erreur')} : rien n'a été écrit")
    files = ", ".join(update.texts)
    if dry_run:
        click.echo(f"--dry-run : rien n'a été écrit ({plural(len(update.texts), 'fichier')} à modifier : {files} ; "
                   f"dossier check ensuite : {tally(after)}).")
        return
    write(update)
    click.echo(f"{plural(len(update.texts), 'fichier')} écrit{'s' if len(update.texts) > 1 else ''} dans {folder}/ : {files} ; "
               f"dossier check : {tally(check(folder))}.")
