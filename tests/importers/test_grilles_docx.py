"""`dossier jury lire`: the example's pre-filled Word grids, ticked as Word does it, read back into resultats.csv."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE, run
from extract import flat

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
HEADER = "numero;epreuve;competence;critere;valeur;observations"


@pytest.fixture(scope="module")
def grids(tmp_path_factory) -> Path:
    """The example's Word grids for three candidates (BC01: épreuves M1.1 and M1.2; one of them BC02 too)."""
    tmp = tmp_path_factory.mktemp("jury")
    csv = tmp / "juin.csv"
    csv.write_text("nom;prénom;numéro;blocs\nDupont;Marie;12;BC01 BC02\nNguyen;Lu;13;BC01\nMartin;Léa;14;BC01\n", encoding="utf-8")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--session", "Juin 2027", "--out", str(tmp / "out"),
                 "--format", "docx", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return tmp / "out" / "sessions" / "juin-2027"


def fill(source: Path, target: Path, ticks: list[str], observations: dict[str, str] | None = None) -> Path:
    """Tick the checkboxes whose tags are given, as Word does (w14:checked and the ☒ symbol), and type
    observations in the last cell of the row of a given tag."""
    with zipfile.ZipFile(source) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    by_tag = {sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val"): sdt for sdt in root.iter(f"{W}sdt")}
    for tag in ticks:
        sdt = by_tag[tag]
        sdt.find(f"{W}sdtPr/{W14}checkbox/{W14}checked").set(f"{W14}val", "1")
        sdt.find(f".//{W}sdtContent//{W}t").text = "☒"
    for tag, text in (observations or {}).items():
        tr = next(a for a in by_tag[tag].iterancestors() if a.tag == f"{W}tr")
        p = tr.findall(f"{W}tc")[-1].find(f"{W}p")
        etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}t").text = text
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(buffer.getvalue())
    return target


def tags(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    return [sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val") for sdt in root.iter(f"{W}sdt")]


def test_filled_grids_read_back_into_resultats_csv(grids, tmp_path):
    filled = tmp_path / "remplies"
    m11 = grids / "bc01-m1-1"
    # candidate 12: every criterion of M1.1 acquired, but CR1.4; conclusions ticked; observations written
    every = [t for t in tags(m11 / "12-dupont-marie.docx") if t.endswith("|acquis")]
    chosen = [t for t in every if "|CR1.4|" not in t] + ["critere|M1.1|C1.2|CR1.4|non acquis"]
    fill(m11 / "12-dupont-marie.docx", filled / "a.docx", chosen,
         {"critere|M1.1|C1.1|CR1.1|acquis": "Besoin « bien » reformulé ; clair", "competence|M1.1|C1.2||acquis": "Objection traitée à l'oral"})
    # candidate 13: two criteria only, the rest left blank (a warning, not an error)
    fill(m11 / "13-nguyen-lu.docx", filled / "b.docx", ["critere|M1.1|C1.1|CR1.1|non acquis", "critere|M1.1|C1.2|CR1.2|acquis"])
    out = tmp_path / "session" / "resultats.csv"
    result = run("jury", "lire", str(filled), "--out", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER
    assert lines[1:] == [
        '12;M1.1;C1.1;CR1.1;acquis;"Besoin « bien » reformulé ; clair"',  # quoted: it holds the separator
        "12;M1.1;C1.1;;acquis;",
        "12;M1.1;C1.2;CR1.2;acquis;",
        "12;M1.1;C1.2;CR1.3;acquis;",
        "12;M1.1;C1.2;CR1.4;non acquis;",
        "12;M1.1;C1.2;CR1.5;acquis;",
        "12;M1.1;C1.2;CR1.6;acquis;",
        "12;M1.1;C1.2;;acquis;Objection traitée à l'oral",
        "12;M1.1;C1.3;;acquis;",
        "13;M1.1;C1.1;CR1.1;non acquis;",
        "13;M1.1;C1.2;CR1.2;acquis;",
    ]
    assert "b.docx : 7 lignes sans case cochée (C1.1, CR1.3, CR1.4, CR1.5, CR1.6, C1.2, C1.3)" in result.stderr
    assert result.stdout.endswith(f"11 résultats lus dans 2 grilles : {out}\n")
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600


def test_a_grid_says_whose_it_is(grids):
    with zipfile.ZipFile(grids / "bc02-m2-1" / "12-dupont-marie.docx") as z:
        custom = etree.fromstring(z.read("docProps/custom.xml"))
        body = z.read("word/document.xml").decode("utf-8")
    props = {p.get("name"): "".join(p.itertext()) for p in custom}
    assert props == {"dossier.grille": "1", "dossier.bloc": "BC02", "dossier.epreuve": "M2.1", "dossier.session": "Juin 2027",
                     "dossier.candidat": "12"}
    assert "candidat : Dupont Marie, n° 12" in flat(body) and "⟦" not in body


def test_two_boxes_on_a_row_an_unknown_candidate_and_a_broken_file_are_reported(grids, tmp_path, example_build):
    m12 = grids / "bc01-m1-2" / "14-martin-lea.docx"
    twice = fill(m12, tmp_path / "g" / "double.docx", ["critere|M1.2|C1.1|CR1.1|acquis", "critere|M1.2|C1.1|CR1.1|non acquis"])
    blank = fill(example_build / "grilles" / "bc01-m1-2.docx", tmp_path / "g" / "vierge.docx", ["critere|M1.2|C1.1|CR1.1|acquis"])
    broken = tmp_path / "g" / "abime.docx"
    broken.write_bytes(b"not a zip")
    out = tmp_path / "resultats.csv"
    result = run("jury", "lire", str(twice), str(blank), str(broken), "--out", str(out))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{twice} : ligne 4 du tableau (critère CR1.1) : 2 cases cochées (acquis, non acquis) ; une seule est attendue",
        f"{blank} : candidat non identifié (grille vierge, ou sans numéro de candidat) : "
        "lisez les grilles pré-remplies par « dossier grilles --candidats »",
        f"{broken} : ce n'est pas un document Word lisible (.docx)",
    ]
    assert result.stderr.endswith(f"Erreur : 3 problèmes dans les grilles ; {out} n'a pas été écrit\n")
    assert not out.exists()


def test_the_same_grid_twice_is_refused(grids, tmp_path):
    m11 = grids / "bc01-m1-1" / "14-martin-lea.docx"
    one = fill(m11, tmp_path / "a" / "1.docx", ["critere|M1.1|C1.1|CR1.1|acquis"])
    two = fill(m11, tmp_path / "b" / "2.docx", ["critere|M1.1|C1.1|CR1.1|non acquis"])
    result = run("jury", "lire", str(one), str(two), "--out", str(tmp_path / "r.csv"))
    assert result.exit_code == 1
    assert result.stdout == f"{two} : la grille du candidat n° 14 pour l'épreuve M1.1 est déjà lue dans {one}\n"


def type_marks(source: Path, target: Path, marks: dict[str, str]) -> Path:
    """Type marks into the grid's text fields, as Word does (the placeholder replaced)."""
    with zipfile.ZipFile(source) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    for sdt in root.iter(f"{W}sdt"):
        tag = sdt.find(f"{W}sdtPr/{W}tag").get(f"{W}val")
        if tag in marks:
            sdt.find(f"{W}sdtPr").remove(sdt.find(f"{W}sdtPr/{W}showingPlcHdr"))
            sdt.find(f".//{W}sdtContent//{W}t").text = marks[tag]
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return target


def test_marks_on_a_points_scale(project, tmp_path):
    from conftest import MINIMAL

    cert = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
    folder = project({"certification.yaml": cert.replace("type: acquis_non_acquis", "type: points\n  bareme: 20\n  seuil: 10")})
    csv = tmp_path / "s.csv"
    csv.write_text("nom;numéro;blocs\nDupont;7;BC01\n", encoding="utf-8")
    assert run("grilles", str(folder), "--candidats", str(csv), "--out", str(tmp_path / "out"), "--format", "docx", "--jobs", "1").exit_code == 0
    grid = tmp_path / "out" / "sessions" / "s" / "bc01-m1-1" / "7-dupont.docx"
    assert tags(grid) == ["note|M1.1|C1.1|CR1.1|", "note|M1.1|C1.1|CR1.3|", "note|M1.1|C1.2|CR1.2|", "note|M1.1|C1.2|CR1.4|"]
    filled = type_marks(grid, tmp_path / "notes.docx", {"note|M1.1|C1.1|CR1.1|": "12,5", "note|M1.1|C1.2|CR1.2|": "8"})
    out = tmp_path / "r.csv"
    result = run("jury", "lire", str(filled), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines() == [HEADER, "7;M1.1;C1.1;CR1.1;12.5;", "7;M1.1;C1.2;CR1.2;8;"]
    wrong = type_marks(grid, tmp_path / "faux.docx", {"note|M1.1|C1.1|CR1.1|": "douze"})
    result = run("jury", "lire", str(wrong), "--out", str(out))
    assert result.exit_code == 1
    assert result.stdout == f"{wrong} : ligne 4 du tableau (critère CR1.1) : note « douze » illisible (un nombre est attendu)\n"


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")
def test_a_grid_saved_again_by_libreoffice_reads_the_same(grids, tmp_path):
    """LibreOffice 7.4 drops a checkbox's tag when it saves and keeps its alias: the reading holds."""
    source = grids / "bc01-m1-1" / "14-martin-lea.docx"
    ticks = ["critere|M1.1|C1.1|CR1.1|acquis", "competence|M1.1|C1.1||acquis", "critere|M1.1|C1.2|CR1.3|non acquis",
             "critere|M1.1|C1.2|CR1.6|acquis", "competence|M1.1|C1.2||non acquis"]
    ticked = fill(source, tmp_path / "cochee.docx", ticks, {"critere|M1.1|C1.2|CR1.3|non acquis": "À revoir"})
    saved = tmp_path / "lo"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(saved), str(ticked)], capture_output=True, check=True, timeout=180)
    outputs = []
    for grid in (ticked, saved / "cochee.docx"):
        out = tmp_path / f"{grid.parent.name}.csv"
        result = run("jury", "lire", str(grid), "--out", str(out))
        assert result.exit_code == 0, result.output
        outputs.append(out.read_text(encoding="utf-8").splitlines())
    assert outputs[0] == outputs[1] == [
        HEADER,
        "14;M1.1;C1.1;CR1.1;acquis;",
        "14;M1.1;C1.1;;acquis;",
        "14;M1.1;C1.2;CR1.3;non acquis;À revoir",
        "14;M1.1;C1.2;CR1.6;acquis;",
        "14;M1.1;C1.2;;non acquis;",
    ]
