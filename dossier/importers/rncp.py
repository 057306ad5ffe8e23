"""Import a fiche from France compétences' open-data export (XML, format V4.1).

The export is read as a stream (iterparse), one FICHE at a time, each cleared
once read: a full export of several hundred MB stays in bounded memory. Text
fields are plain in V4.1, with lists as `*` bullets; older exports carried
escaped, double-encoded HTML (`&lt;p&gt;… &amp;eacute;`), which is decoded.
The open data has no criteria: the imported project says so, and `dossier
check` lists the competences still to be given some.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import DossierError
from ..sources.read import UnreadableError, open_regular
from ..sources.rncp_export import clean
from . import placeholders

JURYS = {
    "SI_JURY_FI": "formation_initiale",
    "SI_JURY_CA": "apprentissage",
    "SI_JURY_FC": "formation_continue",
    "SI_JURY_CQ": "contrat_professionnalisation",
    "SI_JURY_CL": "candidature_libre",
    "SI_JURY_VAE": "vae",
}


def bullets(text: str) -> list[str]:
    """The items of a `*` list (on one line or several); the text itself when there is no list."""
    text = clean(text)
    parts = [" ".join(p.split()) for p in re.split(r"(?:^|\s)\*\s+", text) if p.strip()]
    return parts or ([text] if text else [])


def _first_fiche(path: Path, number: str) -> ET.Element:
    try:
        handle = open_regular(path)  # a regular file: a FIFO or a device would never end
    except UnreadableError as exc:
        raise DossierError(f"{path} : {exc.message}") from exc
    with handle:
        if os.fstat(handle.fileno()).st_size == 0:
            raise DossierError(f"{path} : fichier vide")
        return _find(handle, path, number)


def _find(handle, path: Path, number: str) -> ET.Element:
    root = None
    try:
        for event, el in ET.iterparse(handle, events=("start", "end")):
            if event == "start" and root is None:
                root = el
                if el.tag != "FICHES":
                    raise DossierError(f"{path} n'est pas un export des fiches RNCP (racine <{el.tag}>, <FICHES> attendue)")
                continue
            if event == "end" and el.tag == "FICHE":
                if (el.findtext("NUMERO_FICHE") or "").strip() == number:
                    return el
                root.remove(el)  # a fiche read is dropped: memory does not grow with the export
    except ET.ParseError as exc:
        raise DossierError(f"{path} : XML illisible ou tronqué ({exc})") from exc
    except OSError as exc:
        raise DossierError(f"{path} : lecture impossible ({exc.strerror})") from exc
    if root is None:
        raise DossierError(f"{path} : fichier vide")
    raise DossierError(f"{path} : la fiche {number} n'est pas dans cet export")


def _codes(fiche: ET.Element, path: str, pattern: str, limit: int) -> list[str]:
    return [c for c in ((e.text or "").strip() for e in fiche.findall(path)) if re.fullmatch(pattern, c)][:limit]


def read(path: Path, number: str) -> tuple[dict, list[dict], list[str]]:
    """(certification, blocs, notes) as plain data in the sources' format."""
    number = number.strip().upper()
    if not re.fullmatch(r"RNCP\d{3,6}", number):
        raise DossierError(f"« {number} » n'est pas un numéro de fiche (RNCP suivi de chiffres)")
    fiche = _first_fiche(Path(path), number)
    notes: list[str] = []
    niveau = re.search(r"\d", fiche.findtext("NOMENCLATURE_EUROPE/NIVEAU") or "")
    certificateurs = []
    for c in fiche.findall("CERTIFICATEURS/CERTIFICATEUR"):
        siret = (c.findtext("SIRET_CERTIFICATEUR") or "").strip()
        item = {"nom": clean(c.findtext("NOM_CERTIFICATEUR")) or placeholders.TO_COMPLETE}
        if siret:
            item["siret"] = siret
        else:
            notes.append(f"- Le certificateur « {item['nom']} » n'a pas de SIRET dans l'export : à renseigner.")
        certificateurs.append(item)
    voies = []
    for tag, voie in JURYS.items():
        el = fiche.find(tag)
        ouverte = el is not None and (el.findtext("ACTIF") or "").strip().lower() == "oui"
        item = {"voie": voie, "ouverte": ouverte}
        if ouverte:
            item["jury"] = clean(el.findtext("COMPOSITION")) or "(composition à compléter)"
        voies.append(item)
    emplois = bullets(fiche.findtext("TYPE_EMPLOI_ACCESSIBLES") or "")
    date = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4})", (fiche.findtext("DATE_EFFET") or "").strip())
    found = {
        "intitule": clean(fiche.findtext("INTITULE")),
        "code_rncp": number,
        "niveau": int(niveau.group(0)) if niveau else None,
        "codes": {
            "nsf": _codes(fiche, "CODES_NSF/NSF/CODE", r"\d{3}[a-z]?", 3),
            "rome": _codes(fiche, "CODES_ROME/ROME/CODE", r"[A-N]\d{4}", 5),
            "formacode": _codes(fiche, "FORMACODES/FORMACODE/CODE", r"\d{5}", 5),
        },
        "certificateurs": certificateurs,
        "date": dt.date(int(date.group(3)), int(date.group(2)), int(date.group(1))) if date else None,
        "objectifs_contexte": clean(fiche.findtext("OBJECTIFS_CONTEXTE")),
        "activites_visees": clean(fiche.findtext("ACTIVITES_VISEES")),
        "emplois_accessibles": emplois,
        "prerequis": clean(fiche.findtext("PREREQUIS_ENTREE_FORMATION")),
        "voies_acces": voies,
    }
    anciennes = _codes(fiche, "ANCIENNES_CERTIFICATIONS/ANCIENNE_CERTIFICATION/ID_FICHE_ANCIENNE_CERTIFICATION", r"RNCP\d{3,6}", 1)
    found["renouvellement"] = anciennes[0] if anciennes else None
    found["promotions"] = _promotions(fiche, notes)
    codes: dict[str, str] = {}  # the bloc codes as the fiche writes them → as the sources do
    blocs = []
    for n, b in enumerate(fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES"), start=1):
        raw = (b.findtext("CODE") or "").strip().upper()
        found_code = re.search(r"BC(\d{2})$", raw) or re.fullmatch(r"(\d{1,2})", raw)
        index = int(found_code.group(1)) if found_code else n
        code = f"{number}BC{index:02d}"
        codes[raw] = code
        if raw != code:
            notes.append(f"- Bloc « {raw or '(sans code)'} » : code écrit {code}.")
        competences = [
            {"id": f"C{index}.{i}", "texte": text} for i, text in enumerate(bullets(b.findtext("LISTE_COMPETENCES") or ""), start=1)
        ]
        items = bullets(b.findtext("MODALITES_EVALUATION") or "")
        modalites_text = "\n\n".join(items)  # one paragraph per item of the published list
        blocs.append({
            "code": code,
            "intitule": clean(b.findtext("LIBELLE")) or f"Bloc {index}",
            "competences": competences,
            "modalites": [{
                "id": f"M{index}.1",
                "type": "autre",
                "intitule": "Modalités d'évaluation (texte de la fiche publiée)",
                "duree": "à préciser",
                "a_adapter": "une seule épreuve faite du texte de la fiche publiée : à découper en épreuves, avec leur durée",
                "description": modalites_text or "(à compléter)",
                "competences": [c["id"] for c in competences],
            }],
            "criteres": [],
        })
    found["correspondances"] = _correspondances(fiche, codes, notes)
    cert = placeholders.complete(found, f"la fiche {number}", notes)
    notes.append(
        "- L'open data de France compétences ne publie pas de critères d'évaluation : chaque compétence "
        "reste à doter de critères (dossier check les liste), et les modalités, importées en un seul texte "
        "par bloc, sont à découper en épreuves (type, durée, conditions)."
    )
    return cert, blocs, notes


def _number(text: str | None, kind=int):
    try:
        return kind((text or "").strip().replace(",", "."))
    except ValueError:
        return None


def _promotions(fiche: ET.Element, notes: list[str]) -> list[dict]:
    """STATISTIQUES_PROMOTIONS, oldest first, in the sources' keys."""
    out = []
    for el in fiche.findall("STATISTIQUES_PROMOTIONS/STATISTIQUES_PROMOTION"):
        annee, certifies = _number(el.findtext("ANNEE")), _number(el.findtext("NOMBRE_CERTIFIES"))
        if annee is None or certifies is None:
            notes.append("- Une promotion sans année ou sans nombre de certifiés lisible n'a pas été importée.")
            continue
        item = {"annee": annee, "certifies": certifies}
        for key, tag, kind in (("dont_vae", "NOMBRE_CERTIFIES_VAE", int), ("insertion_6_mois", "TAUX_INSERTION_GLOBAL_6MOIS", float),
                               ("insertion_metier_2_ans", "TAUX_INSERTION_METIER_2ANS", float)):
            value = _number(el.findtext(tag), kind)
            if value is not None:
                item[key] = int(value) if value == int(value) else value
        out.append(item)
    return sorted(out, key=lambda p: p["annee"])


def _correspondances(fiche: ET.Element, codes: dict[str, str], notes: list[str]) -> list[dict]:
    """CORRESPONDANCES: this fiche's blocs (SOURCE) ↔ another fiche and its blocs (DESTINATION)."""
    out = []
    for el in fiche.findall("CORRESPONDANCES/CORRESPONDANCE"):
        other = (el.findtext("DESTINATION/NUMERO_FICHE") or "").strip().upper()
        if not re.fullmatch(r"RNCP\d{3,6}", other):
            notes.append(f"- Correspondance avec « {other or '(sans numéro)'} » non importée : seules celles avec une fiche RNCP le sont.")
            continue
        ours = [(e.text or "").strip().upper() for e in el.findall("SOURCE/BLOC_COMPETENCES/CODE")]
        item: dict = {"fiche": other}
        if ours:
            item["blocs"] = [codes.get(c, c) for c in ours if c]
        theirs = [(e.text or "").strip() for e in el.findall("DESTINATION/BLOC_COMPETENCES/CODE")]
        if theirs:  # BC01 rather than RNCP12345BC01, when the code is the other fiche's
            item["blocs_fiche"] = [c[len(other):] if c.upper().startswith(other + "BC") else c for c in theirs if c]
        out.append(item)
    if out:
        notes.append(
            f"- {len(out)} correspondance(s) importée(s) : l'open data ne dit ni si elles sont totales ou partielles, ni quelles "
            "compétences les justifient ; précisez type: et competences: (dossier check le demande)."
        )
    return out
