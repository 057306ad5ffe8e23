"""The candidate handbook in Word: the template's cover, a real table of contents, the HTML body as Word.

The body is the very HTML page the HTML and PDF show (its `main`), converted
element by element, so the three formats cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree, html

from ..livret import LivretView
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


def render_livret(template: Path, view: LivretView, when: dt.datetime, page: str) -> bytes:
    tpl = DocxTemplate(str(template))
    document = tpl.get_docx()
    styles = Styles(document)
    main = html.fromstring(page).find(".//main")
    if main is None:
        raise TemplateShapeError("la page HTML du livret n'a pas d'élément <main> à reprendre dans Word")
    converter = Converter(document, styles)
    converter.prepare(main)
    body = converter.convert(main)
    perimetre = ""
    if view.bloc_unique and view.blocs:
        perimetre = f"Bloc {view.blocs[0].bloc.code} — {view.blocs[0].bloc.intitule}"
    context = {
        "h": view.header,
        "titre": view.titre,
        "fiche": fiche_line(view.header),
        "perimetre": perimetre,
        "logo": InlineImage(tpl, str(view.logo_path), height=Mm(22)) if view.logo_path else "",
        "sommaire": WordXml(table_of_contents(converter.headings, styles)),
        "corps": WordXml(body),
    }
    fill(tpl, context)
    _update_fields_on_open(tpl.docx)
    return finish(tpl.docx, view.header, f"{view.titre}", when)
