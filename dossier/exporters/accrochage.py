"""The Caisse des Dépôts « accrochage » file: a session's holders, reported to SI-CPF (Code du travail, L6113-8).

Pure functions, no file written (the session pipeline writes the bytes):
- `problemes(titulaires)` (from titulaires.py, with `Titulaire`): what is
  missing or malformed in each holder's identity, as (candidate number,
  French message), never quoting the data;
- `problemes_reglages(cert, settings)`: the same for the certificateur's own
  identifiers (idClient, idContrat…);
- `accrochage_xml(cert, settings, titulaires, date_obtention, horodatage)`:
  the file, one `passageCertification` per holder;
- `valider(xml, xsd)`: the file checked against an XSD the user provides
  (the Caisse's own, from the certificateurs' portal), messages in French;
- `id_technique(code, session, numero)`: the passage's stable identifier,
  for the certificateur's own records (decisions.csv).

The shape (`SHAPE`, below, in the XSD's order) follows the Caisse's XSD
version 1.1.2, namespace urn:cdc:cpf:pc5:schema:1.0.0, as public exporters
validate against it: every element that version requires is written, the
nillable ones with xsi:nil="true" when there is no value, the optional ones
(minOccurs 0) only when there is one. Later versions (1.1.5, 2.0.0) are
reported to add elements (an `action`, the NIR): adjust `SHAPE`, in this
one place, and validate with the new XSD (`valider`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..sources.model import Certification
from . import xsd
from .addresses import stable_uuid
from .titulaires import MODALITES, Titulaire, problemes

__all__ = [  # the holders' model and checks live in titulaires.py; the session reads them here
    "Accrochage", "Titulaire", "accrochage_xml", "id_technique", "problemes", "problemes_reglages", "valider",
]

NS = "urn:cdc:cpf:pc5:schema:1.0.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD_VERSION = "1.1.2"
NIL = f"{{{XSI}}}nil"


@dataclass(frozen=True)
class E:
    """One element of the shape: its name, its text's longest length, nillable or optional, its children."""

    name: str
    maxi: int = 0  # longest text, in characters (0: a code, a date, a number: no free text)
    nil: bool = False  # nillable: written with xsi:nil="true" when it has no value
    optional: bool = False  # minOccurs="0": left out when it has no value
    repeat: bool = False  # one element per value of a list (the passages)
    children: tuple[E, ...] = ()


TITULAIRE = (
    E("nomNaissance", 60),
    E("nomUsage", 60, nil=True),
    E("prenom1", 60),
    E("prenom2", 60, optional=True),
    E("prenom3", 60, optional=True),
    E("anneeNaissance"),  # 1900 to 2099
    E("moisNaissance", nil=True),
    E("jourNaissance", nil=True),
    E("sexe"),  # M or F
    E("codeCommuneNaissance", children=(  # one of the two
        E("codeInseeNaissance", optional=True, children=(E("codeInsee"),)),  # 5 characters
        E("codePostalNaissance", optional=True, children=(E("codePostal", 9, nil=True),)),
    )),
    E("libelleCommuneNaissance", 60, optional=True),
)
PASSAGE = (
    E("idTechnique", 255),
    E("obtentionCertification"),  # PAR_ADMISSION or PAR_SCORING
    E("donneeCertifiee"),
    E("dateDebutValidite"),
    E("dateFinValidite", nil=True),
    E("presenceNiveauLangueEuro"),
    E("presenceNiveauNumeriqueEuro"),
    E("scoring", 255, nil=True),
    E("mentionValidee", nil=True),
    E("modalitesInscription", children=(E("modaliteAcces", nil=True),)),
    E("identificationTitulaire", children=(E("titulaire", children=TITULAIRE),)),
)
SHAPE = E("flux", children=(
    E("idFlux", 50),
    E("horodatage"),  # date-time with its offset, to the second
    E("emetteur", children=(
        E("idClient", 8),  # exactly 8
        E("certificateurs", children=(E("certificateur", children=(
            E("idClient", 8),
            E("idContrat", 20),
            E("certifications", children=(E("certification", children=(
                E("type"),  # RNCP or RS
                E("code", 100),
                E("natureDeposant", optional=True),  # CERTIFICATEUR or TIERS_CONFIANCE
                E("passageCertifications", children=(E("passageCertification", repeat=True, children=PASSAGE),)),
            )),)),
        )),)),
    )),
))

OBTENTIONS = ("PAR_ADMISSION", "PAR_SCORING")
NATURES = ("CERTIFICATEUR", "TIERS_CONFIANCE")
_CODE = re.compile(r"(RNCP|RS)\d+")


@dataclass(frozen=True)
class Accrochage:
    """The certificateur's settings (session.yaml), and the session the passages belong to."""

    id_client: str  # the emitter's idClient at the Caisse (8 characters)
    id_contrat: str  # the certificateur's contract number (up to 20 characters)
    session: str = ""  # the session's own identifier: with the candidate's number, it makes idTechnique
    id_client_certificateur: str = ""  # when the emitter is not the certificateur (default: id_client)
    id_flux: str = ""  # default: derived from the certification, the session and the horodatage
    version: str = XSD_VERSION  # the Caisse's XSD the user validates with (--xsd); the shape written is XSD_VERSION's
    obtention: str = "PAR_ADMISSION"
    nature_deposant: str = "CERTIFICATEUR"  # "" leaves the element out


def id_technique(code: str, session: str, numero: str) -> str:
    """The passage's identifier: the same certification, session and candidate give the same one, on every run."""
    return stable_uuid(code.strip(), "accrochage", f"{session.strip()}|{numero.strip()}")


def problemes_reglages(cert: Certification, settings: Accrochage) -> list[str]:
    """What the Caisse would refuse in the certificateur's identifiers, before any holder is read."""
    out = []
    if not _CODE.fullmatch(cert.code_rncp or ""):
        out.append("la certification n'a pas de code RNCP ou RS (code_rncp dans certification.yaml) : le fichier le demande")
    for label, value in (("id_client", settings.id_client), ("id_client_certificateur", settings.id_client_certificateur)):
        if (value or label == "id_client") and len((value or "").strip()) != 8:
            out.append(f"{label} : l'identifiant client de la Caisse des Dépôts a exactement 8 caractères")
    if not 1 <= len((settings.id_contrat or "").strip()) <= 20:
        out.append("id_contrat : le numéro de contrat de la Caisse des Dépôts a de 1 à 20 caractères")
    if len(settings.id_flux) > 50:
        out.append("id_flux : au plus 50 caractères")
    if settings.obtention not in OBTENTIONS:
        out.append(f"obtention : {' ou '.join(OBTENTIONS)} attendu")
    if settings.nature_deposant and settings.nature_deposant not in NATURES:
        out.append(f"nature_deposant : {' ou '.join(NATURES)} attendu")
    return out


def accrochage_xml(
    cert: Certification, settings: Accrochage, titulaires: Sequence[Titulaire], date_obtention: dt.date, horodatage: dt.datetime
) -> bytes:
    """The accrochage file of the session's holders (those who validated the certification), UTF-8 bytes.

    `date_obtention` is the jury's decision (dateDebutValidite); `horodatage` the file's
    time stamp, an aware datetime (from SOURCE_DATE_EPOCH or the session, never the clock).
    Refuses holders with problems (`problemes`): report them first; and an empty list (no file then).
    """
    if not titulaires:
        raise ValueError("aucun titulaire : le fichier d'accrochage en demande au moins un (n'en écrivez pas)")
    if not isinstance(horodatage, dt.datetime) or horodatage.utcoffset() is None:
        raise ValueError("horodatage sans fuseau horaire : le fichier demande une heure avec son décalage (+01:00)")
    wrong = problemes(titulaires) + [("", m) for m in problemes_reglages(cert, settings)]
    if wrong:
        numero, message = wrong[0]
        first = f"candidat {numero} : {message}" if numero else message
        raise ValueError(f"données à corriger avant l'accrochage : {len(wrong)} problème(s), dont {first}")
    code = cert.code_rncp.strip()
    if isinstance(date_obtention, dt.datetime):
        date_obtention = date_obtention.date()
    stamp = horodatage.replace(microsecond=0).isoformat()
    values = {
        "idFlux": settings.id_flux or stable_uuid(code, "accrochage-flux", f"{settings.session}|{stamp}"),
        "horodatage": stamp,
        "emetteur": {
            "idClient": settings.id_client.strip(),
            "certificateurs": {"certificateur": {
                "idClient": (settings.id_client_certificateur or settings.id_client).strip(),
                "idContrat": settings.id_contrat.strip(),
                "certifications": {"certification": {
                    "type": "RS" if code.startswith("RS") else "RNCP",
                    "code": code,
                    "natureDeposant": settings.nature_deposant or None,
                    "passageCertifications": {"passageCertification": [
                        _passage(code, settings, t, date_obtention) for t in titulaires
                    ]},
                }},
            }},
        },
    }
    root = etree.Element(f"{{{NS}}}flux", nsmap={"cpf": NS, "xsi": XSI})
    _emit(root, SHAPE.children, values)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def _passage(code: str, settings: Accrochage, t: Titulaire, obtained: dt.date) -> dict:
    names = t.liste_prenoms
    year, month, day = t.naissance
    insee = (t.code_commune_naissance or "").strip().upper()
    commune = {"codeInseeNaissance": {"codeInsee": insee}} if insee else {
        "codePostalNaissance": {"codePostal": (t.code_postal_naissance or "").strip() or None}}
    return {
        "idTechnique": id_technique(code, settings.session, t.numero),
        "obtentionCertification": settings.obtention,
        "donneeCertifiee": "true",
        "dateDebutValidite": obtained.isoformat(),
        "dateFinValidite": None,  # a certification professionnelle is acquired for life
        "presenceNiveauLangueEuro": "false",
        "presenceNiveauNumeriqueEuro": "false",
        "scoring": None,
        "mentionValidee": None,
        "modalitesInscription": {"modaliteAcces": MODALITES.get((t.voie or "").strip().lower())},
        "identificationTitulaire": {"titulaire": {
            "nomNaissance": t.nom_naissance.strip(),
            "nomUsage": (t.nom_usage or "").strip() or None,
            "prenom1": names[0],
            "prenom2": names[1] if len(names) > 1 else None,
            "prenom3": names[2] if len(names) > 2 else None,
            "anneeNaissance": str(year),
            "moisNaissance": str(month) if month else None,
            "jourNaissance": str(day) if day else None,
            "sexe": t.sexe.strip().upper(),
            "codeCommuneNaissance": commune,
            "libelleCommuneNaissance": (t.lieu_naissance or "").strip() or None,
        }},
    }


def _emit(parent: etree._Element, shape: tuple[E, ...], values: Mapping) -> None:
    """Write `values` under `parent` in the shape's order: nil when nillable and empty, left out when optional."""
    for e in shape:
        value = values.get(e.name)
        tag = f"{{{NS}}}{e.name}"
        if e.repeat:
            for item in value or ():
                _emit(etree.SubElement(parent, tag), e.children, item)
        elif value is None or value == "":
            if e.nil:
                etree.SubElement(parent, tag, {NIL: "true"})
            elif not e.optional:
                raise ValueError(f"élément {e.name} sans valeur")
        elif e.children:
            _emit(etree.SubElement(parent, tag), e.children, value)
        else:
            if e.maxi and len(value) > e.maxi:  # problemes() says it first, for each holder
                raise ValueError(f"élément {e.name} : {len(value)} caractères, au plus {e.maxi}")
            etree.SubElement(parent, tag).text = value


def valider(xml: bytes, xsd_path: Path | str, numeros: Mapping[str, str] | None = None) -> list[str]:
    """The file checked against an XSD (the Caisse's own): [] when valid, else « ligne N : … » in French.

    `numeros` (idTechnique → candidate number) lets a message name the candidate; no
    message quotes a value (they are personal data).
    """
    return xsd.validate(xml, xsd_path, namespace=NS, prefix="cpf", record=("passageCertification", "idTechnique"),
                        names={k: f"candidat {v}" for k, v in (numeros or {}).items()}, record_label="passage")
