"""The « Liste des organismes habilités »: the partners the certificateur authorises, with their habilitation.

Made only when `partenaires:` lists some. Décret n° 2025-500 has the
certificateur send this list to France compétences and update it within two
months of a change; the fiche XML carries the same partners (PARTENAIRES).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..sources.model import Certification
from ..text import date_fr, fold, plural
from .common import Header, header


@dataclass(frozen=True)
class Organisme:
    nom: str
    siret: str
    habilitation: str
    debut: str
    fin: str
    actif: bool


@dataclass(frozen=True)
class HabilitesView:
    header: Header
    titre: str
    au: str  # the date the list is read at: the version's
    resume: str
    organismes: tuple[Organisme, ...]


def _short(day) -> str:
    """« 01/09/2026 », as the fiche writes its dates; « — » for none."""
    return day.strftime("%d/%m/%Y") if day else "—"


def habilites(cert: Certification, brouillon: bool = False) -> HabilitesView:
    organismes = tuple(
        Organisme(
            p.nom, p.siret, p.habilitation_libelle, _short(p.debut), _short(p.fin),
            not (p.fin and cert.date and p.fin < cert.date),
        )
        for p in sorted(cert.partenaires, key=lambda p: fold(p.nom))
    )
    actifs = sum(o.actif for o in organismes)
    resume = f"{plural(len(organismes), 'organisme habilité', 'organismes habilités')}, dont {actifs} en activité au {date_fr(cert.date)}."
    return HabilitesView(header(cert, brouillon), "Liste des organismes habilités", date_fr(cert.date), resume, organismes)
