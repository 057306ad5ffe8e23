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
from .docx_html import Converter

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


def table_of_contents(headings: list[tuple[int, str, str]], styles: Styles) -> list[etree._Element]:
    """A Word TOC field, its result pre-filled with the headings (Word adds the page numbers on update)."""
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
    logo = getattr(view, "logo_data", b"")
    context = {
        "h": view.header,
        "titre": view.titre,
        "fiche": fiche_line(view.header),
        "perimetre": getattr(view, "perimetre", ""),
        "logo": InlineImage(tpl, io.BytesIO(logo), height=Mm(22)) if logo else "",
        "sommaire": WordXml(table_of_contents(converter.headings, converter.styles)),
        "corps": WordXml(body),
    }
    with_toc = "sommaire" in tpl.get_xml()
    fill(tpl, context)
    if with_toc:
        _update_fields_on_open(tpl.docx)
    return finish(tpl.docx, view.header, getattr(view, "titre_complet", view.titre), when)


def _landscape(section) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for para in section.footer.paragraphs:  # right-aligned page numbers follow the new width
        stops = para.paragraph_format.tab_stops
        for stop in list(stops):
            if stop.alignment == WD_TAB_ALIGNMENT.RIGHT:
                stop._element.getparent().remove(stop._element)
                stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT)
