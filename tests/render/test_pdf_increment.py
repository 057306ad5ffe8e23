"""Copies of a PDF laid out once: values appended (incremental update), or overlaid for other scripts."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from dossier.render.overlay import lay_out, stamp_pdfs
from tests.conftest import PACKAGE_TEMPLATES
from tests.extract import flat

pytestmark = pytest.mark.slow

PAGE = """<!DOCTYPE html><html><head><style>@page { size: A4; margin: 20mm } .champ { display: inline-block; min-width: 100%; min-height: 1.2em }
.long { min-height: 3em } p.c { text-align: center; font-weight: bold }</style></head><body>
<p>Nom : <span class="champ" id="champ-nom"></span></p><p class="c"><span class="champ" id="champ-titre"></span></p>
<p><span class="champ long" id="champ-motif"></span></p><p style="break-before: page">Suite <span class="champ" id="champ-fin"></span></p>
</body></html>"""


@pytest.fixture(scope="module")
def laid():
    return lay_out(PAGE, PAGE, b"", PACKAGE_TEMPLATES / "html")


def text(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_values_are_appended_to_the_base(laid):
    records = [
        {"nom": "Zoé « Dupré » (l'aînée) \\ 100 %", "titre": "Œuvre", "motif": "un motif " * 20, "fin": "n° 1"},
        {"nom": "Noël", "fin": "n° 2"},
    ]
    pdfs, together = stamp_pdfs(laid, records, PACKAGE_TEMPLATES / "html")
    assert laid.pages == 2
    first = text(pdfs[0])
    assert "Zoé « Dupré » (l'aînée) \\ 100 %" in first[0] and "Œuvre" in first[0] and "un motif un motif" in first[0]
    assert "Suite n° 1" in first[1]
    assert pdfs[0].startswith(laid.prepared.data)  # the base, untouched, then the copy's objects
    assert len(pdfs[0]) - len(laid.prepared.data) < 6000
    assert "Noël" in text(pdfs[1])[0] and "Zoé" not in " ".join(text(pdfs[1]))
    printout = text(together)
    assert len(printout) == 4 and "n° 2" in printout[3] and "Zoé" in printout[0]
    assert len(together) < 2 * len(pdfs[0])  # one copy of the base's drawing for the whole batch


def test_other_scripts_are_overlaid(laid):
    pdfs, together = stamp_pdfs(laid, [{"nom": "Łukasz Nguyễn", "fin": "x"}], PACKAGE_TEMPLATES / "html")
    assert "Łukasz Nguyễn" in text(pdfs[0])[0]
    assert len(text(together)) == 2


def test_a_tagged_base_gives_each_copy_its_values_as_actual_text(tmp_path):
    from tests.tagged_pdf import actual_texts, loose_content, mcid_texts, parent_tree, read

    tagged = lay_out(PAGE.replace("<html>", "<html lang='fr'>").replace("<head>", "<head><title>T</title>"), PAGE, b"",
                     PACKAGE_TEMPLATES / "html", tagged=True)
    assert laid_fields(tagged) == ["nom", "titre", "motif", "fin"]
    records = [{"nom": "Zoé « Dupré » (l'aînée)", "fin": "n° 1"}, {"nom": "Noël"}]
    pdfs, together = stamp_pdfs(tagged, records, PACKAGE_TEMPLATES / "html")
    for pdf, expected in zip(pdfs, (["Zoé « Dupré » (l'aînée)", "n° 1"], ["Noël"])):
        path = tmp_path / "copy.pdf"
        path.write_bytes(pdf)
        copy = read(path)
        assert copy.catalog["/MarkInfo"]["/Marked"] and copy.catalog["/Lang"] == "fr-FR"
        assert actual_texts(copy) == expected
        assert not any("/T" in e for _d, _s, e in copy.elements)  # the titles that found the fields are gone
        assert all(loose_content(copy.reader, n) == [] for n in range(len(copy.reader.pages)))
        tree = parent_tree(copy.catalog["/StructTreeRoot"])  # each MCID maps back to its element
        assert all(len(tree[int(p["/StructParents"])]) == max(mcid_texts(copy.reader, n).keys() - {None}, default=-1) + 1
                   for n, p in enumerate(copy.reader.pages))
    printed = PdfReader(io.BytesIO(together))
    assert "/StructTreeRoot" not in printed.trailer["/Root"] and len(printed.pages) == 4  # pages only
    assert "Zoé" in text(together)[0]


def laid_fields(laid) -> list[str]:
    return [name for _number, name, _template in laid.prepared.tags.fields]
