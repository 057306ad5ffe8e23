"""Page numbers for a Word table of contents, before Word or LibreOffice lays the document out.

A TOC field's result is what a reader sees until the fields are updated: Word
updates them on opening (the document asks it to), LibreOffice and the
previewers of mail clients and file managers never do. So the result is
pre-filled with the page of each heading, estimated from the body itself: each
paragraph's lines from its length, its style's size and the width it has, each
table row whole (rows never split), a page started where the body says so. The
estimate is close, not exact (it does not know the font's metrics); Word puts
the exact numbers in place when it updates the field.
"""

from __future__ import annotations

import math

from lxml import etree

from .docx_common import _w

LINE = 1.17  # line height, in font sizes (Arial, Liberation Sans)
CHAR = 0.5  # average width of a character of French text, in font sizes
CELL_PADDING = 20.0  # points taken from a cell's width by its margins and a list's indent
ROW_PADDING = 6.0  # points added to a row's height by its borders and margins


class Pages:
    """Where each heading of a body will fall, page by page."""

    def __init__(self, document, page_height: float, width: float):
        self.styles = document.styles
        self.height = page_height  # the body's height on a page, in points
        self.width = width  # the body's width, in points
        self._metrics: dict[str, tuple[float, float, float]] = {}

    def metrics(self, style_id: str) -> tuple[float, float, float]:
        """(font size, space before, space after) of a paragraph style, in points."""
        if style_id not in self._metrics:
            size, before, after = 10.0, 0.0, 0.0
            style = next((s for s in self.styles if s.style_id == style_id), None) or self.styles["Normal"]
            chain = []
            while style is not None:
                chain.append(style)
                style = style.base_style
            for s in reversed(chain):  # the base style first, its heirs override it
                pf = s.paragraph_format
                size = s.font.size.pt if s.font.size else size
                before = pf.space_before.pt if pf.space_before is not None else before
                after = pf.space_after.pt if pf.space_after is not None else after
            self._metrics[style_id] = (size, before, after)
        return self._metrics[style_id]

    def paragraph(self, p: etree._Element, width: float) -> tuple[float, int]:
        """(height, lines) of a paragraph set in `width` points."""
        style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        size, before, after = self.metrics(style.get(_w("val")) if style is not None else "Normal")
        if p.find(f"{_w('pPr')}/{_w('numPr')}") is not None:
            width -= 18  # a list item's indent
        per_line = max(10, int(width / (size * CHAR)))
        text = "".join(t.text or "" for t in p.iter(_w("t")))
        breaks = sum(1 for _ in p.iter(_w("br")))
        lines = max(1, math.ceil(len(text) / per_line)) + breaks
        return lines * size * LINE + before + after, lines

    def table(self, tbl: etree._Element) -> tuple[list[float], float]:
        """The height of each row, and of the header rows repeated on each page."""
        rows, header = [], 0.0
        for tr in tbl.findall(_w("tr")):
            tallest = 0.0
            for tc in tr.findall(_w("tc")):
                w = tc.find(f"{_w('tcPr')}/{_w('tcW')}")
                width = int(w.get(_w("w"))) / 20 if w is not None else self.width
                cell = sum(self.paragraph(p, width - CELL_PADDING)[0] for p in tc.iter(_w("p")))
                tallest = max(tallest, cell)
            rows.append(tallest + ROW_PADDING)
            if tr.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None:
                header += rows[-1]
        return rows, header

    def of(self, body: list[etree._Element], first: int) -> dict[str, int]:
        """The page of each bookmark of the body, which starts on page `first`."""
        page, y, found = first, 0.0, {}

        def room(h: float) -> None:
            nonlocal page, y
            if y > 0 and y + h > self.height:
                page, y = page + 1, 0.0

        for el in body:
            if el.tag == _w("tbl"):
                rows, header = self.table(el)
                for i, h in enumerate(rows):
                    if y > 0 and y + h > self.height:
                        page, y = page + 1, (header if i else 0.0)
                    y += h
                continue
            if el.tag != _w("p"):
                continue
            if el.find(f"{_w('pPr')}/{_w('pageBreakBefore')}") is not None and y > 0:
                page, y = page + 1, 0.0
            h, lines = self.paragraph(el, self.width)
            heading = el.find(_w("bookmarkStart")) is not None
            if heading:
                room(h + 3 * self.metrics("Normal")[0] * LINE)  # a heading keeps a few lines with it
                found.setdefault(el.find(_w("bookmarkStart")).get(_w("name")), page)
            elif lines <= 3:
                room(h)
            y += h
            while y > self.height:  # a long paragraph goes on over the next page
                page, y = page + 1, y - self.height
        return found


def toc_pages(entries: int, document, page_height: float) -> int:
    """How many pages a table of contents of so many entries takes, its title included."""
    size, before, after = Pages(document, page_height, 0).metrics("toc1")
    return max(1, math.ceil((entries * (size * LINE + before + after) + 40) / page_height))
