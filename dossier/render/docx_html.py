"""HTML body → Word structure: the same page the HTML and PDF show, as real Word objects.

Headings become Word heading styles (so they feed the table of contents and
the navigation pane) with bookmarks; lists become Word lists (bullets, and
numbered lists that restart); tables become Word tables with repeated header
rows; emphasis, code and links survive. Text is only ever put in w:t
elements: whatever it contains stays text.
"""

from __future__ import annotations

import re

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree, html

from ..text import safe_link
from .docx_common import Styles, _w, clean_text, empty_paragraph, page_break_before
from .docx_controls import Ids, checkbox, text_field
from .docx_runs import column_widths, format_runs, has_text, keep_next, line_break, plain_text, strip_edges, text_run

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
HEADINGS = {"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 4", "h6": "Heading 4"}
BLOCKS = {"p", "ul", "ol", "table", "blockquote", "pre", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "nav", "main", "header", "dl"}
USABLE_TWIPS = 9638  # 170 mm: an A4 portrait page between 20 mm margins (the default)
PAGE_SECTIONS = {"bloc", "transition", "regles-debut"}  # sections that start a page, as in the PDF
CELL_STYLES = {"case": "Tableau case", "nombre": "Tableau case"}  # td class -> paragraph style


class Converter:
    """Converts one HTML tree; keeps the bookmarks and lists it created."""

    def __init__(self, document, styles: Styles, table_style: str = "Livret tableau", usable_twips: int = USABLE_TWIPS):
        self.document = document
        self.usable = usable_twips
        self.styles = styles
        self.table_style = styles[table_style]
        self.bookmarks: dict[str, str] = {}  # html id -> Word bookmark name
        self.headings: list[tuple[int, str, str]] = []  # (level, bookmark, text)
        self._next_bookmark = 1
        self._numbering = None
        self._control_ids = Ids()

    # --- entry points -----------------------------------------------------------------

    def prepare(self, root: html.HtmlElement) -> None:
        """Name a bookmark for every heading id first, so links can point forward."""
        for el in root.iter(*HEADINGS):
            if el.get("id"):
                self.bookmarks[el.get("id")] = f"_Toc{len(self.bookmarks) + 1:06d}"

    def convert(self, root: html.HtmlElement) -> list[etree._Element]:
        out: list[etree._Element] = []
        self._blocks(root, out)
        return out

    # --- blocks -----------------------------------------------------------------------

    def _blocks(self, el, out: list, style: str | None = None) -> None:
        """Convert the children of `el`; loose text and inline children gather into paragraphs."""
        pending: list = []  # inline content waiting for a paragraph

        def flush():
            if pending and any(has_text(x) for x in pending):
                out.append(self._paragraph(style or self.styles["Normal"], pending))
            pending.clear()

        if el.text and el.text.strip():
            pending.append(el.text)
        for child in el:
            if not isinstance(child.tag, str):  # comments
                if child.tail and child.tail.strip():
                    pending.append(child.tail)
                continue
            if child.tag in BLOCKS:
                flush()
                self._block(child, out, style)
                if child.tail and child.tail.strip():
                    pending.append(child.tail)
            else:
                pending.append(child)  # its tail goes with it
        flush()

    def _block(self, el, out: list, style: str | None) -> None:
        tag = el.tag
        if tag in HEADINGS:
            out.append(self._heading(el, int(tag[1]) - 1))
        elif tag == "h1":
            out.append(self._paragraph(self.styles["Titre du document"] or self.styles["Title"], [el.text or "", *el]))
        elif tag == "p":
            out.append(self._paragraph(style or self._class_style(el), [el.text or "", *el]))
        elif tag in ("ul", "ol"):
            self._list(el, out, level=0)
        elif tag == "table":
            out.append(self._table(el))
            out.append(self._paragraph(self.styles["Espace après tableau"] or None, []))
        elif tag == "blockquote":
            self._blocks(el, out, self.styles["Quote"])
        elif tag == "pre":
            runs = [(clean_text(el.text_content().rstrip("\n")), {"code": True})]
            out.append(self._paragraph(self.styles["Code"] or style, runs))
        elif tag == "hr":
            return
        elif tag == "div" and "footnote" in (el.get("class") or ""):
            self._footnotes(el, out)
        else:  # section, div, main, nav…
            start = len(out)
            self._blocks(el, out, style)
            if tag == "section" and PAGE_SECTIONS & set((el.get("class") or "").split()) and start < len(out):
                page_break_before(out[start])

    def _class_style(self, el) -> str | None:
        classes = (el.get("class") or "").split()
        if "legende" in classes:
            return self.styles["Légende"] or self.styles["Normal"]
        return self.styles["Normal"]

    def _heading(self, el, level: int) -> etree._Element:
        name = self.bookmarks.get(el.get("id", ""))
        p = self._paragraph(self.styles[HEADINGS[el.tag]], [el.text or "", *el])
        if name:
            number = str(self._next_bookmark)
            self._next_bookmark += 1
            start = etree.Element(_w("bookmarkStart"))
            start.set(_w("id"), number)
            start.set(_w("name"), name)
            end = etree.Element(_w("bookmarkEnd"))
            end.set(_w("id"), number)
            ppr = p.find(_w("pPr"))
            if ppr is not None:
                ppr.addnext(start)
            else:
                p.insert(0, start)
            p.append(end)
            self.headings.append((level, name, plain_text(el)))
        return p

    def _footnotes(self, el, out: list) -> None:
        out.append(self._paragraph(self.styles["Notes"] or self.styles["Normal"], [("Notes", {"bold": True})]))
        for number, li in enumerate(el.iter("li"), start=1):
            parts: list = [(f"{number}. ", {})]
            for p in li.iter("p"):
                parts += [p.text or "", *p]
            out.append(self._paragraph(self.styles["Notes"] or self.styles["Normal"], parts))

    # --- lists ------------------------------------------------------------------------

    def _list(self, el, out: list, level: int) -> None:
        ordered = el.tag == "ol"
        style = self.styles[("List Number" if ordered else "List Bullet") + (f" {level + 1}" if level else "")]
        num_id = self._restart_numbering(style) if ordered else None
        for li in el.findall("li"):
            inline: list = [li.text or ""]
            nested: list = []
            for child in li:
                if child.tag in ("ul", "ol", "p", "table", "blockquote"):
                    nested.append(child)
                else:
                    inline.append(child)
            if not any(has_text(x) for x in inline) and nested and nested[0].tag == "p":
                first = nested.pop(0)
                inline = [first.text or "", *first]
            out.append(self._paragraph(style, inline, num=(num_id, level) if num_id else None))
            for child in nested:
                if child.tag in ("ul", "ol"):
                    self._list(child, out, min(level + 1, 2))
                elif child.tag == "p":
                    out.append(self._paragraph(self.styles["List Continue"] or style, [child.text or "", *child]))
                else:
                    self._block(child, out, None)

    def _restart_numbering(self, style_id: str | None) -> str | None:
        """A new Word list instance, so that each numbered list starts at 1."""
        if style_id is None:
            return None
        style = next((s for s in self.document.styles if s.style_id == style_id), None)
        ppr = style.element.pPr if style is not None else None
        if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
            return None
        numbering = self.document.part.numbering_part.numbering_definitions._numbering
        current = numbering.num_having_numId(ppr.numPr.numId.val)
        num = numbering.add_num(current.abstractNumId.val)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return str(num.numId)

    # --- tables -----------------------------------------------------------------------

    def _table(self, el) -> etree._Element:
        rows = el.xpath("./thead/tr | ./tbody/tr | ./tr | ./tfoot/tr")
        columns = max((sum(int(c.get("colspan", "1")) for c in r.xpath("th|td")) for r in rows), default=1)
        widths = column_widths([c.get("style", "") for c in el.xpath("./colgroup/col")], columns, self.usable)
        tbl = etree.Element(_w("tbl"))
        tblpr = etree.SubElement(tbl, _w("tblPr"))
        if self.table_style:
            etree.SubElement(tblpr, _w("tblStyle")).set(_w("val"), self.table_style)
        width = etree.SubElement(tblpr, _w("tblW"))
        width.set(_w("w"), str(sum(widths)))
        width.set(_w("type"), "dxa")
        etree.SubElement(tblpr, _w("tblLayout")).set(_w("type"), "fixed")
        look = etree.SubElement(tblpr, _w("tblLook"))
        look.set(_w("val"), "04A0")
        grid = etree.SubElement(tbl, _w("tblGrid"))
        for w in widths:
            etree.SubElement(grid, _w("gridCol")).set(_w("w"), str(w))
        for row in rows:
            tr = etree.SubElement(tbl, _w("tr"))
            trpr = etree.SubElement(tr, _w("trPr"))
            if "long" not in (row.get("class") or "").split():  # as in print.css: a row longer than a page may split
                etree.SubElement(trpr, _w("cantSplit"))
            height = re.search(r"height:\s*([\d.]+)mm", row.get("style", ""))
            if height:  # room to write by hand
                el_h = etree.SubElement(trpr, _w("trHeight"))
                el_h.set(_w("val"), str(int(float(height.group(1)) * 1440 / 25.4)))
                el_h.set(_w("hRule"), "atLeast")
            if row.getparent().tag == "thead":
                etree.SubElement(trpr, _w("tblHeader"))
            column = 0
            for cell in row.xpath("th|td"):
                span = int(cell.get("colspan", "1"))
                tc = etree.SubElement(tr, _w("tc"))
                tcpr = etree.SubElement(tc, _w("tcPr"))
                tcw = etree.SubElement(tcpr, _w("tcW"))
                tcw.set(_w("w"), str(sum(widths[column : column + span])))
                tcw.set(_w("type"), "dxa")
                if span > 1:
                    etree.SubElement(tcpr, _w("gridSpan")).set(_w("val"), str(span))
                head = cell.tag == "th"
                conclusion = "conclusion" in (row.get("class") or "").split()  # a grid's: grey, never a criterion's look
                if head or conclusion:  # header cells shaded as on screen: dark above, light at the row's start
                    shd = etree.SubElement(tcpr, _w("shd"))
                    shd.set(_w("val"), "clear")
                    shd.set(_w("color"), "auto")
                    shd.set(_w("fill"), "F1F1F1" if conclusion else "1F3B63" if row.getparent().tag == "thead" else "E8EEF6")
                style = self.styles["Tableau en-tête" if head and row.getparent().tag == "thead" else "Tableau texte"]
                for cls in (cell.get("class") or "").split():
                    style = self.styles[CELL_STYLES.get(cls, "")] or style
                if "case" in (cell.get("class") or "").split():  # a box, centred in its row like a mark
                    etree.SubElement(tcpr, _w("vAlign")).set(_w("val"), "center")
                content: list = []
                self._blocks(cell, content, style)
                row_classes = (row.get("class") or "").split()
                if "competence" in row_classes or head and row.getparent().tag != "thead" and "cles" in (el.get("class") or "").split():
                    format_runs(content, {"bold": True})
                elif "conclusion" in row_classes:  # a grid's competence conclusion: not to be read as a criterion
                    format_runs(content, {"italic": True})
                for p in content or [self._paragraph(style, [])]:
                    tc.append(p)
                column += span
            if "avec-suivante" in (row.get("class") or "").split():  # kept on the page of the next row
                for p in tr.iter(_w("p")):
                    keep_next(p)
        return tbl

    # --- paragraphs and runs ----------------------------------------------------------

    def _paragraph(self, style: str | None, parts: list, num: tuple[str, int] | None = None) -> etree._Element:
        p = empty_paragraph(style, num=num)
        runs: list = []
        for part in parts:
            self._inline(part, runs, {})
            if not isinstance(part, (str, tuple)) and part.tail:
                runs.append(text_run(part.tail, {}))
        strip_edges(runs)
        for r in runs:
            p.append(r)
        return p

    def _inline(self, part, runs: list, fmt: dict) -> None:
        if isinstance(part, str):
            if part:
                runs.append(text_run(part, fmt))
            return
        if isinstance(part, tuple):
            runs.append(text_run(part[0], {**fmt, **part[1]}))
            return
        el = part
        if not isinstance(el.tag, str):
            return
        tag = el.tag
        classes = (el.get("class") or "").split()
        if tag == "a" and "footnote-backref" in classes:
            return
        inner = dict(fmt)
        if tag in ("strong", "b"):
            inner["bold"] = True
        elif tag in ("em", "i"):
            inner["italic"] = True
        elif tag == "code":
            inner["code"] = True
        elif tag == "sup":
            inner["sup"] = True
        elif tag in ("del", "s"):
            inner["struck"] = True
        elif tag == "ins":
            inner["added"] = True
        elif tag == "span" and "id" in classes:
            inner["style"] = self.styles["Identifiant"]
        elif tag == "br":
            runs.append(line_break())
            return
        elif tag == "span" and el.get("data-case") is not None:  # a box to tick: a Word checkbox
            runs.append(checkbox(el.get("data-case"), el.get("aria-label") or el.get("data-case"), self._control_ids()))
            return
        elif tag == "span" and el.get("data-saisie") is not None:  # a mark to type: a Word text field
            runs.append(text_field(el.get("data-saisie"), el.get("data-saisie"), self._control_ids()))
            return
        if tag == "a" and el.get("href"):
            link = self._hyperlink(el.get("href"))
            if link is not None:
                children: list = []
                self._inline_children(el, children, {**inner, "link": True})
                for r in children:
                    link.append(r)
                runs.append(link)
                return
        self._inline_children(el, runs, inner)

    def _inline_children(self, el, runs: list, fmt: dict) -> None:
        if el.text:
            runs.append(text_run(el.text, fmt))
        for child in el:
            self._inline(child, runs, fmt)
            if child.tail:
                runs.append(text_run(child.tail, fmt))

    def _hyperlink(self, href: str) -> etree._Element | None:
        link = etree.Element(_w("hyperlink"))
        if href.startswith("#"):
            name = self.bookmarks.get(href[1:])
            if name is None:
                return None
            link.set(_w("anchor"), name)
        elif (safe := safe_link(href)) is not None:
            link.set(R_ID, self.document.part.relate_to(safe, RT.HYPERLINK, is_external=True))
        else:
            return None
        return link

