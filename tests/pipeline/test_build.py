"""`dossier build`: selection, draft, settings, template overrides, and failure without damage."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from docx import Document

from conftest import MINIMAL, PACKAGE_TEMPLATES, run
from extract import docx_tables, docx_text, html_tree, pdf_info, pdf_pages

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
NAME = "certification-minimale-referentiel"


def build(folder: Path, out: Path, *args: str):
    return run("build", str(folder), "--out", str(out), *args)


def test_only_and_format_select_outputs(project, tmp_path):
    result = build(project(), tmp_path / "out", "--only", "referentiel", "--format", "pdf,docx")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out" / "referentiel").iterdir()) == [f"{NAME}.docx", f"{NAME}.pdf"]
    assert result.stdout == f"2 fichiers écrits, 0 à jour, dans {tmp_path / 'out'}/ en " + result.stdout.split(" en ")[1]


def test_unknown_format_is_a_usage_error(project, tmp_path):
    result = build(project(), tmp_path, "--format", "odt")
    assert result.exit_code == 2
    assert "« odt » inconnu ; au choix : html, pdf, docx" in result.stderr


def test_errors_build_nothing_and_keep_previous_outputs(project, tmp_path):
    out = tmp_path / "out"
    folder = project()
    assert build(folder, out, "--format", "html").exit_code == 0
    before = (out / "referentiel" / f"{NAME}.html").read_bytes()
    (folder / "certification.yaml").write_text(CERT.replace("niveau: 5", "niveau: 12"), encoding="utf-8")
    result = build(folder, out)
    assert result.exit_code == 1
    assert "certification.yaml:2:9: niveau: 12 hors des bornes (de 3 à 8) [erreur schema-valeur]" in result.stdout
    assert result.stderr == "Erreur : sources non conformes : 1 erreur, 0 avertissement, 0 info ; rien n'a été construit\n"
    assert sorted(p.name for p in (out / "referentiel").iterdir()) == [f"{NAME}.html"]
    assert (out / "referentiel" / f"{NAME}.html").read_bytes() == before


@pytest.mark.slow
def test_draft_builds_despite_errors_and_says_brouillon_on_every_page(project, tmp_path):
    bloc = (MINIMAL / "blocs" / "bc01.yaml").read_text().replace("competences: [C1.2]", "competences: [C1.1]")
    folder = project({"blocs/bc01.yaml": bloc.replace("      - C1.2", "      - C1.1")})  # C1.2: no criterion
    assert build(folder, tmp_path / "a").exit_code == 1
    result = build(folder, tmp_path / "b", "--brouillon")
    assert result.exit_code == 0, result.output
    assert "(BROUILLON)" in result.stdout
    ref = tmp_path / "b" / "referentiel"
    pages = pdf_pages(ref / f"{NAME}.pdf")
    assert pages and all("BROUILLON" in page for page in pages)
    assert "BROUILLON" in docx_text(ref / f"{NAME}.docx")
    assert "BROUILLON" in docx_text(ref / f"{NAME}.docx", "word/footer1.xml")
    assert html_tree(ref / f"{NAME}.html").xpath("//p[@class='brouillon']/text()") == ["BROUILLON"]


def test_identifiers_can_be_hidden(project, tmp_path):
    folder = project({"certification.yaml": CERT + "affichage:\n  identifiants: false\n"})
    assert build(folder, tmp_path, "--format", "html,docx").exit_code == 0
    table = docx_tables(tmp_path / "referentiel" / f"{NAME}.docx")[0]
    assert [cells[1].text for header, cells in table if not header and len(cells) == 4] == [
        "Accueillir le client afin de comprendre son besoin.",
        "Conclure la vente pour fidéliser le client.",
    ]
    tree = html_tree(tmp_path / "referentiel" / f"{NAME}.html")
    assert tree.xpath("//span[@class='id']") == []
    assert tree.xpath("//td[@id='C1.1']")  # anchors stay, only the display changes


@pytest.mark.slow
def test_pdf_a_setting(project, tmp_path):
    folder = project({"certification.yaml": CERT + "affichage:\n  pdf_a: true\n"})
    assert build(folder, tmp_path, "--format", "pdf").exit_code == 0
    pdf = tmp_path / "referentiel" / f"{NAME}.pdf"
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    assert pdf_info(tmp_path / "referentiel" / f"{NAME}.pdf")["Pages"].strip() == "2"  # the table, the annex


@pytest.mark.slow
def test_project_templates_override_the_defaults(project, tmp_path):
    folder = project()
    html_dir = folder / "templates" / "html"
    html_dir.mkdir(parents=True)
    page = (PACKAGE_TEMPLATES / "html" / "referentiel.html").read_text(encoding="utf-8")
    (html_dir / "referentiel.html").write_text(page.replace("<main>", "<main><p>Modèle maison</p>"), encoding="utf-8")
    docx_dir = folder / "templates" / "docx"
    docx_dir.mkdir(parents=True)
    doc = Document(PACKAGE_TEMPLATES / "docx" / "referentiel.docx")
    target = next(p for p in doc.paragraphs if "{{ titre }}" in p.text)
    target.runs[0].text = "Modèle maison — {{ titre }}"
    doc.save(docx_dir / "referentiel.docx")
    assert build(folder, tmp_path).exit_code == 0
    ref = tmp_path / "referentiel"
    assert "Modèle maison" in html_tree(ref / f"{NAME}.html").text_content()
    assert "Modèle maison" in pdf_pages(ref / f"{NAME}.pdf")[0]
    assert "Modèle maison — Référentiel d'activités" in docx_text(ref / f"{NAME}.docx")


def test_broken_template_is_a_clear_error_and_writes_nothing(project, tmp_path):
    folder = project()
    html_dir = folder / "templates" / "html"
    html_dir.mkdir(parents=True)
    (html_dir / "referentiel.html").write_text("<p>{% if %}</p>\n", encoding="utf-8")
    result = build(folder, tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Erreur : {html_dir / 'referentiel.html'}:1: gabarit invalide : ")
    assert not (tmp_path / "out").exists()


def test_word_template_without_model_table(project, tmp_path):
    folder = project()
    (folder / "templates" / "docx").mkdir(parents=True)
    Document().save(folder / "templates" / "docx" / "referentiel.docx")
    result = build(folder, tmp_path / "out", "--format", "docx")
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : gabarit Word de « referentiel » : le modèle Word n'a pas de tableau")
    assert not (tmp_path / "out").exists()
