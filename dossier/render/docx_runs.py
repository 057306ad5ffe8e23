"""Word runs from HTML inline content: text, emphasis, code, superscript, struck and added text, breaks, and the
paragraph-edge spaces HTML indentation leaves. Text only ever goes into w:t elements."""

from __future__ import annotations

import re

from lxml import etree

from .docx_common import _w, clean_text

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# HTML's white space (what indentation leaves), never the no-break spaces French typography puts in
HTML_SPACE = " \t\n\r\f"
_HTML_SPACES = re.compile(f"[{HTML_SPACE}]+")


def plain_text(el) -> str:
    return _HTML_SPACES.sub(" ", el.text_content()).strip(HTML_SPACE)


def has_text(part) -> bool:
    if isinstance(part, str):
        return bool(part.strip())
    if isinstance(part, tuple):
        return bool(part[0].strip())
    return bool(part.text_content().strip()) or part.tag == "br" or is_control(part)


def is_control(el) -> bool:
    """A box to tick or a field to type into (grids): no text, but a Word content control."""
    return el.get("data-case") is not None or el.get("data-saisie") is not None


def column_widths(styles: list[str], columns: int, usable: int) -> list[int]:
    """Column widths in twips, from the HTML's <col style="width: N%">, else equal."""
    shares = [float(m.group(1)) for m in (re.search(r"width:\s*([\d.]+)%", s) for s in styles) if m]
    if len(shares) != columns:
        shares = [1.0] * columns
    total = sum(shares)
    return [int(usable * s / total) for s in shares]


def text_run(text: str, fmt: dict) -> etree._Element:
    r = etree.Element(_w("r"))
    set_format(r, fmt)
    text = clean_text(text.replace("\n", " "))
    t = etree.SubElement(r, _w("t"))
    t.text = text
    if text != text.strip(HTML_SPACE) or "  " in text:
        t.set(XML_SPACE, "preserve")
    return r


def line_break() -> etree._Element:
    r = etree.Element(_w("r"))
    etree.SubElement(r, _w("br"))
    return r


def set_format(r: etree._Element, fmt: dict) -> None:
    if not fmt:
        return
    rpr = r.find(_w("rPr"))
    if rpr is None:
        rpr = etree.Element(_w("rPr"))
        r.insert(0, rpr)
    order = []
    if fmt.get("style"):
        order.append(("rStyle", fmt["style"]))
    elif fmt.get("link"):
        order.append(("rStyle", "Hyperlink"))
    if fmt.get("code"):
        order.append(("rFonts", None))
    if fmt.get("bold"):
        order.append(("b", None))
    if fmt.get("italic"):
        order.append(("i", None))
    if fmt.get("struck"):  # <del>: what a new version removed
        order += [("strike", None), ("color", "A30000")]
    if fmt.get("added"):  # <ins>: what it added
        order += [("color", "0B5D1E"), ("u", "single")]
    if fmt.get("sup"):
        order.append(("vertAlign", "superscript"))
    for tag, val in order:  # CT_RPr's sequence: rStyle, rFonts, b, i, strike, color, u, …, vertAlign
        if rpr.find(_w(tag)) is not None:
            continue
        el = etree.SubElement(rpr, _w(tag))
        if tag == "rFonts":
            for attr in ("ascii", "hAnsi", "cs"):
                el.set(_w(attr), "Courier New")
        elif val is not None:
            el.set(_w("val"), val)


def strip_edges(runs: list) -> None:
    """Drop the spaces HTML indentation leaves at the start and end of a paragraph."""
    texts = [t for r in runs for t in r.iter(_w("t"))]
    if texts:
        texts[0].text = texts[0].text.lstrip(HTML_SPACE)
        texts[-1].text = texts[-1].text.rstrip(HTML_SPACE)
    for t in texts:
        t.text = _HTML_SPACES.sub(" ", t.text)


def format_runs(paragraphs: list, fmt: dict) -> None:
    """Bold or italics on a cell's text runs (a checkbox's symbol keeps its own look)."""
    for p in paragraphs:
        for r in p.iter(_w("r")):
            if r.getparent().tag != _w("sdtContent"):
                set_format(r, fmt)


def keep_next(p: etree._Element) -> None:
    ppr = p.find(_w("pPr"))
    if ppr is None:
        ppr = etree.Element(_w("pPr"))
        p.insert(0, ppr)
    if ppr.find(_w("keepNext")) is None:
        style = ppr.find(_w("pStyle"))
        ppr.insert(1 if style is not None else 0, etree.Element(_w("keepNext")))
