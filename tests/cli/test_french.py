"""Every text the command line shows a user is French, click's own words included."""

from __future__ import annotations

import re

import click
import pytest

from conftest import ROOT, run
from dossier.cli import cli

ENGLISH = re.compile(
    r"\b(?:Usage|Show|required|default|TEXT|INTEGER|FLOAT|DIRECTORY|FILE|PATH|BOOLEAN|RANGE|Error|Try|Missing|Invalid|"
    r"No such|Got unexpected|Commands|Did you mean|does not exist|is not|requires an?)\b"
)


def _paths(group: click.Group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _paths(command, (*prefix, name))


@pytest.mark.parametrize("path", [(), *_paths(cli)], ids=lambda p: " ".join(p) or "dossier")
def test_help_is_french(path):
    result = run(*path, "--help")
    assert result.exit_code == 0
    english = ENGLISH.findall(result.stdout)
    assert not english, f"dossier {' '.join(path)} --help : {english}\n{result.stdout}"


@pytest.mark.parametrize(
    "args",
    [
        ("build", "sources", "--bogus"),
        ("build", "sources", "--jobs", "0"),
        ("build", "sources", "--jobs", "deux"),
        ("build", "sources", "--only", "parchemin"),
        ("check", "sources", "--format", "xml"),
        ("import", "rncp", "export.xml"),
        ("frobnicate",),
        ("build", "sources", "en-trop"),
        ("check", "sources", "--out"),
    ],
    ids=lambda a: " ".join(a),
)
def test_usage_errors_are_french(args):
    result = run(*args, cwd=ROOT)
    assert result.exit_code == 2
    english = ENGLISH.findall(result.stderr)
    assert not english, f"{' '.join(args)} : {english}\n{result.stderr}"
    assert "Erreur : " in result.stderr


def test_global_options_after_the_command_name(project):
    folder = project()
    assert run("check", str(folder), "-q").stdout == ""
    assert run("-q", "check", str(folder)).stdout == ""
    loud = run("check", str(folder))
    assert "Sources conformes" in loud.stdout


def test_the_sources_are_found_without_naming_them(project, tmp_path):
    folder = project()
    here = run("check", cwd=folder)
    assert here.exit_code == 0 and "Sources conformes" in here.stdout
    parent = folder.parent / "projet"
    (parent).mkdir()
    folder.rename(parent / "sources")
    below = run("check", cwd=parent)
    assert below.exit_code == 0 and "Sources conformes" in below.stdout
    nowhere = run("check", cwd=tmp_path / "projet" / "sources" / "blocs")
    assert nowhere.exit_code == 2
    assert "ni ./certification.yaml ni ./sources/certification.yaml" in nowhere.stderr
