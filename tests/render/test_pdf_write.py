"""The PDF pieces the assembly is made of, without laying anything out: writing objects, reading
them one at a time, the sheets taken out of a page, a font's ToUnicode map."""

from __future__ import annotations

import io
import shutil
import subprocess
import zlib

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject, TextStringObject

from dossier.render.pdf import split_styles
from dossier.render.pdf_fonts import Source, to_unicode
from dossier.render.pdf_read import PdfIn, raw
from dossier.render.pdf_write import Copier, PdfOut


def _pdf(pages: int, text: bytes = b"BT ET") -> bytes:
    """A PDF written by PdfOut: more dictionaries than fit one object stream, compressed content."""
    buffer = io.BytesIO()
    out = PdfOut(buffer)
    catalog, tree = out.reserve(), out.reserve()
    kids = []
    for n in range(pages):
        content = StreamObject()
        content._data = zlib.compress(text + b" %% page %d" % n)
        content[NameObject("/Filter")] = NameObject("/FlateDecode")
        page = DictionaryObject({
            NameObject("/Type"): NameObject("/Page"), NameObject("/Parent"): tree,
            NameObject("/MediaBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(200), NumberObject(100)]),
            NameObject("/Contents"): out.write(content), NameObject("/Resources"): DictionaryObject(),
        })
        kids.append(out.write(page))
    out.write(DictionaryObject({
        NameObject("/Type"): NameObject("/Pages"), NameObject("/Kids"): ArrayObject(kids), NameObject("/Count"): NumberObject(pages),
    }), tree)
    info = out.write(DictionaryObject({NameObject("/Title"): TextStringObject("Essai « é »")}))
    out.write(DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): tree}), catalog)
    out.finish(catalog, info)
    return buffer.getvalue()


def test_written_objects_read_back_with_pypdf():
    data = _pdf(150)  # 300 objects: three object streams
    assert data.startswith(b"%PDF-1.7") and data.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 150
    assert reader.metadata.title == "Essai « é »"
    assert reader.pages[149].get_contents().get_data().endswith(b"% page 149")
    assert len(reader.trailer["/ID"][0]) == 16
    if shutil.which("pdfinfo"):  # poppler reads the object streams and the cross-reference stream too
        info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
        assert "Pages:           150" in info and "Syntax Error" not in info


def test_the_same_objects_give_the_same_bytes_and_the_id_follows_the_content():
    assert _pdf(3) == _pdf(3)
    assert PdfReader(io.BytesIO(_pdf(3))).trailer["/ID"] != PdfReader(io.BytesIO(_pdf(3, b"BT  ET"))).trailer["/ID"]


def test_objects_are_read_one_at_a_time_and_copied_under_new_numbers():
    source = PdfIn(_pdf(4))
    pages = source.pages()
    assert [raw(page, "/Type") for _, page in pages] == ["/Page"] * 4
    assert len(source._objects) < 12  # the pages, the tree and the first object: not the whole object streams
    buffer = io.BytesIO()
    out = PdfOut(buffer)
    copier = Copier(source, out)
    number, page = pages[2]
    contents = copier.convert(raw(page, "/Contents"))
    copier.flush()
    root = out.write(DictionaryObject({NameObject("/Type"): NameObject("/Catalog")}))
    out.finish(root, None)
    copied = PdfReader(io.BytesIO(buffer.getvalue())).get_object(contents.idnum)
    assert copied.get_data().endswith(b"% page 2")  # the stream's encoded bytes, as read


def test_sheets_for_print_are_taken_out_of_the_page():
    page = (
        '<html><head><style>p { color: red }</style><style media="print">@page { size: A4 }</style>'
        '<style media="screen">p { color: blue }</style><style type="text/x-other">x</style></head>'
        '<body><p style="margin: 0">texte</p></body></html>'
    )
    html, sheets = split_styles(page)
    assert sheets == ["p { color: red }", "@page { size: A4 }"]
    assert "<style" not in html and '<p style="margin: 0">texte</p>' in html


def test_sheets_stay_in_the_page_where_taking_them_out_could_change_a_style():
    for page in (
        '<head><link rel="stylesheet" href="a.css"><style>p {}</style></head>',
        '<head><base href="/x/"><style>p {}</style></head>',
        '<head><style>p {}</style></head><p style="color: red !important">',
        "<head><style>@import url(a.css); p {}</style></head>",
        "<head><style>@layer base { p {} }</style></head>",
        "<head><style>@counter-style x { system: cyclic; symbols: a; }</style></head>",
    ):
        assert split_styles(page) is None, page


def test_a_fonts_to_unicode_map_in_batches_of_a_hundred():
    unicode = {gid: f"{0x41 + gid % 26:04x}" for gid in range(3, 253)}
    text = to_unicode(unicode).decode()
    assert text.count("beginbfchar") == 3 and "100 beginbfchar" in text and "50 beginbfchar" in text
    assert "<0003> <0044>" in text and text.index("<0003>") < text.index("<00fc>")


def test_a_fonts_source_survives_its_metadata():
    source = Source("ab" * 32, 0, {3: 600, 70: 278}, {3: "0020", 70: "0063"})
    assert Source.from_json(source.as_json()) == source
