"""What a Word référentiel says of the fiche above its table: intitulé, code RNCP, niveau, NSF, ROME…

Read from the paragraphs before the référentiel table (and the small tables
there): a title-styled paragraph gives the intitulé, labelled values give the
rest, in the shapes people write them — « Niveau 6 », « Niveau : 6 »,
« NSF : 312, 312p », « Code RNCP : RNCP37488 », « Version 1.0 du 1er
septembre 2026 », one per line or several on a line separated by « · » or
« | » or a dash (the line `dossier build` writes uses « · »). Only what is found is returned.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from lxml import etree

from ..text import MOIS, fold, words

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SEPARATOR = re.compile(r"\s+[·•|—–]\s+|\t+")
_LABELS = (
    ("intitule", re.compile(r"^(?:intitul[ée](?: de la certification)?|titre de la certification)\s*:\s*(?P<v>.+)$", re.I)),
    ("code_rncp", re.compile(r"^(?:code|num[ée]ro|n°)?\s*(?:de (?:la )?fiche\s*)?rncp\s*(?:n°)?\s*:?\s*(?:rncp)?\s*(?P<v>\d{3,6})$", re.I)),
    ("niveau", re.compile(r"^niveau(?: de qualification| rncp| cec| eqf| cnc)?\s*:?\s*(?P<v>[3-8])\b", re.I)),
    ("nsf", re.compile(r"^(?:codes? )?nsf\s*:?\s*(?P<v>.+)$", re.I)),
    ("rome", re.compile(r"^(?:codes? )?rome\s*:?\s*(?P<v>.+)$", re.I)),
    ("formacode", re.compile(r"^(?:codes? )?formacodes?\s*:?\s*(?P<v>.+)$", re.I)),
    ("certificateur", re.compile(r"^(?:organisme )?certificateurs?\s*:\s*(?P<v>.+)$", re.I)),
    ("version", re.compile(r"^version\s*:?\s*(?P<v>[\w.\-]+)(?:\s+(?:du|en date du)\s+(?P<d>.+))?$", re.I)),
    ("date", re.compile(r"^date(?: de (?:la )?version| d'effet| de mise à jour)?\s*:\s*(?P<v>.+)$", re.I)),
)
_CODES = {"nsf": r"\b\d{3}[a-zA-Z]?\b", "rome": r"\b[A-N]\d{4}\b", "formacode": r"\b\d{5}\b"}


def parse_date(text: str) -> dt.date | None:
    """« 1er septembre 2026 », « 01/09/2026 », « 2026-09-01 »."""
    text = text.strip().rstrip(".")
    try:
        found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if found:
            return dt.date(*map(int, found.groups()))
        found = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if found:
            return dt.date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        found = re.fullmatch(r"(\d{1,2})(?:er)?\s+(\w+)\s+(\d{4})", fold(text))
        months = [fold(m) for m in MOIS]
        if found and found.group(2) in months:
            return dt.date(int(found.group(3)), months.index(found.group(2)) + 1, int(found.group(1)))
    except ValueError:
        return None
    return None


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t")).replace("\u00a0", " ").replace("\u202f", " ").strip()


def _span(tc: etree._Element) -> int:
    span = tc.find(f"{W}tcPr/{W}gridSpan")
    return int(span.get(f"{W}val", "1")) if span is not None else 1


def _width(tbl: etree._Element) -> int:
    return max((sum(_span(tc) for tc in tr.findall(f"{W}tc")) for tr in tbl.findall(f"{W}tr")), default=0)


def _paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style id, text) of the paragraphs before the référentiel table (the first of four columns or more)."""
    try:
        with zipfile.ZipFile(path) as z:
            root = etree.fromstring(z.read("word/document.xml"))
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, ValueError):
        return []  # docx_table says why the file cannot be read
    body = root.find(f"{W}body")
    out = []
    for child in body if body is not None else []:
        if child.tag == f"{W}tbl":
            try:
                if _width(child) >= 4:
                    break
            except ValueError:
                break
        for p in [child] if child.tag == f"{W}p" else child.iter(f"{W}p"):
            style = p.find(f"{W}pPr/{W}pStyle")
            text = _text(p)
            if text:
                out.append(((style.get(f"{W}val") if style is not None else "") or "", text))
    return out


def read(path: Path) -> dict:
    """The fiche's values found above the table, in the sources' format (only those found)."""
    found: dict = {}
    for style, text in _paragraphs(Path(path)):
        titled = any(k in fold(style) for k in ("titre", "title")) and not re.match(r"^(?:sur|sous)", fold(style))
        if titled and "intitule" not in found and not words(text).startswith("referentiel") and ":" not in text:
            found["intitule"] = " ".join(text.split())
            continue
        for segment in _SEPARATOR.split(text):
            _segment(segment.strip(), found)
    return found


def _segment(segment: str, found: dict) -> None:
    for key, pattern in _LABELS:
        match = pattern.match(segment)
        if not match or (key in found and key != "certificateur"):
            continue
        value = match.group("v").strip()
        if key in _CODES:
            codes = re.findall(_CODES[key], value)
            if codes:
                found.setdefault("codes", {})[key] = [c.lower() if key == "nsf" else c for c in codes]
        elif key == "code_rncp":
            found[key] = f"RNCP{value}"
        elif key == "niveau":
            found[key] = int(value)
        elif key == "certificateur":
            found.setdefault("certificateurs", []).extend({"nom": n.strip()} for n in re.split(r"\s*[,;]\s+(?=[A-ZÉ])", value) if n.strip())
        elif key == "version":
            found["version"] = value
            day = parse_date(match.group("d") or "")
            if day:
                found.setdefault("date", day)
        elif key == "date":
            day = parse_date(value)
            if day:
                found["date"] = day
        elif key == "intitule":
            found.setdefault("intitule", value)
        return
    rncp = re.search(r"\bRNCP\s?(\d{3,6})\b(?!\s*BC)", segment)
    if rncp and "code_rncp" not in found:
        found["code_rncp"] = f"RNCP{rncp.group(1)}"


LABELS = {"intitule": "intitulé", "code_rncp": "code RNCP", "niveau": "niveau", "codes": "codes",
          "certificateurs": "certificateur", "version": "version", "date": "date"}


def summary(found: dict) -> str:
    """« intitulé « … », niveau 6, NSF 312, 312p… » for the import's report."""
    parts = []
    for key, value in found.items():
        if key == "codes":
            parts.extend(f"{k.upper() if k != 'formacode' else 'Formacode'} {', '.join(v)}" for k, v in value.items())
        elif key == "certificateurs":
            parts.append("certificateur " + ", ".join(c["nom"] for c in value))
        elif key == "date":
            parts.append(f"date {value.isoformat()}")
        else:
            parts.append(f"{LABELS[key]} « {value} »" if isinstance(value, str) else f"{LABELS[key]} {value}")
    return ", ".join(parts)
