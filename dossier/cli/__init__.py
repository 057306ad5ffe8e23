"""The `dossier` command: a thin layer over the importable API.

One module per command group; this one holds the group, its global options
and the one error boundary, and lists the commands explicitly.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import MutableMapping

import click

from . import french

french.install()  # before any command is declared: the help and version options take their texts then

from ..errors import DossierError, environment_error  # noqa: E402 (after the French texts are in place)
from ..text import printable  # noqa: E402
from ..version import __version__  # noqa: E402

# Each command: its module, its name there, and the first sentence of its help, which `dossier --help` shows
# without importing the module (tests/cli/test_startup.py checks it against the command's own help). A command
# imports only what it needs: `dossier --help` or `dossier check` do not load the build's modules, and none
# loads the others' (importing every command took about 0.25 s of CPU at each start).
COMMANDS = {
    "badges": ("badges", "badges_group",
               "Open Badges 3.0 : la clé de signature du certificateur, un badge pour un titulaire, la vérification d'un badge."),
    "build": ("build", "build_command",
              "Construire les documents : référentiel, livret, grilles vierges, site et dossier de dépôt."),
    "check": ("check", "check_command",
              "Vérifier les sources : schéma, règles de France compétences, conseils de rédaction."),
    "diff": ("diff", "diff_command",
             "Comparer deux versions d'un référentiel : ce qui a changé, bloc par bloc, et les correspondances."),
    "export": ("exports", "export_group",
               "Exporter le référentiel : en classeur Excel à faire relire, ou au format ouvert CASE."),
    "gabarits": ("templates", "templates_group",
                 "Les gabarits des documents : les lister, en copier un dans le projet pour le modifier."),
    "grilles": ("session", "grilles_command",
                "Grilles d'évaluation : vierges, ou pré-remplies pour chaque candidat d'une session."),
    "import": ("imports", "import_group",
               "Importer un référentiel existant (tableau Word, open data RNCP, paquet CASE), ou rapporter des corrections (Word, Excel)."),
    "jury": ("jury", "jury_group",
             "Session de jury : décisions, procès-verbal, fiches de synthèse, relevés, attestations, parchemins."),
    "nouveau": ("nouveau", "nouveau_command",
                "Créer un projet : la fiche, un bloc modèle et les chapitres de règles du livret à adapter."),
    "regles": ("check", "regles_command",
               "Lister les règles de vérification, leur sévérité et si un projet peut l'ajuster."),
    "schema": ("check", "schema_command", "Publier le format des sources en JSON Schema, pour les éditeurs."),
    "serve": ("serve", "serve_command",
              "Servir le site sur localhost, l'ouvrir dans le navigateur, et le reconstruire à chaque modification."),
    "site": ("build", "site_command", "Publier le référentiel en HTML : un petit site statique dans build/site/."),
    "suivre": ("watch", "watch_command", "Refaire un document à chaque enregistrement des sources, en quelques instants."),
}


class Commands(MutableMapping):
    """The group's commands by name, each one's module imported when the command is first looked up."""

    def __init__(self, table: dict[str, tuple[str, str, str]]) -> None:
        self.table = table
        self.loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded:
            if name not in self.table:
                raise KeyError(name)
            module, attribute, _ = self.table[name]
            collecting = gc.isenabled()
            gc.disable()  # as the entry point does for the first imports (see __main__.py)
            try:
                from .common import with_global_options

                command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
            finally:
                if collecting:
                    gc.enable()
            if gc.get_freeze_count():  # the entry point set its imports aside: these too (not in a test's process)
                gc.freeze()
            self.loaded[name] = with_global_options(command)
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self.table and name not in self.loaded:
            raise KeyError(name)
        self.table = {key: value for key, value in self.table.items() if key != name}
        self.loaded.pop(name, None)

    def __iter__(self):
        return iter(dict.fromkeys([*self.table, *self.loaded]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self.table, *self.loaded]))

    def short_help(self, name: str, limit: int) -> str:
        """What `--help` says of a command: from the table while its module is not loaded."""
        if name in self.loaded:
            return self.loaded[name].get_short_help_str(limit)
        return click.Command(name, help=self.table[name][2]).get_short_help_str(limit)  # shortened as click does


def _broken_pool(exc: Exception) -> bool:
    """A worker process died (no pool was made if its module is not even loaded: not imported for nothing)."""
    process = sys.modules.get("concurrent.futures.process")
    return process is not None and isinstance(exc, process.BrokenProcessPool)


class InternalError(click.ClickException):
    exit_code = 3

    def show(self, file=None) -> None:
        click.echo(printable(f"Erreur interne : {self.format_message()}"), err=True, file=file)


class Group(click.Group):
    """The one error boundary: a bug becomes one line, a traceback only with --verbose.

    What the machine causes is not a bug: a refusal of the system (a read-only or full disk, a
    file where a folder should be, a port taken), memory running out, a worker process killed —
    each is a user error (exit 1) saying what to do.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:  # a value the user typed may be in it: never a raw control character
            exc.message = printable(exc.message)
            raise
        except (click.exceptions.Exit, click.Abort, KeyboardInterrupt, BrokenPipeError):
            raise
        except OSError as exc:
            if exc.errno is None:
                raise InternalError(f"{type(exc).__name__}: {exc} — relancez avec --verbose pour le détail, et signalez-le") from exc
            raise environment_error(exc) from exc
        except MemoryError as exc:
            raise DossierError("mémoire insuffisante : fermez d'autres programmes, ou relancez avec --jobs 1") from exc
        except Exception as exc:  # a bug of ours, not the user's — or a worker killed
            if _broken_pool(exc):
                raise DossierError(
                    "un processus de construction s'est arrêté brutalement (mémoire insuffisante ?) : relancez avec --jobs 1"
                ) from exc
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            raise InternalError(
                f"{type(exc).__name__}: {exc} — relancez avec --verbose pour le détail, et signalez-le"
            ) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click writes the list of commands (no command is hidden), without importing them."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        with formatter.section(click.core._("Commands")):
            formatter.write_dl([(name, self.commands.short_help(name, limit)) for name in names])


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


cli.commands = Commands(COMMANDS)


def main() -> None:
    try:
        cli(prog_name="dossier")
    except BrokenPipeError:  # `dossier regles | head`: the reader left, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
