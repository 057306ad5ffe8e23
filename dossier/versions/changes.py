"""What changed, item by item: competences (by the groups their links make), épreuves, criteria, activities.

Each function returns `Change`s, each placed in a bloc of the new version (or of the old one, for
what went with a removed bloc): the caller (compare.py) gathers them bloc by bloc. A change has a
stable kind for tools (`competence-modifiee`…), every aspect it has (a competence can be moved,
renumbered and rewritten at once), a sentence in French, and word-level diffs of its texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..sources.champs import short_code as short
from ..sources.model import Activite, Certification, Critere
from .match import Entry, Link, Matching, match
from .words import Segment, word_diff


@dataclass(frozen=True)
class FieldDiff:
    champ: str  # what the text is: « texte », « durée », « C2.2 → C2.1 »…
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Change:
    kind: str  # stable: competence-ajoutee, critere-deplace, bloc-scinde…
    message: str  # the sentence a reader reads
    old: tuple[str, ...] = ()  # identifiers in the old version
    new: tuple[str, ...] = ()  # identifiers in the new version
    score: float | None = None  # the likeness of the texts, for a competence
    aspects: tuple[str, ...] = ()  # every kind it has, the main one first
    diffs: tuple[FieldDiff, ...] = ()
    bloc: str = ""  # where it is shown: a new bloc's code, or "ancien:CODE" for a removed bloc


def percent(score: float | None) -> str:
    return "" if score is None else f"{round(score * 100)} %"


def quoted(ids: Sequence[str]) -> str:
    """« C1.1 », « C1.1 et C1.2 », « C1.1, C1.2 et C1.3 »."""
    ids = list(ids)
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " et " + ids[-1]


class Places:
    """Where each item of either version lives, and where an old bloc's changes are shown."""

    def __init__(self, old: Certification, new: Certification, shown_at: dict[str, str]):
        self.old_bloc = {i.id: short(b.code) for b in old.blocs for i in (*b.competences, *b.modalites, *b.criteres, *b.activites)}
        self.new_bloc = {i.id: short(b.code) for b in new.blocs for i in (*b.competences, *b.modalites, *b.criteres, *b.activites)}
        self.shown_at = shown_at  # old bloc code → the section that shows it (a new code, or ancien:CODE)

    def of_old(self, ident: str) -> str:
        return self.shown_at.get(self.old_bloc.get(ident, ""), "")


# --- competences -------------------------------------------------------------------------------


def components(m: Matching) -> list[tuple[list[str], list[str], list[Link]]]:
    """The groups of linked competences: (old ids, new ids, links), in the new version's order."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for lk in m.links:
        parent[find("o:" + lk.old)] = find("n:" + lk.new)
    groups: dict[str, tuple[list[str], list[str], list[Link]]] = {}
    for lk in m.links:
        olds, news, links = groups.setdefault(find("n:" + lk.new), ([], [], []))
        if lk.old not in olds:
            olds.append(lk.old)
        if lk.new not in news:
            news.append(lk.new)
        links.append(lk)
    return list(groups.values())


def competence_changes(old: Certification, new: Certification, m: Matching, places: Places) -> list[Change]:
    old_text = {c.id: c.texte for c in old.competences}
    new_text = {c.id: c.texte for c in new.competences}
    order = {c.id: n for n, c in enumerate(new.competences)}
    out: list[Change] = []
    for olds, news, links in sorted(components(m), key=lambda g: min(order[n] for n in g[1])):
        news.sort(key=order.__getitem__)
        at = places.new_bloc[news[0]]
        if len(olds) == 1 and len(news) == 1:
            change = _one_to_one(olds[0], news[0], links[0], old_text, new_text, places, m.seuil)
        elif len(olds) == 1:
            diffs = tuple(FieldDiff(f"{olds[0]} → {n}", word_diff(old_text[olds[0]], new_text[n])) for n in news)
            change = Change("competence-scindee", f"{olds[0]} est scindée en {quoted(news)}.", (olds[0],), tuple(news),
                            aspects=("competence-scindee",), diffs=diffs)
        elif len(news) == 1:
            diffs = tuple(FieldDiff(f"{o} → {news[0]}", word_diff(old_text[o], new_text[news[0]])) for o in olds)
            change = Change("competence-fusionnee", f"{quoted(olds)} sont fusionnées en {news[0]}.", tuple(olds), (news[0],),
                            aspects=("competence-fusionnee",), diffs=diffs)
        else:
            change = Change("competence-recomposee", f"{quoted(olds)} sont recomposées en {quoted(news)}.", tuple(olds), tuple(news),
                            aspects=("competence-recomposee",))
        if change is not None:
            out.append(_at(change, at))
    for ident in m.added:
        out.append(Change("competence-ajoutee", f"{ident} ajoutée : « {new_text[ident]} »", new=(ident,),
                          aspects=("competence-ajoutee",), bloc=places.new_bloc[ident]))
    for ident in m.removed:
        out.append(Change("competence-supprimee", f"{ident} supprimée : « {old_text[ident]} »", old=(ident,),
                          aspects=("competence-supprimee",), bloc=places.of_old(ident)))
    return out


def _at(change: Change, bloc: str) -> Change:
    return Change(change.kind, change.message, change.old, change.new, change.score, change.aspects, change.diffs, bloc)


def _one_to_one(o: str, n: str, link: Link, old_text, new_text, places: Places, seuil: float) -> Change | None:
    aspects, said = [], []
    old_bloc, new_bloc = places.old_bloc[o], places.new_bloc[n]
    if old_bloc != new_bloc:
        aspects.append("competence-deplacee")
        said.append(f"déplacée du bloc {old_bloc} au bloc {new_bloc}")
    if o != n:
        aspects.append("competence-renumerotee")
        said.append(f"anciennement {o}")
    diffs = ()
    if old_text[o] != new_text[n]:
        if link.score < seuil:
            aspects.append("competence-reecrite")
            said.append(f"texte réécrit (ressemblance {percent(link.score)}, sous le seuil de {percent(seuil)} : "
                        "elle ne justifie pas à elle seule une correspondance)")
        else:
            aspects.append("competence-modifiee")
            said.append(f"texte modifié (ressemblance {percent(link.score)})")
        diffs = (FieldDiff("texte", word_diff(old_text[o], new_text[n])),)
    if not aspects:
        return None
    return Change(aspects[0], f"{n} : " + ", ".join(said) + ".", (o,), (n,), link.score, tuple(aspects), diffs)


# --- épreuves, criteria, activities --------------------------------------------------------------


def pairs(old_items: Sequence, new_items: Sequence, text: Callable, seuil: float) -> tuple[list[tuple], list, list]:
    """(old, new) pairs by identifier then text (one to one), and the items removed and added."""
    m = match([Entry(i.id, "", text(i)) for i in old_items], [Entry(i.id, "", text(i)) for i in new_items], seuil, inclusion=False)
    old_by_id = {i.id: i for i in old_items}
    new_by_id = {i.id: i for i in new_items}
    return ([(old_by_id[lk.old], new_by_id[lk.new]) for lk in m.links],
            [old_by_id[i] for i in m.removed], [new_by_id[i] for i in m.added])


def _mapped(ids: Sequence[str], mapping: dict[str, set[str]]) -> set[str]:
    return {n for i in ids for n in mapping.get(i, ())}


MODALITE_FIELDS = (
    ("type", "type", lambda m: m.type_libelle), ("intitulé", "intitule", None), ("durée", "duree", None),
    ("conditions", "conditions", None), ("déroulement", "description", None),
    ("à remettre", "livrables", lambda m: " ; ".join(m.livrables)), ("longueur et format", "format", None),
    ("remise", "remise", None), ("soutenance", "soutenance", lambda m: m.soutenance_libelle), ("jury", "jury", None),
)


def modalite_changes(old: Certification, new: Certification, comp_map: dict[str, set[str]], places: Places, seuil: float) -> tuple[list[Change], dict[str, str]]:
    matched, removed, added = pairs(old.modalites, new.modalites, lambda m: f"{m.type_libelle} {m.intitule} {m.description}", seuil)
    out, mod_map = [], {}
    for o, n in matched:
        mod_map[o.id] = n.id
        diffs = tuple(
            FieldDiff(label, word_diff(get(o) if get else getattr(o, key), get(n) if get else getattr(n, key)))
            for label, key, get in MODALITE_FIELDS
            if (get(o) if get else getattr(o, key)) != (get(n) if get else getattr(n, key))
        )
        said = [d.champ for d in diffs]
        before, after = _mapped(o.competences, comp_map), set(n.competences)
        if before != after:
            said.append(f"compétences évaluées : {quoted(sorted(after)) if after else 'aucune'} (au lieu de {quoted(o.competences)})")
        if o.id != n.id:
            said.insert(0, f"anciennement {o.id}")
        if said:
            out.append(Change("modalite-modifiee", f"Épreuve {n.id} modifiée : " + " ; ".join(said) + ".", (o.id,), (n.id,),
                              aspects=("modalite-modifiee",), diffs=diffs, bloc=places.new_bloc[n.id]))
    out += [Change("modalite-ajoutee", f"Épreuve {m.id} ajoutée : {m.titre} ({m.duree}).", new=(m.id,),
                   aspects=("modalite-ajoutee",), bloc=places.new_bloc[m.id]) for m in added]
    out += [Change("modalite-supprimee", f"Épreuve {m.id} supprimée : {m.titre}.", old=(m.id,),
                   aspects=("modalite-supprimee",), bloc=places.of_old(m.id)) for m in removed]
    return out, mod_map


def critere_changes(old: Certification, new: Certification, comp_map, mod_map: dict[str, str], places: Places, seuil: float) -> list[Change]:
    matched, removed, added = pairs(old.criteres, new.criteres, lambda c: c.texte, seuil)
    out = []
    for o, n in matched:
        out += _critere(o, n, comp_map, mod_map, places)
    out += [Change("critere-ajoute", f"Critère {c.id} ajouté ({quoted(c.competences)}) : « {c.texte} »", new=(c.id,),
                   aspects=("critere-ajoute",), bloc=places.new_bloc[c.id]) for c in added]
    out += [Change("critere-supprime", f"Critère {c.id} supprimé : « {c.texte} »", old=(c.id,),
                   aspects=("critere-supprime",), bloc=places.of_old(c.id)) for c in removed]
    return out


def _critere(o: Critere, n: Critere, comp_map, mod_map, places: Places) -> list[Change]:
    aspects, said = [], []
    old_bloc, new_bloc = places.old_bloc[o.id], places.new_bloc[n.id]
    if old_bloc != new_bloc:
        said.append(f"déplacé du bloc {old_bloc} au bloc {new_bloc}")
    if _mapped(o.competences, comp_map) != set(n.competences):
        said.append(f"évalue désormais {quoted(n.competences)} (au lieu de {quoted(o.competences)})")
    before = {mod_map.get(x, "?") for x in o.modalites}
    if before != set(n.modalites):
        said.append(f"épreuves : {quoted(n.modalites) if n.modalites else 'toutes celles de ses compétences'}"
                    f" (au lieu de {quoted(o.modalites) if o.modalites else 'toutes celles de ses compétences'})")
    if said:
        aspects.append("critere-deplace")
    if o.id != n.id:
        said.insert(0, f"anciennement {o.id}")
    diffs = ()
    if o.texte != n.texte:
        aspects.append("critere-modifie")
        said.append("texte modifié")
        diffs = (FieldDiff("texte", word_diff(o.texte, n.texte)),)
    if not said:
        return []
    kind = aspects[0] if aspects else "critere-renumerote"
    return [Change(kind, f"Critère {n.id} : " + ", ".join(said) + ".", (o.id,), (n.id,), aspects=tuple(aspects) or (kind,),
                   diffs=diffs, bloc=places.new_bloc[n.id])]


def activite_changes(old: Certification, new: Certification, places: Places, seuil: float) -> list[Change]:
    matched, removed, added = pairs(old.activites, new.activites, lambda a: " ".join((a.intitule, *a.taches)), seuil)
    out = []
    for o, n in matched:
        said, diffs = _activite(o, n)
        if said:
            out.append(Change("activite-modifiee", f"Activité {n.id} : " + " ; ".join(said) + ".", (o.id,), (n.id,),
                              aspects=("activite-modifiee",), diffs=diffs, bloc=places.new_bloc[n.id]))
    out += [Change("activite-ajoutee", f"Activité {a.id} ajoutée : {a.intitule}.", new=(a.id,), aspects=("activite-ajoutee",),
                   bloc=places.new_bloc[a.id]) for a in added]
    out += [Change("activite-supprimee", f"Activité {a.id} supprimée : {a.intitule}.", old=(a.id,), aspects=("activite-supprimee",),
                   bloc=places.of_old(a.id)) for a in removed]
    return out


def _activite(o: Activite, n: Activite) -> tuple[list[str], tuple[FieldDiff, ...]]:
    said, diffs = [], []
    if o.id != n.id:
        said.append(f"anciennement {o.id}")
    if o.intitule != n.intitule:
        said.append("intitulé modifié")
        diffs.append(FieldDiff("intitulé", word_diff(o.intitule, n.intitule)))
    gone = [t for t in o.taches if t not in n.taches]
    new = [t for t in n.taches if t not in o.taches]
    if new:
        said.append("tâches ajoutées : " + " ; ".join(f"« {t} »" for t in new))
    if gone:
        said.append("tâches retirées : " + " ; ".join(f"« {t} »" for t in gone))
    return said, tuple(diffs)

