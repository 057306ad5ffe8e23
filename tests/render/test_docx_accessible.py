"""Word files a screen reader can follow: header rows repeated, images described, language and title, no empty paragraphs."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from lxml import html

from tests.extract import W, docx_xml

SLUG = "responsable-commercial-et-marketing"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _docx(build: Path) -> dict[str, Path]:
    return {
        "livret": build / "livret" / f"{SLUG}-livret.docx",
        "referentiel": build / "referentiel" / f"{SLUG}-referentiel.docx",
        "grille": build / "grilles" / "bc01-m1-1.docx",
    }


@pytest.mark.parametrize("name", ["livret", "referentiel", "grille"])
def test_language_and_title(example_build, name):
    path = _docx(example_build)[name]
    styles = docx_xml(path, "word/styles.xml")
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert default is not None and default.get(f"{W}val") == "fr-FR"
    core = docx_xml(path, "docProps/core.xml")
    dc = "{http://purl.org/dc/elements/1.1/}"
    assert core.findtext(f"{dc}language") == "fr-FR"
    assert core.findtext(f"{dc}title").endswith("Responsable commercial et marketing")


def test_header_rows_marked_and_repeated(example_build, example_cert):
    """Every table whose HTML has a <thead> has as many Word rows marked w:tblHeader, at its top."""
    page = html.parse(str(example_build / "livret" / f"{SLUG}-livret.html"))
    expected = [len(t.xpath("./thead/tr")) for t in page.iter("table")]
    body = docx_xml(_docx(example_build)["livret"]).find(f"{W}body")
    found = []
    for table in body.iter(f"{W}tbl"):
        marks = [row.find(f"{W}trPr/{W}tblHeader") is not None for row in table.findall(f"{W}tr")]
        found.append(sum(marks))
        assert marks == sorted(marks, reverse=True), "header rows come first"
    assert found == expected and sum(found) > 10
    referentiel = docx_xml(_docx(example_build)["referentiel"]).find(f"{W}body")
    heads = [sum(r.find(f"{W}trPr/{W}tblHeader") is not None for r in t.findall(f"{W}tr")) for t in referentiel.iter(f"{W}tbl")]
    # the table's two heading rows, then one per bloc's coverage matrix in the annex
    assert heads == [2] + [1] * len(example_cert.blocs)


@pytest.mark.parametrize("name", ["livret", "referentiel", "grille"])
def test_no_empty_paragraph_for_spacing(example_build, name):
    """An empty paragraph stays only where Word needs one: between two tables, or at a section's end."""
    body = docx_xml(_docx(example_build)[name]).find(f"{W}body")
    for element in body:
        if element.tag == f"{W}p" and not "".join(element.itertext()).strip() and element.find(f".//{W}sectPr") is None:
            following = element.getnext()
            assert following is None or following.tag != f"{W}p", "an empty paragraph before a paragraph"


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")


def test_images_get_alternate_text_and_spacers_go():
    import docx

    from dossier.render.docx_common import accessible

    document = docx.Document()
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png()))
    document.add_table(rows=1, cols=1)
    document.add_paragraph("")  # a spacer after a table, before a paragraph
    document.add_paragraph("Suite")
    document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
    document.add_paragraph("Nouvelle page")
    accessible(document, "Institut Exemple")
    body = document.element.body
    assert [d.get("descr") for d in body.iter(f"{WP}docPr")] == ["Institut Exemple"]
    paragraphs = [p for p in body.iter(f"{W}p") if p.getparent() is body]
    texts = ["".join(t.text for t in p.iter(f"{W}t")) for p in paragraphs]
    assert texts == ["", "Suite", "Nouvelle page"]  # the picture's paragraph, then text only
    suite, page = paragraphs[1], paragraphs[2]
    assert suite.find(f"{W}pPr/{W}spacing").get(f"{W}before") == "100"
    assert page.find(f"{W}pPr/{W}pageBreakBefore") is not None
