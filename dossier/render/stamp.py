"""Stamping a candidate's header onto a grid laid out once (PDF overlays, DOCX markers)."""

from __future__ import annotations

import html as html_lib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from ..sources.candidats import Candidat
from .docx_common import FIXED_ZIP_TIME

FIELDS = ("candidat", "numero", "date", "lieu")
MARK = "\u27e6{}\u27e7"  # ⟦candidat⟧: a marker no source text contains


@dataclass(frozen=True)
class Base:
    """One épreuve's grid, laid out once, with the places of its candidate fields."""

    stem: str
    pdf: bytes
    pages: int
    page_size: tuple[float, float]  # CSS px
    fields: dict[str, tuple[float, float, float, float]]  # name -> x, y, width, height on page 1 (CSS px)
    docx: bytes  # with markers
    html: str  # with markers


def marker(name: str) -> str:
    return MARK.format(name)


def values(c: Candidat) -> dict[str, str]:
    return {"candidat": c.nom_complet, "numero": c.numero, "date": c.date, "lieu": c.lieu}


def field_boxes(document) -> dict[str, tuple[float, float, float, float]]:
    found = {}
    stack = [document.pages[0]._page_box]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        ident = element.get("id") if element is not None else None
        if ident and ident.startswith("champ-") and ident[6:] in FIELDS and ident[6:] not in found:
            found[ident[6:]] = (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())
        stack.extend(getattr(box, "children", ()) or ())
    return found


def _overlay_html(base: Base, candidats: list[Candidat]) -> str:
    width, height = base.page_size
    parts = [
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><style>",
        f"@page {{ size: {width}px {height}px; margin: 0; }}",
        "body { margin: 0; font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; }",
        f".p {{ position: relative; width: {width}px; height: {height}px; break-after: page; overflow: hidden; }}",
        ".f { position: absolute; white-space: nowrap; color: #000; }",
        # the candidate on every page, in the empty top margin, so that pages never get mixed up
        f".s {{ position: absolute; top: 18px; left: 45px; width: {width - 90:.0f}px; text-align: right; font-size: 7.5pt; color: #333; }}",
        "</style></head><body>",
    ]
    for c in candidats:
        for page in range(base.pages):
            parts.append("<div class='p'>")
            if page == 0:
                for name, value in values(c).items():
                    if name in base.fields and value:
                        x, y, w, h = base.fields[name]
                        size, lines = fitted(value, w - 6, h)  # too long for its box: smaller, then on two lines
                        line = h if len(lines) == 1 else size * 1.15
                        parts.append(
                            f"<div class='f' style='left:{x + 3:.2f}px; top:{y + max(h - line * len(lines), 0) / 2:.2f}px; "
                            f"width:{w - 6:.2f}px; font-size:{size:.2f}px; line-height:{line:.2f}px;"
                            f"{' white-space: normal;' if len(lines) > 1 else ''}'>{html_lib.escape(value)}</div>"
                        )
            label = "Candidat : " + c.nom_complet + (f" — n° {c.numero}" if c.numero else "")
            parts.append(f"<div class='s'>{html_lib.escape(label)}</div></div>")
    parts.append("</body></html>")
    return "".join(parts)


SIZE = 12.0  # the stamped fields' size, in px (9 pt)


def fitted(value: str, width: float, height: float) -> tuple[float, list[str]]:
    """The size (px) and lines a stamped field is laid out in (DejaVu Sans, as the overlay): never cut."""
    from .increment_fonts import named_face
    from .pdf_increment import fit, text_width

    face = named_face("DejaVu Sans")
    measure = face.width if face is not None else (lambda text, size: text_width(text, size, 400))
    return fit(value, width, height, SIZE, measure, False, 1.15)


def stamp_pdf(base: Base, candidats: list[Candidat], base_url: Path) -> tuple[list[bytes], tuple[bytes, list[str]]]:
    """Each candidate's PDF, and the batch's part of the merged printout: the overlay and what each
    candidate's stamp reads as (pdf_stamp.Printout appends them to the épreuve's printout).

    The base's pages are copied for each candidate, its content streams and fonts
    written once per file, and each candidate's overlay page drawn over them as
    a form (pdf_stamp.py): no content stream is parsed or rewritten.
    """
    from .pdf import document
    from .pdf_stamp import stamp

    overlay = document(_overlay_html(base, candidats), base_url).write_pdf()
    texts = [spoken(c) for c in candidats]
    return stamp(base.pdf, overlay, texts), (overlay, texts)


def spoken(c: Candidat) -> str:
    """What a screen reader reads for the candidate's fields stamped on a grid's first page."""
    said = [f"Candidat : {c.nom_complet}"]
    said += [f"{label} : {value}" for label, value in (("n°", c.numero), ("date", c.date), ("lieu", c.lieu)) if value]
    return " ; ".join(said)


class DocxStamp:
    """The base DOCX prepared once: every part but those holding markers already zipped.

    A candidate's file is that zip, copied, with its own marked parts appended
    (the body, and the custom properties that name the candidate): only they are
    compressed per candidate.
    """

    PARTS = ("word/document.xml", "docProps/custom.xml")

    def __init__(self, base: bytes):
        source = zipfile.ZipFile(io.BytesIO(base))
        names = set(source.namelist())
        self.parts = {name: (source.read(name).decode("utf-8"), source.getinfo(name)) for name in self.PARTS if name in names}
        rest = io.BytesIO()
        with zipfile.ZipFile(rest, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename not in self.parts:
                    target.writestr(_entry(info.filename, info.external_attr), source.read(info.filename))
        self.rest = rest.getvalue()

    def stamp(self, fields: dict[str, str]) -> bytes:
        out = io.BytesIO(self.rest)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
            for name, (text, info) in self.parts.items():
                for field_name, value in fields.items():
                    text = text.replace(marker(field_name), xml_escape(value))
                target.writestr(_entry(name, info.external_attr), text.encode("utf-8"))
        return out.getvalue()


def _entry(name: str, attributes: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = attributes
    return entry
