"""Tagged PDF (PDF/UA-1): what WeasyPrint is asked for, and the two things it is taught.

WeasyPrint tags a PDF from the HTML: headings H1–H6, lists L/LI, tables with
TH and TD (TD cells name their headers), figures with their alternate text,
links, the language and the title shown in the window's title bar. Three gaps
are filled here, by wrapping two of its functions (`teach()`, once per process):

- the page's margin boxes (running header, footer, the folio): WeasyPrint marks
  their text as content with an id, then leaves it out of the tree; they are
  drawn here as artifacts, as PDF/UA asks of what repeats on every page;
- the rows and cells a table makes around its caption when the caption is
  taken out of the flow (the référentiel's, read only by screen readers): they
  were tagged as tables within the table; their content goes to the table;
- header cells: their scope (`<th scope="row">` or a column's header) is given
  to the TH element (/Scope), which screen readers use to announce headers;
- the fields of a document filled per candidate (`id="champ-<name>"`, overlay.py):
  their element is titled with that id (/T), for pdf_increment.py to find it,
  give it the candidate's value as /ActualText and take the title away.

The language: the templates say `fr`; the PDF says `fr-FR`.

A document laid out in parts is tagged part by part, and the trees are merged
when the parts are put together (pdf_struct.py).
"""

from __future__ import annotations

LANG = {"fr": "fr-FR"}
FIELD = "champ-"  # the id of a field filled per candidate

_taught = False


def options(pdf_a: bool, tagged: bool) -> dict:
    """`write_pdf`'s options: PDF/UA-1 when tagged, PDF/A-3b (tagged or not) for archiving."""
    if pdf_a:
        return {"pdf_variant": "pdf/a-3b", "pdf_tags": tagged}
    return {"pdf_variant": "pdf/ua-1"} if tagged else {}


def prepare(document, tagged: bool) -> None:
    """Before `write_pdf`: the tagging fixes, and the document's full language tag."""
    if not tagged:
        return
    teach()
    lang = document.metadata.lang
    document.metadata.lang = LANG.get(lang, lang or "fr-FR")


def teach() -> None:
    """Wrap WeasyPrint's drawing of stacking contexts and its tree of tags (see the module's docstring)."""
    global _taught
    if _taught:
        return
    import pydyf
    from weasyprint import draw
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    drawn = draw.draw_stacking_context
    built = tags._build_box_tree

    def draw_stacking_context(stream, context):
        if not isinstance(context.box, boxes.MarginBox) or getattr(stream, "_tags", None) is None:
            return drawn(stream, context)
        with stream.artifact():  # nothing inside is marked: no id is given, none is expected in the tree
            kept, stream._tags = stream._tags, None
            try:
                return drawn(stream, context)
            finally:
                stream._tags = kept

    anonymous = (boxes.TableRowGroupBox, boxes.TableRowBox, boxes.TableCellBox)

    def build_box_tree(box, parent, *rest):
        if isinstance(box, boxes.MarginBox):
            return
        if isinstance(box, anonymous) and getattr(box, "element_tag", None) == "table":
            for child in box.children:  # a row made around a table's caption taken out of the flow: no element
                yield from build_box_tree(child, parent, *rest)
            return
        for element in built(box, parent, *rest):
            html = getattr(box, "element", None)
            if element.get("S") == "/TH" and html is not None:
                scope = html.attrib.get("scope", "col")
                element["A"]["Scope"] = "/Row" if scope in ("row", "rowgroup") else "/Column"
            ident = html.attrib.get("id", "") if html is not None else ""
            if ident.startswith(FIELD) and "T" not in element:
                element["T"] = pydyf.String(ident)
            yield element

    draw.draw_stacking_context = draw_stacking_context
    tags._build_box_tree = build_box_tree
    _taught = True
