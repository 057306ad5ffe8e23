"""The documentation is generated from the code where it can be, and says what the code does.

sqlite-utils' test_docs and cog: the CLI reference (every command's --help),
the rules table and the code map are written by `make docs`; a change to the
code that is not carried into the documentation fails here.
"""

from __future__ import annotations

import re
import subprocess
import sys

import click
import pytest

from conftest import ROOT
from dossier.checks import CHECKS
from dossier.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))}


def _commands(group: click.Group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands(cli))


def test_the_generated_parts_are_current():
    """`make docs` would change nothing: the CLI reference, rules table and code map match the code."""
    proc = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "--diff", "README.md", *(f"docs/{name}" for name in DOCS)],
        cwd=ROOT, env={"PYTHONPATH": str(ROOT / "tools"), "PATH": ""}, capture_output=True, text=True,
    )
    assert proc.returncode == 0, "lancer « make docs »\n" + proc.stdout + proc.stderr


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_every_rule_is_in_the_rules_table(check):
    row = f"| `{check.id}` | {check.severity.label} | {'ajustable' if check.adjustable else 'fixe'} | {check.summary} |"
    assert row in DOCS["verifier.md"]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=lambda c: " ".join(c) if isinstance(c, tuple) else "")
def test_every_command_has_help_with_an_example_and_is_in_the_reference(path, command):
    assert command.help and "Exemple : dossier " in command.help, f"dossier {' '.join(path)} : aide sans exemple"
    assert f"### `dossier {' '.join(path)}`" in DOCS["commandes.md"]


def test_readme_gives_the_two_commands_the_install_and_the_api():
    assert "make dossier" in README and "make test" in README
    assert "pipx install ." in README and "pip install ." in README
    assert "dossier.check(" in README and "dossier.build(" in README


def test_every_link_of_the_documentation_leads_somewhere():
    for name, text in [("README.md", README), *((f"docs/{n}", t) for n, t in DOCS.items())]:
        base = ROOT if name == "README.md" else ROOT / "docs"
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if not target.startswith(("http://", "https://", "mailto:")):
                assert (base / target).exists(), f"{name} : lien mort vers {target}"


def test_the_readme_api_example_runs(tmp_path):
    """The Python example of the README, run as written (on a copy of the example)."""
    import shutil

    import dossier

    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    checked = dossier.check(tmp_path / "sources")
    assert checked.ok and checked.report.sorted() is not None
    result = dossier.build(tmp_path / "sources", tmp_path / "build", only=("referentiel",), formats=("html",))
    assert [p.name for p in result.written if p.parent.name == "referentiel"] == ["responsable-commercial-et-marketing-referentiel.html"]
