"""`dossier nouveau`: a project from a few answers, that checks, and lists what is left to complete."""

from __future__ import annotations

import yaml
from click.testing import CliRunner

from conftest import run
from dossier.cli import cli


def test_asked_in_french_until_valid(tmp_path):
    result = CliRunner().invoke(cli, ["nouveau", str(tmp_path / "paie")], input="Gestionnaire de paie\n9\n5\nMon école\n",
                                prog_name="dossier")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:4] == [
        "Intitulé de la certification : Gestionnaire de paie", "Niveau (3 à 8) : 9",
        "Erreur : 9 n'est pas dans l'intervalle 3<=x<=8.", "Niveau (3 à 8) : 5"]
    assert "Certificateur (raison sociale) : Mon école\nProjet créé dans" in result.stdout
    data = yaml.safe_load((tmp_path / "paie" / "sources" / "certification.yaml").read_text(encoding="utf-8"))
    assert (data["intitule"], data["niveau"], data["certificateurs"], data["version"]) == (
        "Gestionnaire de paie", 5, [{"nom": "Mon école"}], "1.0")
    assert data["a_adapter"]["certificateurs"] == "le SIRET du certificateur"


def test_from_flags_it_checks_and_lists_what_is_left(tmp_path):
    folder = tmp_path / "paie"
    result = run("nouveau", str(folder), "--intitule", "Gestionnaire de paie", "--niveau", "5", "--certificateur", "Mon école",
                 "--siret", "732 829 320 00074", "--version", "2.0", "--date", "2026-09-01")
    assert result.exit_code == 0, result.output
    assert "; 10 éléments à compléter avant dépôt." in result.stdout.splitlines()[0]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.*")) == [
        "sources/blocs/bc01.yaml", "sources/certification.yaml", "sources/livret/01-rattrapage.md", "sources/livret/02-recours.md",
        "sources/livret/03-handicap.md", "sources/livret/04-fraude.md"]
    data = yaml.safe_load((folder / "sources" / "certification.yaml").read_text(encoding="utf-8"))
    assert data["certificateurs"] == [{"nom": "Mon école", "siret": "73282932000074"}]
    assert str(data["date"]) == "2026-09-01" and data["version"] == "2.0"
    checked = run("check", cwd=folder)  # found from the project's folder
    assert checked.exit_code == 0, checked.output
    assert "10 éléments à compléter avant dépôt (dossier check --depot les liste)" in checked.stdout
    assert run("check", str(folder), "--strict").exit_code == 1
    built = run("build", "--only", "referentiel", "--format", "html", cwd=folder)
    assert built.exit_code == 0 and (folder / "build" / "referentiel").is_dir(), built.output
    again = run("nouveau", str(folder), "--intitule", "x", "--niveau", "5", "--certificateur", "y")
    assert again.exit_code == 1 and "existe déjà et n'est pas vide" in again.stderr


def test_a_wrong_siret_is_refused(tmp_path):
    result = run("nouveau", str(tmp_path / "p"), "--intitule", "x", "--niveau", "5", "--certificateur", "y", "--siret", "12345678901234")
    assert result.exit_code == 2
    assert "14 chiffres, dont le dernier est une clé de contrôle" in result.stderr
    assert not (tmp_path / "p" / "sources").exists()
