"""`dossier jury lire`: the filled Word grids of a session, read back into resultats.csv.

Each pre-filled grid says whose it is in its custom properties (dossier.candidat, dossier.epreuve);
each box is a Word checkbox whose tag names what it decides
(« critere|M1.1|C1.1|CR1.1|acquis », « competence|M1.1|C1.1||acquis »), and a mark on a points scale
is a text field (« note|M1.1|C1.1|CR1.1| »). A row's observations are the text of its last cell.
What cannot be read for sure — a grid whose candidate or épreuve is unknown, two boxes ticked on one
row, a mark that is not a number — is a problem: the caller writes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from ..render.docx_common import W_NS
from ..render.docx_controls import W14_NS, read_custom_properties
from ..sources.session import RESULT_COLUMNS as COLUMNS
from ..sources.session import Resultat  # one line of resultats.csv, as the session reads it back

_W = f"{{{W_NS}}}"
_ALIAS = re.compile(r"^(Critère|Compétence)\s+(\S+)\s*:\s*(.+)$")
_FEMININE = {"acquise": "acquis", "non acquise": "non acquis", "partiellement acquise": "partiellement acquis"}
_W14 = f"{{{W14_NS}}}"


@dataclass
class Lecture:
    resultats: list[Resultat] = field(default_factory=list)
    problemes: list[str] = field(default_factory=list)  # errors: nothing is written
    avertissements: list[str] = field(default_factory=list)  # rows left blank: written without them


def grids_in(paths: list[Path]) -> list[Path]:
    """The DOCX files named, folders searched (sorted), Word's lock files (~$…) left out."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.docx") if not p.name.startswith(("~$", "."))))
        else:
            found.append(path)
    return found


def lire(paths: list[Path]) -> Lecture:
    lecture = Lecture()
    seen: dict[tuple[str, str], Path] = {}
    for path in grids_in(paths):
        before = len(lecture.problemes)
        grid = _read_grid(path, lecture)
        if grid is None or len(lecture.problemes) > before:
            continue
        numero, epreuve, rows = grid
        other = seen.setdefault((numero, epreuve), path)
        if other != path:
            lecture.problemes.append(f"{path} : la grille du candidat n° {numero} pour l'épreuve {epreuve} est déjà lue dans {other}")
            continue
        lecture.resultats.extend(rows)
    return lecture


def _read_grid(path: Path, lecture: Lecture) -> tuple[str, str, list[Resultat]] | None:
    try:
        with zipfile.ZipFile(path) as source:
            properties = read_custom_properties(source)
            body = etree.fromstring(source.read("word/document.xml"))
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        lecture.problemes.append(f"{path} : ce n'est pas un document Word lisible (.docx)")
        return None
    numero = properties.get("dossier.candidat", "").strip()
    epreuve = properties.get("dossier.epreuve", "").strip()
    if not numero:
        lecture.problemes.append(
            f"{path} : candidat non identifié (grille vierge, ou sans numéro de candidat) : "
            "lisez les grilles pré-remplies par « dossier grilles --candidats »"
        )
        return None
    rows: list[Resultat] = []
    unplaced: list[int] = []  # rows whose competence the closing conclusion row will say
    blank: list[str] = []
    for tr in body.iter(f"{_W}tr"):
        index = tr.getparent().index(tr) - len(tr.getparent().findall(f"{_W}tblPr")) - len(tr.getparent().findall(f"{_W}tblGrid")) + 1
        controls = [_control(sdt) for sdt in tr.iter(f"{_W}sdt")]
        controls = [c for c in controls if c is not None]
        if not controls:
            continue
        kinds = {c[0][:4] for c in controls}
        if len(kinds) != 1:
            lecture.problemes.append(f"{path} : ligne {index} du tableau : cases de plusieurs lignes de la grille mêlées")
            continue
        kind, ep, competence, critere, _ = controls[0][0]
        if kind == "competence":  # read from aliases, criteria learn their competence from the conclusion closing their group
            for i in unplaced:
                rows[i] = replace(rows[i], competence=competence)
            unplaced.clear()
        where = f"{path} : ligne {index} du tableau ({'critère ' + critere if critere else 'compétence ' + competence})"
        if epreuve and ep and ep != epreuve:
            lecture.problemes.append(f"{where} : la case est de l'épreuve {ep}, la grille de l'épreuve {epreuve}")
            continue
        epreuve = epreuve or ep
        values = [value for (_, _, _, _, value), state in controls if state]
        if kind == "note":
            values = [_number(v, where, lecture) for v in values]
            if None in values:
                continue
        if len(values) > 1:
            lecture.problemes.append(f"{where} : {len(values)} cases cochées ({', '.join(values)}) ; une seule est attendue")
            continue
        if not values:
            blank.append(critere or competence)
            continue
        rows.append(Resultat(numero, ep or epreuve, competence, critere, values[0], _observations(tr)))
        if not competence:
            unplaced.append(len(rows) - 1)
    if not epreuve:
        lecture.problemes.append(f"{path} : épreuve non identifiée (ni propriété dossier.epreuve, ni case de grille)")
        return None
    if blank:
        lecture.avertissements.append(f"{path} : {len(blank)} ligne{'s' if len(blank) > 1 else ''} sans case cochée ({', '.join(blank)})")
    return numero, epreuve, rows


def _control(sdt) -> tuple[tuple[str, str, str, str, str], bool | str] | None:
    """A grid's control: its identity's five parts, and its state (ticked, or the text typed)."""
    pr = sdt.find(f"{_W}sdtPr")
    if pr is None:
        return None
    box = pr.find(f"{_W14}checkbox")
    if box is None and pr.find(f"{_W}text") is None:
        return None  # a control wrapping another (LibreOffice writes some), or not one of the grid's
    parts = _identity(sdt)
    if parts is None:
        return None
    if box is not None:
        checked = box.find(f"{_W14}checked")
        return parts, checked is not None and checked.get(f"{_W14}val", "1") in ("1", "true", "on")
    if pr.find(f"{_W}showingPlcHdr") is not None:
        return parts, False
    typed = "".join(t.text or "" for t in sdt.iter(f"{_W}t")).strip()
    return (*parts[:4], typed), bool(typed)


def _identity(sdt) -> tuple[str, str, str, str, str] | None:
    """What a control decides: its tag, else its alias — LibreOffice 7.4 drops the tag of a checkbox
    it saves and keeps the alias (« Critère CR1.1 : acquis ») on a control around it."""
    around = [sdt, *(a for a in sdt.iterancestors(f"{_W}sdt"))]
    for el in around:
        tag = el.find(f"{_W}sdtPr/{_W}tag")
        parts = tuple((tag.get(f"{_W}val") or "").split("|")) if tag is not None else ()
        if len(parts) == 5 and parts[0] in ("critere", "competence", "note"):
            return parts
    for el in around:
        alias = el.find(f"{_W}sdtPr/{_W}alias")
        said = _ALIAS.match(alias.get(f"{_W}val") or "") if alias is not None else None
        if said:
            kind, ident, value = said.groups()
            value = _FEMININE.get(value, value)
            return ("critere", "", "", ident, value) if kind == "Critère" else ("competence", "", ident, "", value)
    return None


def _number(text: str, where: str, lecture: Lecture) -> str | None:
    value = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        float(value)
    except ValueError:
        lecture.problemes.append(f"{where} : note « {text} » illisible (un nombre est attendu)")
        return None
    return value


def _observations(tr) -> str:
    """The text typed in the row's last cell (its boxes' symbols left out)."""
    cells = tr.findall(f"{_W}tc")
    if not cells:
        return ""
    texts = []
    for p in cells[-1].iter(f"{_W}p"):
        line = "".join(t.text or "" for t in p.iter(f"{_W}t") if not any(a.tag == f"{_W}sdt" for a in t.iterancestors()))
        if line.strip():
            texts.append(" ".join(line.split()))
    return " ".join(texts)


def csv_bytes(resultats: list[Resultat]) -> bytes:
    """resultats.csv: « ; »-separated, UTF-8, with its header."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in resultats:
        writer.writerow((r.numero, r.epreuve, r.competence, r.critere, r.valeur, r.observations))
    return out.getvalue().encode("utf-8")
