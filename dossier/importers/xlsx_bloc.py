"""A bloc sheet of the review workbook, read row by row into changes of one bloc file.

Rows are told by their column A (Activité, Tâche, Compétence, Critère,
Épreuve) and their identifier (column B). A row without an identifier is an
item to add, placed where it stands (before the next item of its kind below,
else after the one above); an item whose text is emptied is removed; the
tasks of an activity are the Tâche rows under it.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter

from ..text import fold
from . import xlsx_layout as lay
from .changes import ADD, KINDS, MODIFY, REMOVE, Change
from .xlsx_compare import Reader, label_of
from .yaml_rt import plain


class BlocSheet:
    """One bloc sheet, read row by row."""

    def __init__(self, reader: Reader, ws, name: str, by_code: dict, codes: list[str], taken: set[str]) -> None:
        self.reader, self.ws, self.name, self.taken = reader, ws, name, taken
        self.by_code, self.codes = by_code, codes
        self.out = reader.out
        self.doc = None
        self.last: dict[str, str] = {}  # list key → id of the last item of that kind met (its place for an addition)
        self.competence = ""  # the competence a criterion row sits under
        self.activity: tuple[str, list[str], list[int], dict | None] | None = None  # (id, tasks, rows, new item)

    def ref(self, col: int, row: int) -> str:
        return f"{get_column_letter(col)}{row}"

    def problem(self, col: int, row: int, message: str) -> None:
        self.out.problems.append(f"{self.name}!{self.ref(col, row)} : {message}")

    def read(self) -> None:
        rows = list(self.ws.iter_rows(min_row=1, max_col=lay.COMMENT_COLUMN, values_only=True))
        start = next((i for i, r in enumerate(rows) if r and fold(str(r[0] or "")) == fold(lay.KIND_BLOC)), None)
        if start is None:
            self.problem(1, 1, "pas de ligne « Bloc » (colonne A) : feuille non lue")
            return
        code = str(rows[start][1] or "")
        self.doc = self.by_code.get(code)
        if self.doc is None:
            self.problem(2, start + 1, f"bloc « {code} » inconnu dans les sources ({', '.join(self.codes)}) : feuille non lue")
            return
        self.file = self.doc.rel
        self.number = lay.bloc_number(code, self.codes.index(code) + 1)
        self.items = {k: {str(i.get("id")): i for i in self.doc.data.get(k) or [] if isinstance(i, dict)} for k in lay.ID_PREFIX}
        self.known = {k: set(v) for k, v in self.items.items()}  # ids a reference may name, by list
        self._comment(rows[start], start + 1, "bloc")
        edited, value = self.reader.value(self.name, f"C{start + 1}", "bloc.intitule", lay.BLOC_INTITULE, rows[start][2],
                                          plain(self.doc.data.get("intitule")), "intitulé du bloc")
        if edited:
            self.out.changes.append(Change(self.file, ("intitule",), MODIFY, plain(self.doc.data.get("intitule")), value,
                                           where=f"{self.name}!C{start + 1}"))
        seen: set[str] = set()
        self.rows = rows
        for number, row in enumerate(rows[start + 1:], start=start + 2):
            self._row(number, list(row) + [None] * (lay.COMMENT_COLUMN - len(row)), seen)
        self._close_activity()

    def _comment(self, row, number: int, label: str) -> None:
        comment = row[lay.COMMENT_COLUMN - 1] if len(row) >= lay.COMMENT_COLUMN else None
        if comment is not None and str(comment).strip():
            self.out.comments.append(f"{self.name}!{self.ref(lay.COMMENT_COLUMN, number)} ({label}) : {str(comment).strip()}")

    def _row(self, number: int, row: list, seen: set[str]) -> None:
        head = fold(str(row[0] or "")).strip()
        kind = next((k for k in lay.ROW_KINDS if fold(k) == head), None)
        content = [v for v in row[2: lay.COMMENT_COLUMN - 1] if v is not None and str(v).strip()]
        if kind is None:
            titles = {fold(t) for t, _ in lay.SECTIONS.values()} | {"element"}
            if head in titles or (not head and not content and row[1] is None):
                if row[lay.COMMENT_COLUMN - 1] is not None and head not in titles:
                    self._comment(row, number, "ligne vide")
                return
            self.problem(1, number, f"élément « {row[0] or ''} » non reconnu ({', '.join(lay.ROW_KINDS)}) : ligne non lue")
            return
        ident = str(row[1]).strip() if row[1] is not None and str(row[1]).strip() else ""
        self._comment(row, number, f"{kind.lower()} {ident}".strip())
        if kind == lay.KIND_TACHE:
            self._task(number, row)
            return
        if kind == lay.KIND_ACTIVITE:
            self._close_activity()
        list_key = lay.LIST_KEY[kind]
        if not ident:
            if content:
                self._add(number, row, kind, list_key)
            return
        if ident in seen:
            self.problem(2, number, f"identifiant « {ident} » sur deux lignes : ligne non lue")
            return
        seen.add(ident)
        item = self.items[list_key].get(ident)
        if item is None and self._untouched(number, row, kind, ident):
            return  # removed from the sources since the export, and not edited here: the sources win
        if item is None:
            other = next((k for k, v in self.items.items() if ident in v), None)
            what = f"« {ident} » est un(e) {KINDS[other][0]}, pas un(e) {kind.lower()}" if other else f"identifiant « {ident} » inconnu dans {self.file}"
            self.problem(2, number, f"{what} : ligne non lue")
            return
        self._existing(number, row, kind, list_key, ident, item)

    def _untouched(self, number: int, row: list, kind: str, ident: str) -> bool:
        exported = [(col, f) for col, f in self._fields(kind) if (self.name, f"{ident}.{f.key}") in self.reader.origin]
        try:
            return bool(exported) and all(
                f.text(f.read(row[col - 1])) == self.reader.origin[(self.name, f"{ident}.{f.key}")] for col, f in exported)
        except lay.UnreadableError:
            return False

    def _fields(self, kind: str) -> list[tuple[int, lay.Field]]:
        return [(col, f) for col, f in enumerate(lay.fields_of(kind), start=3) if f.kind != "shown"]

    def _existing(self, number: int, row: list, kind: str, list_key: str, ident: str, item: dict) -> None:
        label = f"{KINDS[list_key][0]} {ident}"
        fields = self._fields(kind)
        main_col, main = fields[0]
        if row[main_col - 1] is None or not str(row[main_col - 1]).strip():  # the text emptied: removed
            edited, _ = self.reader.value(self.name, self.ref(main_col, number), f"{ident}.{main.key}",
                                          lay.Field(main.key, ""), None, plain(item.get(main.key)), f"{label}, {main.key}")
            if edited:
                self.out.changes.append(Change(self.file, (list_key, ident), REMOVE, old=plain(item), where=f"{self.name}!{self.ref(main_col, number)}"))
                self.known[list_key].discard(ident)
            return
        self.last[list_key] = ident
        if kind == lay.KIND_COMPETENCE:
            self.competence = ident
        if kind == lay.KIND_ACTIVITE:
            self.activity = (ident, [], [], None)
        for col, fld in fields:
            current = plain(item.get(fld.key))
            edited, value = self.reader.value(self.name, self.ref(col, number), f"{ident}.{fld.key}", fld, row[col - 1], current,
                                              f"{label}, {label_of(fld)}")
            if edited and self._refs_ok(fld, value, col, number, label):
                self.out.changes.append(Change(self.file, (list_key, ident, fld.key), MODIFY, current, value,
                                               where=f"{self.name}!{self.ref(col, number)}"))

    def _refs_ok(self, fld: lay.Field, value: Any, col: int, number: int, label: str) -> bool:
        if fld.kind != "refs" or not value:
            return True
        unknown = [v for v in value if v not in self.known[fld.key]]
        if unknown:
            what = KINDS[fld.key][0] + ("s" if len(unknown) > 1 else "")
            self.problem(col, number, f"{label}, {label_of(fld)} : « {', '.join(unknown)} » : pas de {what} de ce nom dans le bloc")
        return not unknown

    def _task(self, number: int, row: list) -> None:
        if self.activity is None:
            self.problem(1, number, "tâche sans activité au-dessus : ligne non lue")
            return
        text = row[2]
        if text is not None and str(text).strip():
            self.activity[1].append(lay.Field("tache", "").read(text))
            self.activity[2].append(number)

    def _close_activity(self) -> None:
        if self.activity is None:
            return
        ident, tasks, rows, new = self.activity
        self.activity = None
        if new is not None:
            if tasks:
                new["taches"] = tasks
            return
        item = self.items["activites"][ident]
        fld = lay.Field("taches", "", "lines")
        current = plain(item.get("taches")) or []
        ref = self.ref(3, rows[0]) if rows else "A"
        edited, value = self.reader.value(self.name, ref, f"taches.{ident}", fld, "\n".join(tasks) or None, current,
                                          f"activité {ident}, tâches")
        if edited:
            self.out.changes.append(Change(self.file, ("activites", ident, "taches"), MODIFY, current, value or None,
                                           where=f"{self.name}!{ref}"))

    def _add(self, number: int, row: list, kind: str, list_key: str) -> None:
        ident = lay.next_id(list_key, self.number, self.taken)
        item: dict[str, Any] = {"id": ident}
        fields = self._fields(kind)
        for col, fld in fields:
            try:
                value = fld.read(row[col - 1])
            except lay.UnreadableError as exc:
                self.problem(col, number, f"{kind.lower()} ajouté(e) : {label_of(fld)} : {exc}")
                return
            if value is None and fld.key == "competences" and kind == lay.KIND_CRITERE and self.competence:
                value = [self.competence]  # a criterion added under a competence evaluates it
            if value is None and fld.required:
                self.problem(col, number, f"{kind.lower()} ajouté(e) : {label_of(fld)} à renseigner")
                return
            if value is not None and not self._refs_ok(fld, value, col, number, f"{kind.lower()} ajouté(e)"):
                return
            if value is not None:
                item[fld.key] = value
        self.taken.add(ident)
        self.known[list_key].add(ident)
        before = self._next_existing(number, kind, list_key)
        after = self.last.get(list_key, "")
        self.last[list_key] = ident
        if kind == lay.KIND_COMPETENCE:
            self.competence = ident
        if kind == lay.KIND_ACTIVITE:
            self.activity = (ident, [], [], item)
        self.out.changes.append(Change(self.file, (list_key,), ADD, new=item, after=after, before=before,
                                       where=f"{self.name}!{self.ref(3, number)}"))

    def _next_existing(self, number: int, kind: str, list_key: str) -> str | None:
        """The item of the same kind on a row below (a criterion: under the same competence): the new one goes before it."""
        titles = {fold(t) for t, _ in lay.SECTIONS.values()}
        for row in self.rows[number:]:
            head = fold(str(row[0] or "")).strip() if row else ""
            if head in titles or (kind == lay.KIND_CRITERE and head == fold(lay.KIND_COMPETENCE)):
                return None
            ident = str(row[1]).strip() if len(row) > 1 and row[1] is not None else ""
            if head == fold(kind) and ident in self.items[list_key]:
                return ident
        return None
