"""The fiche: SIRET, voies d'accès and their juries, the evaluation scale, prose without raw HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..sources.champs import over_limits
from ..sources.diagnostics import Severity
from ..sources.model import VOIES, Certification
from ..sources.prose import HTML_MESSAGE, MAX_NESTING, NESTING_MESSAGE, raw_html, too_deep
from .registry import Finding, Rules

rule = Rules()


@rule("siret", Severity.ERROR, "Le SIRET d'un certificateur ou d'un organisme habilité a une clé de contrôle juste.")
def siret_luhn(cert: Certification) -> Iterator[Finding]:
    for c in (*cert.certificateurs, *cert.partenaires):
        if re.fullmatch(r"\d{14}", c.siret) and not siret_valide(c.siret):
            loc, path = c.src.at("siret")
            yield loc, path, f"SIRET « {c.siret} » invalide (clé de contrôle fausse : faute de frappe ?)"


@rule("partenaire", Severity.ERROR, "Un organisme habilité figure une fois, et son habilitation finit après avoir commencé.")
def partenaire(cert: Certification) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for p in cert.partenaires:
        if p.siret in seen:
            loc, path = p.src.at("siret")
            yield loc, path, f"« {p.nom} » a le SIRET de « {seen[p.siret]} », déjà dans la liste des organismes habilités"
        seen.setdefault(p.siret, p.nom)
        if p.debut and p.fin and p.fin < p.debut:
            loc, path = p.src.at("fin")
            yield loc, path, f"l'habilitation de « {p.nom} » finit ({p.fin.isoformat()}) avant de commencer ({p.debut.isoformat()})"


@rule("champ-limite", Severity.ERROR, "Un champ de la fiche tient dans sa limite connue (intitulé : 800 caractères ; activités visées : 32 Ko ; capacités attestées : 64 Ko).", adjustable=True)
def champ_limite(cert: Certification) -> Iterator[Finding]:
    names = {"intitule": "l'intitulé", "activites_visees": "les activités visées", "capacites_attestees": "les capacités attestées (les compétences de tous les blocs)"}
    for key, limit, size in over_limits(cert):
        if key == "capacites_attestees":
            owner = cert.blocs[0] if cert.blocs else cert
            loc, path = owner.src.at("competences")
        else:
            loc, path = cert.src.at(key)
        yield loc, path, (
            f"{names[key]} : {size:,} {limit.unit}".replace(",", "\u202f")
            + f" dans la fiche, pour une limite de {limit.label()} ; raccourcissez le texte"
        )


@rule("siret-absent", Severity.WARNING, "Chaque certificateur a son SIRET.", adjustable=True)
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


@rule("voie-acces", Severity.ERROR, "Chaque voie d'accès est décrite une fois ; une voie ouverte décrit son jury.")
def voies_acces(cert: Certification) -> Iterator[Finding]:
    seen: dict[str, object] = {}
    for voie in cert.voies_acces:
        if voie.voie in seen:
            loc, path = voie.src.at("voie")
            yield loc, path, f"voie d'accès « {voie.voie} » déjà décrite"
        seen.setdefault(voie.voie, voie)
        if voie.ouverte and not voie.jury:
            loc, path = voie.src.at("ouverte")
            yield loc, path, f"voie « {voie.voie} » ouverte : la composition du jury (jury:) est à décrire"


@rule("voie-acces-absente", Severity.WARNING, "Les six voies d'accès sont indiquées, ouvertes ou non.", adjustable=True)
def voies_absentes(cert: Certification) -> Iterator[Finding]:
    if not cert.voies_acces:
        return
    missing = [v for v in VOIES if v not in {x.voie for x in cert.voies_acces}]
    if missing:
        loc, path = cert.src.at("voies_acces")
        yield loc, path, (
            "la fiche RNCP indique chaque voie d'accès, ouverte ou non ; à préciser : " + ", ".join(missing)
        )


@rule("echelle", Severity.ERROR, "L'échelle d'évaluation est cohérente : barème et seuil pour les points, règle et proportion pour les cases.")
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
        if e.regle != "tous" or e.proportion != 100:
            loc, path = e.src.at("regle" if e.regle != "tous" else "proportion")
            yield loc, path, "avec l'échelle à points, une compétence se juge sur la moyenne pondérée de ses critères : regle et proportion ne s'appliquent pas"
    elif e.bareme or e.seuil:
        loc, path = e.src.at("bareme" if e.bareme else "seuil")
        yield loc, path, f"barème et seuil ne servent qu'à l'échelle à points (type: points), pas à « {e.type} »"
    elif e.regle == "tous" and e.proportion != 100:
        loc, path = e.src.at("proportion")
        yield loc, path, "proportion ne sert qu'avec regle: proportion (une compétence acquise avec une part de ses critères)"


def _markdown_fields(cert: Certification):
    """The fiche's values written in Markdown: (object, key, text)."""
    fields = [(cert, key, getattr(cert, key)) for key in ("objectifs_contexte", "activites_visees", "prerequis")]
    return fields + [(v, "jury", v.jury) for v in cert.voies_acces]


@rule("prose-html", Severity.ERROR, "La prose (Markdown) ne contient pas de HTML brut : elle va dans Word et sur le web.")
def fiche_html(cert: Certification) -> Iterator[Finding]:
    """The fiche's Markdown fields go to Word and to the web: no raw HTML either."""
    for owner, key, text in _markdown_fields(cert):
        for _line, _col, snippet in raw_html(text):
            loc, path = owner.src.at(key)
            yield loc, path, HTML_MESSAGE.format(snippet)


@rule("prose-imbrication", Severity.ERROR, f"La prose n'imbrique pas listes, citations, mises en relief ou liens sur plus de {MAX_NESTING} niveaux.")
def fiche_nesting(cert: Certification) -> Iterator[Finding]:
    """Bounded here, before anything parses the Markdown: see sources/prose.py."""
    for owner, key, text in _markdown_fields(cert):
        deep = too_deep(text)
        if deep is not None:
            loc, path = owner.src.at(key)
            yield loc, path, f"ligne {deep[0]} du texte : " + NESTING_MESSAGE.format(deep[2], MAX_NESTING)
