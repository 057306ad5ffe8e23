"""What every Word document shares: building paragraphs, styles, properties, reproducible zips."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import jinja2
import jinja2.sandbox
from lxml import etree

from ..typography import typeset

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def clean_text(text: str) -> str:
    """Text without the few characters XML 1.0 cannot hold."""
    return _INVALID_XML.sub("", text)


class TemplateShapeError(Exception):
    """The Word template lacks something the renderer needs (said in French)."""


class Styles:
    """Paragraph and character style ids of the template, looked up by name."""

    def __init__(self, document):
        self._ids = {s.name: s.style_id for s in document.styles}

    def __getitem__(self, name: str) -> str | None:
        return self._ids.get(name)


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def empty_paragraph(style: str | None, keep_next: bool = False, num: tuple[str, int] | None = None) -> etree._Element:
    """A w:p with its properties (style, keep with next, list numbering) and no run yet."""
    p = etree.Element(_w("p"))
    if style or keep_next or num:
        ppr = etree.SubElement(p, _w("pPr"))
        if style:
            etree.SubElement(ppr, _w("pStyle")).set(_w("val"), style)
        if keep_next:
            etree.SubElement(ppr, _w("keepNext"))
        if num:
            numpr = etree.SubElement(ppr, _w("numPr"))
            etree.SubElement(numpr, _w("ilvl")).set(_w("val"), str(num[1]))
            etree.SubElement(numpr, _w("numId")).set(_w("val"), num[0])
    return p


def page_break_before(p: etree._Element) -> None:
    """Start a new page with this paragraph (the first of a section that starts a page in the PDF)."""
    if p.tag != _w("p"):
        return
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    if ppr.find(_w("pageBreakBefore")) is None:
        el = etree.Element(_w("pageBreakBefore"))
        before = [c for c in ppr if c.tag in (_w("pStyle"), _w("keepNext"), _w("keepLines"))]  # the schema's order
        if before:
            before[-1].addnext(el)
        else:
            ppr.insert(0, el)


def paragraph(style: str | None, runs, keep_next: bool = False) -> etree._Element:
    """A w:p with a style and runs of (text, character style or None)."""
    p = empty_paragraph(style, keep_next)
    for text, char_style in runs:
        if not text:
            continue
        r = etree.SubElement(p, _w("r"))
        if char_style:
            rpr = etree.SubElement(r, _w("rPr"))
            etree.SubElement(rpr, _w("rStyle")).set(_w("val"), char_style)
        for i, line in enumerate(clean_text(text).split("\n")):
            if i:
                etree.SubElement(r, _w("br"))
            t = etree.SubElement(r, _w("t"))
            t.text = line
            if line != line.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return p


def set_properties(document, header, titre: str, when: dt.datetime) -> None:
    props = document.core_properties
    props.title = f"{titre} — {header.intitule}"
    props.author = ", ".join(header.certificateurs)
    props.last_modified_by = "dossier"
    props.created = when
    props.modified = when
    props.revision = 1
    props.language = "fr-FR"


def normalize_zip(data: bytes) -> bytes:
    """The same bytes for the same content: fixed entry times, fixed order, fixed flags."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        ordered = ["[Content_Types].xml"] + sorted(n for n in names if n != "[Content_Types].xml")
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            target.writestr(info, source.read(name))
    return out.getvalue()


def fiche_line(h) -> str:
    """The fiche in one line: niveau, codes, certificateur, version."""
    parts = []
    if h.code_rncp:
        parts.append(f"Code RNCP : {h.code_rncp}")
    parts.append(f"Niveau {h.niveau}")
    for label, codes in (("NSF", h.nsf), ("ROME", h.rome), ("Formacode", h.formacode)):
        if codes:
            parts.append(f"{label} : {', '.join(codes)}")
    parts.append(("Certificateurs : " if len(h.certificateurs) > 1 else "Certificateur : ") + ", ".join(h.certificateurs))
    parts.append(f"Version {h.version}" + (f" du {h.date}" if h.date else ""))
    return " · ".join(parts)



NSMAP = {"w": W_NS, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


class WordXml:
    """Body elements for a template's `{{p name }}` field, which docxtpl replaces by them."""

    def __init__(self, elements: list[etree._Element]):
        holder = etree.Element(_w("body"), nsmap=NSMAP)  # gives the elements the usual w: and r: prefixes
        holder.extend(elements)
        self.xml = "".join(etree.tostring(el, encoding="unicode") for el in holder)

    def __html__(self) -> str:  # how docxtpl asks for raw XML
        return self.xml

    __str__ = __html__


def _typeset_value(value):
    """A field's text set in French; markup a builder made (`WordXml`, `Markup`) is left as it is."""
    return typeset(value) if isinstance(value, str) and not hasattr(value, "__html__") else value


def fill(tpl, context: dict) -> None:
    """Fill the template's fields; values are escaped, never read as template code, and set in French
    (as real characters) unless the project turned typography off."""
    header = context.get("h")
    finalize = _typeset_value if getattr(header, "typographie", True) else None
    env = jinja2.sandbox.SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=finalize)
    tpl.render(context, jinja_env=env, autoescape=True)


def typeset_document(document) -> None:
    """Every text of the body, headers and footers set in French, run by run (the template's own
    words too); code runs (Courier New) are left as written. Setting is idempotent: text set
    before is unchanged."""
    parts = [document.element.body]
    for section in document.sections:
        for hf in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not hf.is_linked_to_previous:
                parts.append(hf._element)
    code = f"{_w('rPr')}/{_w('rFonts')}[@{_w('ascii')}='Courier New']"
    for part in parts:
        for t in part.iter(_w("t")):
            if t.text and t.getparent().find(code) is None:
                set_text = typeset(t.text)
                if set_text != t.text:
                    t.text = set_text


def finish(document, header, titre: str, when: dt.datetime) -> bytes:
    """Fixed properties, French typography (unless the project said no), what a screen reader needs
    (see `accessible`) and a reproducible zip."""
    if getattr(header, "typographie", True):
        typeset_document(document)
    set_properties(document, header, titre, when)
    accessible(document, ", ".join(header.certificateurs))
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_zip(buffer.getvalue())


# --- what a screen reader needs -------------------------------------------------------------

WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
SPACE_AFTER_TABLE = "100"  # twips: the height of the « Espace après tableau » paragraph it replaces


def accessible(document, logo_alt: str) -> None:
    """The document's language in its default run properties (the template's say en-US), an alternate
    text on every image that has none (the only image the tool places is the certificateur's logo),
    and no empty paragraph used as spacing (a screen reader announces each as « vide »)."""
    defaults = document.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if defaults is not None:
        lang = defaults.find(_w("lang"))
        if lang is None:
            lang = etree.SubElement(defaults, _w("lang"))
        lang.set(_w("val"), "fr-FR")
    body = document.element.body
    for drawing in body.iter(f"{{{WP_NS}}}docPr"):
        if not drawing.get("descr"):
            drawing.set("descr", logo_alt)
    drop_empty_paragraphs(body)


def _is_empty(element) -> bool:
    return (
        element.tag == _w("p")
        and not "".join(t.text or "" for t in element.iter(_w("t"))).strip()
        and next(element.iter(_w("drawing"), _w("sectPr"), _w("fldChar"), _w("bookmarkStart"), _w("instrText"), _w("sdt")), None) is None
    )


def drop_empty_paragraphs(body) -> None:
    """Empty body paragraphs followed by a paragraph go: a page break becomes the next paragraph's
    « saut de page avant », a space becomes its spacing before. Those between two tables, or before the
    end of a section, stay: Word needs them (it would join the tables, or end on a table)."""
    for element in list(body):
        following = element.getnext()
        if not _is_empty(element) or following is None or following.tag != _w("p"):
            continue
        ppr = following.find(_w("pPr"))
        if ppr is None:
            ppr = etree.Element(_w("pPr"))
            following.insert(0, ppr)
        if any(br.get(_w("type")) == "page" for br in element.iter(_w("br"))):
            _in_order(ppr, etree.Element(_w("pageBreakBefore")))
        elif ppr.find(_w("spacing")) is None and not _heading(ppr):
            spacing = etree.Element(_w("spacing"))
            spacing.set(_w("before"), SPACE_AFTER_TABLE)
            _in_order(ppr, spacing)
        body.remove(element)


def _heading(ppr) -> bool:
    style = ppr.find(_w("pStyle"))
    name = style.get(_w("val"), "") if style is not None else ""
    return name.startswith(("Heading", "Titre", "Title"))


_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
              "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
              "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing")


def _in_order(ppr, child) -> None:
    """Insert a paragraph property where the schema's sequence puts it (Word refuses them out of order)."""
    rank = _PPR_ORDER.index(etree.QName(child).localname)
    for i, existing in enumerate(ppr):
        name = etree.QName(existing).localname
        if name not in _PPR_ORDER[: rank + 1]:
            ppr.insert(i, child)
            return
    ppr.append(child)
