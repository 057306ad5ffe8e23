"""Cheaper layouts (render/pdf.py): WeasyPrint's default style sheet narrowed to the pseudo-elements our
pages use gives the same PDF, bytes for bytes, and the full sheet is kept whenever a page uses what the
narrowing leaves out; the cycle collector runs less often while laying out (and not at all while a
part is written), and as before afterwards; pydyf made quicker writes the same bytes; a dot
leader is drawn as one run of text, its dots where they were."""

from __future__ import annotations

import io

import pytest
import weasyprint
from pypdf import PdfReader

from conftest import EXAMPLE
from dossier.checks import check
from dossier.documents import DOCUMENTS
from dossier.pipeline.plan import plan, render_env
from dossier.render import pdf
from dossier.render.formats import html_page
from dossier.render.templates import PACKAGE_TEMPLATES

LISTS = """<!DOCTYPE html><html lang="fr"><head><style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
ol.romain { list-style-type: upper-roman; }
</style></head><body>
<ul><li>Premier point, assez long pour revenir à la ligne sous sa puce, et même deux fois de suite dans la page</li>
<li>Second point<ul><li>un point dans le point</li><li>encore un</li></ul></li></ul>
<ol><li>un</li><li>deux</li><li>trois</li><li>quatre</li><li>cinq</li><li>six</li><li>sept</li><li>huit</li>
<li>neuf</li><li>dix, dont le numéro est plus large</li></ol>
<ol class="romain"><li>premier</li><li>deuxième</li><li>troisième</li></ol>
</body></html>"""

FOOTNOTE = """<!DOCTYPE html><html lang="fr"><head><style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
.note { float: footnote; }
</style></head><body>
<p>Le texte appelle une note<span class="note">Une note de bas de page.</span> au milieu de la phrase.</p>
</body></html>"""


def _pdf(html: str, monkeypatch, narrowed: bool) -> tuple[bytes, list]:
    """The PDF of `html`, with the narrowed sheet when the page allows it (`narrowed`), else the full
    one; and the classes `document()` asked `_narrow_ua` for (none when the page kept the full sheet)."""
    used = []
    narrow = pdf._narrow_ua

    def spy():
        kind = narrow() if narrowed else weasyprint.HTML
        used.append(kind)
        return kind

    with monkeypatch.context() as patch:
        patch.setattr(pdf, "_narrow_ua", spy)
        data = pdf.document(html, PACKAGE_TEMPLATES / "html").write_pdf()
    return data, used


def test_lists_are_drawn_the_same_with_the_narrowed_sheet(monkeypatch):
    narrowed, used = _pdf(LISTS, monkeypatch, narrowed=True)
    stock, _ = _pdf(LISTS, monkeypatch, narrowed=False)
    assert used and used[0] is not weasyprint.HTML  # the narrowing applied
    assert narrowed == stock
    text = PdfReader(io.BytesIO(narrowed)).pages[0].extract_text()
    assert "10." in text and "III." in text and "•" in text


def test_a_page_with_a_footnote_keeps_the_full_sheet(monkeypatch):
    data, used = _pdf(FOOTNOTE, monkeypatch, narrowed=True)
    assert used == []  # the narrowed class was not even asked for
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "1. Une note de bas de page." in text.replace("\n", " ")  # the footnote marker of the full sheet


@pytest.mark.parametrize("css", [".x { display: list-item; }", "li::marker { color: red; }", ".n { position: note(notes); }"])
def test_what_the_narrowed_sheet_would_style_differently_keeps_the_full_one(css, monkeypatch):
    _, used = _pdf(LISTS.replace("</style>", css + "</style>"), monkeypatch, narrowed=True)
    assert used == []


@pytest.mark.parametrize("document", ["referentiel", "livret", "grilles"])
def test_the_example_documents_are_laid_out_with_the_narrowed_sheet(document):
    """Else the speed-up would be lost without a sign: the pages must not trip the guard."""
    cert = check(EXAMPLE).certification
    env = render_env(cert, EXAMPLE)
    out = plan(cert, (document,), ("pdf",))[0]
    page = html_page(DOCUMENTS[document], out.view, env)
    assert pdf._WANTS_FULL_UA.search(page) is None
    assert pdf.split_styles(page) is not None


def test_the_cycle_collector_runs_less_often_while_laying_out_parts_and_as_before_after():
    """Parts of long documents are laid out with the collector run less often; one-piece PDFs, made one after
    another by a jury session's workers, at its usual pace (their memory would creep otherwise)."""
    import gc

    from dossier.render import pdf_layout

    before = gc.get_threshold()
    seen, frozen = [], []
    real, written = pdf.document, weasyprint.Document.write_pdf

    def spy(*args, **kwargs):
        seen.append(gc.get_threshold()[0])
        return real(*args, **kwargs)

    def write(*args, **kwargs):
        frozen.append(not gc.isenabled())
        return written(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "document", spy)
        patch.setattr(weasyprint.Document, "write_pdf", write)
        assert pdf_layout.layout(LISTS, str(PACKAGE_TEMPLATES / "html"), tagged=True)[0].startswith(b"%PDF")
        assert pdf.from_html(LISTS, PACKAGE_TEMPLATES / "html").startswith(b"%PDF")
        with pytest.raises(ValueError), pdf.fewer_collections():
            raise ValueError
        with pytest.raises(ValueError), pdf.collector_paused():
            raise ValueError
    assert seen == [max(before[0], pdf.COLLECT_AFTER), before[0]]
    assert frozen == [True, False]  # a part is written with the collector paused; a one-piece PDF as before
    assert gc.get_threshold() == before and gc.isenabled()


CONTENTS = """<!DOCTYPE html><html lang="fr"><head><style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
ol { list-style: none; padding: 0; width: 12cm; }
li a::after { content: leader(".") " " target-counter(attr(href), page); }
h2 { break-before: page; }
</style></head><body><ol>
<li><a href="#un">Premier chapitre</a></li>
<li><a href="#deux">Un deuxième chapitre au titre assez long pour revenir à la ligne avant ses points de conduite</a></li>
<li><a href="#trois">Trois</a></li>
</ol><h2 id="un">Un</h2><h2 id="deux">Deux</h2><h2 id="trois">Trois</h2></body></html>"""


def _dot_runs(data: bytes) -> list[tuple[float, float, float, str]]:
    """The first page's words made of dots or digits, from pdftotext: (x0, y0, x1, text)."""
    import re
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        xml = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", file.name, "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml)
    return [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in words if set(w) <= set(".0123456789")]


def test_a_leader_is_drawn_as_one_run_of_dots_in_the_same_place():
    """WeasyPrint draws a leader as one text box per dot; merged, each leader is one run of text, with as
    many dots from the same first dot to (within a hair) the same last one, and the numbers unmoved."""
    import shutil

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils")
    laid = pdf.document(CONTENTS, PACKAGE_TEMPLATES / "html")
    leaders = [box for page in laid.pages for box in _walk(page._page_box) if getattr(box, "is_leader", False)]
    assert len(leaders) == 3 and all(len(box.children) > 20 for box in leaders)
    stock = laid.write_pdf()
    merged = pdf.from_html(CONTENTS, PACKAGE_TEMPLATES / "html")

    def lines(data):
        found: dict[float, list] = {}
        for x0, y0, x1, text in _dot_runs(data):
            found.setdefault(round(y0), []).append((x0, x1, text))
        return found

    before, after = lines(stock), lines(merged)
    assert before.keys() == after.keys() and len(after) == 3
    for y, words in after.items():
        dots_before = [w for w in before[y] if set(w[2]) == {"."}]
        dots_after = [w for w in words if set(w[2]) == {"."}]
        assert len(dots_before) > 20 and len(dots_after) == 1  # one word per dot before, one run now
        assert len(dots_after[0][2]) == sum(len(w[2]) for w in dots_before)
        assert dots_after[0][0] == pytest.approx(dots_before[0][0], abs=0.01)
        assert dots_after[0][1] == pytest.approx(dots_before[-1][1], abs=0.5)  # 0.15 pt over a full line
        assert [w for w in words if w[2].isdigit()] == [w for w in before[y] if w[2].isdigit()]
    drawn = [len(PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()) for data in (stock, merged)]
    assert drawn[1] < drawn[0] / 3  # the page's drawing operations


def _walk(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


TAGGED = """<!DOCTYPE html><html lang="fr"><head><title>Essai</title><style>
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; }
@page { size: A6; @bottom-right { content: counter(page); } }
</style></head><body>
<h1>Titre « é »</h1><p>Un paragraphe avec <a href="https://example.org/">un lien</a> et 1,5 cm.</p>
<table><caption>Tableau</caption><thead><tr><th>Colonne</th><th scope="col">Autre</th></tr></thead>
<tbody>""" + "".join(f"<tr><th scope=\"row\">Ligne {n}</th><td>{n / 3:.4f}</td></tr>" for n in range(40)) + """</tbody></table>
<ul><li>un</li><li>deux</li></ul><dl><dt>terme</dt><dd>définition</dd></dl>
</body></html>"""


def _stock_pydyf(patch) -> None:
    import pydyf

    pdf.quicker_pydyf()
    patch.setattr(pydyf, "_to_bytes", pdf._STOCK["_to_bytes"])
    for name in ("Dictionary.data", "Array.data", "PDF.page_references", "Stream.data"):
        owner, attribute = name.split(".")
        patch.setattr(getattr(pydyf, owner), attribute, pdf._STOCK[name])


@pytest.mark.parametrize("tagged", [False, True])
def test_pydyf_made_quicker_writes_the_same_bytes(tagged, monkeypatch):
    from dossier.render import pdf_tags

    def write() -> bytes:
        document = pdf.document(TAGGED, PACKAGE_TEMPLATES / "html")
        pdf_tags.prepare(document, tagged)
        return document.write_pdf(**pdf_tags.options(False, tagged))

    quick = write()
    with monkeypatch.context() as patch:
        _stock_pydyf(patch)
        stock = write()
    assert quick == stock
    assert (b"/StructTreeRoot" in zlib_objects(quick)) is tagged


def zlib_objects(data: bytes) -> bytes:
    """Every object of a PDF's object streams, decompressed, one after the other."""
    reader = PdfReader(io.BytesIO(data))
    streams = {where for where, _index in reader.xref_objStm.values()}
    return b"".join(reader.get_object(number).get_data() for number in sorted(streams))


def test_a_parts_object_stream_is_compressed_lightly_and_holds_the_same_objects():
    import pydyf

    from dossier.render import pdf_tags

    def write(light: bool) -> bytes:
        document = pdf.document(TAGGED, PACKAGE_TEMPLATES / "html")
        pdf_tags.prepare(document, True)
        if not light:
            return document.write_pdf(**pdf_tags.options(False, True))
        with pdf.light_object_streams():
            return document.write_pdf(**pdf_tags.options(False, True))

    def object_stream(data: bytes):
        reader = PdfReader(io.BytesIO(data))
        (number,) = {where for where, _index in reader.xref_objStm.values()}
        return reader.get_object(number)

    light, full = write(True), write(False)
    assert light != full
    assert object_stream(light).get_data() == object_stream(full).get_data()  # the same objects
    assert object_stream(light)._data[:2] == b"\x78\x01" and object_stream(full)._data[:2] == b"\x78\xda"  # zlib levels 1 and 9
    assert write(False) == full  # and outside, as before
    reader_light, reader_full = PdfReader(io.BytesIO(light)), PdfReader(io.BytesIO(full))
    for page_light, page_full in zip(reader_light.pages, reader_full.pages, strict=True):  # content streams: level 9 still
        assert page_light.get_contents()._data == page_full.get_contents()._data
    assert isinstance(pydyf.Stream.data, property)
