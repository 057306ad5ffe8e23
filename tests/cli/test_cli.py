"""The CLI tested like a user: exact exit codes and messages."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLE, ROOT, run
from dossier.cli import cli


def _commands():
    return sorted(cli.commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name):
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Exemple : dossier " in result.stdout
    assert result.stdout.startswith(f"Utilisation : dossier {name}")


def test_usage_error_exits_2():
    result = run("check", "--format", "xml")
    assert result.exit_code == 2
    assert "Valeur invalide pour '--format'" in result.stderr


def test_unknown_command_exits_2():
    assert run("chek").exit_code == 2


def test_example_passes_strict():
    result = run("check", "sources", "--strict", cwd=ROOT)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Responsable commercial et marketing : 4 blocs, 4 activités, 19 compétences, 8 modalités, 32 critères" in lines
    assert lines[-1].startswith("Sources conformes : 0 erreur, 0 avertissement, ")


def test_json_format(project):
    result = run("check", str(project({"blocs/bc01.yaml": "code: BC01\n"})), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False
    assert payload["counts"]["erreur"] == 4
    first = payload["diagnostics"][0]
    assert set(first) == {"severity", "rule", "file", "line", "col", "keypath", "message", "excerpt"}
    assert first["severity"] == "erreur" and first["line"] == 1 and first["col"] == 1


def test_json_format_of_the_example():
    payload = json.loads(run("check", str(EXAMPLE), "--format", "json").stdout)
    assert payload["ok"] is True
    assert payload["summary"] == {"blocs": 4, "activites": 4, "competences": 19, "modalites": 8, "criteres": 32}
    assert payload["a_completer"] == 31  # the example's markers, accepted (regles: a-adapter: info)


def test_quiet_prints_only_problems(project):
    result = run("-q", "check", str(project()))
    assert result.exit_code == 0
    assert result.stdout == ""


def test_no_colour_when_not_a_terminal(project):
    result = run("check", str(project({"blocs/bc01.yaml": "code: BC01\n"})))
    assert "\x1b[" not in result.output


def test_regles_lists_every_rule():
    from dossier.checks import CHECKS

    out = run("regles").stdout.splitlines()
    assert len(out) == len(CHECKS)
    assert out[0].split()[:3] == ["identifiant-unique", "erreur", "fixe"]
    assert any(line.split()[:3] == ["competence-finalite", "avertissement", "ajustable"] for line in out)


def test_internal_error_is_one_line_without_verbose(monkeypatch):
    import dossier.cli.check

    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(dossier.cli.check, "check", boom)
    result = run("check", "sources", cwd=ROOT)
    assert result.exit_code == 3
    assert result.stderr.startswith("Erreur interne : RuntimeError: panne simulée — relancez avec --verbose")
    assert "Traceback" not in result.output
    with pytest.raises(RuntimeError):
        run("--verbose", "check", "sources", cwd=ROOT)


def test_console_script_runs():
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "dossier"
    proc = subprocess.run([str(exe), "check", "sources", "--strict", "-"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2  # an extra argument is a usage error
    proc = subprocess.run([str(exe), "--version"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("dossier, version ")
