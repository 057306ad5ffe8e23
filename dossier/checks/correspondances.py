"""The renewal: correspondances that name what exists and say what they give, promotions, recommendations.

The rules here read this version's sources only. What needs the other version too — do the blocs and
competences a correspondance names of it exist there, has each of its blocs a decision — is
`against()`, applied by `dossier check` when the previous version can be read (a folder, a git
revision, an open-data fiche: importers/versions.py), under the declared rules below.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..sources.champs import short_code
from ..sources.diagnostics import Severity
from ..sources.model import Certification, Correspondance
from .registry import Finding, Rules

rule = Rules()


def _own_blocs(cert: Certification, c: Correspondance):
    codes = {short_code(x) for x in c.blocs}
    return [b for b in cert.blocs if short_code(b.code) in codes]


def _is_previous(cert: Certification, c: Correspondance) -> bool:
    return bool(cert.renouvellement.code) and c.fiche == cert.renouvellement.code


@rule("correspondance", Severity.ERROR,
      "Une correspondance nomme des blocs et des compétences qui existent (dans cette version, et dans la précédente quand ses blocs sont connus).")
def correspondance(cert: Certification) -> Iterator[Finding]:
    known = {short_code(b.code) for b in cert.blocs}
    previous = {short_code(k) for k in cert.renouvellement.blocs_precedents}
    for c in cert.correspondances:
        for i, code in enumerate(c.blocs):
            if short_code(code) not in known:
                loc, path = c.src.at(f"blocs[{i}]")
                yield loc, path, f"bloc « {code} » inconnu ; blocs : {', '.join(sorted(known))}"
        if _is_previous(cert, c) and previous:
            for i, code in enumerate(c.blocs_fiche):
                if short_code(code) not in previous:
                    loc, path = c.src.at(f"blocs_fiche[{i}]")
                    yield loc, path, (f"bloc « {code} » inconnu de la version précédente ({c.fiche}) ; ses blocs "
                                      f"(renouvellement.blocs_precedents) : {', '.join(previous)}")
        if c.type == "aucune":
            if c.blocs or c.competences:
                loc, path = c.src.at("type")
                yield loc, path, "une correspondance « aucune » ne nomme ni bloc ni compétence de cette certification"
            continue
        own = {comp.id for b in _own_blocs(cert, c) for comp in b.competences}
        everywhere = {comp.id for comp in cert.competences}
        for comp in c.competences:
            if comp not in own:
                loc, path = c.src.at(f"competences.{comp}")
                where = f"n'est pas une compétence des blocs {', '.join(c.blocs)}" if comp in everywhere else "inconnue"
                yield loc, path, f"compétence « {comp} » {where}"


@rule("correspondance-totale", Severity.ERROR,
      "Une correspondance totale justifie chaque compétence des blocs qu'elle donne par une compétence de l'autre certification.")
def correspondance_totale(cert: Certification) -> Iterator[Finding]:
    for c in cert.correspondances:
        if c.type != "totale" or not c.competences:
            continue
        missing = [comp.id for b in _own_blocs(cert, c) for comp in b.competences if comp.id not in c.competences]
        if missing:
            loc, path = c.src.at("type")
            yield loc, path, (f"correspondance totale, mais {', '.join(missing)} n'{'est' if len(missing) == 1 else 'sont'} "
                              f"justifiée{'s' if len(missing) > 1 else ''} par aucune compétence de {', '.join(c.blocs_fiche) or c.fiche} : "
                              "ajoutez-la sous competences:, ou dites la correspondance partielle")


@rule("correspondance-justifiee", Severity.WARNING,
      "Une correspondance dit si elle est totale, partielle ou sans objet (aucune), et nomme les compétences qui la justifient.",
      adjustable=True)
def correspondance_justifiee(cert: Certification) -> Iterator[Finding]:
    for c in cert.correspondances:
        if not c.type:
            loc, path = c.src.at("fiche")
            yield loc, path, "dites si la correspondance est totale, partielle ou aucune (type:)"
        elif c.type != "aucune" and not c.competences:
            loc, path = c.src.at("type")
            yield loc, path, ("nommez les compétences qui justifient la correspondance (competences: pour chaque compétence "
                              "de ces blocs, celles de l'autre certification) : une correspondance se fonde sur les compétences")
        elif c.type == "partielle":
            own = [comp.id for b in _own_blocs(cert, c) for comp in b.competences]
            if own and all(comp in c.competences for comp in own):
                loc, path = c.src.at("type")
                yield loc, path, "correspondance partielle, mais chaque compétence de ces blocs est justifiée : totale ?"


@rule("correspondance-a-relire", Severity.WARNING,
      "Une correspondance proposée par dossier diff --ecrire est relue (puis « proposee: true » retiré).", adjustable=True)
def correspondance_a_relire(cert: Certification) -> Iterator[Finding]:
    for c in cert.correspondances:
        if c.proposee:
            loc, path = c.src.at("proposee")
            olds = ", ".join(c.blocs_fiche) or c.fiche
            yield loc, path, (f"correspondance {olds} → {', '.join(c.blocs) or 'aucun bloc'} proposée par dossier diff, à relire : "
                              "vérifiez-la, puis retirez « proposee: true »")


def decided(cert: Certification) -> set[str]:
    """The previous version's blocs a correspondance decides on (short codes)."""
    return {short_code(x) for c in cert.correspondances if _is_previous(cert, c) for x in c.blocs_fiche}


@rule("correspondance-decision", Severity.WARNING,
      "Chaque bloc de la version précédente a sa décision : il correspond à un bloc de cette version, en partie, ou pas du tout (aucune).",
      adjustable=True)
def correspondance_decision(cert: Certification) -> Iterator[Finding]:
    done = decided(cert)
    for code in cert.renouvellement.blocs_precedents:
        if short_code(code) not in done:
            loc, path = cert.renouvellement.src.at(f"blocs_precedents.{code}")
            yield loc, path, _undecided(code, cert.renouvellement.code)


def _undecided(code: str, fiche: str) -> str:
    return (f"bloc {code} de la version précédente ({fiche}) sans décision : dites sous correspondances: s'il correspond "
            "à un bloc de cette version (totale ou partielle), ou à aucun (type: aucune)")


@rule("promotion", Severity.ERROR, "Une promotion figure une fois par année, et ses certifiés par la VAE sont parmi ses certifiés.")
def promotion(cert: Certification) -> Iterator[Finding]:
    seen: set[int] = set()
    for p in cert.promotions:
        if p.annee in seen:
            loc, path = p.src.at("annee")
            yield loc, path, f"promotion {p.annee} déjà déclarée"
        seen.add(p.annee)
        if p.certifies_vae is not None and p.certifies is not None and p.certifies_vae > p.certifies:
            loc, path = p.src.at("dont_vae")
            yield loc, path, f"{p.certifies_vae} certifiés par la VAE, pour {p.certifies} certifiés en tout"


@rule("renouvellement-promotions", Severity.WARNING,
      "Un renouvellement rend compte d'au moins deux promotions (une seule limite l'enregistrement à 3 ans).", adjustable=True)
def renouvellement_promotions(cert: Certification) -> Iterator[Finding]:
    if not cert.renouvellement.code or len(cert.promotions) >= 2:
        return
    if cert.promotions:
        loc, path = cert.promotions[0].src.at("annee")
        yield loc, path, ("une seule promotion déclarée : une certification qui n'a eu qu'une promotion ne peut être "
                          "enregistrée que pour 3 ans (décret n° 2025-500) ; déclarez chaque promotion sous promotions:")
    else:
        loc, path = cert.renouvellement.src.at("code")
        yield loc, path, ("un renouvellement rend compte des promotions (année, certifiés, dont VAE, insertion à 6 mois et "
                          "à 2 ans) : aucune sous promotions: ; avec une seule, l'enregistrement est limité à 3 ans")


@rule("renouvellement-recommandation", Severity.WARNING,
      "Chaque recommandation reçue dit comment cette version en tient compte.", adjustable=True)
def renouvellement_recommandation(cert: Certification) -> Iterator[Finding]:
    for r in cert.renouvellement.recommandations:
        if not r.prise_en_compte:
            loc, path = r.src.at("recommandation")
            yield loc, path, "dites comment cette recommandation est prise en compte (prise_en_compte:)"


rule.declare("correspondance-version", Severity.ERROR,
             "Les blocs et compétences qu'une correspondance nomme de la version précédente y existent (dossier check, "
             "quand la version précédente se lit : renouvellement.version_precedente ou --precedente).", adjustable=False)
rule.declare("version-precedente", Severity.WARNING,
             "La version précédente que nomme renouvellement.version_precedente se lit (sinon les correspondances ne sont pas "
             "vérifiées avec elle).")


def against(cert: Certification, other: Certification) -> Iterator[tuple[str, Finding]]:
    """(rule id, finding) of the correspondances with the previous version, read against it."""
    blocs = {short_code(b.code): b for b in other.blocs}
    comps = {c.id: short_code(b.code) for b in other.blocs for c in b.competences}
    for c in cert.correspondances:
        if not _is_previous(cert, c):
            continue
        for i, code in enumerate(c.blocs_fiche):
            if short_code(code) not in blocs:
                loc, path = c.src.at(f"blocs_fiche[{i}]")
                yield "correspondance-version", (loc, path, f"bloc « {code} » absent de la version précédente ; ses blocs : {', '.join(blocs)}")
        named = {short_code(x) for x in c.blocs_fiche}
        for comp, olds in c.competences.items():
            for old in olds:
                if old not in comps:
                    loc, path = c.src.at(f"competences.{comp}")
                    yield "correspondance-version", (loc, path, f"compétence « {old} » absente de la version précédente")
                elif named and comps[old] not in named:
                    loc, path = c.src.at(f"competences.{comp}")
                    yield "correspondance-version", (loc, path, f"« {old} » est une compétence du bloc {comps[old]} de la version "
                                                     f"précédente, pas des blocs {', '.join(c.blocs_fiche)}")
    recorded = {short_code(k) for k in cert.renouvellement.blocs_precedents}
    done = decided(cert)
    for code in blocs:
        if code not in done and code not in recorded:  # those recorded are reported by correspondance-decision already
            loc, path = cert.renouvellement.src.at("code")
            yield "correspondance-decision", (loc, path, _undecided(code, cert.renouvellement.code))
