"""The « Liste des organismes habilités »: made from `partenaires:`, in HTML, PDF and DOCX; none without partners."""

from __future__ import annotations

import shutil

import pytest

from conftest import run
from extract import docx_tables, flat, html_tree, libreoffice_pdf, pdf_text

STEM = "responsable-commercial-et-marketing-organismes-habilites"
ROWS = [
    ["Raison sociale", "SIRET", "Habilitation", "Depuis le", "Jusqu'au"],
    ["Centre Exemple de Formation Continue", "99976543200003", "Préparer à la certification (former)", "01/09/2026", "—"],
    ["École Exemple de Commerce de Lyon", "99912345600009", "Former et organiser les épreuves", "01/09/2026", "31/08/2031"],
]


@pytest.fixture(scope="module")
def folder(example_build):
    return example_build / "habilites"


def test_html_lists_every_partner_with_its_habilitation(folder):
    tree = html_tree(folder / f"{STEM}.html")
    rows = [[flat(c.text_content()) for c in tr.xpath("./th|./td")] for tr in tree.xpath("//table[contains(@class, 'organismes')]//tr")]
    assert rows == ROWS
    assert "2 organismes habilités, dont 2 en activité au 1er septembre 2026." in flat(tree.text_content())


def test_pdf_and_docx_say_the_same(folder):
    text = flat(pdf_text(folder / f"{STEM}.pdf"))
    for row in ROWS[1:]:
        assert row[1] in text and row[0].split()[0] in text
    (table,) = docx_tables(folder / f"{STEM}.docx")
    assert [[flat(cell.text) for cell in cells] for _header, cells in table] == ROWS


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")
def test_docx_opens_in_libreoffice(folder, tmp_path):
    text = pdf_text(libreoffice_pdf(folder / f"{STEM}.docx", tmp_path), raw=True)
    assert "Liste des organismes habilités" in text and "99912345600009" in text


def test_an_ended_habilitation_is_shown_as_such_and_inactive_in_the_fiche(project, tmp_path):
    cert = (project() / "certification.yaml").read_text(encoding="utf-8") + (
        "partenaires:\n  - nom: Ancienne école\n    siret: \"99912345600009\"\n    habilitation: FORMER\n"
        "    debut: 2020-01-01\n    fin: 2025-12-31\n"
    )
    folder = project({"certification.yaml": cert})
    assert run("build", str(folder), "--out", str(tmp_path), "--format", "html").exit_code == 0
    (page,) = (tmp_path / "habilites").glob("*.html")
    assert "Ancienne école (habilitation terminée)" in flat(html_tree(page).text_content())


def test_no_partners_no_list(project, tmp_path):
    assert run("build", str(project()), "--out", str(tmp_path), "--format", "html").exit_code == 0
    assert not (tmp_path / "habilites").exists()
