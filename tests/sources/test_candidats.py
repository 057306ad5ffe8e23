"""The candidates' CSV as Excel writes it: UTF-8 or Windows-1252 (detected and said), `;` or `,`."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EXAMPLE, run
from dossier.sources.candidats import decode
from dossier.sources.diagnostics import Report

ROWS = "Nom;Prénom;N°;Blocs\nØdegaard;Søren;21;BC01\nLefèvre;Hélène;22;BC01\n"


def grids(tmp_path: Path, csv: Path):
    return run("grilles", str(EXAMPLE), "--candidats", str(csv), "--session", "Juin", "--format", "html",
               "--out", str(tmp_path / "out"))


@pytest.mark.parametrize(("encoding", "said", "text"), [
    ("cp1252", "Windows-1252", ROWS),  # Excel's « CSV (séparateur : point-virgule) »
    ("utf-8-sig", "UTF-8", ROWS),  # « CSV UTF-8 », with its BOM
    ("utf-8", "UTF-8", ROWS.replace(";", ",")),  # LibreOffice's default, commas
])
def test_csv_encodings_are_detected_and_said(tmp_path, encoding, said, text):
    csv = tmp_path / "juin.csv"
    csv.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    result = grids(tmp_path, csv)
    assert result.exit_code == 0, result.output
    delimiter = "," if "," in text else ";"
    assert f"{csv} : lu en {said}, séparateur « {delimiter} »." in result.stderr
    folder = tmp_path / "out" / "sessions" / "juin" / "bc01-m1-1"
    # « Ø » keeps its letter in the file name; the accented names come out whole in the grid
    assert sorted(p.name for p in folder.iterdir()) == ["21-odegaard-soren.html", "22-lefevre-helene.html"]
    page = (folder / "21-odegaard-soren.html").read_text(encoding="utf-8")
    assert "Ødegaard Søren" in page
    assert "Lefèvre Hélène" in (folder / "22-lefevre-helene.html").read_text(encoding="utf-8")


def test_cp1252_letters_beyond_latin1():
    # the bytes where Windows-1252 differs from ISO-8859-1: « œ », « ’ », « € »
    text, encoding = decode("Nom;Blocs\nCœur d’Acier €;BC01\n".encode("cp1252"), "s.csv", Report())
    assert (text, encoding) == ("Nom;Blocs\nCœur d’Acier €;BC01\n", "Windows-1252")


def test_neither_utf8_nor_cp1252(tmp_path):
    csv = tmp_path / "s.csv"
    csv.write_bytes(b"nom;blocs\nDupont;BC01\nAb\x8dc;BC01\n")
    result = grids(tmp_path, csv)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{csv}:3:3: le fichier n'est ni en UTF-8 ni en Windows-1252 (octet 0x8d) ; dans Excel, "
        "« Enregistrer sous » → « CSV UTF-8 (délimité par des virgules) » [erreur csv-encodage]")
    assert not (tmp_path / "out").exists()
