"""`dossier nouveau`: a new sources folder, from the few values a certificateur knows on day one.

What is not known yet is a placeholder marked in the sources (`a_adapter:`, the same ones
the importers write, see placeholders.py), the bloc is a model to replace, and the handbook's
rules chapters are templates marked as such: `dossier check` passes (with warnings), `dossier
build` makes drafts, and `dossier check --depot` lists everything left to do. The folder is
written all at once, or not at all.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import DossierError
from ..pipeline.owned import refuse_out
from ..sources.schema import SCHEMA_URL_BLOC, SCHEMA_URL_CERTIFICATION
from . import placeholders
from .livret_modeles import chapitres
from .placeholders import BLOC_MODELE
from .writer import dump, staged


@dataclass(frozen=True)
class Fiche:
    """What `dossier nouveau` asks for."""

    intitule: str
    niveau: int
    certificateur: str
    siret: str = ""
    version: str = "1.0"
    date: dt.date | None = None


def _certification(fiche: Fiche) -> dict:
    found: dict = {"intitule": fiche.intitule, "niveau": fiche.niveau, "version": fiche.version, "date": fiche.date}
    certificateur = {"nom": fiche.certificateur}
    if fiche.siret:
        certificateur["siret"] = fiche.siret
    found["certificateurs"] = [certificateur]
    cert = placeholders.complete(found, fiche.intitule, [])
    if not fiche.siret:
        cert.setdefault("a_adapter", {})["certificateurs"] = "le SIRET du certificateur"
    return cert


def _bloc() -> dict:
    return {
        "code": "BC01",
        "intitule": "Intitulé du bloc à écrire",
        "a_adapter": BLOC_MODELE,
        "activites": [{"id": "A1", "intitule": "Activité à décrire", "taches": ["Tâche ou situation de travail à décrire"]}],
        "competences": [
            {"id": "C1.1", "texte": "Rédiger la première compétence du bloc afin d'en montrer la forme attendue.", "activites": ["A1"]},
            {"id": "C1.2", "texte": "Rédiger la seconde compétence du bloc afin d'en montrer la forme attendue.", "activites": ["A1"]},
        ],
        "modalites": [{
            "id": "M1.1", "type": "mise_en_situation", "intitule": "Épreuve à décrire", "duree": "1 heure",
            "competences": ["C1.1", "C1.2"],
        }],
        "criteres": [
            {"id": "CR1.1", "texte": "Le premier résultat observé par le jury est décrit.", "competences": ["C1.1"]},
            {"id": "CR1.2", "texte": "Le second résultat observé par le jury est décrit.", "competences": ["C1.2"]},
        ],
    }


def files(fiche: Fiche) -> dict[str, str]:
    """Every file of the new project, by path relative to its folder."""
    head = "# Créé par dossier nouveau : les valeurs notées sous a_adapter: sont provisoires (dossier check --depot).\n"
    out = {
        "certification.yaml": dump(_certification(fiche), f"# yaml-language-server: $schema={SCHEMA_URL_CERTIFICATION}\n{head}"),
        "blocs/bc01.yaml": dump(_bloc(), f"# yaml-language-server: $schema={SCHEMA_URL_BLOC}\n"),
    }
    out.update({f"livret/{name}": text for name, text in chapitres().items()})
    return out


def create(folder: Path, fiche: Fiche) -> Path:
    """Write the new project into `folder`, which must not exist or be empty."""
    folder = Path(folder)
    refuse_out(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DossierError(f"{folder} existe déjà et n'est pas vide : choisissez un nouveau dossier")
    with staged(folder, "nouveau", files(fiche)) as staging:
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    return folder
