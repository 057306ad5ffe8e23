"""The téléprocédure sheet: every field of the fiche the online form asks for, ready to paste.

Each field shows its text as the fiche holds it (sources/champs.py: plain text,
paragraphs whole), its character count (spaces and line breaks included) and,
where one is known, its limit. One function per section (`SECTIONS`), in the
form's order: a section to come is one more function and one more entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..checks.dimensions import coverage
from ..sources.champs import LIMITS, Limit, bloc_code, capacites_text, competences_text, emplois_text, modalites_text, plain
from ..sources.model import VOIES, Certification
from ..text import date_fr
from ..typography import typeset

RULE = "=" * 72


@dataclass(frozen=True)
class Field:
    label: str
    text: str
    limit: Limit | None = None

    def render(self) -> str:
        count = f"{len(self.text)} caractère{'s' if len(self.text) > 1 else ''}"
        if self.limit is not None:
            size = self.limit.size(self.text)
            if self.limit.unit != "caractères":
                count += f", {size} {self.limit.unit}"
            count += f" ; limite : {self.limit.label()}"
            if size > self.limit.value:
                count += " — LIMITE DÉPASSÉE"
        return f"{self.label} ({count}) :\n{self.text}\n"


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...] = ()
    lines: tuple[str, ...] = ()  # a table or notes, for what is not a field to paste


def identite(cert: Certification) -> list[Section]:
    fields = [
        Field("Intitulé", cert.intitule, LIMITS["intitule"]),
        Field("Niveau", f"Niveau {cert.niveau}"),
        Field("Codes NSF", ", ".join(cert.codes.nsf)),
        Field("Codes ROME", ", ".join(cert.codes.rome)),
        Field("Formacodes", ", ".join(cert.codes.formacode)),
    ]
    fields += [Field("Certificateur", f"{c.nom} (SIRET {c.siret or 'à renseigner'})") for c in cert.certificateurs]
    return [Section("Intitulé, niveau et nomenclatures", tuple(f for f in fields if f.text))]


def presentation(cert: Certification) -> list[Section]:
    fields = [
        Field("Objectifs et contexte de la certification", plain(cert.objectifs_contexte)),
        Field("Activités visées", plain(cert.activites_visees), LIMITS["activites_visees"]),
        Field("Capacités attestées", capacites_text(cert), LIMITS["capacites_attestees"]),
        Field("Secteurs d'activités", plain(cert.secteurs_activite)),
        Field("Types d'emplois accessibles", emplois_text(cert)),
        Field("Prérequis à l'entrée en formation", plain(cert.prerequis)),
    ]
    return [Section("Présentation de la certification", tuple(f for f in fields if f.text))]


def voies_acces(cert: Certification) -> list[Section]:
    fields = []
    for v in cert.voies_acces:
        state = "ouverte" if v.ouverte else "non ouverte"
        fields.append(Field(VOIES.get(v.voie, v.voie), state))
        if v.ouverte and v.jury:
            fields.append(Field(f"Composition du jury — {VOIES.get(v.voie, v.voie)}", plain(v.jury)))
    return [Section("Voies d'accès et composition des jurys", tuple(fields))]


def blocs(cert: Certification) -> list[Section]:
    return [
        Section(f"Bloc {bloc_code(cert, b)}", (
            Field("Code du bloc", bloc_code(cert, b)),
            Field("Intitulé du bloc", b.intitule),
            Field("Liste de compétences", competences_text(b)),
            Field("Modalités d'évaluation", modalites_text(b)),
        ))
        for b in cert.blocs
    ]


def partenaires(cert: Certification) -> list[Section]:
    if not cert.partenaires:
        return []
    lines = []
    for p in cert.partenaires:
        period = " ; ".join(x for x in (
            f"depuis le {date_fr(p.debut)}" if p.debut else "", f"jusqu'au {date_fr(p.fin)}" if p.fin else "") if x)
        lines.append(f"* {p.nom} — SIRET {p.siret} — {p.habilitation_libelle}" + (f" ({period})" if period else ""))
    return [Section("Organismes habilités", lines=tuple(lines))]


def correspondances(cert: Certification) -> list[Section]:
    """Each correspondance: the other certification's blocs → this one's, total or partial, on which competences."""
    if not cert.correspondances:
        return []
    lines = []
    for c in cert.correspondances:
        ours = ", ".join(bloc_code(cert, b) for b in cert.blocs if b.code in c.blocs) or (
            "aucun bloc" if c.type == "aucune" else "la certification")
        theirs = ", ".join(c.blocs_fiche) or "la certification entière"
        kind = {"totale": "correspondance totale", "partielle": "correspondance partielle", "aucune": "aucune correspondance"}.get(
            c.type, "totale ou partielle : non précisé")
        lines.append(f"* {c.fiche} {theirs} → {ours} ({kind})")
        if c.competences:
            lines.append("  compétences en commun : " + " ; ".join(f"{k} ← {', '.join(v)}" for k, v in c.competences.items()))
        if c.notes:
            lines.append(f"  {plain(c.notes)}")
    return [Section("Correspondances déclarées (tableau de correspondance)", lines=tuple(lines))]


def promotions(cert: Certification) -> list[Section]:
    """The promotions' statistics, as a table (STATISTIQUES_PROMOTIONS)."""
    if not cert.promotions:
        return []

    def cell(value, unit: str = "") -> str:
        return "—" if value is None else f"{value:g}{unit}"

    rows = [("Année", "Certifiés", "Dont VAE", "Insertion à 6 mois", "Insertion dans le métier à 2 ans")]
    rows += [(str(p.annee), str(p.certifies), cell(p.certifies_vae), cell(p.insertion_6_mois, " %"), cell(p.insertion_metier_2_ans, " %"))
             for p in sorted(cert.promotions, key=lambda p: p.annee)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(f"{v:<{w}}" for v, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    if len(cert.promotions) < 2 and cert.renouvellement.code:
        lines.append("Une seule promotion : l'enregistrement est alors limité à 3 ans (décret n° 2025-500).")
    return [Section("Statistiques des promotions", lines=tuple(lines))]


def renouvellement(cert: Certification) -> list[Section]:
    """What this filing renews, and how each recommendation received was taken into account."""
    r = cert.renouvellement
    if not r.code:
        return []
    fields = [Field("Certification renouvelée", r.code)]
    for n, rec in enumerate(r.recommandations, start=1):
        fields.append(Field(f"Recommandation {n}", plain(rec.texte)))
        fields.append(Field(f"Prise en compte de la recommandation {n}", plain(rec.prise_en_compte) or "(à préciser)"))
    return [Section("Renouvellement : recommandations reçues et leur prise en compte", tuple(fields))]


def dimensions(cert: Certification) -> list[Section]:
    """The coverage of the four dimensions of the 2025 rules, as a table."""
    rows = [("Dimension", "Prise en compte", "Où")]
    for cov in coverage(cert):
        if cov.competences:
            where = "compétences " + ", ".join(cov.competences)
        elif cov.sans_objet:
            where = cov.sans_objet
        else:
            where = ""
        if cov.found:
            seen = ", ".join(f"{p.where} (« {p.mot} »)" for p in cov.found[:8]) + (" …" if len(cov.found) > 8 else "")
            where = (where + " ; " if where else "") + f"repérée dans {seen}"
        rows.append((cov.label, cov.status, where or "—"))
    widths = [max(len(r[i]) for r in rows) for i in range(2)]
    lines = [f"{r[0]:<{widths[0]}} | {r[1]:<{widths[1]}} | {r[2]}" for r in rows]
    lines.insert(1, f"{'-' * widths[0]}-+-{'-' * widths[1]}-+-{'-' * 20}")
    return [Section("Dimensions des règles de 2025 (décret n° 2025-500)", lines=tuple(lines))]


SECTIONS: tuple[Callable[[Certification], list[Section]], ...] = (
    identite, presentation, voies_acces, blocs, partenaires, correspondances, promotions, renouvellement, dimensions,
)


def teleprocedure(cert: Certification) -> bytes:
    """Plain text, field by field, each with its character count and its known limit."""
    out = [
        f"{cert.intitule} — version {cert.version}",
        "Texte à reporter dans la téléprocédure de France compétences, champ par champ.",
        "Les nombres de caractères comptent les espaces et les retours à la ligne ; les limites connues",
        "sont celles du format d'échange de France compétences (les octets comptent les lettres accentuées deux fois).",
        "",
    ]
    typo = typeset if cert.affichage.typographie else _plain
    for make in SECTIONS:
        for section in make(cert):
            out += [RULE, section.title, RULE, ""]
            # each field set before it is counted: the count is that of the text to paste
            out += [Field(f.label, typo(f.text), f.limit).render() for f in section.fields]
            if section.lines:
                out += [*section.lines, ""]
    return typo("\n".join(out)).encode("utf-8")


def _plain(text: str) -> str:
    return text
