"""Documents laid out once and filled per candidate: any number of fields, on any page.

The generalisation of `stamp.py` (which fills a grid's header) for the jury
session's documents: a base is laid out once with its fields empty; WeasyPrint
says where each field (`id="champ-<name>"`) lies, its font and baseline; each
candidate's values are appended to the base (pdf_increment.py), drawn in the
field's font. A value with a character that font's subset lacks is laid out
apart (an overlay page per value, in batches) and drawn over the base as a
form, marked content of its field like the others; the printout copies that
copy whole. In PDF/A the base is laid out PDF/A-3b, tagged as the single
documents are, and filled the same way (an appended update keeps it PDF/A).
DOCX and HTML copies are the base rendered with markers, the markers replaced
(escaped) by the values.
"""

from __future__ import annotations

import html as html_lib
import io
from dataclasses import dataclass
from pathlib import Path

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject

from .stamp import DocxStamp, marker

# page, x, y, width, height (CSS px: the border box), font size (px), align, weight, then where the text goes (CSS px):
# the content box's left inset and width, the first baseline below the box's top, the line height
Box = tuple[int, float, float, float, float, float, str, int, float, float, float, float]


@dataclass(frozen=True)
class Laid:
    """A document laid out once, its fields' places, and its marked HTML and DOCX."""

    pdf: bytes
    pages: int
    page_size: tuple[float, float]
    boxes: dict[str, Box]
    long: frozenset[str]  # fields whose text may wrap
    html: str
    docx: bytes
    prepared: object  # pdf_increment.Prepared: the base ready for appended copies


def boxes(document) -> tuple[dict[str, Box], frozenset[str], dict[int, tuple[bytes, int]]]:
    """The fields' boxes, those that may wrap, and the font file of each weight they are written in."""
    from weasyprint.formatting_structure.boxes import InlineBlockBox, TextBox
    from weasyprint.text.line_break import strut

    from .increment_fonts import field_font

    found: dict[str, Box] = {}
    long: set[str] = set()
    fonts: dict[int, tuple[bytes, int]] = {}
    for index, page in enumerate(document.pages):
        stack = [(page._page_box, None)]
        while stack:
            box, parent = stack.pop()
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident and ident.startswith("champ-") and ident[6:] not in found:
                name = ident[6:]
                style = box.style
                align = str(style["text_align_all"])
                weight = 700 if int(style["font_weight"]) >= 600 else 400
                line, baseline = strut(style)
                baseline += box.content_box_y() - box.border_box_y()
                beside = [b for b in getattr(parent, "children", ()) if isinstance(b, TextBox) and b.text.strip()]
                if isinstance(box, InlineBlockBox) and beside and "long" not in (element.get("class") or "").split():
                    # empty, its baseline is its bottom margin edge: there the text beside it stands
                    baseline = box.border_height() + box.margin_bottom
                found[name] = (index, box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height(),
                               float(style["font_size"]), "center" if align == "center" else "left", weight,
                               box.content_box_x() - box.border_box_x(), box.width, baseline, line)
                if weight not in fonts:
                    font = field_font(style)
                    if font is not None:
                        fonts[weight] = font
                if "long" in (element.get("class") or "").split():
                    long.add(name)
            stack.extend((child, box) for child in getattr(box, "children", ()) or ())
    return found, frozenset(long), fonts


def lay_out(empty_page: str, marked_page: str, docx: bytes, base_url: Path, tagged: bool = False, pdf_a: bool = False) -> Laid:
    """The base laid out, tagged PDF/UA-1 if asked: each copy then gives the fields' elements their values."""
    from . import pdf_tags
    from .pdf import document
    from .pdf_increment import prepare

    laid = document(empty_page, base_url)
    found, long, fonts = boxes(laid)
    first = laid.pages[0]
    pdf_tags.prepare(laid, tagged)
    pdf = laid.write_pdf(**pdf_tags.options(pdf_a, tagged))
    return Laid(pdf, len(laid.pages), (first.width, first.height), found, long, marked_page, docx, prepare(pdf, fonts))


def _sheets(laid: Laid, records: list[dict[str, str]], per_field: bool = False) -> list[tuple[int, int, list[tuple[str, Box]]]]:
    """The overlay's pages: record, base page and the fields drawn; one per record and base page, or, per
    field, one per value (each drawn apart, as marked content of its field's element: pdf_increment.fill_forms)."""
    by_page: dict[int, list[tuple[str, Box]]] = {}
    for name, box in laid.boxes.items():
        by_page.setdefault(box[0], []).append((name, box))
    sheets = []
    for i, values in enumerate(records):
        for page in range(laid.pages):
            fields = [(name, box) for name, box in by_page.get(page, ()) if values.get(name)]
            sheets += [(i, page, [field]) for field in fields] if per_field else [(i, page, fields)]
    return sheets


def _overlay_html(laid: Laid, records: list[dict[str, str]], sheets) -> str:
    width, height = laid.page_size
    parts = [
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><style>",
        f"@page {{ size: {width}px {height}px; margin: 0; }}",
        "body { margin: 0; font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; }",
        f".p {{ position: relative; width: {width}px; height: {height}px; break-after: page; overflow: hidden; }}",
        ".f { position: absolute; white-space: nowrap; color: #000; }",
        ".f.l { white-space: normal; }",
        "</style></head><body>",
    ]
    for i, _page, fields in sheets:
        parts.append("<div class='p'>")
        for name, (_, x, y, _w, h, size, align, weight, inset, inner, baseline, line) in fields:
            value = records[i][name]
            drawn, lines = fitted(laid, value, inner, h, size, weight, line, name in laid.long)
            kind = "f l" if len(lines) > 1 or name in laid.long else "f"
            # the first line's baseline where the base has it (DejaVu Sans' ascent and descent)
            top = y + baseline - (line * drawn / size - 1.164 * drawn) / 2 - 0.928 * drawn if len(lines) == 1 else y
            parts.append(
                f"<div class='{kind}' style='left:{x + inset:.2f}px; top:{top:.2f}px; width:{inner:.2f}px; "
                f"line-height:{line * drawn / size:.2f}px; font-size:{drawn:.2f}px; text-align:{align}; font-weight:{weight}'>"
                f"{html_lib.escape(value)}</div>"
            )
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


def fitted(laid: Laid, value: str, width: float, height: float, size: float, weight: int, line: float, long: bool):
    """The size (px) and lines a value is laid out in so that it is not cut (pdf_increment.fit), measured in
    the field's own font where the base has it."""
    from .pdf_increment import fit, text_width

    face = (laid.prepared.faces or {}).get(weight) if laid.prepared is not None else None
    measure = face.width if face is not None else (lambda t, s: text_width(t, s, weight))
    return fit(value, width, max(height, line), size, measure, long, line / size)


def stamp_pdfs(laid: Laid, records: list[dict[str, str]], base_url: Path, pdf_a: bool = False) -> tuple[list[bytes], bytes]:
    """Each record's PDF, and all of them as one PDF (the batch's pages of the merged printout)."""
    from .pdf_increment import printout

    pdfs, printed = stamp(laid, records, base_url, pdf_a)
    if any(isinstance(copy, bytes) for copy in printed):  # copies made whole: pages only, as overlays
        return pdfs, _overlaid(laid, records, base_url)[1]
    return pdfs, printout(laid.prepared, printed)


def stamp(laid: Laid, records: list[dict[str, str]], base_url: Path, pdf_a: bool = False) -> tuple[list[bytes], list]:
    """Each record's PDF, and for the printout either each record's page streams (to append to the base:
    pdf_increment.Printout) or its PDF, made whole.

    Values the base's fonts cover are appended to the base (pdf_increment.py, no layout), in PDF/A as
    elsewhere (the base laid out PDF/A-3b: lay_out); others are laid out, each value apart, and drawn over
    the base as forms (tagged alike): the printout copies that record's PDF (tagged too). In PDF/A, a base
    without the fields' own fonts (increment_fonts.face: a CFF or variable font) has every value laid out
    so: the appended values would be in Helvetica, a font PDF/A forbids unembedded.
    """
    from .pdf_increment import draw, fill

    fields = list(laid.boxes.items())
    tags = laid.prepared.tags

    def appended(record: dict[str, str]) -> tuple[bytes, list[bytes]]:
        marks = tags.marks(laid.boxes, record) if tags is not None else None
        streams = [draw(fields, record, page, laid.page_size[1], laid.long, marks, laid.prepared.faces) for page in range(laid.pages)]
        return fill(laid.prepared, streams, record, marks), streams

    appendable = not pdf_a or bool(laid.prepared.faces)
    fit = [appendable and all(laid.prepared.covers(v) for v in r.values()) for r in records]
    # other scripts: those records' values laid out, each drawn over the base as its field's content (tagged too)
    others = _drawn_over(laid, [r for r, ok in zip(records, fit) if not ok], base_url) if not all(fit) else iter(())
    done = [appended(r) if ok else (lambda pdf: (pdf, pdf))(next(others)) for r, ok in zip(records, fit)]
    return [pdf for pdf, _ in done], [printed for _, printed in done]


def _drawn_over(laid: Laid, records: list[dict[str, str]], base_url: Path):
    """Each record's copy: the base, and each value laid out (an overlay page per value) drawn over it."""
    from .pdf import document
    from .pdf_increment import fill_forms
    from .pdf_read import PdfIn

    sheets = _sheets(laid, records, per_field=True)
    overlay = PdfIn(document(_overlay_html(laid, records, sheets), base_url).write_pdf())
    pages = [page for _number, page in overlay.pages()]
    tags = laid.prepared.tags
    for i, record in enumerate(records):
        forms = [(page, fields[0][0], pages[n]) for n, (r, page, fields) in enumerate(sheets) if r == i]
        marks = tags.marks(laid.boxes, record) if tags is not None else None
        yield fill_forms(laid.prepared, overlay, forms, marks, record)


def _overlaid(laid: Laid, records: list[dict[str, str]], base_url: Path) -> tuple[list[bytes], bytes]:
    from pypdf import PdfReader, PdfWriter

    from .pdf import document

    overlay = PdfReader(io.BytesIO(document(_overlay_html(laid, records, _sheets(laid, records)), base_url).write_pdf()))
    reader = PdfReader(io.BytesIO(laid.pdf))
    together = PdfWriter()
    forms = [as_form(page, together) for page in reader.pages]
    for i in range(len(records)):
        for n in range(laid.pages):
            sheet = together.add_page(overlay.pages[i * laid.pages + n])
            draw_form(sheet, f"/DossierBase{n}", forms[n], together, below=True)
    together.add_metadata(reader.metadata or {})
    merged = PdfReader(io.BytesIO(_bytes(together)))
    results = []
    for i in range(len(records)):
        writer = PdfWriter()
        for n in range(laid.pages):
            writer.add_page(merged.pages[i * laid.pages + n])
        writer.add_metadata(reader.metadata or {})
        results.append(_bytes(writer))
    return results, _bytes(together)


class Copies:
    """HTML and DOCX copies of a marked base, one per record."""

    def __init__(self, laid: Laid):
        self.laid = laid
        self.docx = DocxStamp(laid.docx) if laid.docx else None

    def html(self, values: dict[str, str]) -> bytes:
        page = self.laid.html
        for name in self.laid.boxes:
            page = page.replace(marker(name), html_lib.escape(values.get(name, "")))
        return page.encode("utf-8")

    def word(self, values: dict[str, str]) -> bytes:
        return self.docx.stamp({name: values.get(name, "") for name in self.laid.boxes})


def centred(docx: bytes) -> bytes:
    """Every paragraph of the body centred (a certificate's Word file, made from its HTML page)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .docx_common import FIXED_ZIP_TIME

    document = Document(io.BytesIO(docx))
    for paragraph in document.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    document.save(out)
    return _fixed_times(out.getvalue(), FIXED_ZIP_TIME)


def _fixed_times(data: bytes, when) -> bytes:
    """The same bytes on every run: python-docx stamps the zip entries with the clock."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _bytes(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# Drawing a laid-out page under an overlay with pypdf (the overlay path only: names outside Windows-1252).
def as_form(page: PageObject, writer: PdfWriter) -> IndirectObject:
    """The page's drawing as a Form XObject of the writer (its resources cloned there)."""
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data() if page.get_contents() is not None else b"")
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): page.mediabox.clone(writer),
        NameObject("/Resources"): (page["/Resources"].clone(writer) if "/Resources" in page else DictionaryObject()),
    })
    return writer._add_object(form)


def draw_form(sheet: PageObject, name: str, form: IndirectObject, writer: PdfWriter, below: bool) -> None:
    """Draw the form on a page of the writer, below or above what the page draws.

    The name goes into the page's resources, which pages often share: give
    each form drawn on such pages its own name.
    """
    resources = sheet["/Resources"].get_object()
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
    xobjects[NameObject(name)] = form
    resources[NameObject("/XObject")] = xobjects
    call = DecodedStreamObject()
    call.set_data(f"q {name} Do Q\n".encode())
    contents = sheet.raw_get("/Contents")  # the reference: a stream may not sit in an array directly
    resolved = contents.get_object()
    old = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    if not below:  # isolate the page's own graphics state from the stamp
        push, pop = DecodedStreamObject(), DecodedStreamObject()
        push.set_data(b"q\n")
        pop.set_data(b"\nQ\n")
        old = [writer._add_object(push), *old, writer._add_object(pop)]
    added = writer._add_object(call)
    sheet[NameObject("/Contents")] = ArrayObject([added, *old] if below else [*old, added])
