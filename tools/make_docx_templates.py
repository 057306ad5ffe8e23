"""Generate the default Word templates in templates/docx/.

The generated .docx files are committed: they are what a certification body
opens in Word or LibreOffice to restyle its documents (fonts, colours, logo,
header and footer) without touching Python. Run this only to reset them:

    .venv/bin/python tools/make_docx_templates.py            # every template
    .venv/bin/python tools/make_docx_templates.py habilites  # only this one
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dossier" / "templates" / "docx"

ACCENT = RGBColor(0x1F, 0x3B, 0x63)
DISCRET = RGBColor(0x4A, 0x55, 0x68)
FONT = "Arial"


def _para_style(doc, name, base="Normal", size=9, bold=False, italic=False, color=None, space_after=2, keep_next=False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    if color is not None:
        style.font.color.rgb = color
    style.paragraph_format.space_after = Pt(space_after)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.keep_with_next = keep_next
    style.quick_style = True
    return style


def _char_style(doc, name, size=None, color=None, font=None, bold=False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    if size:
        style.font.size = Pt(size)
    if color is not None:
        style.font.color.rgb = color
    if font:
        style.font.name = font
    style.font.bold = bold
    style.quick_style = True
    return style


def _table_style(doc, name):
    """A table style with borders and cell margins, restylable in Word (Création de tableau)."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Normal Table"]
    tbl_pr = OxmlElement("w:tblPr")
    style.element.append(tbl_pr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), "4")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "7A8699")
        borders.append(el)
    tbl_pr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 57), ("left", 85), ("bottom", 57), ("right", 85)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(width))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tbl_pr.append(margins)
    return style


def _field(paragraph, instr: str, placeholder: str = "1") -> None:
    """A Word field (PAGE, NUMPAGES…) that Word and LibreOffice compute when laying out pages."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("text", placeholder), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _base(landscape: bool) -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(9)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-FR")
    rpr.append(lang)
    section = doc.sections[0]
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(12))
    section.top_margin = Mm(14)
    section.bottom_margin = Mm(16)
    section.footer_distance = Mm(7)
    section.header_distance = Mm(7)

    _para_style(doc, "Surtitre", size=9, color=DISCRET, space_after=0)
    _para_style(doc, "Titre du document", size=18, bold=True, color=ACCENT, space_after=4)
    _para_style(doc, "Fiche", size=9, space_after=8)
    _para_style(doc, "Brouillon", size=14, bold=True, color=RGBColor(0xB0, 0x00, 0x20), space_after=2)
    _para_style(doc, "Pied de page dossier", size=7.5, color=DISCRET, space_after=0)
    _char_style(doc, "Identifiant", size=7.5, color=DISCRET, font="Courier New")
    _char_style(doc, "Note", size=7.5, color=DISCRET)
    return doc


def _footer(doc, usable_width) -> None:
    footer = doc.sections[0].footer
    para = footer.paragraphs[0]
    para.style = doc.styles["Pied de page dossier"]
    para.paragraph_format.tab_stops.add_tab_stop(usable_width, WD_TAB_ALIGNMENT.RIGHT)
    para.add_run("{{ h.pied }}{% if h.brouillon %} — BROUILLON{% endif %}\tpage ")
    _field(para, "PAGE")
    para.add_run(" / ")
    _field(para, "NUMPAGES")


def _shade(cell, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    tr_pr.append(el)


def _write(cell, paragraphs) -> None:
    """Fill a cell with (text, style) paragraphs."""
    first = True
    for text, style in paragraphs:
        para = cell.paragraphs[0] if first else cell.add_paragraph()
        para.style = style
        para.add_run(text)
        first = False


COLUMNS_MM = (60, 76.5, 65.5, 71)  # 273 mm between the margins of a landscape A4


def referentiel() -> Document:
    doc = _base(landscape=True)
    _para_style(doc, "Tableau en-tête", size=8.5, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF), space_after=0)
    _para_style(doc, "Tableau en-tête description", size=7, italic=True, color=RGBColor(0xFF, 0xFF, 0xFF), space_after=0)
    _para_style(doc, "Tableau bloc", size=9.5, bold=True, color=ACCENT, space_after=0, keep_next=True)
    _para_style(doc, "Tableau texte", size=8, space_after=3)
    _para_style(doc, "Tableau intitulé", size=8, bold=True, space_after=2)
    _para_style(doc, "Tableau durée", size=8, italic=True, space_after=2)
    puce = _para_style(doc, "Tableau puce", base="List Bullet", size=8, space_after=2)
    puce.paragraph_format.left_indent = Mm(3.5)
    puce.paragraph_format.first_line_indent = Mm(-3.5)
    _table_style(doc, "Référentiel")

    doc.add_paragraph("{%p if h.brouillon %}")
    doc.add_paragraph("BROUILLON — document de travail, non déposé", style="Brouillon")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ titre }}", style="Surtitre")
    doc.add_paragraph("{{ h.intitule }}", style="Titre du document")
    doc.add_paragraph("{{ fiche }}", style="Fiche")

    # The model table. Rows 1-2: the header, repeated on every page; row 3: the look
    # of a bloc's title row; row 4: the look of a competence row. Restyle them in Word
    # (shading, borders, widths, paragraph styles); dossier copies rows 3 and 4.
    table = doc.add_table(rows=4, cols=4)
    table.style = doc.styles["Référentiel"]
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMNS_MM):
            cell.width = Mm(width)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), COLUMNS_MM):
        col.set(qn("w:w"), str(int(Mm(width).twips)))
    head1, head2, bloc, line = table.rows
    a, c = head1.cells[0].merge(head2.cells[0]), head1.cells[1].merge(head2.cells[1])
    e = head1.cells[2].merge(head1.cells[3])
    entete, desc = doc.styles["Tableau en-tête"], doc.styles["Tableau en-tête description"]
    _write(a, [("RÉFÉRENTIEL D'ACTIVITÉS", entete), ("décrit les situations de travail et les activités exercées, les métiers ou emplois visés", desc)])
    _write(c, [("RÉFÉRENTIEL DE COMPÉTENCES", entete), ("identifie les compétences et les connaissances, y compris transversales, qui découlent du référentiel d'activités", desc)])
    _write(e, [("RÉFÉRENTIEL D'ÉVALUATION", entete), ("définit les critères et les modalités d'évaluation des acquis", desc)])
    _write(head2.cells[2], [("MODALITÉS D'ÉVALUATION", entete)])
    _write(head2.cells[3], [("CRITÈRES D'ÉVALUATION", entete)])
    for cell in (a, c, e, head2.cells[2], head2.cells[3]):
        _shade(cell, "1F3B63")
        for para in cell.paragraphs:
            para.alignment = 1  # centred
    for row in (head1, head2):
        _repeat_header(row)
    merged = bloc.cells[0].merge(bloc.cells[3])
    _write(merged, [("(modèle de la ligne d'un bloc : code et intitulé)", doc.styles["Tableau bloc"])])
    _shade(merged, "E8EEF6")
    for cell, text in zip(line.cells, ("(activités)", "(compétence)", "(modalités)", "(critères)")):
        _write(cell, [(text, doc.styles["Tableau texte"])])
    doc.add_paragraph("")
    _footer(doc, Mm(297 - 24))
    return doc


def _page_break(doc) -> None:
    from docx.enum.text import WD_BREAK

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _livret_styles(doc) -> None:
    for level, size in ((1, 16), (2, 13), (3, 11), (4, 10)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = ACCENT
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
        rfonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
        if rfonts is not None:
            for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                rfonts.attrib.pop(qn(attr), None)
    doc.styles["Heading 1"].paragraph_format.page_break_before = False
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name in ("List Bullet", "List Bullet 2", "List Number", "List Number 2", "List Continue", "Quote"):
        doc.styles[name].font.name = FONT
        doc.styles[name].font.size = Pt(10)
    quote = doc.styles["Quote"]
    quote.font.color.rgb = RGBColor(0x8A, 0x4B, 0x00)
    _para_style(doc, "Tableau en-tête", size=9, bold=True, color=RGBColor(0xFF, 0xFF, 0xFF), space_after=0)
    _para_style(doc, "Tableau texte", size=9, space_after=2)
    _para_style(doc, "Légende", size=10, bold=True, space_after=2, keep_next=True)
    _para_style(doc, "Notes", size=8, color=DISCRET, space_after=1)
    code = _para_style(doc, "Code", size=9, space_after=4)
    code.font.name = "Courier New"
    _para_style(doc, "Espace après tableau", size=4, space_after=0)
    _para_style(doc, "Couverture titre", size=26, bold=True, color=ACCENT, space_after=10)
    _para_style(doc, "Couverture surtitre", size=12, color=DISCRET, space_after=6).paragraph_format.space_before = Pt(150)
    _para_style(doc, "Couverture périmètre", size=14, bold=True, color=ACCENT, space_after=10)
    for level in (1, 2):
        toc = _para_style(doc, f"toc {level}", size=10 if level == 1 else 9.5, bold=level == 1, space_after=2)
        toc.paragraph_format.left_indent = Mm(0 if level == 1 else 6)
        toc.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT, 1)  # dotted leader
    _table_style(doc, "Livret tableau")


def _running_header(doc) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True  # the cover has neither header nor footer
    para = section.header.paragraphs[0]
    para.style = doc.styles["Pied de page dossier"]
    para.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    para.add_run("{{ h.intitule }}\t")
    _field(para, 'STYLEREF "Heading 1"', "")


def livret() -> Document:
    doc = _base(landscape=False)
    section = doc.sections[0]
    for side in ("left_margin", "right_margin", "top_margin"):
        setattr(section, side, Mm(20))
    section.bottom_margin = Mm(18)
    _livret_styles(doc)

    doc.add_paragraph("{{ logo }}")
    doc.add_paragraph("{%p if h.brouillon %}")
    doc.add_paragraph("BROUILLON — document de travail", style="Brouillon")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ titre }}", style="Couverture surtitre")
    doc.add_paragraph("{{ h.intitule }}", style="Couverture titre")
    doc.add_paragraph("{%p if perimetre %}")
    doc.add_paragraph("{{ perimetre }}", style="Couverture périmètre")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ fiche }}", style="Fiche")
    _page_break(doc)
    doc.add_paragraph("Sommaire", style="TOC Heading")
    doc.add_paragraph("{{p sommaire }}")
    _page_break(doc)
    doc.add_paragraph("{{p corps }}")
    _running_header(doc)
    _footer(doc, Mm(170))
    return doc


def grille() -> Document:
    """The evaluation grid: portrait (dossier turns it to landscape for wide scales)."""
    doc = _base(landscape=False)
    doc.sections[0].top_margin, doc.sections[0].bottom_margin = Mm(12), Mm(14)  # the PDF's margins
    _livret_styles(doc)
    # one A4 page per grid: table text tighter than the handbook's
    for name in ("Tableau texte", "Tableau en-tête"):
        doc.styles[name].font.size = Pt(8.5)
        doc.styles[name].paragraph_format.space_after = Pt(0)
    case = _para_style(doc, "Tableau case", size=9, space_after=0)  # its checkboxes set their own size
    case.paragraph_format.alignment = 1  # centred
    doc.styles["Heading 1"].font.size = Pt(12)
    doc.styles["Titre du document"].font.size = Pt(14)
    doc.add_paragraph("{{p corps }}")
    _footer(doc, Mm(210 - 24))  # dossier moves this tab when it turns the page to landscape
    return doc


def habilites() -> Document:
    """The list of organismes habilités: a titled page with its table."""
    doc = _base(landscape=False)
    _livret_styles(doc)
    doc.add_paragraph("{{p corps }}")
    _footer(doc, Mm(210 - 24))
    return doc


# The tableau de correspondance and the changelog « Évolutions du référentiel » are titled pages with
# their tables, like the list of organismes habilités.
TEMPLATES = {
    "referentiel": referentiel, "livret": livret, "grille": grille, "habilites": habilites,
    "correspondances": habilites, "evolutions": habilites,
}


def main(names: list[str]) -> int:
    """Write the templates named (all of them without a name)."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, make in TEMPLATES.items():
        if names and name not in names:
            continue
        make().save(OUT / f"{name}.docx")
        print(f"écrit : {OUT / (name + '.docx')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
