"""The dimensions the 2025 rules ask a référentiel to take into account, and the aménagement des épreuves.

Décret n° 2025-500 asks that référentiels take into account the ecological
transition, digital skills, health and safety at work, and disability /
accessibility. For each, a shipped lexicon (`data/dimensions.yaml`, completed
per project by `dimensions.<dimension>.mots`) finds the competences, criteria
and épreuves that mention it; the author may declare where it is covered
(`dimensions.<dimension>.competences`) or why it does not apply
(`sans_objet`). A dimension neither found nor declared is a warning; the
coverage is a table of the filing bundle's sheet. Disability is also handled
at the épreuves: the référentiel d'évaluation or the handbook's rules describe
the aménagement des épreuves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..sources.diagnostics import Severity
from ..sources.model import DIMENSIONS, Certification
from ..text import word_list, words
from .registry import Finding, Rules

rule = Rules()


@lru_cache(maxsize=1)
def shipped_lexicon() -> dict[str, tuple[str, ...]]:
    """The shipped words of each dimension, as written in data/dimensions.yaml."""
    data = yaml.safe_load((Path(__file__).parent / "data" / "dimensions.yaml").read_text(encoding="utf-8"))
    return {key: tuple(str(w) for w in data.get(key) or ()) for key in DIMENSIONS}


def _pattern(entries: tuple[str, ...]) -> re.Pattern | None:
    """One regular expression over folded words: « écolog* » matches every word starting so."""
    parts = []
    for entry in entries:
        prefix = entry.rstrip().endswith("*")
        folded = word_list(entry.rstrip("* "))
        if not folded:
            continue
        body = r"\s".join(re.escape(w) for w in folded)
        parts.append(rf"\b{body}{'[a-z0-9]*' if prefix else ''}\b")
    return re.compile("|".join(sorted(parts, key=len, reverse=True))) if parts else None


def lexicon(cert: Certification, key: str) -> tuple[str, ...]:
    """The shipped words of a dimension and the project's own."""
    declared = cert.dimensions.get(key)
    return shipped_lexicon()[key] + (declared.mots if declared else ())


@dataclass(frozen=True)
class Place:
    """Where a dimension's word was found: « C2.1 », « CR3.9 », « épreuve M1.1 »."""

    where: str
    mot: str


@dataclass(frozen=True)
class Coverage:
    key: str
    label: str
    found: tuple[Place, ...]
    competences: tuple[str, ...]  # declared
    sans_objet: str  # declared

    @property
    def status(self) -> str:
        if self.competences:
            return "déclarée"
        if self.sans_objet:
            return "sans objet"
        return "repérée" if self.found else "absente"


def _texts(cert: Certification) -> Iterator[tuple[str, str]]:
    for bloc in cert.blocs:
        for c in bloc.competences:
            yield c.id, c.texte
        for c in bloc.criteres:
            yield c.id, c.texte
        for m in bloc.modalites:
            yield f"épreuve {m.id}", " ".join((m.intitule, m.conditions, m.description, *m.livrables))


def coverage(cert: Certification) -> list[Coverage]:
    """For each dimension: where the lexicon finds it, and what the author declared."""
    texts = [(where, words(text)) for where, text in _texts(cert)]
    out = []
    for key, label in DIMENSIONS.items():
        pattern = _pattern(lexicon(cert, key))
        found = []
        for where, folded in texts:
            hit = pattern.search(folded) if pattern else None
            if hit:
                found.append(Place(where, hit.group(0)))
        declared = cert.dimensions.get(key)
        out.append(Coverage(
            key, label, tuple(found), declared.competences if declared else (), declared.sans_objet if declared else "",
        ))
    return out


@rule("dimension-absente", Severity.WARNING, "Chaque dimension des règles de 2025 (transition écologique, numérique, santé et sécurité au travail, handicap) est prise en compte ou déclarée sans objet.", adjustable=True)
def dimension_absente(cert: Certification) -> Iterator[Finding]:
    for cov in coverage(cert):
        if cov.status == "absente":
            loc, _path = cert.src.at("dimensions")
            yield loc, f"dimensions.{cov.key}", (
                f"la dimension « {cov.label} » n'apparaît dans aucune compétence, aucun critère ni aucune épreuve, et "
                f"n'est pas déclarée : dites où le référentiel la prend en compte (dimensions: {{{cov.key}: "
                "{competences: [C1.2]}}) ou pourquoi elle ne s'applique pas (sans_objet: « … »)"
            )


@rule("dimension-competence", Severity.ERROR, "Une dimension déclarée couverte nomme des compétences qui existent.")
def dimension_competence(cert: Certification) -> Iterator[Finding]:
    known = {c.id for c in cert.competences}
    for key, declared in cert.dimensions.items():
        for i, ref in enumerate(declared.competences):
            if ref not in known:
                loc, path = declared.src.at(f"competences[{i}]")
                yield loc, path, f"compétence « {ref} » inconnue (dimension « {DIMENSIONS[key]} »)"
        if declared.competences and declared.sans_objet:
            loc, path = declared.src.at("sans_objet")
            yield loc, path, "une dimension est soit couverte (competences:), soit sans objet (sans_objet:), pas les deux"


_AMENAGEMENT = re.compile(r"\b(?:amenag|tiers temps|temps majore|majoration du temps|temps supplementaire)")
_EPREUVE = re.compile(r"\b(?:epreuve|examen|evaluation|soutenance|handicap)")


def describes_amenagement(text: str) -> bool:
    """A paragraph saying how épreuves are adapted (« aménagements des épreuves », « temps majoré »…)."""
    return any(
        _AMENAGEMENT.search(p) and _EPREUVE.search(p)
        for p in (words(part) for part in re.split(r"\n\s*\n", text))
    )


@rule("amenagement-epreuves", Severity.WARNING, "Le référentiel d'évaluation ou les règles du livret décrivent l'aménagement des épreuves (handicap).", adjustable=True)
def amenagement_epreuves(cert: Certification) -> Iterator[Finding]:
    texts = [m.conditions for m in cert.modalites] + [m.description for m in cert.modalites] + [p.texte for p in cert.prose]
    if cert.blocs and not any(describes_amenagement(t) for t in texts if t):
        loc, path = cert.src.at("intitule")
        yield loc, "", (
            "ni les épreuves ni les règles du livret ne décrivent l'aménagement des épreuves pour les candidats en "
            "situation de handicap : ajoutez au livret un texte (livret/handicap.md) qui dise quels aménagements "
            "sont possibles (temps majoré, matériel, assistance…), à qui et quand les demander"
        )
