"""The correspondances two versions justify, from their shared competences only.

For each bloc of the new version: the old competences linked to its competences at or above the
threshold (match.py) name the old blocs it continues. Holding those old blocs gives the new bloc
entirely when every one of its competences is justified (« totale »), in part otherwise
(« partielle »: the notes say what remains to validate, and why). An old bloc none of whose
competences is reused gets an explicit « aucune ». A link below the threshold — a competence
rewritten in place — never justifies anything: the author may still decide otherwise in the sources.
"""

from __future__ import annotations

from types import MappingProxyType

from ..sources.model import Certification, Correspondance
from .changes import quoted, short
from .match import Matching


def propose(old: Certification, new: Certification, m: Matching, fiche: str) -> tuple[Correspondance, ...]:
    old_order = {c.id: n for n, c in enumerate(old.competences)}
    old_bloc = {c.id: short(b.code) for b in old.blocs for c in b.competences}
    bloc_order = [short(b.code) for b in old.blocs]
    justified: dict[str, list[str]] = {}
    for lk in m.justified():
        justified.setdefault(lk.new, []).append(lk.old)
    weak = {lk.new for lk in m.links if lk.score < m.seuil}
    out: list[Correspondance] = []
    decided: set[str] = set()
    for b in new.blocs:
        mapping = {c.id: tuple(sorted(justified[c.id], key=old_order.__getitem__)) for c in b.competences if c.id in justified}
        if not mapping:
            continue
        sources = {old_bloc[o] for olds in mapping.values() for o in olds}
        blocs_fiche = tuple(x for x in bloc_order if x in sources)
        decided.update(blocs_fiche)
        missing = [c.id for c in b.competences if c.id not in mapping]
        notes = ""
        if missing:
            why = [f"{c} ({'texte réécrit' if c in weak else 'nouvelle'})" for c in missing]
            notes = f"Reste{'nt' if len(missing) > 1 else ''} à valider : {quoted(why)}."
        out.append(Correspondance(
            fiche, (short(b.code),), blocs_fiche, "partielle" if missing else "totale", MappingProxyType(mapping), notes, proposee=True,
        ))
    for x in bloc_order:
        if x not in decided:
            out.append(Correspondance(fiche, (), (x,), "aucune", notes="Aucune compétence de ce bloc n'est reprise dans cette version.",
                                      proposee=True))
    return tuple(out)
