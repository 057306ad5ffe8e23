"""Criteria an instructor accepts: a result the jury observes, stated for this competence and this bloc.

Warnings with stable ids, each saying what to write instead. A criterion is a
sentence with a conjugated verb (« Les objectifs sont formulés… »), not a noun
phrase (« Synthèse des résultats. ») nor an action in the infinitive (the form
of a competence). A criterion repeated word for word in several blocs says
nothing of any of them; a competence evaluated only by such a criterion, or by
a single one, gives the jury too little to decide; so does a bloc whose
criteria are all repeated from other blocs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ..sources.diagnostics import Severity
from ..sources.model import Bloc, Certification, Critere
from ..text import words
from .registry import Finding, Rules
from .verbes import has_finite_verb, starts_with_infinitive

rule = Rules()


def _first_word(text: str) -> str:
    found = re.findall(r"[\w’'-]+", text)
    return found[0] if found else ""


@rule("critere-infinitif", Severity.WARNING, "Un critère n'est pas une action à l'infinitif (la forme d'une compétence), mais un résultat constaté.", adjustable=True)
def critere_infinitif(cert: Certification) -> Iterator[Finding]:
    for crit in cert.criteres:
        if starts_with_infinitive(crit.texte):
            loc, path = crit.src.at("texte")
            yield loc, path, (
                f"« {crit.id} » commence par un infinitif (« {_first_word(crit.texte)} ») : c'est la forme d'une compétence. "
                "Écrivez le résultat que le jury constate, avec un verbe conjugué : par exemple « Les moyens "
                "nécessaires et le budget sont définis et chiffrés » plutôt que « Définir les moyens nécessaires et un budget »"
            )


@rule("critere-sans-verbe", Severity.WARNING, "Un critère est une phrase avec un verbe conjugué, pas un intitulé (« Synthèse des résultats. »).", adjustable=True)
def critere_sans_verbe(cert: Certification) -> Iterator[Finding]:
    for crit in cert.criteres:
        if not starts_with_infinitive(crit.texte) and not has_finite_verb(crit.texte):
            loc, path = crit.src.at("texte")
            yield loc, path, (
                f"« {crit.id} » n'a pas de verbe conjugué : c'est un intitulé, pas un résultat observable. "
                "Écrivez ce que le jury constate et à quelle condition : par exemple « La synthèse des résultats "
                "présente les écarts aux objectifs et leurs causes » plutôt que « Synthèse des résultats »"
            )


def shared_criteria(cert: Certification) -> dict[str, list[tuple[Bloc, Critere]]]:
    """Criteria whose text (same words, whatever the case and punctuation) is in more than one bloc."""
    by_text: dict[str, list[tuple[Bloc, Critere]]] = defaultdict(list)
    for bloc in cert.blocs:
        for crit in bloc.criteres:
            by_text[words(crit.texte)].append((bloc, crit))
    return {t: found for t, found in by_text.items() if len({b.code for b, _ in found}) > 1}


def _shared_ids(cert: Certification) -> set[tuple[str, str]]:
    return {(b.code, c.id) for found in shared_criteria(cert).values() for b, c in found}


@rule("critere-repete", Severity.WARNING, "Un critère n'est pas repris mot pour mot dans plusieurs blocs.", adjustable=True)
def critere_repete(cert: Certification) -> Iterator[Finding]:
    for found in shared_criteria(cert).values():
        for bloc, crit in found:
            others = ", ".join(f"« {c.id} » ({b.code})" for b, c in found if b.code != bloc.code)
            loc, path = crit.src.at("texte")
            yield loc, path, (
                f"« {crit.id} » reprend mot pour mot {others} : un critère dit ce que le jury observe pour les compétences "
                f"de ce bloc. Nommez le résultat propre au bloc {bloc.code} (le livrable, l'analyse, le plan attendu) "
                "et la condition de sa réussite"
            )


def _criteria_of(bloc: Bloc) -> dict[str, list[Critere]]:
    out: dict[str, list[Critere]] = {c.id: [] for c in bloc.competences}
    for crit in bloc.criteres:
        for comp in crit.competences:
            if comp in out:
                out[comp].append(crit)
    return out


@rule("competence-critere-generique", Severity.WARNING, "Une compétence n'est pas évaluée seulement par un critère repris dans d'autres blocs.", adjustable=True)
def competence_critere_generique(cert: Certification) -> Iterator[Finding]:
    shared = _shared_ids(cert)
    for bloc in cert.blocs:
        for comp_id, crits in _criteria_of(bloc).items():
            if crits and all((bloc.code, c.id) in shared for c in crits):
                comp = next(c for c in bloc.competences if c.id == comp_id)
                loc, path = comp.src.at("id")
                names = ", ".join(f"« {c.id} »" for c in crits)
                yield loc, path, (
                    f"« {comp_id} » n'est évaluée que par {names}, repris mot pour mot dans d'autres blocs : "
                    "ajoutez au moins un critère propre à cette compétence, qui dise ce que le jury constate "
                    "quand elle est acquise"
                )


@rule("competence-critere-unique", Severity.WARNING, "Une compétence est évaluée par au moins deux critères.", adjustable=True)
def competence_critere_unique(cert: Certification) -> Iterator[Finding]:
    shared = _shared_ids(cert)
    for bloc in cert.blocs:
        for comp_id, crits in _criteria_of(bloc).items():
            if len(crits) == 1 and (bloc.code, crits[0].id) not in shared:  # a shared one: the rule above says it
                comp = next(c for c in bloc.competences if c.id == comp_id)
                loc, path = comp.src.at("id")
                yield loc, path, (
                    f"« {comp_id} » n'a qu'un critère, « {crits[0].id} » : le jury fonde sa décision sur une seule "
                    "observation. Ajoutez un second critère (la qualité du résultat, la justification des choix, "
                    "le respect d'une contrainte)"
                )


@rule("bloc-criteres-generiques", Severity.WARNING, "Les critères d'un bloc ne sont pas tous repris d'autres blocs.", adjustable=True)
def bloc_criteres_generiques(cert: Certification) -> Iterator[Finding]:
    shared = _shared_ids(cert)
    for bloc in cert.blocs:
        if bloc.criteres and all((bloc.code, c.id) in shared for c in bloc.criteres):
            loc, path = bloc.src.at("criteres")
            yield loc, path, (
                f"les critères du bloc {bloc.code} sont tous repris mot pour mot d'autres blocs : ils ne disent pas "
                "ce qui distingue la réussite dans ce bloc. Écrivez pour chaque compétence le résultat que le jury y constate"
            )
