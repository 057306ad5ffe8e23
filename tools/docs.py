"""The generated parts of the documentation, for cog (`make docs`; a test fails when they drift).

In README.md and docs/*.md, a block like

    <!-- [[[cog import docs; docs.rules_table() ]]] -->
    …
    <!-- [[[end]]] -->

is filled from the code: the CLI reference from every command's --help, the
rules table from `dossier.checks.CHECKS`, the code map from the modules'
docstrings.
"""

from __future__ import annotations

import ast
from pathlib import Path

import click
import cog

from dossier.checks import CHECKS
from dossier.cli import cli

PACKAGE = Path(__file__).resolve().parent.parent / "dossier"


def _commands(group: click.Group, prefix: list[str]):
    for name in sorted(group.commands):
        command = group.commands[name]
        yield [*prefix, name], command
        if isinstance(command, click.Group):
            yield from _commands(command, [*prefix, name])


def _help(path: list[str], command: click.Command) -> str:
    ctx = click.Context(cli, info_name="dossier", **cli.context_settings)
    for name in path:
        sub = ctx.command.commands[name] if isinstance(ctx.command, click.Group) else command
        ctx = click.Context(sub, info_name=name, parent=ctx)
    formatter = ctx.make_formatter()
    formatter.width = 100
    command.format_help(ctx, formatter)
    return formatter.getvalue().rstrip()


def cli_reference() -> None:
    """Every command's --help, as the terminal shows it."""
    cog.outl("```")
    cog.outl(_help([], cli))
    cog.outl("```")
    for path, command in _commands(cli, []):
        cog.outl(f"\n### `dossier {' '.join(path)}`\n")
        cog.outl("```")
        cog.outl(_help(path, command))
        cog.outl("```")


def rules_table() -> None:
    cog.outl("| règle | sévérité | | ce qu'elle vérifie |")
    cog.outl("|---|---|---|---|")
    for rule in CHECKS:
        cog.outl(f"| `{rule.id}` | {rule.severity.label} | {'ajustable' if rule.adjustable else 'fixe'} | {rule.summary} |")


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n")[0].split()).replace("|", "\\|")


def code_map() -> None:
    """Each stage (a package) and its modules, with the first paragraph of their docstrings."""
    cog.outl("| module | rôle |")
    cog.outl("|---|---|")
    for path in sorted(PACKAGE.rglob("*.py"), key=lambda p: (p.parent != PACKAGE, p.parent.as_posix(), p.name != "__init__.py", p.name)):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        shown = rel[: -len("__init__.py")] if path.name == "__init__.py" else rel
        cog.outl(f"| `{shown}` | {_summary(path)} |")
