"""Two things are never written to one file: distinct identifiers that give one file name are
refused, naming both, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MINIMAL, run

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
SECOND = """\
  - id: {id}
    type: etude_de_cas
    intitule: Cas écrit
    duree: 1 h
    competences: [C1.1]
"""


def with_second_epreuve(ident: str) -> str:
    return BLOC.replace("criteres:\n", SECOND.format(id=ident) + "criteres:\n", 1)


@pytest.mark.parametrize("first, second", [("M1.1", "M1-1"), ("M1.1", "m1.1"), ("M1.1", "M1_1"), ("M1.1", "M1..1")])
def test_epreuves_that_would_share_a_grid_are_refused_by_check(project, first, second):
    folder = project({"blocs/bc01.yaml": with_second_epreuve(second)})
    result = run("check", ".", cwd=folder)
    assert result.exit_code == 1
    expected = (
        f"blocs/bc01.yaml:20:9: modalites[1].id: « {second} » et « {first} » (ligne 15) donneraient le même nom de fichier "
        f"(grille bc01-m1-1) et le même lien : changez l'un des deux identifiants [erreur identifiant-homonyme]"
    )
    assert expected in result.stdout.splitlines(), result.stdout


def test_epreuves_of_two_blocs_that_would_share_a_link_are_refused(project):
    bloc2 = BLOC.replace("code: BC01", "code: BC02").replace("C1.", "C2.").replace("CR1.", "CR2.").replace("A1", "A2").replace("M1.1", "M1-1")
    result = run("check", ".", cwd=project({"blocs/bc02.yaml": bloc2}))
    assert result.exit_code == 1
    assert (
        "blocs/bc02.yaml:15:9: modalites[0].id: « M1-1 » et « M1.1 » (blocs/bc01.yaml, ligne 15) donneraient le même lien "
        "dans le livret (#epreuve-m1-1) : changez l'un des deux identifiants [erreur identifiant-homonyme]"
    ) in result.stdout.splitlines(), result.stdout


def test_prose_files_that_would_share_a_section_are_refused(project):
    folder = project({"livret/01-Règles.md": "# Autres règles\n\nTexte.\n"})
    result = run("check", ".", cwd=folder)
    assert result.exit_code == 1
    assert (
        "livret/01-regles.md:1:1: « 01-regles.md » et « 01-Règles.md » donneraient la même section du livret "
        "(même nom à la casse et aux accents près) : renommez l'un des deux [erreur identifiant-homonyme]"
    ) in result.stdout.splitlines(), result.stdout


def test_a_draft_build_with_homonyms_is_refused_before_writing_anything(project, tmp_path):
    folder = project({"blocs/bc01.yaml": with_second_epreuve("M1-1")})
    out = tmp_path / "out"
    result = run("build", str(folder), "--out", str(out), "--brouillon", "--only", "grilles", "--format", "html")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Erreur : grilles/bc01-m1-1.html : « épreuve M1.1, {folder / 'blocs' / 'bc01.yaml'}:15:5 » et "
        f"« épreuve M1-1, {folder / 'blocs' / 'bc01.yaml'}:20:5 » donneraient le même fichier ; changez l'un des deux identifiants\n"
    ), result.stderr
    assert not out.exists() or not list(out.rglob("*.html"))


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("nom;numero;blocs\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


CANDIDATES = {
    "casse-et-tiret": (["Dupont;A-1;BC01", "Martin;a 1;BC01"], "s.csv:3:2: numero: numéro « a 1 » déjà donné à la ligne 2 (« A-1 » : le même numéro à la casse et à la ponctuation près) [erreur csv-numero]"),
    "souligne-et-point": (["Dupont;A_1;BC01", "Martin;a.1;BC01"], "s.csv:3:2: numero: numéro « a.1 » déjà donné à la ligne 2 (« A_1 » : le même numéro à la casse et à la ponctuation près) [erreur csv-numero]"),
    "meme-numero": (["Dupont;7;BC01", "Martin;7;BC01"], "s.csv:3:2: numero: numéro « 7 » déjà donné à la ligne 2 [erreur csv-numero]"),
    "numero-comme-une-ligne": (["Durand;;BC01", "Dupont;L0004;BC01", "Dupont;;BC01"],  # line 4 has no number: its files say l0004
                               "s.csv:4:1: les grilles de ce candidat et de celui de la ligne 3 auraient le même nom de fichier (l0004-dupont) : donnez-leur des numéros distincts [erreur csv-numero]"),
}


@pytest.mark.parametrize("case", sorted(CANDIDATES))
def test_candidates_whose_grids_would_share_a_file_are_refused(project, tmp_path, case):
    rows, expected = CANDIDATES[case]
    folder = project()
    csv = _csv(tmp_path / "s.csv", rows)
    result = run("grilles", str(folder), "--candidats", "s.csv", "--out", "out", "--format", "html", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert expected in result.stdout.splitlines(), result.stdout
    assert "aucune grille n'a été produite" in result.stderr
    assert not (tmp_path / "out" / "sessions").exists()
    assert csv.exists()
