"""The `dossier` command: a thin layer over the importable API.

One module per command group; this one holds the group, its global options
and the one error boundary, and lists the commands explicitly.
"""

from __future__ import annotations

import os
import sys

import click

from . import french

french.install()  # before any command is declared: the help and version options take their texts then

from ..errors import DossierError, environment_error  # noqa: E402 (after the French texts are in place)
from ..text import printable  # noqa: E402
from ..version import __version__  # noqa: E402
from .badges import badges_group  # noqa: E402
from .build import build_command, site_command  # noqa: E402
from .check import check_command, regles_command, schema_command  # noqa: E402
from .common import with_global_options  # noqa: E402
from .diff import diff_command  # noqa: E402
from .exports import export_group  # noqa: E402
from .imports import import_group  # noqa: E402
from .jury import jury_group  # noqa: E402
from .nouveau import nouveau_command  # noqa: E402
from .serve import serve_command  # noqa: E402
from .session import grilles_command  # noqa: E402
from .templates import templates_group  # noqa: E402
from .watch import watch_command  # noqa: E402


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
        from concurrent.futures.process import BrokenProcessPool

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
        except BrokenProcessPool as exc:
            raise DossierError(
                "un processus de construction s'est arrêté brutalement (mémoire insuffisante ?) : relancez avec --jobs 1"
            ) from exc
        except Exception as exc:  # a bug of ours, not the user's
            if ctx.obj and ctx.obj.get("verbose"):
                raise
            raise InternalError(
                f"{type(exc).__name__}: {exc} — relancez avec --verbose pour le détail, et signalez-le"
            ) from exc


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


for command in (
    nouveau_command, check_command, build_command, site_command, serve_command, watch_command, grilles_command, diff_command,
    import_group, export_group, badges_group, templates_group, regles_command, schema_command, jury_group,
):
    cli.add_command(with_global_options(command))


def main() -> None:
    try:
        cli(prog_name="dossier")
    except BrokenPipeError:  # `dossier regles | head`: the reader left, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
