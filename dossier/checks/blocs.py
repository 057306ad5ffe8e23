"""The cut into blocs: a bloc has at least two competences, a competence belongs to one bloc, a bloc says its activities."""

from __future__ import annotations

from collections.abc import Iterator

from ..sources.diagnostics import Severity
from ..sources.model import Bloc, Certification
from ..text import fold
from .registry import Finding, Rules

rule = Rules()


@rule("bloc-competences-min", Severity.ERROR, "Un bloc réunit au moins deux compétences.", needs_complete=True)
def bloc_competences_min(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        if len(bloc.competences) < 2:
            loc, path = bloc.src.at("competences")
            yield loc, path, (
                f"le bloc {bloc.code} a {len(bloc.competences)} compétence ; "
                "un bloc de compétences en réunit au moins deux"
            )


@rule("competence-un-bloc", Severity.ERROR, "Une compétence appartient à un seul bloc.")
def competence_un_bloc(cert: Certification) -> Iterator[Finding]:
    by_id: dict[str, Bloc] = {}
    by_text: dict[str, tuple[Bloc, str]] = {}
    for bloc in cert.blocs:
        for comp in bloc.competences:
            other = by_id.get(comp.id)
            if other is not None and other.code != bloc.code:
                loc, path = comp.src.at("id")
                yield loc, path, f"la compétence « {comp.id} » appartient déjà au bloc {other.code} : une compétence appartient à un seul bloc"
            by_id.setdefault(comp.id, bloc)
            key = fold(comp.texte)
            seen = by_text.get(key)
            if seen is not None and seen[0].code != bloc.code:
                loc, path = comp.src.at("texte")
                yield loc, path, (
                    f"la compétence « {comp.id} » reprend le texte de « {seen[1]} » (bloc {seen[0].code}) : "
                    "une compétence appartient à un seul bloc"
                )
            by_text.setdefault(key, (bloc, comp.id))


@rule("bloc-sans-activite", Severity.WARNING, "Un bloc décrit les activités dont il découle.", adjustable=True)
def bloc_sans_activite(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        if not bloc.activites:
            loc, path = bloc.src.at("code")
            yield loc, path, f"le bloc {bloc.code} n'a aucune activité : la colonne « référentiel d'activités » sera vide"


@rule("activite-sans-competence", Severity.WARNING, "Au moins une compétence découle de chaque activité.", adjustable=True)
def activite_sans_competence(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        used = {ref for c in bloc.competences for ref in c.activites}
        for act in bloc.activites:
            if act.id not in used:
                loc, path = act.src.at("id")
                yield loc, path, f"aucune compétence ne découle de l'activité « {act.id} »"


@rule("code-bloc-rncp", Severity.ERROR, "Un code de bloc RNCPnnnnnBCnn reprend le code RNCP de la certification.")
def code_bloc_rncp(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        prefix = bloc.code[: -len("BC00")]
        if prefix and cert.code_rncp and prefix != cert.code_rncp:
            loc, path = bloc.src.at("code")
            yield loc, path, f"le code « {bloc.code} » ne commence pas par le code de la certification, {cert.code_rncp}"
