"""The error tree: what a user can cause ends as one clear message and exit 1."""

from __future__ import annotations

import click


class DossierError(click.ClickException):
    """A problem the user can fix; printed without a traceback, exit code 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True, file=file)


class SourceError(DossierError):
    """The sources have errors; they were printed already, this is the count."""
