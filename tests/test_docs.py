"""The README documents every command and every rule (sqlite-utils' test_docs)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from dossier.checks import CHECKS
from dossier.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.id)
def test_every_rule_is_in_the_readme_table(check):
    row = f"| `{check.id}` | {check.severity.label} | {'ajustable' if check.adjustable else 'fixe'} | {check.summary} |"
    assert row in README


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_in_the_readme(name):
    assert re.search(rf"\| `dossier {name}\b", README)


def test_readme_gives_the_two_commands():
    assert "make dossier" in README and "make test" in README
