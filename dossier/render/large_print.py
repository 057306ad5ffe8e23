"""The large-print variant of a page (the handbook with `--gros-caracteres`): 16 pt body, wider spacing, tables on one column.

An aménagement candidates with low vision ask for. The page the template gave
is changed here, so that every template (a project's own too) gets it:
- a style sheet, last in the head: body text at 16 pt, wider line, word and
  paragraph spacing, running headers and folio at 12 pt;
- tables laid out on one column, each cell under the last, labelled with its
  column's header (`data-label`, shown before it); the header row is kept for
  screen readers, out of sight, and the PDF keeps the table's structure.

The Word file is enlarged in its styles (`enlarge_word_styles`).
"""

from __future__ import annotations

import re

from lxml import etree, html

BODY_PT = 16
SCALE = BODY_PT / 10  # the handbook's body is 10 pt in print, 11 pt on screen; Word styles are scaled by this

CSS = """
body, body.livret { font-size: 16pt !important; line-height: 1.6 !important; word-spacing: 0.08em; }
p, li, dd, blockquote { margin-top: 0 !important; margin-bottom: 0.7em !important; }
h1, h2, h3, h4 { line-height: 1.3 !important; }
.id, .note, .footnote, .transversale, .sommaire li.niveau-2 { font-size: 0.95em !important; }
.pied, .entete-courant { font-size: 12pt !important; }
@page { @top-left { font-size: 12pt; } @top-right { font-size: 12pt; } @bottom-left { font-size: 12pt; } @bottom-right { font-size: 12pt; } }
table, thead, tbody, tfoot, tr, th, td, caption { display: block !important; width: auto !important; }
colgroup, col { display: none !important; }
table { border: 0 !important; margin: 0.6em 0 1.2em !important; }
thead { position: absolute !important; left: -10000px !important; }
tr { border-top: 2px solid #1f3b63 !important; padding: 0.4em 0 !important; }
th, td { border: 0 !important; padding: 0.2em 0 !important; background: none !important; color: inherit !important; text-align: left !important; }
tbody th { font-weight: bold; }
[data-label]::before { content: attr(data-label) "\\00a0: "; font-weight: bold; color: #1f3b63; }
"""


def large_print(page: str) -> str:
    """The page in large print: its cells labelled by their column's header, the style sheet last in its head."""
    document = html.fromstring(page)
    for table in document.iter("table"):
        _label_cells(table)
    head = document.find("head")
    if head is not None:
        style = etree.SubElement(head, "style")
        style.text = CSS
    doctype = re.match(r"\s*(<!DOCTYPE[^>]*>)", page, re.I)
    return html.tostring(document, encoding="unicode", doctype=doctype.group(1) if doctype else "<!DOCTYPE html>")


def _label_cells(table) -> None:
    """Each body cell gets its column's header text (the last header row's, spans counted) as `data-label`."""
    header_rows = table.xpath("./thead/tr")
    if not header_rows:
        return
    labels: dict[int, str] = {}
    for row in header_rows:
        column = 0
        for cell in row.xpath("th|td"):
            text = " ".join(cell.text_content().split())
            for offset in range(int(cell.get("colspan", "1") or 1)):
                labels[column + offset] = text if offset == 0 or column + offset not in labels else labels[column + offset]
            column += int(cell.get("colspan", "1") or 1)
    for row in table.xpath("./tbody/tr | ./tr"):
        column = 0
        for cell in row.xpath("th|td"):
            label = labels.get(column, "")
            if label and not " ".join(cell.text_content().split()).startswith(label):
                cell.set("data-label", label)
            column += int(cell.get("colspan", "1") or 1)


def enlarge_word_styles(document) -> None:
    """The Word file's styles in large print: every font size (w:sz, w:szCs) scaled, line spacing widened."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    styles = document.styles.element
    for size in styles.iter(f"{w}sz", f"{w}szCs"):
        value = size.get(f"{w}val")
        if value and value.isdigit():
            size.set(f"{w}val", str(round(int(value) * SCALE)))
    defaults = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr")
    if defaults is not None and defaults.find(f"{w}sz") is None:
        etree.SubElement(defaults, f"{w}sz").set(f"{w}val", str(2 * BODY_PT))
    for spacing in styles.iter(f"{w}spacing"):
        if spacing.get(f"{w}lineRule") in (None, "auto") and spacing.getparent().tag == f"{w}pPr":
            spacing.set(f"{w}line", "360")  # 1.5 lines
            spacing.set(f"{w}lineRule", "auto")
