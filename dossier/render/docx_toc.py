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
P, T, BR, TBL, TR, TC = _w("p"), _w("t"), _w("br"), _w("tbl"), _w("tr"), _w("tc")
STYLE_EL, STYLE_ID, BASED_ON, SIZE, SPACING = _w("style"), _w("styleId"), _w("basedOn"), f"{_w('rPr')}/{_w('sz')}", f"{_w('pPr')}/{_w('spacing')}"
BEFORE, AFTER = _w("before"), _w("after")
PPR, PSTYLE, NUMPR, PAGE_BREAK = _w("pPr"), _w("pStyle"), _w("numPr"), f"{_w('pPr')}/{_w('pageBreakBefore')}"
CELL_WIDTH, HEADER_ROW, BOOKMARK, VAL, W = f"{_w('tcPr')}/{_w('tcW')}", f"{_w('trPr')}/{_w('tblHeader')}", _w("bookmarkStart"), _w("val"), _w("w")


class Pages:
    """Where each heading of a body will fall, page by page."""

    def __init__(self, document, page_height: float, width: float):
        self.styles = document.styles.element
        self.height = page_height  # the body's height on a page, in points
        self.width = width  # the body's width, in points
        self._metrics: dict[str, tuple[float, float, float]] = {}

    def metrics(self, style_id: str) -> tuple[float, float, float]:
        """(font size, space before, space after) of a paragraph style, in points, read from styles.xml."""
        if style_id not in self._metrics:
            chain, current = [], style_id
            while current and len(chain) < 10:  # the style, then the ones it is based on
                el = self.styles.find(f"{STYLE_EL}[@{STYLE_ID}='{current}']")
                if el is None:
                    break
                chain.append(el)
                based = el.find(BASED_ON)
                current = based.get(VAL) if based is not None else ""
            size, before, after = 10.0, 0.0, 0.0
            for el in reversed(chain):  # the base style first, its heirs override it
                sz, spacing = el.find(SIZE), el.find(SPACING)
                size = int(sz.get(VAL)) / 2 if sz is not None else size
                if spacing is not None:
                    before = int(spacing.get(BEFORE, before * 20)) / 20
                    after = int(spacing.get(AFTER, after * 20)) / 20
            self._metrics[style_id] = (size, before, after)
        return self._metrics[style_id]

    def paragraph(self, p: etree._Element, width: float) -> tuple[float, int]:
        """(height, lines) of a paragraph set in `width` points."""
        style_id, numbered = "Normal", False
        ppr = p.find(PPR)
        if ppr is not None:
            for c in ppr:
                if c.tag == PSTYLE:
                    style_id = c.get(VAL)
                elif c.tag == NUMPR:
                    numbered = True
        size, before, after = self.metrics(style_id)
        if numbered:
            width -= 18  # a list item's indent
        per_line = max(10, int(width / (size * CHAR)))
        length = sum(len(t) for t in p.itertext(T))
        breaks = len(p.findall(f".//{BR}"))
        lines = max(1, math.ceil(length / per_line)) + breaks
        return lines * size * LINE + before + after, lines

    def table(self, tbl: etree._Element) -> tuple[list[float], float]:
        """The height of each row, and of the header rows repeated on each page."""
        rows, header = [], 0.0
        for tr in tbl.findall(TR):
            tallest = 0.0
            for tc in tr.findall(TC):
                w = tc.find(CELL_WIDTH)
                width = int(w.get(W)) / 20 if w is not None else self.width
                cell = sum(self.paragraph(p, width - CELL_PADDING)[0] for p in tc.iter(P))
                tallest = max(tallest, cell)
            rows.append(tallest + ROW_PADDING)
            if tr.find(HEADER_ROW) is not None:
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
            if el.tag == TBL:
                rows, header = self.table(el)
                for i, h in enumerate(rows):
                    if y > 0 and y + h > self.height:
                        page, y = page + 1, (header if i else 0.0)
                    y += h
                continue
            if el.tag != P:
                continue
            if el.find(PAGE_BREAK) is not None and y > 0:
                page, y = page + 1, 0.0
            h, lines = self.paragraph(el, self.width)
            bookmark = el.find(BOOKMARK)
            if bookmark is not None:  # a heading: it keeps a few lines with it
                room(h + 3 * self.metrics("Normal")[0] * LINE)
                found.setdefault(bookmark.get(_w("name")), page)
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
