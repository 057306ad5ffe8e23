"""Import from Word: the lines real files write — « Oral : 45 min » épreuves, « RNCP12345BC03 : … » bloc titles."""

from __future__ import annotations

from pathlib import Path

import yaml
from docx import Document

from conftest import run


def word(path: Path, blocs: list[tuple[str, list[str]]], heading: str = "") -> Path:
    """A four-column référentiel: per bloc, a title row merged across the table, then one row whose
    modalités cell holds the given lines (one paragraph each)."""
    doc = Document()
    if heading:
        doc.add_paragraph(heading)
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ("Référentiel d'activités", "Référentiel de compétences",
                                                 "Modalités d'évaluation", "Critères d'évaluation")):
        cell.text = text
    for n, (title, modalites) in enumerate(blocs, start=1):
        row = table.add_row()
        row.cells[0].merge(row.cells[3]).text = title
        cells = table.add_row().cells
        cells[0].text = f"Activité {n} : Vendre"
        cells[1].text = f"Accueillir le client afin de comprendre son besoin ({n})."
        cells[2].text = modalites[0]
        for line in modalites[1:]:
            cells[2].add_paragraph(line)
        cells[3].text = "Le besoin du client est reformulé."
    doc.save(path)
    return path


def imported(tmp_path: Path, source: Path) -> list[dict]:
    result = run("import", "docx", str(source), "--out", str(tmp_path / "src"))
    assert result.exit_code == 0, result.output
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((tmp_path / "src" / "blocs").glob("*.yaml"))]


def test_label_and_duration_lines_are_epreuves(tmp_path):
    source = word(tmp_path / "r.docx", [("Bloc 1 : Vendre", [
        "Oral de présentation : 45 min",
        "Le candidat présente son projet.",
        "Épreuve écrite : 3 heures",
        "Soutenance : 20 minutes",
        "Étude de cas : Conception d’une campagne",
        "Durée : 2 h 30",
    ])])
    (bloc,) = imported(tmp_path, source)
    assert [(m["intitule"], m["duree"]) for m in bloc["modalites"]] == [
        ("Oral de présentation", "45 min"),
        ("Épreuve écrite", "3 heures"),
        ("Soutenance", "20 minutes"),
        ("Conception d’une campagne", "2 h 30"),  # « Durée : » stays the duration of the épreuve above it
    ]
    assert [m["type"] for m in bloc["modalites"]] == ["soutenance", "autre", "soutenance", "etude_de_cas"]
    assert bloc["modalites"][0]["description"] == "Le candidat présente son projet."
    report = (tmp_path / "src" / "IMPORT.md").read_text(encoding="utf-8")
    assert "n'indique pas de durée" not in report
    check = run("check", str(tmp_path / "src"))
    assert "[erreur schema" not in check.stdout


def test_a_duration_line_is_never_an_epreuve_titled_with_the_duration(tmp_path):
    source = word(tmp_path / "r.docx", [("Bloc 1 : Vendre", ["Mise en situation professionnelle", "Durée : 1 h", "Soutenance : 30 mn"])])
    (bloc,) = imported(tmp_path, source)
    titles = [m["intitule"] for m in bloc["modalites"]]
    assert titles == ["Mise en situation professionnelle", "Soutenance"]
    assert [m["duree"] for m in bloc["modalites"]] == ["1 h", "30 mn"]
    assert not any(t[0].isdigit() for t in titles)


def test_bloc_title_with_the_full_rncp_code(tmp_path):
    source = word(tmp_path / "r.docx", [
        ("RNCP12345BC03 : Piloter la performance commerciale", ["Étude de cas : Pilotage", "Durée : 3 h"]),
        ("Bloc de compétences RNCP12345BC04 – Manager l'équipe", ["Étude de cas : Management", "Durée : 3 h"]),
    ])
    first, second = imported(tmp_path, source)
    assert (first["code"], first["intitule"]) == ("RNCP12345BC03", "Piloter la performance commerciale")
    assert (second["code"], second["intitule"]) == ("RNCP12345BC04", "Manager l'équipe")
    # the fiche's code, which the document's heading did not give, is the blocs' own
    cert = yaml.safe_load((tmp_path / "src" / "certification.yaml").read_text(encoding="utf-8"))
    assert cert["code_rncp"] == "RNCP12345"
    check = run("check", str(tmp_path / "src"))
    assert "code-bloc-rncp" not in check.stdout and "[erreur schema" not in check.stdout


def test_bloc_code_with_the_fiche_code_from_the_heading(tmp_path):
    source = word(tmp_path / "r.docx", [("BC03 : Piloter la performance commerciale", ["Étude de cas : Pilotage", "Durée : 3 h"])],
                  heading="Code RNCP : RNCP12345")
    (bloc,) = imported(tmp_path, source)
    cert = yaml.safe_load((tmp_path / "src" / "certification.yaml").read_text(encoding="utf-8"))
    assert cert["code_rncp"] == "RNCP12345"
    assert (bloc["code"], bloc["intitule"]) == ("BC03", "Piloter la performance commerciale")
