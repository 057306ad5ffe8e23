"""Word documents made from an HTML page: the handbook and the evaluation grids.

The body is the very HTML page the HTML and PDF show (its `main`), converted
element by element into the Word template's styles, so the formats cannot
drift apart. The template brings the cover, header and footer.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree, html

from .docx_common import Styles, TemplateShapeError, WordXml, _w, fiche_line, fill, finish
from .docx_controls import with_custom_properties
from .docx_html import Converter
from .docx_toc import Pages, toc_pages

TOC_INSTRUCTION = 'TOC \\o "1-2" \\h \\z \\u'


def _field_run(kind: str, instruction: str = "") -> etree._Element:
    r = etree.Element(_w("r"))
    if kind == "instr":
        t = etree.SubElement(r, _w("instrText"))
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = f" {instruction} "
    else:
        etree.SubElement(r, _w("fldChar")).set(_w("fldCharType"), kind)
    return r


def table_of_contents(headings: list[tuple[int, str, str]], styles: Styles, pages: dict[str, int] | None = None) -> list[etree._Element]:
    """A Word TOC field, its result pre-filled with the headings and their estimated pages (docx_toc.py);
    Word puts the exact numbers in place when it updates the field."""
    pages = pages or {}
    entries = [(level, name, text) for level, name, text in headings if level <= 2]
    paragraphs = []
    for i, (level, name, text) in enumerate(entries or [(1, "", "")]):
        p = etree.Element(_w("p"))
        ppr = etree.SubElement(p, _w("pPr"))
        style = styles[f"toc {level}"]
        if style:
            etree.SubElement(ppr, _w("pStyle")).set(_w("val"), style)
        if i == 0:
            p.extend([_field_run("begin"), _field_run("instr", TOC_INSTRUCTION), _field_run("separate")])
        link = etree.SubElement(p, _w("hyperlink"))
        link.set(_w("anchor"), name)
        link.set(_w("history"), "1")
        r = etree.SubElement(link, _w("r"))
        etree.SubElement(r, _w("t")).text = text
        if name in pages:
            r = etree.SubElement(link, _w("r"))
            etree.SubElement(r, _w("tab"))
            etree.SubElement(r, _w("t")).text = str(pages[name])
        if i == len(entries) - 1 or not entries:
            p.append(_field_run("end"))
        paragraphs.append(p)
    return paragraphs


def _update_fields_on_open(document) -> None:
    """Ask Word to refresh fields (the TOC's page numbers) when the file is opened."""
    settings = document.settings.element
    if settings.find(_w("updateFields")) is None:
        el = etree.SubElement(settings, _w("updateFields"))
        el.set(_w("val"), "true")


def _converted(document, page: str, usable_twips: int | None = None) -> tuple[Converter, list]:
    main = html.fromstring(page).find(".//main")
    if main is None:
        raise TemplateShapeError("la page HTML n'a pas d'élément <main> à reprendre dans Word")
    styles = Styles(document)
    kwargs = {"usable_twips": usable_twips} if usable_twips else {}
    converter = Converter(document, styles, **kwargs)
    converter.prepare(main)
    return converter, converter.convert(main)


def _usable_twips(section) -> int:
    return int((section.page_width - section.left_margin - section.right_margin) / 635)  # EMU → twips


def render(template: Path, view, when: dt.datetime, page: str) -> bytes:
    """A document whose body is its HTML page: the page's <main> in the Word template's styles.

    The template may use {{ h }} (the fiche), {{ titre }}, {{ fiche }} (the fiche in one line),
    {{ perimetre }} and {{ logo }} (views that have them), {{p sommaire }} (a table of contents
    field) and {{p corps }} (the body). A view with `paysage` true turns the page to landscape.
    """
    tpl = DocxTemplate(str(template))
    document = tpl.get_docx()
    section = document.sections[0]
    if getattr(view, "paysage", False) and section.page_width < section.page_height:
        _landscape(section)
    if getattr(view, "gros_caracteres", False):
        from .large_print import enlarge_word_styles

        enlarge_word_styles(document)
    converter, body = _converted(document, page, _usable_twips(section))
    with_toc = "sommaire" in tpl.get_xml()
    numbers = _heading_pages(document, section, converter, body) if with_toc else {}
    logo = getattr(view, "logo_data", b"")
    context = {
        "h": view.header,
        "titre": view.titre,
        "fiche": fiche_line(view.header),
        "perimetre": getattr(view, "perimetre", ""),
        "logo": InlineImage(tpl, io.BytesIO(logo), height=Mm(22)) if logo else "",
        "sommaire": WordXml(table_of_contents(converter.headings, converter.styles, numbers)),
        "corps": WordXml(body),
    }
    fill(tpl, context)
    if with_toc:
        _update_fields_on_open(tpl.docx)
    _prefill_styleref(tpl.docx, view.titre)
    data = finish(tpl.docx, view.header, getattr(view, "titre_complet", view.titre), when)
    properties = getattr(view, "proprietes", None)  # a grid says whose it is, for `dossier jury lire`
    return with_custom_properties(data, properties) if properties else data


def _heading_pages(document, section, converter: Converter, body: list) -> dict[str, int]:
    """The estimated page of each heading: the cover, the contents, then the body on a new page."""
    height = (section.page_height - section.top_margin - section.bottom_margin) / 12700  # EMU → points
    entries = sum(1 for level, _, _ in converter.headings if level <= 2)
    first = 1 + toc_pages(entries, document, height) + 1
    return Pages(document, height, _usable_twips(section) / 20).of(body, first)


def _prefill_styleref(document, text: str) -> None:
    """A running header's STYLEREF field shows `text` until fields are updated (LibreOffice never does it),
    rather than nothing; Word replaces it with each page's chapter."""
    # through the relationships: after docxtpl has filled them, they name the header parts it wrote
    parts = [rel.target_part for rel in document.part.rels.values() if not rel.is_external and rel.reltype.endswith("/header")]
    for part in parts:
        for p in part.element.iter(_w("p")):
            state, result = "", []
            for r in p.iter(_w("r")):
                kind = r.find(_w("fldChar"))
                instr = r.find(_w("instrText"))
                if instr is not None and "STYLEREF" in (instr.text or ""):
                    state = "styleref"
                elif kind is not None and kind.get(_w("fldCharType")) == "separate" and state == "styleref":
                    state = "result"
                elif kind is not None and kind.get(_w("fldCharType")) == "end" and state == "result":
                    texts = [t for run in result for t in run.iter(_w("t"))]
                    if not "".join(t.text or "" for t in texts).strip():
                        if texts:
                            texts[0].text = text
                        else:
                            run = etree.Element(_w("r"))
                            etree.SubElement(run, _w("t")).text = text
                            r.addprevious(run)
                    state, result = "", []
                elif state == "result":
                    result.append(r)


def _landscape(section) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for para in section.footer.paragraphs:  # right-aligned page numbers follow the new width
        stops = para.paragraph_format.tab_stops
        for stop in list(stops):
            if stop.alignment == WD_TAB_ALIGNMENT.RIGHT:
                stop._element.getparent().remove(stop._element)
                stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT)
