"""`dossier import docx --dans`: a corrected Word référentiel as changes to an existing project's blocs.

The document is read as for a new project (docx_table), then compared bloc
by bloc with the project: blocs by code (BC01), else by place; within a bloc,
activities, competences, épreuves and criteria by text and place (match.py),
so that a competence whose text changed keeps its identifier. What the
document shows is compared as it shows it — an épreuve's title as « type :
intitulé », its conditions as the paragraph before its description, a
duration by its value (« 3 heures » = « 3 h ») — so that a document the tool
wrote and nobody edited changes nothing. certification.yaml and the
handbook's texts are never written; what the document's heading says
differently from certification.yaml is reported. Links between existing items
(a criterion's competences, an épreuve's) stay as the project has them; the
links of an added item come from the document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..sources.load import CERTIFICATION_FILE
from ..sources.model import TYPES_MODALITE, parse_duree
from ..text import same
from . import docx_table
from . import xlsx_layout as lay
from .changes import ADD, MODIFY, REMOVE, Change
from .match import pair, plain_spaces, typo_key
from .placeholders import BLOC_MODELE
from .update import bloc_files
from .yaml_rt import Doc, load, plain

KEY_TEXT = {"activites": "intitule", "competences": "texte", "criteres": "texte", "modalites": "intitule"}
ORDER = ("activites", "competences", "modalites", "criteres")  # each list's references point to lists before it


def changes(document: Path, folder: Path) -> tuple[list[Change], list[str]]:
    """(changes to the blocs, notes for the user)."""
    cert, imported, _import_notes = docx_table.read(document)
    folder = Path(folder)
    docs = [load(folder, rel) for rel in bloc_files(folder)]
    notes = _heading_notes(cert, plain(load(folder, CERTIFICATION_FILE).data))
    taken = {str(i.get("id")) for d in docs for k in ORDER for i in d.data.get(k) or [] if isinstance(i, dict)}
    out: list[Change] = []
    by_code = {str(d.data.get("code"))[-4:]: d for d in docs}  # BC01, whether written RNCP12345BC01 or not
    matched: set[int] = set()
    for position, bloc in enumerate(imported):
        doc = by_code.get(str(bloc["code"])[-4:])
        if doc is None or id(doc) in matched:
            out.append(_new_bloc(bloc, folder, taken))
            continue
        matched.add(id(doc))
        out.extend(_bloc(doc, bloc, taken, position + 1))
    for doc in docs:
        if id(doc) not in matched:
            notes.append(f"Le bloc {doc.data.get('code')} ({doc.rel}) n'est pas dans le document : gardé tel quel "
                         "(supprimez le fichier vous-même si c'est voulu).")
    return out, notes


def _heading_notes(found: dict, current: dict) -> list[str]:
    notes = []
    for key, label in (("intitule", "l'intitulé"), ("code_rncp", "le code RNCP"), ("niveau", "le niveau")):
        value = found.get(key)
        if value and not str(value).startswith("(") and str(value) != str(current.get(key, "")):
            notes.append(f"Le document indique pour {label} « {value} », certification.yaml « {current.get(key, '')} » : "
                         "certification.yaml n'est pas modifié (corrigez-le si le document a raison).")
    for key in ("nsf", "rome", "formacode"):
        value = found.get("codes", {}).get(key)
        now = [str(c) for c in (current.get("codes") or {}).get(key) or []]
        if value and value != now:
            notes.append(f"Le document indique les codes {key.upper()} {', '.join(value)}, certification.yaml "
                         f"{', '.join(now) or '(aucun)'} : certification.yaml n'est pas modifié.")
    return notes


def _new_bloc(bloc: dict, folder: Path, taken: set[str]) -> Change:
    rel = f"blocs/{str(bloc['code'])[-4:].lower()}.yaml"
    if (folder / rel).exists():
        rel = f"blocs/{str(bloc['code']).lower()}-importe.yaml"
    taken.update(str(i["id"]) for k in ORDER for i in bloc.get(k) or [])
    return Change(rel, (), ADD, new=bloc)


def _text(kind: str, item: dict) -> str:
    if kind == "modalites":
        return _title(item.get("type", "autre"), item.get("intitule", ""))
    return str(item.get(KEY_TEXT[kind]) or "")


def _title(kind: str, intitule: str) -> str:
    """An épreuve's title as the référentiel shows it (Modalite.titre)."""
    label = TYPES_MODALITE.get(str(kind), str(kind))
    return str(intitule) if same(str(intitule), label) else f"{label} : {intitule}"


def _bloc(doc: Doc, bloc: dict, taken: set[str], position: int) -> list[Change]:
    data, rel = doc.data, doc.rel
    out: list[Change] = []
    if data.get("a_adapter") == BLOC_MODELE:  # dossier nouveau's model bloc, now the document's
        out.append(Change(rel, ("a_adapter",), MODIFY, BLOC_MODELE, None))
    if typo_key(bloc.get("intitule")) != typo_key(str(data.get("intitule", ""))):
        out.append(Change(rel, ("intitule",), MODIFY, plain(data.get("intitule")), plain_spaces(bloc["intitule"])))
    ids: dict[str, dict[str, str]] = {}  # list → imported id → project id
    number = lay.bloc_number(str(data.get("code")), position)
    for kind in ORDER:
        old = [i for i in data.get(kind) or [] if isinstance(i, dict)]
        new = bloc.get(kind) or []
        ids[kind] = {}
        seen: set[str] = set()
        previous = ""
        for i, j in pair([_text(kind, o) for o in old], [_text(kind, n) for n in new],
                         [str(o.get("id")) for o in old], [str(n.get("id")) for n in new]):
            if j is None:
                out.append(Change(rel, (kind, str(old[i]["id"])), REMOVE, old=plain(old[i])))
                continue
            if i is None and typo_key(_text(kind, new[j])) in seen:
                continue  # the same text twice in the document: one item
            seen.add(typo_key(_text(kind, new[j])))
            if i is None:
                item = _added(kind, new[j], ids, number, taken)
                ids[kind][str(new[j]["id"])] = item["id"]
                out.append(Change(rel, (kind,), ADD, new=item, after=previous))
                previous = item["id"]
                continue
            ident = str(old[i]["id"])
            ids[kind][str(new[j]["id"])] = ident
            previous = ident
            out.extend(_edits(rel, kind, ident, plain(old[i]), new[j]))
    return out


def _added(kind: str, item: dict, ids: dict[str, dict[str, str]], number: int, taken: set[str]) -> dict:
    """A new item: its identifier (the document's if free, else the next one), its links translated."""
    ident = str(item["id"])
    if ident in taken:
        ident = lay.next_id(kind, number, taken)
    taken.add(ident)
    out = {k: (plain_spaces(v) if isinstance(v, str) else v) for k, v in item.items()}
    out["id"] = ident
    for key in ("activites", "competences", "modalites"):
        if key in out and key != kind:
            out[key] = [ids[key][r] for r in out[key] if r in ids.get(key, {})]
            if not out[key]:
                del out[key]
    if kind == "activites":
        out["taches"] = [plain_spaces(t) for t in item.get("taches") or []]
    return out


def _edits(rel: str, kind: str, ident: str, old: dict, new: dict) -> list[Change]:
    """The changed texts of one matched item, compared as the document shows them."""
    out: list[Change] = []

    def text(key: str, shown_old: Any, shown_new: Any, value: Any) -> None:
        if typo_key(str(shown_old or "")) != typo_key(str(shown_new or "")):
            out.append(Change(rel, (kind, ident, key), MODIFY, old.get(key), value))

    if kind in ("competences", "criteres"):
        text("texte", old.get("texte"), new.get("texte"), plain_spaces(new.get("texte", "")))
    elif kind == "activites":
        text("intitule", old.get("intitule"), new.get("intitule"), plain_spaces(new.get("intitule", "")))
        olds, news = old.get("taches") or [], new.get("taches") or []
        if [typo_key(t) for t in olds] != [typo_key(t) for t in news]:
            kept = {typo_key(t): t for t in olds}  # an unchanged task keeps its exact text
            value = [kept.get(typo_key(t), plain_spaces(t)) for t in news]
            out.append(Change(rel, (kind, ident, "taches"), MODIFY, olds, value or None))
    else:
        out.extend(_modalite(rel, ident, old, new))
    return out


def _modalite(rel: str, ident: str, old: dict, new: dict) -> list[Change]:
    out: list[Change] = []
    path = ("modalites", ident)
    if typo_key(_title(old.get("type"), old.get("intitule", ""))) != typo_key(_title(new.get("type"), new.get("intitule", ""))):
        intitule = new.get("intitule", "")
        if new.get("type") == "autre" and intitule.startswith("Autre :"):
            intitule = intitule[len("Autre :"):].strip()
        if new.get("type") != old.get("type"):
            out.append(Change(rel, (*path, "type"), MODIFY, old.get("type"), new.get("type")))
        if typo_key(intitule) != typo_key(old.get("intitule")):
            out.append(Change(rel, (*path, "intitule"), MODIFY, old.get("intitule"), plain_spaces(intitule)))
    before, after = str(old.get("duree", "")), str(new.get("duree", ""))
    minutes = parse_duree(before)
    if typo_key(before) != typo_key(after) and (minutes is None or minutes != parse_duree(after)) and after != "à préciser":
        out.append(Change(rel, (*path, "duree"), MODIFY, before, plain_spaces(after)))
    # the document shows the conditions as the first paragraph, then the description's
    shown = ([old["conditions"]] if old.get("conditions") else []) + [p for p in str(old.get("description") or "").split("\n\n") if p.strip()]
    paragraphs = [plain_spaces(p) for p in str(new.get("description") or "").split("\n\n") if p.strip()]
    if typo_key(" ".join(shown)) != typo_key(" ".join(paragraphs)):
        if old.get("conditions") and paragraphs:
            conditions, paragraphs = paragraphs[0], paragraphs[1:]
            if typo_key(conditions) != typo_key(old["conditions"]):
                out.append(Change(rel, (*path, "conditions"), MODIFY, old["conditions"], conditions))
        description = "\n\n".join(paragraphs)
        if typo_key(description) != typo_key(old.get("description")):
            out.append(Change(rel, (*path, "description"), MODIFY, old.get("description"), description or None))
    for key in ("livrables", "jury"):  # shown as « À remettre : a ; b » and « Jury : … »
        shown_old, shown_new = (" ; ".join(v) if isinstance(v, list) else str(v or "") for v in (old.get(key), new.get(key)))
        if typo_key(shown_old) != typo_key(shown_new):
            value = new.get(key)
            value = [plain_spaces(v) for v in value] if isinstance(value, list) else plain_spaces(value) if value else None
            out.append(Change(rel, (*path, key), MODIFY, old.get(key), value))
    return out
