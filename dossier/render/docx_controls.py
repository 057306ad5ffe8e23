"""Word content controls: the checkboxes a jury ticks with a click, the fields it types into, and the
custom document properties that say whose grid a file is — all read back by `dossier jury lire`.

A checkbox is a run-level `w:sdt` with `w14:checkbox` (Word 2010 and later, LibreOffice 7.4 and
later): its `w:tag` names what it decides (« critere|M1.1|CR1.1|acquis »), its `w:alias` says it in
words, and its content is the state's symbol, ☐ or ☒, which Word swaps on a click.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape as xml_escape

from lxml import etree

from .docx_common import FIXED_ZIP_TIME, _w, clean_text

W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
UNCHECKED, CHECKED = "2610", "2612"  # ☐ ☒
SYMBOL_FONT = "MS Gothic"  # Word's own choice for its checkboxes; LibreOffice falls back to a font with the glyph


def _w14(tag: str) -> str:
    return f"{{{W14_NS}}}{tag}"


class Ids:
    """Content controls need ids unique in their document."""

    def __init__(self, start: int = 1000):
        self.next = start

    def __call__(self) -> str:
        self.next += 1
        return str(self.next)


def _properties(sdt: etree._Element, tag: str, alias: str, ident: str) -> etree._Element:
    pr = etree.SubElement(sdt, _w("sdtPr"))
    etree.SubElement(pr, _w("alias")).set(_w("val"), clean_text(alias)[:255])
    etree.SubElement(pr, _w("tag")).set(_w("val"), clean_text(tag)[:255])
    etree.SubElement(pr, _w("id")).set(_w("val"), ident)
    return pr


def checkbox(tag: str, alias: str, ident: str, checked: bool = False, bold: bool = False) -> etree._Element:
    """A Word checkbox content control, to sit among a paragraph's runs."""
    sdt = etree.Element(_w("sdt"), nsmap={"w14": W14_NS})
    pr = _properties(sdt, tag, alias, ident)
    box = etree.SubElement(pr, _w14("checkbox"))
    etree.SubElement(box, _w14("checked")).set(_w14("val"), "1" if checked else "0")
    for name, code in (("checkedState", CHECKED), ("uncheckedState", UNCHECKED)):
        state = etree.SubElement(box, _w14(name))
        state.set(_w14("val"), code)
        state.set(_w14("font"), SYMBOL_FONT)
    content = etree.SubElement(sdt, _w("sdtContent"))
    r = etree.SubElement(content, _w("r"))
    rpr = etree.SubElement(r, _w("rPr"))
    fonts = etree.SubElement(rpr, _w("rFonts"))
    for attr in ("ascii", "eastAsia", "hAnsi"):
        fonts.set(_w(attr), SYMBOL_FONT)
    fonts.set(_w("hint"), "eastAsia")
    if bold:
        etree.SubElement(rpr, _w("b"))
    etree.SubElement(rpr, _w("sz")).set(_w("val"), "22")
    etree.SubElement(r, _w("t")).text = chr(int(CHECKED if checked else UNCHECKED, 16))
    return sdt


def text_field(tag: str, alias: str, ident: str, placeholder: str = "…") -> etree._Element:
    """A plain-text content control (a mark, a number), showing its placeholder until typed into."""
    sdt = etree.Element(_w("sdt"))
    pr = _properties(sdt, tag, alias, ident)
    etree.SubElement(pr, _w("showingPlcHdr"))
    etree.SubElement(pr, _w("text"))
    content = etree.SubElement(sdt, _w("sdtContent"))
    r = etree.SubElement(content, _w("r"))
    etree.SubElement(r, _w("t")).text = placeholder
    return sdt


# --- custom document properties -------------------------------------------------------

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_xml(properties: dict[str, str]) -> str:
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name="{xml_escape(name)}"><vt:lpwstr>{xml_escape(clean_text(value))}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{items}</Properties>'
    )


def with_custom_properties(data: bytes, properties: dict[str, str]) -> bytes:
    """The DOCX with its custom properties (File > Properties > Custom in Word), entries' order and times kept."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == CUSTOM_PART:
                continue
            body = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and CUSTOM_PART.encode() not in body:
                body = body.replace(
                    b"</Types>", f'<Override PartName="/{CUSTOM_PART}" ContentType="{CUSTOM_TYPE}"/></Types>'.encode()
                )
            elif info.filename == "_rels/.rels" and CUSTOM_REL.encode() not in body:
                body = body.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdCustomProps" Type="{CUSTOM_REL}" Target="{CUSTOM_PART}"/></Relationships>'.encode(),
                )
            target.writestr(info, body)
        entry = zipfile.ZipInfo(CUSTOM_PART, date_time=FIXED_ZIP_TIME)
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        entry.create_system = 3
        target.writestr(entry, custom_xml(properties).encode("utf-8"))
    return out.getvalue()


def read_custom_properties(source: zipfile.ZipFile) -> dict[str, str]:
    try:
        root = etree.fromstring(source.read(CUSTOM_PART))
    except (KeyError, etree.XMLSyntaxError):
        return {}
    return {p.get("name", ""): "".join(p.itertext()) for p in root}
