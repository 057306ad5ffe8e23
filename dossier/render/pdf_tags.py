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
- a table's header row repeated on each page the table runs over: PDF/UA
  wants the repetitions as artifacts; WeasyPrint tags each one as the
  table's header, in a Table of each page. The repetitions are drawn here as
  artifacts and left out of the tree; the rows of the following pages go on
  in the first page's Table, their cells naming its header cells (`_Repeats`);
- a table continued from the part before (a long document laid out in parts: its HTML table marked
  `data-suite`): its caption and header row, drawn again at the top of the part, are artifacts too; its
  cells name the header cells as `suite-<row>-<column>`, and the part's Document names the table
  (`/DossierSuite`), for the assembly to move its rows into the table it continues (pdf_struct.py);
- lists PDF/UA can read: a list (`dl`) laid out otherwise than in items
  (terms and definitions side by side, in lines) is a group (Div), not a list;
  what a list item holds beside its label goes into its body (LBody);
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
SUITE = "suite"  # the owner of the header cells a continued table's cells name (« suite-row-column »)
SUITE_KEY = "DossierSuite"  # in a part's Document: the Table continuing the previous part's

_taught = False


class _Repeats:
    """The document being written (one at a time in a process, reset by `prepare`): the tables drawn so far
    and their first fragment's element number, and the header rows repeated on later pages. Boxes and
    elements are kept (not only their ids) so that no id is reused while the document is written."""

    def __init__(self) -> None:
        self.drawn: dict[int, object] = {}  # id(<table> element) → that element
        self.repeated: dict[int, object] = {}  # id(box) → box: a repeated header group and every box in it
        self.first: dict[int, object] = {}  # id(<table> element) → its first fragment's Table element
        self.quiet: dict[int, object] = {}  # id(element) → element: in a continued table's caption or head

    def quiet_box(self, box) -> bool:
        """Whether a box is drawn from a continued table's caption or header row (an artifact)."""
        element = getattr(box, "element", None)
        return element is not None and id(element) in self.quiet

    def table_drawn(self, table) -> None:
        element = table.element
        if element is None:
            return
        if id(element) not in self.drawn and "data-suite" in element.attrib:
            for child in element:
                if child.tag in ("caption", "thead"):
                    self.quiet.update((id(e), e) for e in child.iter())
        if id(element) in self.drawn and table.children and table.children[0].is_header:
            stack = [table.children[0]]
            while stack:
                box = stack.pop()
                self.repeated[id(box)] = box
                stack.extend(getattr(box, "children", ()) or ())
        self.drawn[id(element)] = element

    def holds(self, group) -> bool:
        """Whether a header row group is one drawn as repeated: the text in it (the same boxes in the tree
        as drawn; the groups and rows drawing them may be copies) was drawn so."""
        stack = [group]
        while stack:
            box = stack.pop()
            if id(box) in self.repeated and not getattr(box, "children", None):
                return True
            stack.extend(getattr(box, "children", ()) or ())
        return False


_repeats = _Repeats()


ARCHIVE_UA = "pdf/a-3b+ua-1"  # our name for WeasyPrint's PDF/A-3b declaring PDF/UA-1 as well (`_archive_ua`)


def options(pdf_a: bool, tagged: bool) -> dict:
    """`write_pdf`'s options: PDF/UA-1 when tagged, PDF/A-3b for archiving — declaring PDF/UA-1 too when
    tagged, as one file may be both (ISO 14289-1 asks for its identification in the XMP, beside PDF/A's)."""
    if pdf_a:
        if tagged:
            _archive_ua()
            return {"pdf_variant": ARCHIVE_UA}
        return {"pdf_variant": "pdf/a-3b"}
    return {"pdf_variant": "pdf/ua-1"} if tagged else {}


# PDF/A accepts in the XMP only the properties of predefined schemas, or of schemas it describes (ISO 19005-1
# 6.7.8, « extension schemas »): pdfuaid's, as the PDF/UA reference files describe it.
UA_SCHEMA = """<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI><pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:schema>PDF/UA identification schema</pdfaSchema:schema><pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:category>internal</pdfaProperty:category><pdfaProperty:description>PDF/UA version identifier</pdfaProperty:description>
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"""


def _archive_ua() -> None:
    """WeasyPrint's PDF/A-3b, tagged, its XMP's description naming PDF/UA-1 as well (`pdfuaid:part`): a variant
    registered once per process. WeasyPrint writes one conformance in the XMP; the variant's function lets it
    write PDF/A's, then adds PDF/UA's to the same description."""
    from weasyprint import pdf
    from weasyprint.pdf.metadata import NS

    if ARCHIVE_UA in pdf.VARIANTS:
        return
    archive, properties = pdf.VARIANTS["pdf/a-3b"]
    import xml.etree.ElementTree as ET

    for prefix in ("Extension", "Schema", "Property"):  # PDF/A wants these prefixes, as WeasyPrint registers its own
        ET.register_namespace(f"pdfa{prefix}", f"http://www.aiim.org/pdfa/ns/{prefix.lower()}{'/' if prefix == 'Extension' else '#'}")

    def archive_ua(pdf_file, document, *rest, **named):
        metadata = document.metadata
        stock = metadata.generate_rdf_metadata

        def rdf(variant, version, conformance):
            tree = ET.fromstring(stock(variant, version, conformance))
            description = tree.find(f"{{{NS['rdf']}}}Description")
            description.set(f"{{{NS['pdfuaid']}}}part", "1")
            tree.append(ET.fromstring(UA_SCHEMA))
            return ET.tostring(tree)

        metadata.generate_rdf_metadata = rdf  # this document's only
        try:
            return archive(pdf_file, document, *rest, **named)
        finally:
            del metadata.generate_rdf_metadata

    pdf.VARIANTS[ARCHIVE_UA] = (archive_ua, {**properties, "pdf_tags": True})


def prepare(document, tagged: bool) -> None:
    """Before `write_pdf`: the tagging fixes, and the document's full language tag."""
    global _repeats
    if not tagged:
        return
    teach()
    _repeats = _Repeats()
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
    from weasyprint.pdf import stream, tags

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
        if getattr(box, "element_tag", None) == "caption" and _repeats.quiet_box(box):
            return  # a continued table's caption: drawn as an artifact
        if getattr(box, "is_header", False) and (_repeats.holds(box) or _repeats.quiet_box(box)):  # repeated: its cells get no element
            for cell in _cells(box):
                cell.mark = pydyf.Dictionary({"A": pydyf.Dictionary()})
            return
        html = getattr(box, "element", None)
        if html is not None and getattr(box, "element_tag", None) == "table" and getattr(box, "is_table_wrapper", False):
            cells = [c for c in _cells(box.get_wrapped_table() or box) if getattr(c, "element_tag", None) == "td"]
            headers = _header_rows(box.get_wrapped_table() or box)
            suite = "data-suite" in html.attrib
            for element in built(box, parent, *rest):
                first = _repeats.first.setdefault(id(html), element)
                # a later page's fragment, or a continued table: its cells name the first fragment's header
                # cells, or the continued table's
                for cell in cells if headers and (suite or first is not element) else ():
                    _renumber_headers(cell, element.number, SUITE if suite else first.number, headers)
                if first is element:
                    if suite:
                        _document(element, rest[0])[SUITE_KEY] = element.reference
                    yield element
                    continue
                # a later page's fragment: its rows go on in the first fragment's Table; its element is left out
                objects = rest[0].objects
                for kid in element["K"]:
                    if isinstance(kid, bytes):  # a reference: « n 0 R »
                        objects[int(kid.split()[0])]["P"] = first.reference
                        first["K"].append(kid)
            return
        for element in built(box, parent, *rest):
            html = getattr(box, "element", None)
            if element.get("S") == "/TH" and html is not None:
                scope = html.attrib.get("scope", "col")
                element["A"]["Scope"] = "/Row" if scope in ("row", "rowgroup") else "/Column"
            ident = html.attrib.get("id", "") if html is not None else ""
            if ident.startswith(FIELD) and "T" not in element:
                element["T"] = pydyf.String(ident)
            if element.get("S") in ("/L", "/LI"):
                _list_kids(element, *rest)
            yield element

    tabled = draw.draw_table
    marked = stream.Stream.marked

    def draw_table(stream, table):
        if getattr(stream, "_tags", None) is not None:
            _repeats.table_drawn(table)
        return tabled(stream, table)

    def mark(self, box, tag):
        if self._tags is not None and (id(box) in _repeats.repeated or _repeats.quiet_box(box)):
            return self.artifact()  # a repeated header's text: no id, not in the tree
        return marked(self, box, tag)

    draw.draw_stacking_context = draw_stacking_context
    draw.draw_table = draw_table
    stream.Stream.marked = mark
    tags._build_box_tree = build_box_tree
    _taught = True


def _cells(box) -> list:
    found, stack = [], [box]
    while stack:
        node = stack.pop()
        if getattr(node, "element_tag", None) in ("td", "th") and hasattr(node, "colspan"):
            found.append(node)
        else:
            stack.extend(getattr(node, "children", ()) or ())
    return found


def _document(element, pdf):
    """The Document element an element is in (up its /P)."""
    while element.get("S") != "/Document":
        element = pdf.objects[int(element["P"].split()[0])]
    return element


def _header_rows(table) -> int:
    """How many rows the table's repeated header group has (0: none)."""
    children = getattr(table, "children", ()) or ()
    return len(children[0].children) if children and getattr(children[0], "is_header", False) else 0


def _renumber_headers(cell, number: int, first: int | str, rows: int) -> None:
    """A cell's /Headers naming the header rows of its own fragment (« number-row-column », row < rows),
    made to name those of the table's first fragment."""
    import pydyf

    mark = getattr(cell, "mark", None)
    if mark is None or "Headers" not in mark.get("A", {}):
        return
    renamed = []
    for key in mark["A"]["Headers"]:
        text = str(getattr(key, "string", key))
        owner, row, column = text.rsplit("-", 2)
        renamed.append(pydyf.String(f"{first}-{row}-{column}") if owner == str(number) and int(row) < rows else key)
    mark["A"]["Headers"] = pydyf.Array(renamed)


_UNLISTED = {"/LI": "/Div", "/LBody": "/Div", "/Lbl": "/Span"}


def _list_kids(element, pdf, page_number, nums, *_rest) -> None:
    """An L holds only lists, items and a caption, and an LI only a label and a body (PDF/UA-1 7.2):
    an L holding anything else is a Div; an LI's other kids go into one LBody."""
    import pydyf

    def kind(kid):
        return pdf.objects[int(kid.split()[0])].get("S") if isinstance(kid, bytes) else None

    kids = list(element["K"])
    if element["S"] == "/L":
        if any(kind(kid) not in ("/L", "/LI", "/Caption") for kid in kids):
            element["S"] = "/Div"  # and the items made in it (from dt, dd), groups too, down to a real list
            stack = [kid for kid in kids if isinstance(kid, bytes)]
            while stack:
                node = pdf.objects[int(stack.pop().split()[0])]
                if node.get("S") in _UNLISTED:
                    node["S"] = _UNLISTED[node["S"]]
                if node.get("S") != "/L":
                    stack.extend(kid for kid in node.get("K", ()) if isinstance(kid, bytes))
        return
    loose = [kid for kid in kids if kind(kid) not in ("/Lbl", "/LBody")]
    if not loose:
        return
    body = pydyf.Dictionary({"Type": "/StructElem", "S": "/LBody", "K": pydyf.Array(loose), "P": element.reference})
    if "Pg" in element:
        body["Pg"] = element["Pg"]
    pdf.add_object(body)
    for kid in loose:
        if isinstance(kid, bytes):
            pdf.objects[int(kid.split()[0])]["P"] = body.reference
        elif nums.get(kid) == element.reference:  # an MCID of the item's own: now the body's
            nums[kid] = body.reference
    element["K"] = pydyf.Array([*(kid for kid in kids if kid not in loose), body.reference])
