"""Writing advice (warnings a project may adjust): competences, criteria, durations."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..sources.diagnostics import Severity
from ..sources.model import WRITTEN, Certification, parse_duree
from .registry import Finding, Rules
from .verbes import starts_with_infinitive

rule = Rules()


_PURPOSE = re.compile(
    r"\b(?:afin\s+(?:de|d['’])|pour|en\s+vue\s+(?:de|d['’])|de\s+(?:manière|façon|sorte)\s+à|"
    r"dans\s+le\s+(?:but|souci)\s+(?:de|d['’])|visant\s+à|dans\s+l['’]objectif\s+(?:de|d['’])|"
    r"avec\s+pour\s+(?:objectif|but|finalité))\b",
    re.IGNORECASE,
)


_NOT_OBSERVABLE = re.compile(
    r"\b(?:conna[iî]tre|conna[iî]t|connaissent|comprendre|comprend|comprennent|savoir|sait|savent|"
    r"ma[iî]triser|ma[iî]trise|ma[iî]trisent|appr[ée]hender|assimiler|[êe]tre\s+sensibilis[ée]e?s?|"
    r"avoir\s+conscience)\b",
    re.IGNORECASE,
)


@rule("competence-verbe", Severity.WARNING, "Une compétence commence par un verbe d'action à l'infinitif.", adjustable=True)
def competence_verbe(cert: Certification) -> Iterator[Finding]:
    for comp in cert.competences:
        if not starts_with_infinitive(comp.texte):
            loc, path = comp.src.at("texte")
            word = comp.texte.split()[0] if comp.texte.split() else ""
            yield loc, path, (
                f"« {comp.id} » commence par « {word} » : une compétence commence par un verbe d'action à l'infinitif"
            )


@rule("competence-finalite", Severity.WARNING, "Une compétence énonce sa finalité (« afin de », « pour »…).", adjustable=True)
def competence_finalite(cert: Certification) -> Iterator[Finding]:
    for comp in cert.competences:
        if not _PURPOSE.search(comp.texte):
            loc, path = comp.src.at("texte")
            yield loc, path, (
                f"« {comp.id} » ne dit pas sa finalité (« afin de », « pour », « en vue de », « de manière à »…)"
            )


@rule("critere-observable", Severity.WARNING, "Un critère est observable (ni « connaître », ni « comprendre », ni « maîtriser »…).", adjustable=True)
def critere_observable(cert: Certification) -> Iterator[Finding]:
    for crit in cert.criteres:
        found = _NOT_OBSERVABLE.search(crit.texte)
        if found:
            loc, path = crit.src.at("texte")
            yield loc, path, (
                f"« {crit.id} » emploie « {found.group(0)} », qui ne s'observe pas : "
                "décrivez ce que le jury voit ou vérifie (identifie, réalise, justifie…)"
            )


@rule("modalite-duree", Severity.WARNING, "La durée d'une épreuve est lisible (« 3 heures », « 30 min ») ; seule une épreuve écrite peut n'en avoir aucune (« sans objet »).", adjustable=True)
def modalite_duree(cert: Certification) -> Iterator[Finding]:
    for mod in cert.modalites:
        if mod.sans_duree and mod.type not in WRITTEN:
            loc, path = mod.src.at("duree")
            yield loc, path, (f"« {mod.type_libelle} » se passe en temps limité : donnez sa durée (« sans objet » ne "
                              "convient qu'à une épreuve écrite remise : rapport, dossier, projet)")
        elif not mod.sans_duree and mod.duree and parse_duree(mod.duree) is None:
            loc, path = mod.src.at("duree")
            yield loc, path, f"durée « {mod.duree} » non comprise (écrire par exemple « 3 heures », « 1 h 30 », « 30 min »)"
