"""The bundle to file with France compétences (build/dossier/).

- the référentiel in PDF and DOCX;
- a sheet ready to paste into the téléprocédure, bloc by bloc, with character counts;
- the fiche in France compétences' XML shape (the element names of the open-data export V4.1);
- a manifest with the SHA-256 of each file (`sha256sum -c MANIFEST.sha256` checks it).
"""

from __future__ import annotations

import hashlib
from xml.etree import ElementTree as ET

from ..sources.model import Certification

JURY_ELEMENTS = {
    "formation_initiale": "SI_JURY_FI",
    "apprentissage": "SI_JURY_CA",
    "formation_continue": "SI_JURY_FC",
    "contrat_professionnalisation": "SI_JURY_CQ",
    "candidature_libre": "SI_JURY_CL",
    "vae": "SI_JURY_VAE",
}


def competences_text(bloc) -> str:
    return "\n".join(f"* {c.texte}" for c in bloc.competences)


def modalites_text(bloc) -> str:
    parts = []
    for m in bloc.modalites:
        lines = [f"{m.type_libelle} : {m.intitule} (durée : {m.duree})"]
        lines += [x for x in (m.conditions, *[p for p in m.description.split("\n\n") if p]) if x]
        if m.livrables:
            lines.append("À remettre : " + " ; ".join(m.livrables))
        if m.jury:
            lines.append(f"Jury : {m.jury}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _field(title: str, text: str) -> str:
    return f"{title} ({len(text)} caractères) :\n{text}\n"


def teleprocedure(cert: Certification) -> bytes:
    """Plain text, bloc by bloc, each field with its character count (espaces comprises)."""
    out = [
        f"{cert.intitule} — version {cert.version}",
        "Texte à copier dans la téléprocédure de France compétences, bloc par bloc.",
        "Les nombres de caractères comptent les espaces et les retours à la ligne.",
        "",
    ]
    for b in cert.blocs:
        out.append("=" * 72)
        out.append(_field("Code du bloc", b.code))
        out.append(_field("Intitulé du bloc", b.intitule))
        out.append(_field("Liste de compétences", competences_text(b)))
        out.append(_field("Modalités d'évaluation", modalites_text(b)))
    return "\n".join(out).encode("utf-8")


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def fiche_xml(cert: Certification) -> bytes:
    """The fiche with the V4.1 export's element names, ready to compare with a published one."""
    root = ET.Element("FICHES")
    _sub(root, "VERSION_FLUX", "4.1")
    fiche = _sub(root, "FICHE")
    if cert.code_rncp:
        _sub(fiche, "NUMERO_FICHE", cert.code_rncp)
    _sub(fiche, "INTITULE", cert.intitule)
    formacodes = _sub(fiche, "FORMACODES")
    for code in cert.codes.formacode:
        _sub(_sub(formacodes, "FORMACODE"), "CODE", code)
    niveau = _sub(fiche, "NOMENCLATURE_EUROPE")
    _sub(niveau, "NIVEAU", f"NIV{cert.niveau}")
    _sub(niveau, "LIBELLE", f"Niveau {cert.niveau}")
    nsf = _sub(fiche, "CODES_NSF")
    for code in cert.codes.nsf:
        _sub(_sub(nsf, "NSF"), "CODE", code)
    certificateurs = _sub(fiche, "CERTIFICATEURS")
    for c in cert.certificateurs:
        el = _sub(certificateurs, "CERTIFICATEUR")
        _sub(el, "SIRET_CERTIFICATEUR", c.siret)
        _sub(el, "NOM_CERTIFICATEUR", c.nom)
    _sub(fiche, "ACTIVITES_VISEES", cert.activites_visees)
    _sub(fiche, "CAPACITES_ATTESTEES", "\n".join(f"* {c.texte}" for c in cert.competences))
    _sub(fiche, "TYPE_EMPLOI_ACCESSIBLES", "\n".join(cert.emplois_accessibles))
    rome = _sub(fiche, "CODES_ROME")
    for code in cert.codes.rome:
        _sub(_sub(rome, "ROME"), "CODE", code)
    voies = {v.voie: v for v in cert.voies_acces}
    for voie, tag in JURY_ELEMENTS.items():
        el = _sub(fiche, tag)
        v = voies.get(voie)
        _sub(el, "ACTIF", "Oui" if v is not None and v.ouverte else "Non")
        if v is not None and v.ouverte and v.jury:
            _sub(el, "COMPOSITION", v.jury)
    blocs = _sub(fiche, "BLOCS_COMPETENCES")
    for b in cert.blocs:
        el = _sub(blocs, "BLOC_COMPETENCES")
        _sub(el, "CODE", f"{cert.code_rncp}{b.code}" if cert.code_rncp and not b.code.startswith("RNCP") else b.code)
        _sub(el, "LIBELLE", b.intitule)
        _sub(el, "LISTE_COMPETENCES", competences_text(b))
        _sub(el, "MODALITES_EVALUATION", modalites_text(b))
    _sub(fiche, "OBJECTIFS_CONTEXTE", cert.objectifs_contexte)
    if cert.prerequis:
        _sub(fiche, "PREREQUIS_ENTREE_FORMATION", cert.prerequis)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def manifest(files: list[tuple[str, bytes]]) -> bytes:
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in sorted(files)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def bundle_files(cert: Certification, referentiel: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Every file of the bundle (relative to build/dossier/); `referentiel` maps its file names
    (the référentiel's PDF and DOCX, as the build named them) to their bytes."""
    files = sorted(referentiel.items())
    files.append(("teleprocedure.txt", teleprocedure(cert)))
    files.append(("fiche-rncp.xml", fiche_xml(cert)))
    return files + [("MANIFEST.sha256", manifest(files))]
