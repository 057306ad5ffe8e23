"""A holder as the Caisse des Dépôts identifies them, and what is missing or malformed in their data.

`problemes(titulaires)` says, for each holder, as (candidate number, French
message), the field in cause and never its value: a session's messages name
a candidate by number, never by birth data. The accrochage file (accrochage.py)
is written only once there is none.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..sources.model import VOIES
from ..text import controls

# The voies d'accès of certification.yaml (and DOMAIN's short codes) → the Caisse's modaliteAcces.
MODALITES = {
    "formation_initiale": "FORMATION_INITIALE_HORS_APPRENTISSAGE", "fi": "FORMATION_INITIALE_HORS_APPRENTISSAGE",
    "apprentissage": "FORMATION_INITIALE_APPRENTISSAGE", "ca": "FORMATION_INITIALE_APPRENTISSAGE",
    "formation_continue": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    "fc": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION",
    "contrat_professionnalisation": "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
    "cq": "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION",
    "candidature_libre": "CANDIDAT_LIBRE", "cl": "CANDIDAT_LIBRE",
    "vae": "VAE",
    "equivalence_diplome_etranger": "EQUIVALENCE_DIPLOME_ETRANGER",
}
MODALITES |= {v.lower(): v for v in set(MODALITES.values())}
_INSEE = re.compile(r"(?:\d{2}|2[AB])\d{3}")  # 5 characters; 99xxx: born abroad (the country's INSEE code)


@dataclass(frozen=True)
class Titulaire:
    """A holder as the Caisse identifies them: civil-status identity, never anything else."""

    numero: str  # the candidate's number in the session: how every message names them
    nom_naissance: str = ""
    nom_usage: str = ""
    prenoms: str | tuple[str, ...] = ""  # « Marie, Anne »: the civil-status first names, the first one first
    sexe: str = ""  # M or F
    date_naissance: dt.date | str | None = None  # a date, or as candidats.csv writes it: AAAA-MM-JJ, JJ/MM/AAAA, AAAA
    code_commune_naissance: str = ""  # INSEE code (5 characters), 99xxx when born abroad
    code_postal_naissance: str = ""  # when the INSEE code is not known
    voie: str = ""  # voie d'accès (certification.yaml's names, or the Caisse's values)
    lieu_naissance: str = ""  # the commune's name (optional in the file)
    annee_naissance: int | None = None  # when only the year is known (month and day then written nil)

    @property
    def liste_prenoms(self) -> tuple[str, ...]:
        names = self.prenoms.split(",") if isinstance(self.prenoms, str) else self.prenoms
        return tuple(p.strip() for p in names if p and p.strip())

    @property
    def naissance(self) -> tuple[int, int | None, int | None] | None:
        """(year, month, day) of birth, month and day None when only the year is known; None when unknown or unreadable."""
        when = self.date_naissance
        if isinstance(when, dt.date):
            return when.year, when.month, when.day
        if isinstance(when, str) and when.strip():
            return _read_date(when.strip())
        if when is None or when == "":
            return (self.annee_naissance, None, None) if isinstance(self.annee_naissance, int) else None
        return None


def _read_date(text: str) -> tuple[int, int | None, int | None] | None:
    if re.fullmatch(r"\d{4}", text):
        return int(text), None, None
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text) or re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if not found:
        return None
    parts = [int(x) for x in found.groups()]
    year, month, day = parts if "-" in text else parts[::-1]
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return year, month, day


def problemes(titulaires: Iterable[Titulaire]) -> list[tuple[str, str]]:
    """Each holder's missing or malformed data, as (numero, message): the field is named, its value never shown."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for rank, t in enumerate(titulaires, 1):
        numero = (t.numero or "").strip()
        if not numero:
            out.append((f"(rang {rank})", "numéro de candidat manquant : il identifie le passage"))
        elif numero in seen:
            out.append((numero, "numéro de candidat en double : deux passages auraient le même idTechnique"))
        seen.add(numero)
        out += [(numero or f"(rang {rank})", m) for m in _holder(t)]
    return out


def _holder(t: Titulaire) -> list[str]:
    found = _text("nom de naissance (nom_naissance)", t.nom_naissance, 60, required=True)
    found += _text("nom d'usage (nom_usage)", t.nom_usage, 60)
    names = t.liste_prenoms
    if not names:
        found.append("prénom (prenoms) manquant")
    for i, name in enumerate(names[:3], 1):
        found += _text(f"prénom n° {i} (prenoms)", name, 60)
    if (t.sexe or "").strip().upper() not in ("M", "F"):
        found.append("sexe (sexe) manquant ou autre que « M » ou « F »")
    born = t.naissance
    if born is None and (t.date_naissance or t.annee_naissance is not None):
        found.append("date de naissance (date_naissance) illisible : AAAA-MM-JJ, JJ/MM/AAAA ou l'année seule attendue")
    elif born is None:
        found.append("date de naissance (date_naissance) manquante")
    elif not 1900 <= born[0] <= 2099:
        found.append("année de naissance (date_naissance) hors de 1900 à 2099")
    code = (t.code_commune_naissance or "").strip().upper()
    if code and not _INSEE.fullmatch(code):
        found.append("code commune de naissance (code_commune_naissance) : 5 caractères attendus, "
                     "le code INSEE de la commune (2A/2B pour la Corse), ou 99xxx pour une naissance à l'étranger")
    found += _text("code postal de naissance (code_postal_naissance)", t.code_postal_naissance, 9)
    found += _text("commune de naissance (lieu_naissance)", t.lieu_naissance, 60)
    if (t.voie or "").strip() and (t.voie or "").strip().lower() not in MODALITES:
        found.append(f"voie d'accès (voie) inconnue ; valeurs : {', '.join(VOIES)}")
    return found


def _text(label: str, value: str, longest: int, required: bool = False) -> list[str]:
    value = (value or "").strip()
    if not value:
        return [f"{label} manquant"] if required else []
    if controls(value) or "\t" in value or "\n" in value:
        return [f"{label} : contient un caractère de contrôle (tabulation, retour à la ligne…), interdit dans le fichier"]
    if len(value) > longest:
        return [f"{label} : {len(value)} caractères, au plus {longest} permis"]
    return []

