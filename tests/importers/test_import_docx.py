"""Import from a Word table: the round trip through our own DOCX, and the shapes real files take."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from docx import Document

from conftest import run
from extract import docx_tables


def body_cells(path: Path) -> list[list[tuple[int, str, str | None]]]:
    table = docx_tables(path)[0]  # the référentiel; the annex's matrices follow
    return [[(c.column, c.text, c.vmerge) for c in cells] for header, cells in table if not header]


@pytest.fixture(scope="module")
def original(example_build) -> Path:
    return next((example_build / "referentiel").glob("*.docx"))


def test_round_trip_same_text_in_the_same_cells(original, tmp_path):
    result = run("import", "docx", str(original), "--out", str(tmp_path / "src"))
    assert result.exit_code == 0, result.output
    check = run("check", str(tmp_path / "src"))
    assert "[erreur" not in check.stdout
    rebuilt = run("build", str(tmp_path / "src"), "--out", str(tmp_path / "out"), "--only", "referentiel", "--format", "docx")
    assert rebuilt.exit_code == 0, rebuilt.output
    again = next((tmp_path / "out" / "referentiel").glob("*.docx"))
    assert body_cells(again) == body_cells(original)
    ids = [c["id"] for c in yaml.safe_load((tmp_path / "src" / "blocs" / "bc01.yaml").read_text(encoding="utf-8"))["competences"]]
    assert ids == ["C1.1", "C1.2", "C1.3", "C1.4"]


def _merge_header(table):
    a = table.cell(0, 0).merge(table.cell(1, 0))
    b = table.cell(0, 1).merge(table.cell(1, 1))
    e = table.cell(0, 2).merge(table.cell(0, 3))
    return a, b, e


def _set(cell, paragraphs):
    first = True
    for text, style, bold in paragraphs:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        if style:
            para.style = style
        run_ = para.add_run(text)
        run_.bold = bold
        first = False


def messy_word(path: Path) -> Path:
    """A référentiel as people type it: two-line header, bloc rows, one big row per bloc, mixed bullets."""
    doc = Document()
    table = doc.add_table(rows=2, cols=4)
    a, b, e = _merge_header(table)
    _set(a, [("REFERENTIEL D’ACTIVITES", None, True), ("décrit les situations de travail", None, False)])
    _set(b, [("REFERENTIEL DE COMPETENCES", None, True)])
    _set(e, [("REFERENTIEL D’EVALUATION", None, True)])
    _set(table.cell(1, 2), [("MODALITÉS D’ÉVALUATION", None, True)])
    _set(table.cell(1, 3), [("CRITÈRES D’ÉVALUATION", None, True)])
    for n, (activity, tasks, comps, crits) in enumerate([
        ("Activité 1 : Analyser son marché",
         ["- Identification des opportunités", "• Participation à la définition", "de la stratégie commerciale"],
         ["- Analyser des données commerciales afin d’identifier les opportunités.", "", "- Ordonner les données dans un système d'information."],
         ["- L’analyse de marché a été définie en termes de segmentation.", "- Les objectifs sont cohérents."]),
        ("Activité 2 : Développer un portefeuille", ["Étude de la cible potentielle"],
         ["Construire un plan d’actions marketing afin de développer sa e-réputation.", "Définir une stratégie d’approche adaptée."],
         ["Les actions programmées sont ciblées."]),
    ], start=1):
        title = table.add_row()
        merged = title.cells[0].merge(title.cells[3])
        _set(merged, [(f"Bloc {n} : {activity.split(' : ')[1]}", None, True)])
        row = table.add_row()
        cells = row.cells
        _set(cells[0], [(activity, None, True), *[(t, "List Bullet" if n == 2 else None, False) for t in tasks]])
        _set(cells[1], [(c, None, False) for c in comps])
        _set(cells[2], [
            ("Étude de cas : De l’analyse du marché au plan d’action", None, True), ("Durée : 3 heures", None, False),
            ("En centre de formation, travail individuel.", None, False), ("", None, False),
            ("Rapport d’activités", None, True), ("Durée : 30 mn", None, False), ("Soutenance devant un jury de professionnels.", None, False),
        ])
        _set(cells[3], [(c, None, False) for c in crits])
    doc.save(path)
    return path


def test_messy_word_table(tmp_path):
    source = messy_word(tmp_path / "referentiel.docx")
    result = run("import", "docx", str(source), "--out", str(tmp_path / "src"))
    assert result.exit_code == 0, result.output
    bloc1 = yaml.safe_load((tmp_path / "src" / "blocs" / "bc01.yaml").read_text(encoding="utf-8"))
    assert bloc1["intitule"] == "Analyser son marché"
    assert bloc1["activites"] == [{"id": "A1", "intitule": "Analyser son marché", "taches": [
        "Identification des opportunités", "Participation à la définition de la stratégie commerciale"]}]
    assert [c["texte"] for c in bloc1["competences"]] == [
        "Analyser des données commerciales afin d’identifier les opportunités.", "Ordonner les données dans un système d'information."]
    assert [(m["type"], m["intitule"], m["duree"]) for m in bloc1["modalites"]] == [
        ("etude_de_cas", "De l’analyse du marché au plan d’action", "3 heures"),
        ("rapport_activites", "Rapport d’activités", "30 mn"),
    ]
    assert bloc1["modalites"][1]["description"] == "Soutenance devant un jury de professionnels."
    # one big row for several competences: criteria go to all of them, and the report says so
    assert all(c["competences"] == ["C1.1", "C1.2"] for c in bloc1["criteres"])
    report = (tmp_path / "src" / "IMPORT.md").read_text(encoding="utf-8")
    assert "BC01 : le critère « L’analyse de marché a été définie en termes de segmentation.… » n'a pas pu être rattaché" in report
    bloc2 = yaml.safe_load((tmp_path / "src" / "blocs" / "bc02.yaml").read_text(encoding="utf-8"))
    assert bloc2["activites"][0]["taches"] == ["Étude de la cible potentielle"]  # a Word list paragraph
    check = run("check", str(tmp_path / "src"))
    assert "[erreur schema" not in check.stdout and "[erreur fc-" not in check.stdout


@pytest.mark.parametrize("content,message", [
    (b"pas un zip", "n'est pas un fichier Word (.docx) lisible"),
    (b"PK\x05\x06" + b"\0" * 18, "n'est pas un fichier Word (.docx) lisible"),
])
def test_not_a_docx(tmp_path, content, message):
    source = tmp_path / "x.docx"
    source.write_bytes(content)
    result = run("import", "docx", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_docx_without_a_referentiel_table(tmp_path):
    doc = Document()
    doc.add_paragraph("Un simple courrier.")
    doc.add_table(rows=2, cols=2)
    doc.save(tmp_path / "lettre.docx")
    result = run("import", "docx", str(tmp_path / "lettre.docx"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "aucun tableau à quatre colonnes" in result.stderr
    assert not (tmp_path / "out").exists()


def test_truncated_docx(original, tmp_path):
    data = original.read_bytes()
    (tmp_path / "coupe.docx").write_bytes(data[: len(data) // 2])
    result = run("import", "docx", str(tmp_path / "coupe.docx"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "n'est pas un fichier Word (.docx) lisible" in result.stderr
    assert not (tmp_path / "out").exists()
