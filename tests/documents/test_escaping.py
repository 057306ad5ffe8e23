"""Content is data, never code: awkward characters come out literally in every format."""

from __future__ import annotations

import shutil

import pytest

from conftest import MINIMAL, run
from extract import (
    WEASYPRINT_BOUNDS,
    WORD_BOUNDS,
    docx_tables,
    docx_text,
    flat,
    html_tree,
    libreoffice_pdf,
    pdf_columns,
    pdf_pages,
    pdf_text,
)

LONG_WORD = "Intergouvernementalisation" * 12  # 312 letters, no break opportunity
TRAPS = "Accueillir le client & <script>alert(1)</script> {{ x }} {% if %} « guillemets » l’œuvre\u00a0: afin de répondre"
LONG = ("Conduire un entretien de vente structuré " * 48 + "afin de conclure. ")[:1990] + " fin."
INTITULE = "Vendeur & conseiller « {{ h.pied }} »"

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("proj")
    import shutil

    shutil.copytree(MINIMAL, folder, dirs_exist_ok=True)
    bloc = BLOC.replace("texte: Accueillir le client afin de comprendre son besoin.", f"texte: {_yaml(TRAPS)}")
    bloc = bloc.replace("texte: Conclure la vente pour fidéliser le client.", f"texte: {_yaml(LONG)}")
    bloc = bloc.replace("texte: La vente est conclue.", f"texte: {_yaml('La vente est conclue : ' + LONG_WORD + '.')}")
    bloc = bloc.replace("intitule: Vente simulée", "intitule: \"Vente simulée <b>{% raw %}\"")
    (folder / "blocs" / "bc01.yaml").write_text(bloc, encoding="utf-8")
    (folder / "certification.yaml").write_text(
        CERT.replace("intitule: Certification minimale", f"intitule: {_yaml(INTITULE)}"), encoding="utf-8"
    )
    out = tmp_path_factory.mktemp("out")
    result = run("build", str(folder), "--out", str(out))
    assert result.exit_code == 0, result.output
    (html,) = out.glob("referentiel/*.html")
    (pdf,) = out.glob("referentiel/*.pdf")
    (docx,) = out.glob("referentiel/*.docx")
    return html, pdf, docx


def test_output_names_are_slugs(built):
    assert built[0].name == "vendeur-conseiller-h-pied-referentiel.html"


def test_html_escapes_and_keeps_the_text(built):
    html, _, _ = built
    raw = html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "<script>" not in raw
    assert "&amp; &lt;script" in raw
    tree = html_tree(html)
    text = tree.text_content()
    for expected in (TRAPS, LONG, "Vente simulée <b>{% raw %}", INTITULE, LONG_WORD):
        assert flat(expected) in flat(text)
    assert flat(tree.xpath("//h1")[0].text_content()) == flat(INTITULE)
    assert "\u00a0:" in text  # the non-breaking space survives as such


def test_docx_keeps_the_text(built):
    _, _, docx = built
    body = docx_text(docx)
    for expected in (TRAPS, LONG, "Vente simulée <b>{% raw %}", INTITULE, LONG_WORD):
        assert flat(expected) in body
    footer = docx_text(docx, "word/footer1.xml")
    assert footer.startswith(f"{INTITULE} — version 1.0")
    table = docx_tables(docx)[0]  # the annex's matrix follows
    competences = [cells[1].text for header, cells in table if not header and len(cells) == 4]
    assert competences == [f"C1.1 {flat(TRAPS)}", f"C1.2 {flat(LONG)}"]


def _nospace(text: str) -> str:
    return "".join(flat(text).split())


def test_pdf_keeps_the_text(built):
    _, pdf, _ = built
    (columns,) = pdf_columns(pdf, WEASYPRINT_BOUNDS)  # the annex, after the table, is left out
    competences = _nospace(columns[1]).replace(_nospace("Évaluée par l'épreuve : M1.1"), "")  # said under each
    assert _nospace(f"C1.1 {TRAPS} C1.2 {LONG}") in competences
    assert _nospace("Vente simulée <b>{% raw %}") in _nospace(columns[2])
    assert _nospace(LONG_WORD) in _nospace(columns[3])  # broken across lines, never lost
    text = pdf_text(pdf)
    assert flat(INTITULE) in text  # title block
    pages = pdf_pages(pdf)
    assert len(pages) == 3  # the table's two pages, then the annex
    for number, page in enumerate(pages, start=1):
        if number < 3:
            assert "RÉFÉRENTIEL D’ACTIVITÉS" in page  # header even beside a page-long row
        assert f"page {number} / 3" in page
        assert flat(f"{INTITULE} — version 1.0") in flat(page)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")
def test_libreoffice_shows_the_page_long_row_whole(built, tmp_path):
    _, _, docx = built
    pdf = libreoffice_pdf(docx, tmp_path)
    segments = pdf_columns(pdf, WORD_BOUNDS)
    assert _nospace(f"C1.1 {TRAPS} C1.2 {LONG}") in _nospace(segments[0][1])
    assert _nospace(LONG_WORD) in _nospace(segments[0][3])
