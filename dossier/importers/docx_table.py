"""Import a référentiel from a Word table in the usual four-column layout.

activités | compétences | modalités d'évaluation | critères d'évaluation — with
what real files contain: header rows on one or two lines (the évaluation
header merged over two columns), bloc title rows merged across the table, one
big row per bloc or one row per competence with vertically merged cells,
bullets typed as « - » or « • » or made by Word lists, several or blank
paragraphs in a cell, « Durée : 3 heures » lines among the modalités. Text is
kept as written; what cannot be placed with certainty is placed safely and
listed in IMPORT.md for the author to review.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import DossierError
from ..sources.read import UnreadableError, open_regular, read_member, zip_within_limits
from ..text import words
from ..typography import plain_spaces
from . import docx_heading, placeholders
from .docx_modalites import modalites as _modalites

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCX_BYTES = 100 * 2**20  # the Word file
MAX_XML_BYTES = 64 * 2**20  # its text, inflated (a 300-page référentiel: about 5 Mo)
# « RNCP12345BC03 : Intitulé », « BC03 – Intitulé », « Bloc de compétences n° 3 RNCP12345BC03 : Intitulé »
BLOC_TITLE = re.compile(
    r"^(?:bloc(?:\s+de\s+comp[ée]tences)?(?:\s*n°)?(?:\s*\d+)?\s*[—–:-]?\s*)?"
    r"(?P<code>(?:RNCP\d{3,6})?BC\d{2})\s*[—–:.-]\s*(?P<rest>.+)$",
    re.I,
)
BULLET = re.compile(r"^\s*(?:[-–•▪◦·*]|\d+[.)])\s+")
ID_PREFIX = re.compile(r"^(?P<id>(?:A|C|M|CR)\d+(?:\.\d+)?)\s+(?P<rest>.+)$", re.S)
NOTE = re.compile(r"\s*\((?P<note>(?:évalue aussi [^();]+)?(?:\s*;\s*)?(?:épreuves? [^()]+)?)\)\s*$")



@dataclass
class Para:
    text: str
    listed: bool  # a Word list paragraph, or typed with a bullet
    bold: bool


@dataclass
class Cell:
    column: int
    span: int
    vmerge: str | None
    paras: list[Para]


@dataclass
class BlocDraft:
    title: str = ""
    columns: list[list[Para]] = field(default_factory=lambda: [[], [], [], []])
    row_competences: list[tuple[list[Para], list[Para]]] = field(default_factory=list)  # (competence paras, criteria paras) per row


# --- reading the Word file -------------------------------------------------------------


def _paragraph(p: etree._Element) -> Para:
    texts, bold_runs, runs = [], 0, 0
    for r in p.iter(f"{W}r"):
        text = "".join(t.text or "" if t.tag == f"{W}t" else ("\t" if t.tag == f"{W}tab" else "\n") for t in r if t.tag in (f"{W}t", f"{W}tab", f"{W}br"))
        if not text:
            continue
        texts.append(text)
        runs += 1
        b = r.find(f"{W}rPr/{W}b")
        if b is not None and b.get(f"{W}val") not in ("0", "false"):
            bold_runs += 1
    style = p.find(f"{W}pPr/{W}pStyle")
    listed = p.find(f"{W}pPr/{W}numPr") is not None or (style is not None and "list" in (style.get(f"{W}val") or "").lower()) or (
        style is not None and "puce" in (style.get(f"{W}val") or "").lower())
    text = plain_spaces("".join(texts))  # the no-break spaces and 1ᵉʳ French typography set, as an author types them
    return Para(text, listed, runs > 0 and bold_runs == runs)


def _document_xml(path: Path) -> bytes:
    """word/document.xml, read safely: a regular file of bounded size, a zip that does not inflate
    beyond reason (a zip bomb), the member itself inflated with a bound whatever its header says."""
    try:
        with open_regular(path, limit=MAX_DOCX_BYTES) as handle:
            zip_within_limits(handle)
            handle.seek(0)
            with zipfile.ZipFile(handle) as z:
                return read_member(z, "word/document.xml", MAX_XML_BYTES)
    except UnreadableError as exc:
        raise DossierError(f"{path} : {exc.message}") from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise DossierError(f"{path} n'est pas un fichier Word (.docx) lisible") from exc


def _span(tc: etree._Element, path: Path) -> int:
    """A cell's w:gridSpan: a whole number of columns, 1 to 63 (Word's most)."""
    found = tc.find(f"{W}tcPr/{W}gridSpan")
    if found is None:
        return 1
    value = (found.get(f"{W}val") or "").strip()
    if not value.isdigit() or not 1 <= int(value) <= 63:
        raise DossierError(f"{path} : document Word abîmé (une cellule s'étend sur « {value[:20]} » colonnes)")
    return int(value)


def _tables(path: Path) -> list[list[list[Cell]]]:
    xml = _document_xml(path)
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        raise DossierError(f"{path} : document Word abîmé ({exc})") from exc
    tables = []
    for tbl in root.iter(f"{W}tbl"):
        if any(True for _ in tbl.iterancestors(f"{W}tbl")):
            continue  # nested tables are cell content, not the référentiel
        rows = []
        for tr in tbl.findall(f"{W}tr"):
            cells, column = [], 0
            for tc in tr.findall(f"{W}tc"):
                span = _span(tc, path)
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                vmerge = None if vm is None else (vm.get(f"{W}val") or "continue")
                paras = [_paragraph(p) for p in tc.iter(f"{W}p")]
                cells.append(Cell(column, span, vmerge, paras))
                column += span
            rows.append(cells)
        tables.append(rows)
    return tables


def _width(rows: list[list[Cell]]) -> int:
    return max((sum(c.span for c in row) for row in rows), default=0)


def _text(cells: list[Cell]) -> str:
    return " ".join(p.text for c in cells for p in c.paras)


def _is_header(cells: list[Cell]) -> bool:
    text = words(_text(cells))
    return any(k in text for k in ("referentiel d activites", "referentiel de competences", "modalites d evaluation", "criteres d evaluation"))


# --- items from paragraphs ---------------------------------------------------------------


def _items(paras: list[Para]) -> list[str]:
    """The items of a cell: one per paragraph; in a bulleted cell, unbulleted lines continue the item above."""
    useful = [p for p in paras if p.text.strip()]
    bulleted = any(p.listed or BULLET.match(p.text) for p in useful)
    items: list[str] = []
    for p in useful:
        marked = p.listed or BULLET.match(p.text)
        text = BULLET.sub("", p.text, count=1).strip() if BULLET.match(p.text) else p.text.strip()
        if bulleted and not marked and items and not p.bold:
            items[-1] = f"{items[-1]} {text}"
        else:
            items.append(text)
    return items


# What the tool's own référentiel adds to a criteria cell: the épreuves that assess the row's competence,
# a reference to a criterion printed in full in an earlier row, the note of a row without criteria.
EVALUEE = re.compile(r"^(?:évaluée par\b|aucun critère d.évaluation$)", re.IGNORECASE)
RENVOI = re.compile(r"^voir\s+(?P<id>CR\d+(?:\.\d+)?)(?:\s*\([^)]*\))?\s*$")


def _split_id(text: str, kind: str) -> tuple[str | None, str]:
    found = ID_PREFIX.match(text)
    if found and re.fullmatch(rf"{kind}\d+(?:\.\d+)?", found.group("id")):
        return found.group("id"), found.group("rest").strip()
    return None, text


# --- building the sources ----------------------------------------------------------------


def read(path: Path) -> tuple[dict, list[dict], list[str]]:
    """(certification, blocs, notes) as plain data in the sources' format."""
    path = Path(path)
    tables = [t for t in _tables(path) if _width(t) >= 4]
    if not tables:
        raise DossierError(f"{path} : aucun tableau à quatre colonnes (activités | compétences | modalités | critères)")
    table = max(tables, key=lambda t: (any(_is_header(r) for r in t[:3]), len(t)))
    width = _width(table)
    rows = [r for r in table if r]
    while rows and _is_header(rows[0]):
        rows.pop(0)
    if not rows:
        raise DossierError(f"{path} : le tableau n'a que des lignes d'en-tête")
    has_titles = any(len(r) == 1 and r[0].span >= width - 0 for r in rows)
    drafts: list[BlocDraft] = []
    for row in rows:
        if _is_header(row):
            continue  # a header repeated lower down
        if len(row) == 1 and row[0].span >= width:
            drafts.append(BlocDraft(title=" ".join(p.text for p in row[0].paras if p.text.strip())))
            continue
        starts_bloc = not has_titles and not any(c.vmerge == "continue" for c in row)
        if not drafts or starts_bloc:
            drafts.append(BlocDraft())
        bloc = drafts[-1]
        by_column = {}
        for cell in row:
            logical = min(3, cell.column * 4 // width) if width != 4 else cell.column
            if cell.vmerge == "continue":
                continue
            by_column.setdefault(logical, []).extend(cell.paras)
        for column, paras in by_column.items():
            bloc.columns[column].extend(paras)
        bloc.row_competences.append((by_column.get(1, []), by_column.get(3, [])))
    notes: list[str] = []
    blocs = [_bloc(i, d, notes) for i, d in enumerate((d for d in drafts if any(d.columns)), start=1)]
    if not blocs:
        raise DossierError(f"{path} : aucune compétence trouvée dans le tableau")
    found, fiche_notes = docx_heading.read(path), []  # the fiche: what the heading says, placeholders for the rest
    cert = placeholders.complete(found, path.name, fiche_notes)
    notes[:0] = ([f"- Lu dans l'en-tête du document : {docx_heading.summary(found)}."] if found else []) + fiche_notes
    prefixes = {b["code"][: -len("BC00")] for b in blocs}
    if not cert.get("code_rncp") and len(prefixes) == 1 and "" not in prefixes:  # « RNCP12345BC03 : … »: the fiche's code
        cert["code_rncp"] = prefixes.pop()
        notes.append(f"- Code RNCP de la certification, {cert['code_rncp']}, lu dans les codes des blocs.")
    return cert, blocs, notes


def _bloc(n: int, draft: BlocDraft, notes: list[str]) -> dict:
    code, intitule = f"BC{n:02d}", ""
    title = draft.title.strip()
    found = BLOC_TITLE.match(title) or re.match(
        r"^(?:bloc|activit[ée])\s*(?P<num>\d+)\s*[—–:-]\s*(?P<rest>.+)$", title, re.I)
    if found:
        code = (found.groupdict().get("code") or "").upper() or f"BC{int(found.group('num')):02d}"
        intitule = found.group("rest").strip()
    elif title:
        intitule = title
    activites = _activites(n, draft.columns[0])
    if not intitule:
        intitule = activites[0]["intitule"] if activites else f"Bloc {n}"
    competences, row_ids = [], []
    for comp_paras, _crit in draft.row_competences:
        ids = []
        for text in _items(comp_paras):
            ident, text = _split_id(text, "C")
            ident = ident or f"C{n}.{len(competences) + 1}"
            competences.append({"id": ident, "texte": text, "activites": [a["id"] for a in activites]})
            ids.append(ident)
        row_ids.append(ids)
    all_ids = [c["id"] for c in competences]
    lines = [(BULLET.sub("", p.text, count=1).strip() if BULLET.match(p.text) else p.text.strip(), p.bold)
             for p in draft.columns[2] if p.text.strip()]
    modalites = _modalites(n, lines, all_ids, code, notes)
    _assessed(modalites, draft, row_ids)
    criteres = []
    sequences: list[list[str]] = []  # the criteria of each row, references included, in their order
    last: list[str] = []
    for (_comp_paras, crit_paras), ids in zip(draft.row_competences, row_ids):
        last = ids or last
        sequences.append([])
        for text in _items(crit_paras):
            if EVALUEE.match(text):
                continue  # « Évaluée par les épreuves : M1.1, M1.2 », which the épreuves say
            renvoi = RENVOI.match(text)
            if renvoi:  # « voir CR1.7 (C1.1) »: a criterion of an earlier row also evaluates this one
                shared = next((c for c in criteres if c["id"] == renvoi.group("id")), None)
                if shared is not None and last:
                    shared["competences"] = list(dict.fromkeys([*shared.get("competences", []), last[0]]))
                    sequences[-1].append(shared["id"])
                continue
            ident, text = _split_id(text, "CR")
            ident = ident or f"CR{n}.{len(criteres) + 1}"
            item = {"id": ident, "texte": text}
            note = NOTE.search(text)
            extra, epreuves = [], []
            if note and ("évalue aussi" in note.group("note") or "épreuve" in note.group("note")):
                item["texte"] = text[: note.start()].rstrip()
                for part in note.group("note").split(";"):
                    part = part.strip()
                    if part.startswith("évalue aussi"):
                        extra = [x.strip() for x in part[len("évalue aussi"):].split(",") if x.strip() in all_ids]
                    elif part.startswith("épreuve"):
                        epreuves = [x.strip() for x in part.split(" ", 1)[1].split(",") if x.strip() in {m["id"] for m in modalites}]
            if last:
                item["competences"] = list(dict.fromkeys([last[0], *extra])) if len(last) == 1 or extra else list(last)
            else:
                item["competences"] = list(all_ids)
            if not last or (len(last) > 1 and not extra):
                notes.append(
                    f"- {code} : le critère « {item['texte'][:70]}… » n'a pas pu être rattaché à une compétence "
                    f"précise ; il l'est à toutes celles de sa ligne ({', '.join(item['competences'])}) — à revoir."
                )
            if epreuves:
                item["modalites"] = epreuves
            criteres.append(item)
            sequences[-1].append(item["id"])
    criteres = _in_row_order(criteres, sequences)
    return {"code": code, "intitule": intitule, "activites": activites, "competences": competences,
            "modalites": modalites, "criteres": criteres}


def _in_row_order(criteres: list[dict], sequences: list[list[str]]) -> list[dict]:
    """The criteria in an order every row agrees with (a row lists its criteria in the sources' order,
    those printed in full in an earlier row as « voir CRx.y »); first seen first where rows say nothing."""
    rank = {c["id"]: i for i, c in enumerate(criteres)}
    after: dict[str, set[str]] = {i: set() for i in rank}
    for seq in sequences:
        for a, b in zip(seq, seq[1:]):
            if a != b:
                after[b].add(a)
    ordered, done = [], set()
    while len(ordered) < len(rank):
        ready = [i for i in rank if i not in done and after[i] <= done] or [i for i in rank if i not in done]
        nxt = min(ready, key=rank.__getitem__)  # a cycle (rows disagreeing) falls back to first seen
        ordered.append(nxt)
        done.add(nxt)
    by_id = {c["id"]: c for c in criteres}
    return [by_id[i] for i in ordered] if len(by_id) == len(criteres) else criteres


def _assessed(modalites: list[dict], draft: BlocDraft, row_ids: list[list[str]]) -> None:
    """The competences each épreuve assesses, where the rows say it (« Évaluée par les épreuves : M1.1,
    M1.2 », as the tool's own référentiel does); else every competence of the bloc."""
    by_modalite: dict[str, list[str]] = {}
    said = False
    for (_comp, crit_paras), ids in zip(draft.row_competences, row_ids):
        for p in crit_paras:
            if ids and EVALUEE.match(p.text.strip()):
                said = True
                for ident in re.findall(r"\bM\d+(?:\.\d+)?\b", p.text):
                    by_modalite.setdefault(ident, []).extend(ids)
    if said:
        for m in modalites:
            m["competences"] = by_modalite.get(m["id"], m["competences"])


def _activites(n: int, paras: list[Para]) -> list[dict]:
    activites: list[dict] = []
    useful = [p for p in paras if p.text.strip()]
    for p in useful:
        marked = p.listed or BULLET.match(p.text)
        text = BULLET.sub("", p.text, count=1).strip() if BULLET.match(p.text) else p.text.strip()
        if marked and activites:
            activites[-1]["taches"].append(text)
        elif not marked and activites and activites[-1]["taches"] and not p.bold:
            activites[-1]["taches"][-1] += " " + text  # a task going on over two paragraphs
        else:
            ident, text = _split_id(text, "A")
            label = re.match(r"^activit[ée]\s*(\d+)\s*:\s*(.+)$", text, re.I)
            if label:
                ident, text = ident or f"A{label.group(1)}", label.group(2).strip()
            activites.append({"id": ident or f"A{n}" + (f".{len(activites) + 1}" if activites else ""), "intitule": text, "taches": []})
    return activites
