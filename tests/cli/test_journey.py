"""A quality officer's first day, through the CLI: a new project, the blocs from Word, what is left
to complete, the filing bundle refused then built, and a review in Excel brought back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document
from docx.table import _Cell

from conftest import run

W_TC = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tc"
C12 = "Décliner la stratégie commerciale de l’entreprise à l’échelle du périmètre en responsabilité afin de définir les objectifs de développement."
C12_WORD = "Décliner la stratégie commerciale de l’entreprise sur le périmètre confié afin de fixer des objectifs chiffrés."
C12_EXCEL = "Décliner la stratégie commerciale sur le périmètre confié afin de fixer des objectifs de développement chiffrés."
CR11_EXCEL = "L’analyse de marché est définie en termes de segmentation, de cible et de positionnement."


def edit_docx(source: Path, target: Path, old: str, new: str) -> Path:
    """The Word référentiel with one competence retyped, as an author does in Word."""
    doc = Document(source)
    found = 0
    for table in doc.tables:
        for tc in table._tbl.iter(W_TC):
            for p in _Cell(tc, table).paragraphs:
                if old in p.text and p.runs:
                    text = p.text.replace(old, new)
                    for r in p.runs[1:]:
                        r.text = ""
                    p.runs[0].text = text
                    found += 1
    assert found == 1
    doc.save(target)
    return target


def row_of(ws, ident: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == ident)


def fill_fiche(folder: Path) -> None:
    """What the officer writes in place of the placeholders: certification.yaml without a_adapter:, the chapters rewritten."""
    cert_file = folder / "certification.yaml"
    data = yaml.safe_load(cert_file.read_text(encoding="utf-8"))
    assert set(data.pop("a_adapter")) == {"objectifs_contexte", "activites_visees", "emplois_accessibles", "voies_acces", "echelle"}
    data["objectifs_contexte"] = "Former des cadres commerciaux capables d'analyser un marché et de piloter une équipe."
    data["activites_visees"] = "Analyse du marché, développement du portefeuille clients, pilotage, management."
    data["emplois_accessibles"] = ["Responsable commercial", "Chef des ventes"]
    data["voies_acces"][2] = {"voie": "formation_continue", "ouverte": True, "jury": "Trois professionnels du secteur."}
    cert_file.write_text("# Fiche relue par la direction.\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                         encoding="utf-8")
    for chapter in (folder / "livret").glob("*.md"):
        lines = [line for line in chapter.read_text(encoding="utf-8").splitlines() if not line.startswith("> Modèle à adapter")]
        chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_from_a_word_file_to_a_dossier_ready_to_file(example_build, tmp_path):
    folder, out = tmp_path / "commercial", tmp_path / "build"
    src = folder / "sources"  # where dossier nouveau puts them; the commands find them from the project's name
    created = run("nouveau", str(folder), "--intitule", "Responsable commercial et marketing", "--niveau", "6",
                  "--certificateur", "Institut Exemple", "--siret", "73282932000074", "--date", "2026-09-01")
    assert created.exit_code == 0, created.output
    assert "10 éléments à compléter avant dépôt" in created.stdout
    assert run("check", str(folder)).exit_code == 0
    assert run("build", str(folder), "--out", str(tmp_path / "first"), "--only", "referentiel", "--format", "pdf").exit_code == 0

    # the blocs from the example's own Word référentiel, one competence corrected in Word
    original = next((example_build / "referentiel").glob("*.docx"))
    corrected = edit_docx(original, tmp_path / "corrige.docx", C12, C12_WORD)
    imported = run("import", "docx", str(corrected), "--dans", str(folder))
    assert imported.exit_code == 0, imported.output
    assert "  blocs/bc01.yaml, a_adapter : « bloc modèle" in imported.stdout
    bc01 = yaml.safe_load((src / "blocs" / "bc01.yaml").read_text(encoding="utf-8"))
    assert [c["texte"] for c in bc01["competences"] if c["id"] == "C1.2"] == [C12_WORD]
    assert "a_adapter" not in bc01
    assert sorted(p.name for p in (src / "blocs").glob("*.yaml")) == ["bc01.yaml", "bc02.yaml", "bc03.yaml", "bc04.yaml"]

    # what blocks the filing: the placeholders of the fiche and the handbook's templates, file by file
    depot = run("check", str(folder), "--depot")
    assert depot.exit_code == 1
    lines = depot.stdout.splitlines()
    assert f"{src}/certification.yaml" in lines
    assert [line.split(" — ")[1].split(" :")[0] for line in lines if "de a_adapter:" in line] == [
        "objectifs_contexte", "activites_visees", "emplois_accessibles", "voies_acces", "echelle"]
    assert [line for line in lines if line.startswith(f"{src}/livret/")] == [
        f"{src}/livret/{name}" for name in ("01-rattrapage.md", "02-recours.md", "03-handicap.md", "04-fraude.md")]
    assert "Dépôt impossible : 9 éléments à compléter avant dépôt." in lines
    refused = run("build", str(folder), "--out", str(out), "--only", "dossier")
    assert refused.exit_code == 0, refused.output
    assert "BROUILLON : 9 éléments à compléter avant dépôt" in refused.stderr
    assert not (out / "dossier").exists()
    assert run("check", str(folder), "--strict").exit_code == 1

    # filled: the bundle is built
    fill_fiche(src)
    ready = run("check", str(folder), "--depot")
    assert ready.stdout.splitlines() == ["Prêt à déposer : aucune valeur à adapter, aucun chapitre du livret ne manque."]
    built = run("build", str(folder), "--out", str(out), "--only", "dossier")
    assert built.exit_code == 0 and "BROUILLON" not in built.output, built.output
    assert (out / "dossier" / "MANIFEST.sha256").is_file()
    assert "Responsable commercial et marketing" in (out / "dossier" / "teleprocedure.txt").read_text(encoding="utf-8")

    # a review in Excel: two cells edited, brought back into the YAML, its comments kept
    bloc_file = src / "blocs" / "bc01.yaml"
    bloc_file.write_text(bloc_file.read_text(encoding="utf-8").replace("competences:\n", "# Relu en équipe pédagogique.\ncompetences:\n", 1),
                         encoding="utf-8")
    book = tmp_path / "relecture.xlsx"
    assert run("export", "xlsx", str(folder), "--out", str(book)).exit_code == 0
    wb = openpyxl.load_workbook(book)
    wb["BC01"].cell(row_of(wb["BC01"], "C1.2"), 3).value = C12_EXCEL
    wb["BC01"].cell(row_of(wb["BC01"], "CR1.1"), 3).value = CR11_EXCEL
    wb.save(book)
    back = run("import", "xlsx", str(book), "--dans", str(folder))
    assert back.exit_code == 0, back.output
    assert back.stdout.splitlines()[0] == "2 changements lus dans relecture.xlsx :"
    text = bloc_file.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert [c["texte"] for c in data["competences"] if c["id"] == "C1.2"] == [C12_EXCEL]
    assert [c["texte"] for c in data["criteres"] if c["id"] == "CR1.1"] == [CR11_EXCEL]
    assert "# Relu en équipe pédagogique.\ncompetences:\n" in text
    assert (src / "certification.yaml").read_text(encoding="utf-8").startswith("# Fiche relue par la direction.\n")
