"""Two versions compared: the competences matched, the blocs paired, every change placed in its bloc.

`compare()` reads top to bottom: match the competences (match.py) → pair the blocs (same code, unless
the competences say otherwise; a renumbered bloc by where its competences went) → the changes of
competences, épreuves, criteria, activities and blocs (changes.py) → gathered bloc by bloc, in the new
version's order, then the old blocs that were removed → the correspondances the shared competences
justify (proposals.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..sources.model import Certification, Correspondance
from .changes import (
    Change,
    FieldDiff,
    Places,
    activite_changes,
    competence_changes,
    critere_changes,
    modalite_changes,
    quoted,
    short,
)
from .match import SEUIL, Entry, Matching, match
from .proposals import propose
from .words import word_diff

GROUPS = ("bloc", "competence", "activite", "modalite", "critere")  # the order of changes in a bloc


@dataclass(frozen=True)
class VersionInfo:
    label: str  # how the user named it: a folder, git:v1.0, rncp:export.xml#RNCP36490
    intitule: str
    version: str
    date: str  # AAAA-MM-JJ, or ""
    code_rncp: str
    blocs: int
    competences: int


@dataclass(frozen=True)
class BlocChanges:
    old: str  # the bloc's code in the old version ("" : a new bloc)
    new: str  # its code in the new version ("" : a removed bloc)
    intitule: str  # the new intitulé (the old one for a removed bloc)
    status: str  # « ajouté », « supprimé », « modifié », « inchangé »
    changes: tuple[Change, ...]

    @property
    def key(self) -> str:
        return self.new or f"ancien:{self.old}"


@dataclass(frozen=True)
class Comparison:
    old: VersionInfo
    new: VersionInfo
    fiche: str  # the RNCP code the correspondances name the old version by ("" : unknown)
    seuil: float
    competences: Matching
    blocs: tuple[BlocChanges, ...]
    proposals: tuple[Correspondance, ...]
    old_blocs: tuple[tuple[str, str], ...]  # the old version's blocs: (code, intitulé), in order

    def counts(self) -> Counter[str]:
        """How many changes of each kind (every aspect counted)."""
        return Counter(a for b in self.blocs for c in b.changes for a in c.aspects)

    @property
    def changed(self) -> bool:
        return any(b.changes for b in self.blocs)


def info(cert: Certification, label: str) -> VersionInfo:
    return VersionInfo(label, cert.intitule, cert.version, cert.date.isoformat() if cert.date else "", cert.code_rncp,
                       len(cert.blocs), len(cert.competences))


def entries(cert: Certification) -> list[Entry]:
    return [Entry(c.id, short(b.code), c.texte) for b in cert.blocs for c in b.competences]


def compare(old: Certification, new: Certification, seuil: float = SEUIL, old_label: str = "", new_label: str = "",
            fiche: str = "") -> Comparison:
    matching = match(entries(old), entries(new), seuil)
    pairing = pair_blocs(old, new, matching)
    shown_at = {short(b.code): pairing.get(short(b.code), f"ancien:{short(b.code)}") for b in old.blocs}
    places = Places(old, new, shown_at)
    comp_map: dict[str, set[str]] = {}
    for lk in matching.links:
        comp_map.setdefault(lk.old, set()).add(lk.new)
    changes = bloc_changes(old, new, matching, pairing, shown_at)
    changes += competence_changes(old, new, matching, places)
    changes += activite_changes(old, new, places, seuil)
    mod_changes, mod_map = modalite_changes(old, new, comp_map, places, seuil)
    changes += mod_changes + critere_changes(old, new, comp_map, mod_map, places, seuil)
    return Comparison(
        info(old, old_label), info(new, new_label), fiche or old.code_rncp or new.renouvellement.code, seuil, matching,
        sections(old, new, pairing, changes), propose(old, new, matching, fiche or old.code_rncp or new.renouvellement.code),
        tuple((short(b.code), b.intitule) for b in old.blocs),
    )


def _flows(old: Certification, new: Certification, m: Matching) -> Counter[tuple[str, str]]:
    """How many justified competence links go from each old bloc to each new bloc."""
    old_of = {c.id: short(b.code) for b in old.blocs for c in b.competences}
    new_of = {c.id: short(b.code) for b in new.blocs for c in b.competences}
    return Counter((old_of[lk.old], new_of[lk.new]) for lk in m.justified())


def pair_blocs(old: Certification, new: Certification, m: Matching) -> dict[str, str]:
    """Old bloc code → the new bloc that continues it: the same code, unless no competence says so while
    some say otherwise; else the new bloc that holds most of its competences and little else."""
    flow = _flows(old, new, m)
    out_of, into = Counter(), Counter()
    for (x, y), n in flow.items():
        out_of[x] += n
        into[y] += n
    old_codes = [short(b.code) for b in old.blocs]
    new_codes = [short(b.code) for b in new.blocs]
    pairs = {x: x for x in old_codes if x in new_codes and (flow[(x, x)] or (not out_of[x] and not into[x]))}
    for y in new_codes:
        if y in pairs.values():
            continue
        free = [x for x in old_codes if x not in pairs]
        best = max(free, key=lambda x: (flow[(x, y)], -old_codes.index(x)), default=None)
        if best is not None and 2 * flow[(best, y)] > out_of[best] and 2 * flow[(best, y)] > into[y]:
            pairs[best] = y
    return pairs


def bloc_changes(old: Certification, new: Certification, m: Matching, pairing: dict[str, str], shown_at: dict[str, str]) -> list[Change]:
    flow = _flows(old, new, m)
    new_order = [short(b.code) for b in new.blocs]
    old_order = [short(b.code) for b in old.blocs]
    old_titles = {short(b.code): b.intitule for b in old.blocs}
    out: list[Change] = []
    for b in new.blocs:
        y = short(b.code)
        sources = [x for x in old_order if flow[(x, y)]]
        x = next((o for o, n in pairing.items() if n == y), None)
        if x is None:
            came = f", issu {'des blocs' if len(sources) > 1 else 'du bloc'} {quoted(sources)} de l'ancienne version" if sources else ""
            out.append(Change("bloc-ajoute", f"Nouveau bloc {y}{came}.", (), (y,), aspects=("bloc-ajoute",), bloc=y))
        else:
            if x != y:
                out.append(Change("bloc-renumerote", f"Le bloc {x} devient le bloc {y}.", (x,), (y,), aspects=("bloc-renumerote",), bloc=y))
            if old_titles[x] != b.intitule:
                out.append(Change("bloc-renomme", f"Bloc {y} renommé : « {b.intitule} ».", (x,), (y,), aspects=("bloc-renomme",),
                                  diffs=(FieldDiff("intitulé", word_diff(old_titles[x], b.intitule)),), bloc=y))
        if len(sources) > 1:
            out.append(Change("bloc-fusionne", f"Le bloc {y} réunit des compétences des blocs {quoted(sources)} de l'ancienne version.",
                              tuple(sources), (y,), aspects=("bloc-fusionne",), bloc=y))
    for x in old_order:
        targets = [y for y in new_order if flow[(x, y)]]
        if len(targets) > 1:
            out.append(Change("bloc-scinde", f"Le bloc {x} de l'ancienne version est scindé : ses compétences vont aux blocs {quoted(targets)}.",
                              (x,), tuple(targets), aspects=("bloc-scinde",), bloc=shown_at[x]))
        if x not in pairing:
            went = f" ; ses compétences vont {'aux blocs' if len(targets) > 1 else 'au bloc'} {quoted(targets)}" if targets else \
                " ; aucune de ses compétences n'est reprise"
            out.append(Change("bloc-supprime", f"Bloc {x} supprimé{went}.", (x,), tuple(targets), aspects=("bloc-supprime",), bloc=shown_at[x]))
    return out


def sections(old: Certification, new: Certification, pairing: dict[str, str], changes: Sequence[Change]) -> tuple[BlocChanges, ...]:
    """The changes bloc by bloc: the new version's blocs in order, then the old blocs removed."""
    by_bloc: dict[str, list[tuple[int, int, Change]]] = {}
    for n, change in enumerate(changes):
        group = GROUPS.index(change.kind.split("-", 1)[0])
        by_bloc.setdefault(change.bloc, []).append((group, n, change))
    reverse = {y: x for x, y in pairing.items()}
    out = []
    for b in new.blocs:
        y = short(b.code)
        found = tuple(c for _, _, c in sorted(by_bloc.get(y, [])))
        x = reverse.get(y, "")
        status = "ajouté" if not x else ("modifié" if found else "inchangé")
        out.append(BlocChanges(x, y, b.intitule, status, found))
    for b in old.blocs:
        x = short(b.code)
        if x not in pairing:
            out.append(BlocChanges(x, "", b.intitule, "supprimé", tuple(c for _, _, c in sorted(by_bloc.get(f"ancien:{x}", [])))))
    return tuple(out)
