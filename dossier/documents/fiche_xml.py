"""The fiche in France compétences' XML shape: the element names and the plain text of the open-data export V4.1.

One function per section of the FICHE, in the export's order (`SECTIONS`): a
section to come is one more function and one more entry. Texts are those of sources/champs.py: paragraphs
whole, lists as `*` items, no Markdown marker.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree as ET

from ..sources.champs import bloc_code, capacites_text, competences_text, emplois_text, modalites_text, plain, short_code
from ..sources.model import Certification

JURY_ELEMENTS = {
    "formation_initiale": "SI_JURY_FI",
    "apprentissage": "SI_JURY_CA",
    "formation_continue": "SI_JURY_FC",
    "contrat_professionnalisation": "SI_JURY_CQ",
    "candidature_libre": "SI_JURY_CL",
    "vae": "SI_JURY_VAE",
}


def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def identite(fiche: ET.Element, cert: Certification) -> None:
    if cert.code_rncp:
        sub(fiche, "NUMERO_FICHE", cert.code_rncp)
    if cert.renouvellement.code:
        sub(sub(sub(fiche, "ANCIENNES_CERTIFICATIONS"), "ANCIENNE_CERTIFICATION"), "ID_FICHE_ANCIENNE_CERTIFICATION", cert.renouvellement.code)
    sub(fiche, "INTITULE", cert.intitule)


def nomenclatures(fiche: ET.Element, cert: Certification) -> None:
    formacodes = sub(fiche, "FORMACODES")
    for code in cert.codes.formacode:
        sub(sub(formacodes, "FORMACODE"), "CODE", code)
    niveau = sub(fiche, "NOMENCLATURE_EUROPE")
    sub(niveau, "NIVEAU", f"NIV{cert.niveau}")
    sub(niveau, "LIBELLE", f"Niveau {cert.niveau}")
    nsf = sub(fiche, "CODES_NSF")
    for code in cert.codes.nsf:
        sub(sub(nsf, "NSF"), "CODE", code)


def certificateurs(fiche: ET.Element, cert: Certification) -> None:
    el = sub(fiche, "CERTIFICATEURS")
    for c in cert.certificateurs:
        item = sub(el, "CERTIFICATEUR")
        sub(item, "SIRET_CERTIFICATEUR", c.siret)
        sub(item, "NOM_CERTIFICATEUR", c.nom)


def partenaires(fiche: ET.Element, cert: Certification) -> None:
    """EXISTENCE_PARTENAIRES, and PARTENAIRES as the export writes them (ETAT_HABILITATION: at the version's date)."""
    sub(fiche, "EXISTENCE_PARTENAIRES", "Oui" if cert.partenaires else "Non")
    if not cert.partenaires:
        return
    el = sub(fiche, "PARTENAIRES")
    for p in cert.partenaires:
        item = sub(el, "PARTENAIRE")
        sub(item, "NOM_PARTENAIRE", p.nom)
        sub(item, "SIRET_PARTENAIRE", p.siret)
        sub(item, "HABILITATION_PARTENAIRE", f"HABILITATION_{p.habilitation}")
        ended = p.fin is not None and cert.date is not None and p.fin < cert.date
        sub(item, "ETAT_HABILITATION", "Inactif" if ended else "Actif")
        changed = p.fin if ended else p.debut
        if changed:
            sub(item, "DATE_DERNIERE_MODIFICATION_ETAT", changed.strftime("%d/%m/%Y"))


def textes(fiche: ET.Element, cert: Certification) -> None:
    sub(fiche, "ACTIVITES_VISEES", plain(cert.activites_visees))
    sub(fiche, "CAPACITES_ATTESTEES", capacites_text(cert))
    if cert.secteurs_activite:
        sub(fiche, "SECTEURS_ACTIVITE", plain(cert.secteurs_activite))
    sub(fiche, "TYPE_EMPLOI_ACCESSIBLES", emplois_text(cert))
    rome = sub(fiche, "CODES_ROME")
    for code in cert.codes.rome:
        sub(sub(rome, "ROME"), "CODE", code)


def jurys(fiche: ET.Element, cert: Certification) -> None:
    voies = {v.voie: v for v in cert.voies_acces}
    for voie, tag in JURY_ELEMENTS.items():
        el = sub(fiche, tag)
        v = voies.get(voie)
        sub(el, "ACTIF", "Oui" if v is not None and v.ouverte else "Non")
        if v is not None and v.ouverte and v.jury:
            sub(el, "COMPOSITION", plain(v.jury))


def _number(value: float) -> str:
    """12 for 12.0, 81.5 as is: the export writes whole numbers."""
    return f"{value:g}"


def promotions(fiche: ET.Element, cert: Certification) -> None:
    """STATISTIQUES_PROMOTIONS: one STATISTIQUES_PROMOTION per year, the most recent first (as the export)."""
    if not cert.promotions:
        return
    el = sub(fiche, "STATISTIQUES_PROMOTIONS")
    for p in sorted(cert.promotions, key=lambda p: -p.annee):
        item = sub(el, "STATISTIQUES_PROMOTION")
        sub(item, "ANNEE", str(p.annee))
        sub(item, "NOMBRE_CERTIFIES", str(p.certifies))
        for tag, value in (("NOMBRE_CERTIFIES_VAE", p.certifies_vae), ("TAUX_INSERTION_GLOBAL_6MOIS", p.insertion_6_mois),
                           ("TAUX_INSERTION_METIER_2ANS", p.insertion_metier_2_ans)):
            if value is not None:
                sub(item, tag, _number(value))


def blocs(fiche: ET.Element, cert: Certification) -> None:
    el = sub(fiche, "BLOCS_COMPETENCES")
    for b in cert.blocs:
        item = sub(el, "BLOC_COMPETENCES")
        sub(item, "CODE", bloc_code(cert, b))
        sub(item, "LIBELLE", b.intitule)
        sub(item, "LISTE_COMPETENCES", competences_text(b))
        sub(item, "MODALITES_EVALUATION", modalites_text(b))


def contexte(fiche: ET.Element, cert: Certification) -> None:
    sub(fiche, "OBJECTIFS_CONTEXTE", plain(cert.objectifs_contexte))
    if cert.prerequis:
        sub(fiche, "PREREQUIS_ENTREE_FORMATION", plain(cert.prerequis))


def correspondances(fiche: ET.Element, cert: Certification) -> None:
    """CORRESPONDANCES: SOURCE, this fiche's blocs (none: the whole certification); DESTINATION, the other
    fiche and its blocs (none: the whole certification). The export says nothing of total or partial, nor
    of the competences: those stay in the tableau de correspondance. « aucune » is no correspondance."""
    found = [c for c in cert.correspondances if c.type != "aucune"]
    if not found:
        return
    el = sub(fiche, "CORRESPONDANCES")
    ours = {short_code(b.code): b for b in cert.blocs}
    for c in found:
        item = sub(el, "CORRESPONDANCE")
        if c.blocs:
            source = sub(item, "SOURCE")
            for code in c.blocs:
                bloc = ours.get(short_code(code))
                sub(sub(source, "BLOC_COMPETENCES"), "CODE", bloc_code(cert, bloc) if bloc else code)
        destination = sub(item, "DESTINATION")
        sub(destination, "NUMERO_FICHE", c.fiche)
        for code in c.blocs_fiche:
            full = code if code.startswith("RNCP") else f"{c.fiche}{code}"
            sub(sub(destination, "BLOC_COMPETENCES"), "CODE", full)


SECTIONS: tuple[Callable[[ET.Element, Certification], None], ...] = (
    identite, nomenclatures, certificateurs, partenaires, textes, jurys, promotions, blocs, contexte, correspondances,
)


def fiche_xml(cert: Certification) -> bytes:
    """The fiche with the V4.1 export's element names, ready to compare with a published one."""
    root = ET.Element("FICHES")
    sub(root, "VERSION_FLUX", "4.1")
    fiche = sub(root, "FICHE")
    for section in SECTIONS:
        section(fiche, cert)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
