"""France compétences' two written rules: every competence is evaluated, nothing is evaluated that is not in the référentiel."""

from __future__ import annotations

from collections.abc import Iterator

from ..sources.diagnostics import Severity
from ..sources.model import Certification
from .registry import Finding, Rules

rule = Rules()


@rule("fc-hors-referentiel", Severity.ERROR, "France compétences : rien n'est évalué qui ne figure au référentiel de compétences du bloc.")
def hors_referentiel(cert: Certification) -> Iterator[Finding]:
    """France compétences: nothing is evaluated that is not in the référentiel of competences."""
    owner = {c.id: b for b in cert.blocs for c in b.competences}
    for bloc in cert.blocs:
        own = {c.id for c in bloc.competences}
        for kind, items in (("la modalité", bloc.modalites), ("le critère", bloc.criteres)):
            for item in items:
                for j, ref in enumerate(item.competences):
                    if ref in own:
                        continue
                    loc, path = item.src.at(f"competences[{j}]")
                    if ref in owner:
                        yield loc, path, (
                            f"{kind} « {item.id} » évalue « {ref} », compétence du bloc {owner[ref].code} : "
                            f"un bloc n'évalue que ses propres compétences"
                        )
                    else:
                        yield loc, path, (
                            f"{kind} « {item.id} » évalue « {ref} », absente du référentiel de compétences"
                        )


@rule("fc-competence-sans-modalite", Severity.ERROR, "France compétences : chaque compétence est évaluée par au moins une modalité.", needs_complete=True)
def competence_evaluee_modalite(cert: Certification) -> Iterator[Finding]:
    """France compétences: every competence is evaluated (by an épreuve)."""
    for bloc in cert.blocs:
        evaluated = {ref for m in bloc.modalites for ref in m.competences}
        for comp in bloc.competences:
            if comp.id not in evaluated:
                loc, path = comp.src.at("id")
                yield loc, path, f"la compétence « {comp.id} » n'est évaluée par aucune modalité d'évaluation"


@rule("fc-competence-sans-critere", Severity.ERROR, "France compétences : chaque compétence a au moins un critère d'évaluation.", needs_complete=True)
def competence_evaluee_critere(cert: Certification) -> Iterator[Finding]:
    """France compétences: every competence is evaluated (by observable criteria)."""
    for bloc in cert.blocs:
        evaluated = {ref for c in bloc.criteres for ref in c.competences}
        for comp in bloc.competences:
            if comp.id not in evaluated:
                loc, path = comp.src.at("id")
                yield loc, path, f"la compétence « {comp.id} » n'a aucun critère d'évaluation"


@rule("critere-modalite", Severity.ERROR, "Un critère rattaché à une épreuve porte sur une compétence que cette épreuve évalue.")
def critere_modalite(cert: Certification) -> Iterator[Finding]:
    """A criterion bound to an épreuve checks a competence that épreuve evaluates."""
    for bloc in cert.blocs:
        modalites = {m.id: m for m in bloc.modalites}
        for crit in bloc.criteres:
            for j, ref in enumerate(crit.modalites):
                mod = modalites.get(ref)
                if mod is not None and not set(mod.competences).intersection(crit.competences):
                    loc, path = crit.src.at(f"modalites[{j}]")
                    yield loc, path, (
                        f"le critère « {crit.id} » est rattaché à l'épreuve « {ref} », "
                        f"qui n'évalue aucune de ses compétences ({', '.join(crit.competences)})"
                    )


@rule("modalite-sans-critere", Severity.ERROR, "Chaque épreuve a au moins un critère (sa grille n'est pas vide).", adjustable=True, needs_complete=True)
def modalite_sans_critere(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        for mod in bloc.modalites:
            if not bloc.criteres_de(mod):
                loc, path = mod.src.at("id")
                yield loc, path, f"l'épreuve « {mod.id} » n'a aucun critère : sa grille d'évaluation serait vide"
