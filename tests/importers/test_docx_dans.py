"""A corrected Word référentiel brought into an existing project (`import docx --dans`), and the Word heading read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from docx import Document
from test_import_docx import messy_word

from conftest import EXAMPLE, run


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def example(tmp_path) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(EXAMPLE, folder)
    return folder


@pytest.fixture(scope="module")
def original(example_build) -> Path:
    return next((example_build / "referentiel").glob("*.docx"))


def edit(source: Path, target: Path, replacements: dict[str, str]) -> Path:
    """The document with some paragraphs' text replaced (whole paragraphs, as an author retypes them)."""
    doc = Document(source)
    left = dict(replacements)
    for table in doc.tables:
        for tc in table._tbl.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tc"):
            from docx.table import _Cell

            for p in _Cell(tc, table).paragraphs:
                for old, new in replacements.items():
                    if old in p.text and p.runs:
                        text = p.text.replace(old, new)
                        for r in p.runs[1:]:
                            r.text = ""
                        p.runs[0].text = text
                        left.pop(old, None)
    assert not left, f"not found in the document: {list(left)}"
    doc.save(target)
    return target


C12 = "Décliner la stratégie commerciale de l’entreprise à l’échelle du périmètre en responsabilité afin de définir les objectifs de développement."
C12_NEW = "Décliner la stratégie commerciale de l’entreprise sur le périmètre confié afin de fixer des objectifs de développement chiffrés."


def test_the_example_docx_with_one_competence_edited(original, example, tmp_path):
    corrected = edit(original, tmp_path / "corrige.docx", {C12: C12_NEW})
    before = snapshot(example)

    dry = run("import", "docx", str(corrected), "--dans", str(example), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        "1 changement lu dans corrige.docx :",
        f"  blocs/bc01.yaml, compétence C1.2, texte : « {C12} » → « {C12_NEW} »",
        "--dry-run : rien n'a été écrit (1 fichier à modifier : blocs/bc01.yaml ; dossier check ensuite : "
        "0 erreur, 0 avertissement, 56 infos).",
    ]
    assert snapshot(example) == before

    result = run("import", "docx", str(corrected), "--dans", str(example))
    assert result.exit_code == 0, result.output
    after = snapshot(example)
    assert {k for k in after if after[k] != before[k]} == {"blocs/bc01.yaml"}  # certification.yaml, livret/ untouched
    old_lines = before["blocs/bc01.yaml"].decode().splitlines()
    new_lines = after["blocs/bc01.yaml"].decode().splitlines()
    assert [(a, b) for a, b in zip(old_lines, new_lines) if a != b] == [(f"    texte: {C12}", f"    texte: {C12_NEW}")]
    assert len(old_lines) == len(new_lines)
    bloc = yaml.safe_load(after["blocs/bc01.yaml"])
    assert next(c for c in bloc["competences"] if c["texte"] == C12_NEW)["id"] == "C1.2"  # its id kept
    assert run("check", str(example), "--strict").exit_code == 0


def test_the_example_docx_unedited_changes_nothing(original, example):
    before = snapshot(example)
    result = run("import", "docx", str(original), "--dans", str(example))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Aucun changement : {example}/ est déjà à jour.\n"
    assert snapshot(example) == before


def test_rewritten_added_removed_in_a_project_imported_from_word(tmp_path):
    """The usual life: import a Word file, then the corrected Word file a few weeks later."""
    first = messy_word(tmp_path / "v1.docx")
    assert run("import", "docx", str(first), "--out", str(tmp_path / "src")).exit_code == 0
    bloc_file = tmp_path / "src" / "blocs" / "bc01.yaml"
    written = bloc_file.read_text(encoding="utf-8")
    bloc_file.write_text(written.replace("competences:\n", "# Relu avec l'équipe pédagogique.\ncompetences:\n", 1), encoding="utf-8")
    second = edit(first, tmp_path / "v2.docx", {
        # rewritten beyond recognition, in place: it keeps its identifier
        "Ordonner les données dans un système d'information.": "Structurer une base clients pour piloter la prospection.",
        "Les objectifs sont cohérents.": "Les objectifs sont cohérents et chiffrés.",
        "Durée : 30 mn": "Durée : 45 min",
    })
    doc = Document(second)
    criteria_cell = doc.tables[0].rows[3].cells[3]
    criteria_cell.add_paragraph("- Le plan de prospection est daté.")
    doc.save(second)

    result = run("import", "docx", str(second), "--dans", str(tmp_path / "src"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:5] == [
        "5 changements lus dans v2.docx :",
        "  blocs/bc01.yaml, compétence C1.2, texte : « Ordonner les données dans un système d'information. » → "
        "« Structurer une base clients pour piloter la prospection. »",
        "  blocs/bc01.yaml, épreuve M1.2, durée : « 30 mn » → « 45 min »",
        "  blocs/bc01.yaml, critère CR1.2, texte : « Les objectifs sont cohérents. » → « Les objectifs sont cohérents et chiffrés. »",
        "  blocs/bc01.yaml, critère CR1.3 ajouté : « Le plan de prospection est daté. »",
    ]
    text = bloc_file.read_text(encoding="utf-8")
    assert "# Relu avec l'équipe pédagogique.\ncompetences:\n" in text
    bloc = yaml.safe_load(text)
    assert [(c["id"], c["texte"]) for c in bloc["competences"]] == [
        ("C1.1", "Analyser des données commerciales afin d’identifier les opportunités."),
        ("C1.2", "Structurer une base clients pour piloter la prospection."),
    ]
    assert bloc["criteres"][-1] == {"id": "CR1.3", "texte": "Le plan de prospection est daté.", "competences": ["C1.1", "C1.2"]}


def test_a_competence_removed_in_word(original, example, tmp_path):
    doc = Document(original)
    for p in (p for row in doc.tables[0].rows for cell in row.cells for p in cell.paragraphs):
        if p.text.startswith(("C1.4 ", "CR1.8 ")):  # C1.4 and the criterion that evaluates it alone
            p._p.getparent().remove(p._p)
    doc.save(tmp_path / "sans-c14.docx")
    fiche = example / "certification.yaml"  # the example counts C1.4 among its digital competences
    fiche.write_text(fiche.read_text(encoding="utf-8").replace("competences: [C1.4, C2.1", "competences: [C2.1"), encoding="utf-8")
    result = run("import", "docx", str(tmp_path / "sans-c14.docx"), "--dans", str(example))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "  blocs/bc01.yaml, compétence C1.4 supprimée (« Ordonner les données dans un système d'information. »)"
    assert lines[2].startswith("  blocs/bc01.yaml, critère CR1.8 supprimé (")
    assert lines[3:5] == [
        "  (conséquence) : blocs/bc01.yaml, épreuve M1.2, compétences : [C1.1, C1.3, C1.4] → [C1.1, C1.3]",
        "  (conséquence) : blocs/bc01.yaml, critère CR1.7, compétences : [C1.1, C1.3, C1.4] → [C1.1, C1.3]",
    ]
    assert "C1.4" not in (example / "blocs" / "bc01.yaml").read_text(encoding="utf-8")


def test_the_heading_differs_from_certification_yaml(original, example, tmp_path):
    doc = Document(original)
    fiche = next(p for p in doc.paragraphs if p.text.startswith("Niveau 6"))
    fiche.runs[0].text = fiche.text.replace("Niveau 6", "Niveau 7")
    doc.save(tmp_path / "niveau7.docx")
    before = (example / "certification.yaml").read_bytes()
    result = run("import", "docx", str(tmp_path / "niveau7.docx"), "--dans", str(example))
    assert result.exit_code == 0, result.output
    assert ("  Le document indique pour le niveau « 7 », certification.yaml « 6 » : certification.yaml n'est pas modifié "
            "(corrigez-le si le document a raison).") in result.stdout
    assert (example / "certification.yaml").read_bytes() == before


@pytest.mark.parametrize("args,message", [
    ((), "indiquez --out (nouveau dossier) ou --dans (dossier existant à mettre à jour)"),
    (("--out", "a", "--dans", "b"), "indiquez --out (nouveau dossier) ou --dans"),
    (("--out", "a", "--dry-run"), "--dry-run ne s'emploie qu'avec --dans"),
    (("--dans", "b", "--force"), "--force ne s'emploie qu'avec --out"),
])
def test_usage(original, args, message):
    result = run("import", "docx", str(original), *args)
    assert result.exit_code == 2 and message in result.stderr


# --- the heading, in a new project ---------------------------------------------------------


def test_new_import_reads_the_heading_and_lists_the_placeholders(original, tmp_path):
    result = run("import", "docx", str(original), "--out", str(tmp_path / "src"))
    assert result.exit_code == 0, result.output
    cert = yaml.safe_load((tmp_path / "src" / "certification.yaml").read_text(encoding="utf-8"))
    assert (cert["intitule"], cert["niveau"], cert["version"], str(cert["date"])) == ("Responsable commercial et marketing", 6, "1.0", "2026-09-01")
    assert cert["codes"] == {"nsf": ["312", "312p"], "rome": ["D1406", "D1402", "M1705"], "formacode": ["34566", "34554"]}
    assert cert["certificateurs"] == [{"nom": "Institut Exemple de Commerce et de Management"}]
    report = (tmp_path / "src" / "IMPORT.md").read_text(encoding="utf-8")
    assert "- Lu dans l'en-tête du document : intitulé « Responsable commercial et marketing », niveau 6, NSF 312, 312p," in report
    assert "  - `objectifs_contexte: (à compléter)` : les objectifs et le contexte de la certification" in report
    assert "niveau: 5" not in report and "2000-01-01" not in report


def test_heading_as_people_write_it(tmp_path):
    doc = Document()
    doc.add_paragraph("Référentiel de certification", style="Title")
    doc.add_paragraph("Intitulé : Technicien de maintenance industrielle")
    doc.add_paragraph("Code RNCP : RNCP12345 | Niveau : 4")
    doc.add_paragraph("Codes NSF : 250r, 251 — Codes ROME : I1304 et I1310")
    doc.add_paragraph("Date de la version : 15/01/2027")
    source = messy_word(tmp_path / "table.docx")
    body = Document(source)
    for p in reversed(doc.paragraphs):
        body.element.body.insert(0, p._p)
    body.save(tmp_path / "referentiel.docx")
    result = run("import", "docx", str(tmp_path / "referentiel.docx"), "--out", str(tmp_path / "src"))
    assert result.exit_code == 0, result.output
    cert = yaml.safe_load((tmp_path / "src" / "certification.yaml").read_text(encoding="utf-8"))
    assert (cert["intitule"], cert["code_rncp"], cert["niveau"], str(cert["date"])) == (
        "Technicien de maintenance industrielle", "RNCP12345", 4, "2027-01-15")
    assert cert["codes"] == {"nsf": ["250r", "251"], "rome": ["I1304", "I1310"]}
    report = (tmp_path / "src" / "IMPORT.md").read_text(encoding="utf-8")
    for placeholder in ("  - `version: 1.0` : la version du référentiel",
                        "  - `certificateurs: …` : le ou les certificateurs (raison sociale, SIRET)"):
        assert placeholder in report


def test_no_heading_every_placeholder_listed(tmp_path):
    source = messy_word(tmp_path / "referentiel.docx")
    assert run("import", "docx", str(source), "--out", str(tmp_path / "src")).exit_code == 0
    report = (tmp_path / "src" / "IMPORT.md").read_text(encoding="utf-8")
    for key in ("intitule: (intitulé à compléter — importé de referentiel.docx)", "niveau: 5", "date: 2000-01-01", "version: 1.0"):
        assert f"  - `{key}` : " in report


def test_a_bloc_the_project_lacks_becomes_a_file_and_one_the_document_lacks_stays(original, example, tmp_path):
    (example / "blocs" / "bc04.yaml").rename(tmp_path / "bc04.yaml")
    (example / "blocs" / "bc05.yaml").write_text((example / "blocs" / "bc03.yaml").read_text(encoding="utf-8").replace(
        "code: BC03", "code: BC05").replace("C3.", "C5.").replace("CR3.", "CR5.").replace("M3.", "M5.").replace("A3", "A5"),
        encoding="utf-8")
    result = run("import", "docx", str(original), "--dans", str(example))
    assert result.exit_code == 0, result.output
    assert "  blocs/bc04.yaml : nouveau fichier (bloc BC04 « Assurer le management de l’équipe commerciale »)" in result.stdout
    assert ("  Le bloc BC05 (blocs/bc05.yaml) n'est pas dans le document : gardé tel quel "
            "(supprimez le fichier vous-même si c'est voulu).") in result.stdout
    text = (example / "blocs" / "bc04.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/bloc.schema.json\n")
    assert "  - id: C4.1\n    texte: Animer l’équipe commerciale par divers moyens (réunion, entretien, incentives…).\n    activites: [A4]\n" in text
    assert (example / "blocs" / "bc05.yaml").exists()
