"""`dossier export xlsx`: the project as an Excel workbook a pedagogical team reviews and edits.

The values come from the YAML itself (read round-trip, not from the model),
so that reading the workbook back without an edit finds every value equal to
its source and changes nothing. The workbook carries no clock: its dates are
the documents' (SOURCE_DATE_EPOCH, else the version's date), its zip entries
fixed — the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..pipeline.write import write_atomic
from ..render.docx_common import normalize_zip
from ..sources.load import CERTIFICATION_FILE
from . import xlsx_layout as lay
from .update import bloc_files
from .yaml_rt import Doc, load, plain

LOCKED_FILL = PatternFill("solid", fgColor="E7E6E6")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
TOP = Alignment(wrap_text=True, vertical="top", horizontal="left")
LINE_HEIGHT = 15  # points, for the default 11 pt font
OPEN = Protection(locked=False)


@dataclass(frozen=True)
class Exported:
    path: Path
    blocs: int
    rows: int  # rows of items (activities, tasks, competences, criteria, épreuves)


class _Sheets:
    """Builds the workbook, and the record of every value as exported (the « _origine » sheet)."""

    def __init__(self, when: dt.datetime) -> None:
        self.wb = Workbook()
        self.wb.properties.creator = "dossier"
        self.wb.properties.lastModifiedBy = "dossier"
        self.wb.properties.created = self.wb.properties.modified = when.replace(tzinfo=None)
        self.origin: list[tuple[str, str, str]] = []
        self.rows = 0

    def cell(self, ws: Worksheet, row: int, col: int, value, editable: bool, bold: bool = False):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        c = ws.cell(row=row, column=col, value=value)
        c.alignment = TOP
        if isinstance(value, str):
            c.number_format = "@"  # text stays text: « 1.0 » is not turned into a number
        elif isinstance(value, dt.date):
            c.number_format = "DD/MM/YYYY"
        if editable:
            c.protection = OPEN
        else:
            c.fill = LOCKED_FILL
        if bold:
            c.font = Font(bold=True)
        return c

    def header(self, ws: Worksheet, row: int, titles: list[str]) -> None:
        for col, title in enumerate(titles, start=1):
            if title:
                c = ws.cell(row=row, column=col, value=title)
                c.font, c.fill, c.alignment = Font(bold=True), HEADER_FILL, TOP

    def value(self, ws, row, col, sheet, key, field: lay.Field, yaml_value, editable=True) -> None:
        self.cell(ws, row, col, field.cell(yaml_value), editable)
        if editable:
            self.origin.append((sheet, key, field.text(yaml_value)))


def _finish(ws: Worksheet) -> None:
    """Rows as tall as their wrapped text (no spreadsheet does it on opening), pages landscape, one page wide."""
    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items() if dim.width}
    for row in ws.iter_rows():
        lines = 1
        for c in row:
            if isinstance(c.value, str) and c.value:
                width = max(8, (widths.get(c.column_letter) or 13) * 1.15)
                lines = max(lines, sum(max(1, -(-len(p) // int(width))) for p in c.value.split("\n")))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(409, LINE_HEIGHT * lines)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)


def _protect(ws: Worksheet) -> None:
    """Locked cells stay locked, the others open; no password, rows may be inserted and resized."""
    ws.protection.sheet = True
    ws.protection.insertRows = False
    ws.protection.formatRows = False
    ws.protection.formatColumns = False


def _list_validation(ws: Worksheet, labels: list[str], cells: list[str], what: str) -> None:
    if not cells:
        return
    dv = DataValidation(type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True, showDropDown=False)
    dv.error, dv.errorTitle, dv.showErrorMessage = f"Choisissez {what} dans la liste.", "Valeur hors liste", True
    ws.add_data_validation(dv)
    for ref in cells:
        dv.add(ref)


def _guide(s: _Sheets, intitule: str, folder: Path) -> None:
    ws = s.wb.active
    ws.title = lay.GUIDE
    lines = [
        (f"Relecture du référentiel « {intitule} »", True),
        (f"Exporté de {folder} par dossier export xlsx.", False),
        ("", False),
        ("Modifier : écrivez dans les cellules blanches. Les cellules grises (identifiants, éléments calculés) sont "
         "verrouillées : les feuilles sont protégées, sans mot de passe ; laissez-les protégées, les identifiants "
         "relient les critères aux compétences et aux épreuves.", False),
        ("Ajouter : insérez une ligne (clic droit → Insérer), choisissez l'élément en colonne A (Activité, Tâche, "
         "Compétence, Critère, Épreuve) et laissez l'identifiant vide : l'import en attribue un. Un critère ajouté "
         "sous une compétence l'évalue si sa colonne « compétences évaluées » est vide.", False),
        ("Supprimer : videz le texte (ou l'intitulé) de l'élément ; les références à une compétence ou une épreuve "
         "supprimée sont retirées.", False),
        ("Listes : le type d'épreuve, l'échelle, le niveau et l'ouverture des voies d'accès se choisissent dans une "
         "liste déroulante ; les listes d'identifiants s'écrivent séparées par des virgules (C1.1, C1.3).", False),
        ("Commentaire : la dernière colonne de chaque feuille. Les commentaires sont affichés par l'import, avec "
         "leur cellule ; ils ne sont pas écrits dans les sources.", False),
        ("Rapporter les modifications : dossier import xlsx CLASSEUR.xlsx --dans DOSSIER "
         "(avec --dry-run : voir les changements sans rien écrire).", False),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        c = ws.cell(row=row, column=1, value=text)
        c.alignment, c.font = Alignment(wrap_text=True, vertical="top"), Font(bold=bold, size=13 if bold else 11)
    ws.column_dimensions["A"].width = 110


def _fiche(s: _Sheets, cert: Doc) -> None:
    ws = s.wb.create_sheet(lay.FICHE)
    data = cert.data
    s.header(ws, 1, ["Rubrique", "Clé", "Valeur", lay.COMMENT_HEADER])
    rows = lay.fiche_rows(data)
    bools, scale, levels = [], [], []
    for row, (path, label, field) in enumerate(rows, start=2):
        value = lay.fiche_value(data, path)
        s.cell(ws, row, 1, label, editable=False)
        s.cell(ws, row, 2, path, editable=False)
        s.value(ws, row, 3, lay.FICHE, path, field, plain(value))
        s.cell(ws, row, 4, None, editable=True)
        {"bool": bools, "choice": scale, "int": levels}.get(field.kind, []).append(f"C{row}")
    _list_validation(ws, [lay.YES, lay.NO], bools, "oui ou non")
    _list_validation(ws, [label for _, label in lay.SCALES], scale, "l'échelle")
    _list_validation(ws, [str(n) for n in range(3, 9)], levels, "un niveau de 3 à 8")
    ws.column_dimensions["A"].width, ws.column_dimensions["C"].width, ws.column_dimensions["D"].width = 40, 90, 40
    ws.column_dimensions["B"].hidden = True
    ws.freeze_panes = "C2"
    _finish(ws)


def _bloc(s: _Sheets, doc: Doc, sheet: str) -> None:
    ws = s.wb.create_sheet(sheet)
    data = doc.data
    last = lay.COMMENT_COLUMN
    s.header(ws, 1, ["Élément", "Identifiant", lay.BLOC_INTITULE.header] + [""] * (last - 4) + [lay.COMMENT_HEADER])
    s.cell(ws, 2, 1, lay.KIND_BLOC, editable=False, bold=True)
    s.cell(ws, 2, 2, str(data.get("code", "")), editable=False, bold=True)
    s.value(ws, 2, 3, sheet, "bloc.intitule", lay.BLOC_INTITULE, plain(data.get("intitule")))
    s.cell(ws, 2, last, None, editable=True)
    row = 4
    kinds, types = [], []
    modalites = [m for m in data.get("modalites") or [] if isinstance(m, dict)]
    criteres = [c for c in data.get("criteres") or [] if isinstance(c, dict)]
    competences = [c for c in data.get("competences") or [] if isinstance(c, dict)]
    placed: set[str] = set()
    sections = (
        (lay.KIND_ACTIVITE, [(lay.KIND_ACTIVITE, a) for a in data.get("activites") or [] if isinstance(a, dict)]),
        (lay.KIND_COMPETENCE, [pair for c in competences for pair in _with_criteria(c, criteres, placed)]
         + [(lay.KIND_CRITERE, c) for c in criteres if str(c.get("id")) not in placed]),
        (lay.KIND_EPREUVE, [(lay.KIND_EPREUVE, m) for m in modalites]),
    )
    for section, items in sections:
        title, fields = lay.SECTIONS[section]
        ws.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
        row += 1
        s.header(ws, row, ["Élément", "Identifiant", *[f.header for f in fields]] + [""] * (last - 3 - len(fields)) + [lay.COMMENT_HEADER])
        row += 1
        for kind, item in items:
            row = _item_rows(s, ws, sheet, row, kind, item, modalites, kinds, types)
        row += 1
    _list_validation(ws, list(lay.ROW_KINDS), kinds, "l'élément")
    _list_validation(ws, [label for _, label in lay.TYPES], types, "le type d'épreuve")
    widths = {1: 12, 2: 11, last: 40}
    for i in range(last - 3):  # the fields' columns: the widest field any section puts there
        widths[i + 3] = max(fields[i].width for _, fields in lay.SECTIONS.values() if i < len(fields))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "C3"
    _finish(ws)


def _with_criteria(competence: dict, criteres: list[dict], placed: set[str]) -> list[tuple[str, dict]]:
    """A competence, then the criteria that name it first."""
    out = [(lay.KIND_COMPETENCE, competence)]
    for c in criteres:
        refs = c.get("competences") or []
        if refs and str(refs[0]) == str(competence.get("id")) and str(c.get("id")) not in placed:
            placed.add(str(c.get("id")))
            out.append((lay.KIND_CRITERE, c))
    return out


def _item_rows(s: _Sheets, ws, sheet: str, row: int, kind: str, item: dict, modalites, kinds: list, types: list) -> int:
    ident = str(item.get("id", ""))
    s.cell(ws, row, 1, kind, editable=True, bold=kind in (lay.KIND_ACTIVITE, lay.KIND_COMPETENCE, lay.KIND_EPREUVE))
    s.cell(ws, row, 2, ident, editable=False)
    kinds.append(f"A{row}")
    for col, field in enumerate(lay.fields_of(kind), start=3):
        if field.kind == "shown":
            evaluated = [str(m.get("id")) for m in modalites if ident in [str(x) for x in m.get("competences") or []]]
            s.cell(ws, row, col, ", ".join(evaluated) or None, editable=False)
            continue
        s.value(ws, row, col, sheet, f"{ident}.{field.key}", field, plain(item.get(field.key)))
        if field.kind == "choice":
            types.append(f"{get_column_letter(col)}{row}")
    s.cell(ws, row, lay.COMMENT_COLUMN, None, editable=True)  # the columns between stay empty and locked
    s.rows += 1
    row += 1
    if kind == lay.KIND_ACTIVITE:
        taches = plain(item.get("taches")) or []
        s.origin.append((sheet, f"taches.{ident}", lay.Field("taches", "", "lines").text(taches)))
        for tache in taches:
            s.cell(ws, row, 1, lay.KIND_TACHE, editable=True)
            s.cell(ws, row, 2, None, editable=False)
            s.cell(ws, row, 3, str(tache), editable=True)
            s.cell(ws, row, lay.COMMENT_COLUMN, None, editable=True)
            kinds.append(f"A{row}")
            s.rows += 1
            row += 1
    return row


def sheet_names(docs: list[Doc]) -> list[str]:
    """BC01, BC02…; the full code where two blocs would share a name."""
    short = [str(d.data.get("code", ""))[-4:] or f"Bloc{i}" for i, d in enumerate(docs, start=1)]
    return [s if short.count(s) == 1 else str(d.data.get("code"))[:31] for s, d in zip(short, docs)]


def export(folder: Path, out: Path, when: dt.datetime) -> Exported:
    folder = Path(folder)
    cert = load(folder, CERTIFICATION_FILE)
    docs = [load(folder, rel) for rel in bloc_files(folder)]
    s = _Sheets(when)
    _guide(s, str(cert.data.get("intitule", "")), folder)
    _fiche(s, cert)
    for doc, name in zip(docs, sheet_names(docs)):
        _bloc(s, doc, name)
    origin = s.wb.create_sheet(lay.ORIGIN)
    origin.append(["feuille", "clé", "valeur exportée"])
    for entry in s.origin:
        origin.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in entry])
    origin.sheet_state = "veryHidden"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(s.wb, archive).save()  # not save_workbook(): it stamps the clock
    write_atomic(Path(out), normalize_zip(buffer.getvalue()))
    return Exported(Path(out), len(docs), s.rows)

