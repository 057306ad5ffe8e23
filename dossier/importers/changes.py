"""Edits of a project's YAML as data: what changes, where, from what to what — and applying them in place.

Both ways back from Word and Excel (`import docx --dans`, `import xlsx`)
reduce what they read to a list of `Change`: a text modified, an item added
or removed, a list of references given. `apply()` makes them on the files
loaded round-trip (yaml_rt), so the comments, the key order and the quoting
of everything else stay; a removed competence, épreuve or activity is also
taken out of the references to it (each such edit is a change of its own,
reported like the others).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import DossierError
from ..sources.model import ECHELLES, TYPES_MODALITE, VOIES
from ..sources.schema import BLOC, CERTIFICATION
from ..sources.spec_objects import ListOf, Obj
from .yaml_rt import Doc, fill_list, plain, scalar_text, styled, styled_list

MODIFY, ADD, REMOVE = "modifier", "ajouter", "supprimer"

KINDS = {  # list key → (name of one item, feminine?)
    "activites": ("activité", True), "competences": ("compétence", True), "modalites": ("épreuve", True),
    "criteres": ("critère", False), "certificateurs": ("certificateur", False), "voies_acces": ("voie d'accès", True),
}
FIELDS = {
    "texte": "texte", "intitule": "intitulé", "duree": "durée", "type": "type", "taches": "tâches",
    "conditions": "conditions", "description": "description", "livrables": "livrables", "remise": "remise",
    "format": "longueur et format", "soutenance": "soutenance",
    "jury": "jury", "competences": "compétences", "modalites": "épreuves", "activites": "activités",
    "poids": "poids", "niveau": "niveau", "code_rncp": "code RNCP", "nsf": "codes NSF", "rome": "codes ROME",
    "formacode": "Formacodes", "version": "version", "date": "date", "objectifs_contexte": "objectifs et contexte",
    "activites_visees": "activités visées", "emplois_accessibles": "emplois accessibles", "prerequis": "prérequis",
    "ouverte": "ouverte", "nom": "nom", "siret": "SIRET", "site": "site", "bareme": "barème", "seuil": "seuil",
}
LABELS = {"type": TYPES_MODALITE, "echelle": ECHELLES}  # closed vocabularies, shown in words
# Lists of references inside a bloc: (list of items, key of the references, list the ids are items of)
REFERENCES = (("competences", "activites", "activites"), ("modalites", "competences", "competences"),
              ("criteres", "competences", "competences"), ("criteres", "modalites", "modalites"))


@dataclass(frozen=True)
class Change:
    """One edit of one source file."""

    file: str  # relative to the sources folder: « blocs/bc01.yaml »
    path: tuple[str | int, ...]  # keys; in a list, an item by its id (or voie), a string by its index
    action: str  # MODIFY, ADD or REMOVE
    old: Any = None
    new: Any = None
    after: str | None = None  # ADD to a list: the id of the item it follows ("" first, None last)…
    before: str | None = None  # … or the id of the item it precedes
    where: str = ""  # where it was read: « BC01!C7 »

    def describe(self) -> str:
        """The change in words, for the report: « blocs/bc01.yaml, compétence C1.2, texte : « … » → « … » »."""
        prefix = f"{self.where} : " if self.where else ""
        if not self.path:
            return f"{prefix}{self.file} : nouveau fichier (bloc {self.new.get('code', '')} « {self.new.get('intitule', '')} »)"
        if self.action == ADD:
            name, feminine = KINDS.get(str(self.path[-1]), ("élément", False))
            ident = next((str(self.new[k]) for k in ("id", "voie") if isinstance(self.new, dict) and k in self.new), "")
            what = " ".join(filter(None, (name, ident)))
            return f"{prefix}{self.file}, {what} ajouté{'e' if feminine else ''} : {_quote(_summary(self.new))}"
        where = _where(self.path)
        if self.action == REMOVE:
            name, feminine = KINDS.get(str(self.path[-2]), ("élément", False))
            return f"{prefix}{self.file}, {name} {self.path[-1]} supprimé{'e' if feminine else ''} ({_quote(_summary(self.old))})"
        words = LABELS.get(self.path[-1] if self.path[0] != "echelle" else "echelle", {})
        old, new = (words.get(str(v), v) if isinstance(v, str) else v for v in (self.old, self.new))
        return f"{prefix}{self.file}, {where} : {_quote(old)} → {_quote(new)}"


def _where(path: tuple) -> str:
    """« compétence C1.2, texte », « intitulé », « codes NSF », « certificateur 1, SIRET »."""
    parts, i = [], 0
    while i < len(path):
        step = path[i]
        if step in KINDS and i + 1 < len(path):
            ident = path[i + 1]
            shown = ident + 1 if isinstance(ident, int) else VOIES.get(ident, ident) if step == "voies_acces" else ident
            parts.append(f"{KINDS[step][0]} {shown}")
            i += 2
            continue
        if tuple(path[i:]) == ("echelle", "type"):
            parts.append("échelle")
            break
        if step not in ("codes", "echelle"):
            parts.append(FIELDS.get(str(step), str(step)))
        i += 1
    return ", ".join(parts)


def _summary(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("texte") or value.get("intitule") or value.get("nom") or ""
    return value


def _quote(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(vide)"
    if isinstance(value, list):
        return "[" + ", ".join(scalar_text(v) for v in value) + "]"
    text = " ".join(scalar_text(value).split())
    return f"« {text} »"


# --- applying -----------------------------------------------------------------------------


def _spec(file: str, path: tuple) -> Obj | ListOf | None:
    """The spec of the container at `path` (a bloc or the fiche, walked key by key)."""
    spec: Any = CERTIFICATION if file == "certification.yaml" else BLOC
    steps = list(path)
    while steps:
        step = steps.pop(0)
        if isinstance(spec, ListOf):
            spec = spec.item  # `step` selected an item
            continue
        if not isinstance(spec, Obj) or step not in spec.keys:
            return None
        spec = spec.keys[step].spec
    return spec


def _index(node: Any, step: str | int, change: Change) -> Any:
    if isinstance(node, list):
        if isinstance(step, int):
            if 0 <= step < len(node):
                return step
        else:
            for i, item in enumerate(node):
                if isinstance(item, dict) and any(str(item.get(k, "")) == step for k in ("id", "voie", "code")):
                    return i
    elif isinstance(node, dict) and step in node:
        return step
    raise DossierError(f"{change.file} : {_where(change.path) or 'élément'} introuvable (les sources ont changé ?)")


def _container(data: Any, path: tuple, change: Change, create: bool = False) -> Any:
    node = data
    for i, step in enumerate(path):
        if create and isinstance(node, dict) and isinstance(step, str) and step not in node:
            _set_key(node, step, CommentedMap(), change.file, path[:i])  # « codes: » for a first NSF code
        node = node[_index(node, step, change)]
    return node


def _set_key(node: CommentedMap, key: str, value: Any, file: str, path: tuple) -> None:
    """Set node[key], or insert it where the schema's key order puts it."""
    if key in node:
        if isinstance(node[key], CommentedSeq) and isinstance(value, list):
            fill_list(node[key], value)
        else:
            node[key] = styled(node[key], value)
        return
    spec = _spec(file, path)
    order = list(spec.keys) if isinstance(spec, Obj) else []
    before = order[: order.index(key)] if key in order else list(node)
    position = max((i + 1 for i, k in enumerate(node) if k in before), default=0)
    if isinstance(value, list):
        value = styled_list(next((v for v in node.values() if isinstance(v, CommentedSeq)), None), value)
    else:
        value = styled(None, value)
    node.insert(position, key, value)


def new_item(value: Any, like: Any, file: str, path: tuple) -> Any:
    """A new list item as ruamel data, its keys in the schema's order, its lists styled like `like`'s."""
    if not isinstance(value, dict):
        return styled(like, value)
    spec = _spec(file, path)
    spec = spec.item if isinstance(spec, ListOf) else spec
    order = list(spec.keys) if isinstance(spec, Obj) else list(value)
    item = CommentedMap()
    for key in sorted(value, key=lambda k: order.index(k) if k in order else len(order)):
        v = value[key]
        model = like.get(key) if isinstance(like, dict) else None
        if isinstance(v, list) and v and isinstance(v[0], dict):  # a new bloc's competences…, each like the project's
            first = model[0] if isinstance(model, list) and model else None
            item[key] = CommentedSeq(new_item(x, first, file, (*path, key)) for x in v)
        elif isinstance(v, list):
            item[key] = styled_list(model, v)
        else:
            item[key] = styled(model if isinstance(model, str) else None, v)
    return item


def apply(doc: Doc, change: Change) -> None:
    """Make one change on a loaded file."""
    data = doc.data
    if change.action == MODIFY:
        node = _container(data, change.path[:-1], change, create=change.new is not None)
        key = change.path[-1]
        if isinstance(node, list):
            node[_index(node, key, change)] = styled(node[_index(node, key, change)], change.new)
        elif change.new is None:  # an optional value emptied
            if key in node:
                del node[key]
        else:
            _set_key(node, key, change.new, change.file, change.path[:-1])
    elif change.action == ADD:
        parent = _container(data, change.path[:-1], change)
        key = change.path[-1]
        if key not in parent:
            _set_key(parent, key, [], change.file, change.path[:-1])
        seq = parent[key]
        like = seq[0] if len(seq) else None
        item = new_item(change.new, like, change.file, change.path)
        if change.before is not None:
            seq.insert(_index(seq, change.before, change), item)
        elif change.after is None:
            seq.append(item)
        else:
            seq.insert(0 if change.after == "" else _index(seq, change.after, change) + 1, item)
    elif change.action == REMOVE:
        seq = _container(data, change.path[:-1], change)
        del seq[_index(seq, change.path[-1], change)]


def dangling(doc: Doc, removed: set[str], where: str = "") -> list[Change]:
    """The changes that take removed ids out of the references of a bloc (a criterion's competences…)."""
    out = []
    for items_key, ref_key, _target in REFERENCES:
        for item in doc.data.get(items_key) or []:
            refs = item.get(ref_key) if isinstance(item, dict) else None
            if isinstance(refs, list) and any(str(r) in removed for r in refs):
                kept = [str(r) for r in refs if str(r) not in removed]
                if not kept and ref_key == "modalites":
                    kept = None  # no épreuve named: every one of its competences' (dossier check says so if none)
                out.append(Change(doc.rel, (items_key, str(item.get("id")), ref_key), MODIFY, plain(refs), kept, where=where))
    return out


def removed_ids(changes: list[Change]) -> dict[str, set[str]]:
    """file → ids of the competences, épreuves and activities the changes remove."""
    out: dict[str, set[str]] = {}
    for c in changes:
        if c.action == REMOVE and len(c.path) == 2 and c.path[0] in ("competences", "modalites", "activites"):
            out.setdefault(c.file, set()).add(str(c.path[1]))
    return out
