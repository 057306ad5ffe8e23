"""A candidate's header filled into a grid laid out once (PDF appended to the base, DOCX markers).

A session's grids differ only by their header (name, number, date, place): the
grid is laid out once with those fields empty (overlay.lay_out), and each
candidate's values are appended to it as the jury's documents are
(overlay.stamp, pdf_increment.py): no layout per candidate. On every page, the
candidate's name and number are drawn in the top margin too (`with_header`), so
that pages never get mixed up: an artifact, the header's fields being the
content a screen reader reads.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape as xml_escape

from ..sources.candidats import Candidat
from .docx_common import FIXED_ZIP_TIME

FIELDS = ("candidat", "numero", "date", "lieu")
MARK = "\u27e6{}\u27e7"  # ⟦candidat⟧: a marker no source text contains
HEADER = "entete-{}"  # the candidate in a page's top margin: one field per page


@dataclass(frozen=True)
class Base:
    """One épreuve's grid, laid out once with its candidate fields empty, and its marked DOCX and HTML."""

    stem: str
    laid: object  # overlay.Laid: the PDF base and its fields' places (None when no PDF is made)
    docx: bytes  # with markers
    html: str  # with markers


def marker(name: str) -> str:
    return MARK.format(name)


def values(c: Candidat) -> dict[str, str]:
    return {"candidat": c.nom_complet, "numero": c.numero, "date": c.date, "lieu": c.lieu}


def with_header(laid):
    """The laid-out grid with a field in each page's top margin, right-aligned (7.5 pt), for `grid_values`: in the
    weight of the candidate's field, so that it is drawn in a font the base embeds (PDF/A)."""
    width, _height = laid.page_size
    size = 10.0  # px: 7.5 pt
    weight = laid.boxes["candidat"][7] if "candidat" in laid.boxes else 400
    boxes = {HEADER.format(page): (page, 45.0, 18.0, width - 90, 12.0, size, "right", weight, 0.0, width - 90, 0.928 * size, 1.164 * size)
             for page in range(laid.pages)}
    return replace(laid, boxes={**laid.boxes, **boxes})


def grid_values(c: Candidat, pages: int) -> dict[str, str]:
    """What a candidate's grid is filled with: the header's fields, and the candidate on every page's margin."""
    label = f"Candidat\u00a0: {c.nom_complet}" + (f" — n°\u00a0{c.numero}" if c.numero else "")
    return {**values(c), **{HEADER.format(page): label for page in range(pages)}}


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
