"""Reading a review workbook's cell: compared three ways, and what the reading gives (changes, problems, comments).

The cell, the value as exported (kept in the workbook's hidden « _origine »
sheet) and the YAML now: a cell equal to what was exported is no edit, even
if the YAML has changed since; a cell edited where the YAML has not changed is
a change; a cell edited where the YAML changed too is a conflict, reported
and not imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import xlsx_layout as lay
from .changes import FIELDS, Change


@dataclass
class Read:
    changes: list[Change] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # « BC01!C7 : … », nothing is written while there is one
    comments: list[str] = field(default_factory=list)  # « BC01!L7 (compétence C1.2) : … »


class Reader:
    """The comparison of one cell, with the workbook's exported values."""

    def __init__(self, origin: dict[tuple[str, str], str], out: Read) -> None:
        self.origin = origin
        self.out = out

    def value(self, sheet: str, ref: str, key: str, fld: lay.Field, raw: Any, current: Any, label: str) -> tuple[bool, Any]:
        """(edited, new YAML value) for one cell; a problem (unreadable, conflict) is recorded and gives no edit."""
        try:
            value = fld.read(raw)
        except lay.UnreadableError as exc:
            self.out.problems.append(f"{sheet}!{ref} : {label} : {exc}")
            return False, None
        cell, now = fld.text(value), fld.text(current)
        base = self.origin.get((sheet, key), now)
        if cell in (base, now):
            return False, None
        if now != base:
            self.out.problems.append(
                f"{sheet}!{ref} : {label} modifié dans le classeur et aussi dans les sources depuis l'export "
                f"(sources : « {' '.join(now.split())[:80]} ») : non importé ; réexportez ou alignez la cellule"
            )
            return False, None
        if value is None and fld.required:
            self.out.problems.append(f"{sheet}!{ref} : {label} : valeur obligatoire")
            return False, None
        return True, value


def label_of(fld: lay.Field) -> str:
    return FIELDS.get(fld.key, fld.key)
