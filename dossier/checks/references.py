"""Identifiers and references: every id is unique, every reference names something of the same bloc."""

from __future__ import annotations

from collections.abc import Iterator

from ..sources.diagnostics import Loc, Severity
from ..sources.model import Bloc, Certification
from ..text import slug
from .registry import Finding, Rules

rule = Rules()


def _items(cert: Certification):
    for bloc in cert.blocs:
        for kind, items in (
            ("activité", bloc.activites),
            ("compétence", bloc.competences),
            ("modalité", bloc.modalites),
            ("critère", bloc.criteres),
        ):
            for item in items:
                yield bloc, kind, item


@rule("identifiant-unique", Severity.ERROR, "Chaque identifiant (activité, compétence, modalité, critère) et chaque code de bloc est unique.")
def identifiants_uniques(cert: Certification) -> Iterator[Finding]:
    first: dict[str, tuple] = {}
    for bloc, kind, item in _items(cert):
        if item.id in first:
            other_bloc, other_kind, other = first[item.id]
            if kind == other_kind == "compétence" and other_bloc.code != bloc.code:
                continue  # reported by competence-un-bloc
            loc, path = item.src.at("id")
            yield loc, path, f"identifiant « {item.id} » déjà utilisé ({_where(other, loc)})"
        else:
            first[item.id] = (bloc, kind, item)
    codes: dict[str, Bloc] = {}
    for bloc in cert.blocs:
        if bloc.code in codes:
            loc, path = bloc.src.at("code")
            yield loc, path, f"code de bloc « {bloc.code} » déjà utilisé ({_where(codes[bloc.code], loc)})"
        codes.setdefault(bloc.code, bloc)


@rule(
    "identifiant-homonyme", Severity.ERROR,
    "Deux épreuves (ou deux textes du livret) ne diffèrent pas que par la casse ou la ponctuation : "
    "elles donneraient le même fichier ou le même lien.",
)
def homonymes(cert: Certification) -> Iterator[Finding]:
    """M1.1 and M1-1 are two identifiers but one file name (the grid bc01-m1-1) and one anchor."""
    seen: dict[str, tuple] = {}
    for bloc in cert.blocs:
        for m in bloc.modalites:
            other_bloc, other = seen.setdefault(slug(m.id), (bloc, m))
            if other is not m and other.id != m.id:
                loc, path = m.src.at("id")
                same = "le même nom de fichier (grille {}) et le même lien".format(f"{slug(bloc.code)}-{slug(m.id)}")
                clash = same if other_bloc is bloc else f"le même lien dans le livret (#epreuve-{slug(m.id)})"
                yield loc, path, f"« {m.id} » et « {other.id} » ({_where(other, loc)}) donneraient {clash} : changez l'un des deux identifiants"
    names: dict[str, object] = {}
    for prose in cert.prose:
        other = names.setdefault(slug(prose.name), prose)
        if other is not prose:
            yield prose.src.loc, "", (
                f"« {prose.name}.md » et « {other.name}.md » donneraient la même section du livret "
                "(même nom à la casse et aux accents près) : renommez l'un des deux"
            )


def _where(item, here: Loc) -> str:
    there = item.src.loc
    if there.file == here.file:
        return f"ligne {there.line}"
    return f"{there.file}, ligne {there.line}"


@rule("reference-inconnue", Severity.ERROR, "Les activités et épreuves citées existent dans le même bloc.")
def references(cert: Certification) -> Iterator[Finding]:
    """Activities and modalités named by a competence or a criterion exist in its bloc."""
    all_activites = {a.id: b for b in cert.blocs for a in b.activites}
    all_modalites = {m.id: b for b in cert.blocs for m in b.modalites}
    for bloc in cert.blocs:
        own_act = {a.id for a in bloc.activites}
        for comp in bloc.competences:
            for j, ref in enumerate(comp.activites):
                if ref not in own_act:
                    loc, path = comp.src.at(f"activites[{j}]")
                    yield loc, path, _unknown("activité", ref, bloc, all_activites.get(ref))
        own_mod = {m.id for m in bloc.modalites}
        for crit in bloc.criteres:
            for j, ref in enumerate(crit.modalites):
                if ref not in own_mod:
                    loc, path = crit.src.at(f"modalites[{j}]")
                    yield loc, path, _unknown("modalité", ref, bloc, all_modalites.get(ref))


def _unknown(kind: str, ref: str, bloc: Bloc, elsewhere: Bloc | None) -> str:
    if elsewhere is not None:
        return f"{kind} « {ref} » du bloc {elsewhere.code}, pas du bloc {bloc.code}"
    return f"{kind} « {ref} » inconnue dans le bloc {bloc.code}"
