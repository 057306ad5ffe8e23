"""Coherence rules and writing advice, each with a stable id and a default severity.

A check is a function from the certification to findings; `run()` applies the
project's severity overrides and adds the findings to the report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Iterator

from .diagnostics import Loc, Report, Severity
from .model import VOIES, Bloc, Certification, parse_duree
from .prose import HTML_MESSAGE, raw_html
from .spec import suggest

Finding = tuple[Loc, str, str]  # where, key path, message


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    summary: str  # one line, French, for the README and `dossier regles`
    func: Callable[[Certification], Iterator[Finding]]
    adjustable: bool = False  # may a project change its severity?
    needs_complete: bool = False  # skipped while the sources have schema errors


# --- identifiers and references -------------------------------------------------


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


def _where(item, here: Loc) -> str:
    there = item.src.loc
    if there.file == here.file:
        return f"ligne {there.line}"
    return f"{there.file}, ligne {there.line}"


def references(cert: Certification) -> Iterator[Finding]:
    """Activities and modalités named by a competence or a criterion exist in its bloc."""
    all_activites = {a.id: b for b in cert.blocs for a in b.activites}
    all_modalites = {m.id: b for b in cert.blocs for m in b.modalites}
    for bloc in cert.blocs:
        own_act = {a.id for a in bloc.activites}
        for i, comp in enumerate(bloc.competences):
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


def competence_evaluee_modalite(cert: Certification) -> Iterator[Finding]:
    """France compétences: every competence is evaluated (by an épreuve)."""
    for bloc in cert.blocs:
        evaluated = {ref for m in bloc.modalites for ref in m.competences}
        for comp in bloc.competences:
            if comp.id not in evaluated:
                loc, path = comp.src.at("id")
                yield loc, path, f"la compétence « {comp.id} » n'est évaluée par aucune modalité d'évaluation"


def competence_evaluee_critere(cert: Certification) -> Iterator[Finding]:
    """France compétences: every competence is evaluated (by observable criteria)."""
    for bloc in cert.blocs:
        evaluated = {ref for c in bloc.criteres for ref in c.competences}
        for comp in bloc.competences:
            if comp.id not in evaluated:
                loc, path = comp.src.at("id")
                yield loc, path, f"la compétence « {comp.id} » n'a aucun critère d'évaluation"


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


def modalite_sans_critere(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        for mod in bloc.modalites:
            if not bloc.criteres_de(mod):
                loc, path = mod.src.at("id")
                yield loc, path, f"l'épreuve « {mod.id} » n'a aucun critère : sa grille d'évaluation serait vide"


# --- blocs ----------------------------------------------------------------------


def bloc_competences_min(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        if len(bloc.competences) < 2:
            loc, path = bloc.src.at("competences")
            yield loc, path, (
                f"le bloc {bloc.code} a {len(bloc.competences)} compétence ; "
                "un bloc de compétences en réunit au moins deux"
            )


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
            key = _fold(comp.texte)
            seen = by_text.get(key)
            if seen is not None and seen[0].code != bloc.code:
                loc, path = comp.src.at("texte")
                yield loc, path, (
                    f"la compétence « {comp.id} » reprend le texte de « {seen[1]} » (bloc {seen[0].code}) : "
                    "une compétence appartient à un seul bloc"
                )
            by_text.setdefault(key, (bloc, comp.id))


def bloc_sans_activite(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        if not bloc.activites:
            loc, path = bloc.src.at("code")
            yield loc, path, f"le bloc {bloc.code} n'a aucune activité : la colonne « référentiel d'activités » sera vide"


def activite_sans_competence(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        used = {ref for c in bloc.competences for ref in c.activites}
        for act in bloc.activites:
            if act.id not in used:
                loc, path = act.src.at("id")
                yield loc, path, f"aucune compétence ne découle de l'activité « {act.id} »"


def code_bloc_rncp(cert: Certification) -> Iterator[Finding]:
    for bloc in cert.blocs:
        prefix = bloc.code[: -len("BC00")]
        if prefix and cert.code_rncp and prefix != cert.code_rncp:
            loc, path = bloc.src.at("code")
            yield loc, path, f"le code « {bloc.code} » ne commence pas par le code de la certification, {cert.code_rncp}"


# --- the fiche ------------------------------------------------------------------


def siret_luhn(cert: Certification) -> Iterator[Finding]:
    for c in cert.certificateurs:
        if re.fullmatch(r"\d{14}", c.siret) and not siret_valide(c.siret):
            loc, path = c.src.at("siret")
            yield loc, path, f"SIRET « {c.siret} » invalide (clé de contrôle fausse : faute de frappe ?)"


def siret_absent(cert: Certification) -> Iterator[Finding]:
    for c in cert.certificateurs:
        if not c.siret:
            loc, path = c.src.at("nom")
            yield loc, path, f"le SIRET de « {c.nom} » est à renseigner : la téléprocédure le demande"


def siret_valide(siret: str) -> bool:
    digits = [int(d) for d in siret]
    if siret.startswith("356000000"):  # La Poste's establishments: digit sum divisible by 5
        return sum(digits) % 5 == 0
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0


def voies_acces(cert: Certification) -> Iterator[Finding]:
    seen: dict[str, object] = {}
    for i, voie in enumerate(cert.voies_acces):
        if voie.voie in seen:
            loc, path = voie.src.at("voie")
            yield loc, path, f"voie d'accès « {voie.voie} » déjà décrite"
        seen.setdefault(voie.voie, voie)
        if voie.ouverte and not voie.jury:
            loc, path = voie.src.at("ouverte")
            yield loc, path, f"voie « {voie.voie} » ouverte : la composition du jury (jury:) est à décrire"


def voies_absentes(cert: Certification) -> Iterator[Finding]:
    if not cert.voies_acces:
        return
    missing = [v for v in VOIES if v not in {x.voie for x in cert.voies_acces}]
    if missing:
        loc, path = cert.src.at("voies_acces")
        yield loc, path, (
            "la fiche RNCP indique chaque voie d'accès, ouverte ou non ; à préciser : " + ", ".join(missing)
        )


def echelle(cert: Certification) -> Iterator[Finding]:
    e = cert.echelle
    if e.type == "points":
        if not e.bareme:
            loc, path = e.src.at("type")
            yield loc, path, "l'échelle à points demande un barème (bareme:), la note maximale d'un critère"
        if not e.seuil:
            loc, path = e.src.at("type")
            yield loc, path, "l'échelle à points demande un seuil (seuil:), la note à atteindre pour valider le bloc"
        elif e.bareme and e.seuil > e.bareme:
            loc, path = e.src.at("seuil")
            yield loc, path, f"le seuil ({e.seuil:g}) dépasse le barème ({e.bareme:g})"
    elif e.bareme or e.seuil:
        loc, path = e.src.at("bareme" if e.bareme else "seuil")
        yield loc, path, f"barème et seuil ne servent qu'à l'échelle à points (type: points), pas à « {e.type} »"


def fiche_html(cert: Certification) -> Iterator[Finding]:
    """The fiche's Markdown fields go to Word and to the web: no raw HTML either."""
    fields = [(cert, key, getattr(cert, key)) for key in ("objectifs_contexte", "activites_visees", "prerequis")]
    fields += [(v, "jury", v.jury) for v in cert.voies_acces]
    for owner, key, text in fields:
        for _line, _col, snippet in raw_html(text):
            loc, path = owner.src.at(key)
            yield loc, path, HTML_MESSAGE.format(snippet)


# --- writing advice -------------------------------------------------------------

_NOT_VERBS = {
    "lecture", "culture", "structure", "procédure", "mesure", "ouverture", "écriture", "gestionnaire",
    "partenaire", "dossier", "fournisseur", "premier", "dernier", "entier", "particulier", "métier",
    "leur", "notre", "votre", "autre", "chaque", "entre", "contre", "sur", "pour", "par",
}
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


def _fold(text: str) -> str:
    """Lower case without accents or extra spaces, for comparisons."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def starts_with_infinitive(text: str) -> bool:
    words = re.findall(r"[\w’'-]+", text)
    if not words:
        return False
    first = words[0].lower()
    if first in {"se", "s'", "s’"} or first.startswith(("s'", "s’")):
        first = first[2:] if len(first) > 2 else (words[1].lower() if len(words) > 1 else "")
    return first not in _NOT_VERBS and bool(re.search(r"(?:er|ir|ïr|re|oir)$", first))


def competence_verbe(cert: Certification) -> Iterator[Finding]:
    for comp in cert.competences:
        if not starts_with_infinitive(comp.texte):
            loc, path = comp.src.at("texte")
            word = comp.texte.split()[0] if comp.texte.split() else ""
            yield loc, path, (
                f"« {comp.id} » commence par « {word} » : une compétence commence par un verbe d'action à l'infinitif"
            )


def competence_finalite(cert: Certification) -> Iterator[Finding]:
    for comp in cert.competences:
        if not _PURPOSE.search(comp.texte):
            loc, path = comp.src.at("texte")
            yield loc, path, (
                f"« {comp.id} » ne dit pas sa finalité (« afin de », « pour », « en vue de », « de manière à »…)"
            )


def critere_observable(cert: Certification) -> Iterator[Finding]:
    for crit in cert.criteres:
        found = _NOT_OBSERVABLE.search(crit.texte)
        if found:
            loc, path = crit.src.at("texte")
            yield loc, path, (
                f"« {crit.id} » emploie « {found.group(0)} », qui ne s'observe pas : "
                "décrivez ce que le jury voit ou vérifie (identifie, réalise, justifie…)"
            )


def modalite_duree(cert: Certification) -> Iterator[Finding]:
    for mod in cert.modalites:
        if mod.duree and parse_duree(mod.duree) is None:
            loc, path = mod.src.at("duree")
            yield loc, path, f"durée « {mod.duree} » non comprise (écrire par exemple « 3 heures », « 1 h 30 », « 30 min »)"


CHECKS: tuple[Check, ...] = (
    Check("identifiant-unique", Severity.ERROR, "Chaque identifiant (activité, compétence, modalité, critère) et chaque code de bloc est unique.", identifiants_uniques),
    Check("reference-inconnue", Severity.ERROR, "Les activités et épreuves citées existent dans le même bloc.", references),
    Check("fc-hors-referentiel", Severity.ERROR, "France compétences : rien n'est évalué qui ne figure au référentiel de compétences du bloc.", hors_referentiel),
    Check("fc-competence-sans-modalite", Severity.ERROR, "France compétences : chaque compétence est évaluée par au moins une modalité.", competence_evaluee_modalite, needs_complete=True),
    Check("fc-competence-sans-critere", Severity.ERROR, "France compétences : chaque compétence a au moins un critère d'évaluation.", competence_evaluee_critere, needs_complete=True),
    Check("critere-modalite", Severity.ERROR, "Un critère rattaché à une épreuve porte sur une compétence que cette épreuve évalue.", critere_modalite),
    Check("modalite-sans-critere", Severity.ERROR, "Chaque épreuve a au moins un critère (sa grille n'est pas vide).", modalite_sans_critere, adjustable=True, needs_complete=True),
    Check("bloc-competences-min", Severity.ERROR, "Un bloc réunit au moins deux compétences.", bloc_competences_min, needs_complete=True),
    Check("competence-un-bloc", Severity.ERROR, "Une compétence appartient à un seul bloc.", competence_un_bloc),
    Check("code-bloc-rncp", Severity.ERROR, "Un code de bloc RNCPnnnnnBCnn reprend le code RNCP de la certification.", code_bloc_rncp),
    Check("siret", Severity.ERROR, "Le SIRET d'un certificateur a une clé de contrôle juste.", siret_luhn),
    Check("voie-acces", Severity.ERROR, "Chaque voie d'accès est décrite une fois ; une voie ouverte décrit son jury.", voies_acces),
    Check("echelle", Severity.ERROR, "L'échelle à points a un barème et un seuil cohérents.", echelle),
    Check("prose-html", Severity.ERROR, "La prose (Markdown) ne contient pas de HTML brut : elle va dans Word et sur le web.", fiche_html),
    Check("siret-absent", Severity.WARNING, "Chaque certificateur a son SIRET.", siret_absent, adjustable=True),
    Check("voie-acces-absente", Severity.WARNING, "Les six voies d'accès sont indiquées, ouvertes ou non.", voies_absentes, adjustable=True),
    Check("bloc-sans-activite", Severity.WARNING, "Un bloc décrit les activités dont il découle.", bloc_sans_activite, adjustable=True),
    Check("activite-sans-competence", Severity.WARNING, "Au moins une compétence découle de chaque activité.", activite_sans_competence, adjustable=True),
    Check("competence-verbe", Severity.WARNING, "Une compétence commence par un verbe d'action à l'infinitif.", competence_verbe, adjustable=True),
    Check("competence-finalite", Severity.WARNING, "Une compétence énonce sa finalité (« afin de », « pour »…).", competence_finalite, adjustable=True),
    Check("critere-observable", Severity.WARNING, "Un critère est observable (ni « connaître », ni « comprendre », ni « maîtriser »…).", critere_observable, adjustable=True),
    Check("modalite-duree", Severity.WARNING, "La durée d'une épreuve est lisible (« 3 heures », « 30 min »).", modalite_duree, adjustable=True),
)

CHECKS_BY_ID = {c.id: c for c in CHECKS}


def run(cert: Certification, report: Report) -> None:
    """Apply every check, with the project's severities, adding findings to the report."""
    overrides = _overrides(cert, report)
    complete = report.errors == 0
    for check in CHECKS:
        severity = overrides.get(check.id, check.severity)
        if severity == Severity.IGNORE or (check.needs_complete and not complete):
            continue
        for loc, path, message in check.func(cert):
            report.add(severity, check.id, loc, path, message)


def _overrides(cert: Certification, report: Report) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for rule, label in cert.regles.items():
        loc, path = cert.src.at(f"regles.{rule}")
        check = CHECKS_BY_ID.get(rule)
        if check is None:
            report.error("regle-inconnue", loc, path, f"règle « {rule} » inconnue{suggest(rule, CHECKS_BY_ID)}")
        elif not check.adjustable:
            report.error("regle-inconnue", loc, path, f"la règle « {rule} » ne peut pas être ajustée")
        else:
            out[rule] = Severity.parse(label)
    return out
