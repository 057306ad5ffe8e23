"""The one place where an importer writes a placeholder: a required value of the fiche the source does not give.

Every placeholder is listed in IMPORT.md with what to put instead, and marked in
certification.yaml itself (`a_adapter:`, key → what to write), so that `dossier check`
counts it and no filing bundle is built while one remains (checks/depot.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..sources.model import VOIES
from ..sources.schema import CERTIFICATION

TO_COMPLETE = "(à compléter)"
# `dossier nouveau`'s bloc: its marker goes once `import docx --dans` has brought a real bloc into it
BLOC_MODELE = "bloc modèle : remplacez-le par vos blocs (dossier import docx FICHIER --dans DOSSIER) ou réécrivez-le"

# key → (placeholder, what the author is to write there)
PLACEHOLDERS: dict[str, tuple[Any, str]] = {
    "intitule": (None, "l'intitulé de la certification"),  # made from the source's name
    "niveau": (5, "le niveau du cadre national (3 à 8)"),
    "certificateurs": ([{"nom": "(certificateur à compléter)"}], "le ou les certificateurs (raison sociale, SIRET)"),
    "version": ("1.0", "la version du référentiel"),
    "date": (dt.date(2000, 1, 1), "la date de la version"),
    "objectifs_contexte": (TO_COMPLETE, "les objectifs et le contexte de la certification"),
    "activites_visees": (TO_COMPLETE, "les activités visées"),
    "emplois_accessibles": ([TO_COMPLETE], "les types d'emplois accessibles"),
    "voies_acces": ([{"voie": v, "ouverte": False} for v in VOIES],
                    "les voies d'accès ouvertes et la composition de leurs jurys (toutes fermées en attendant)"),
    "echelle": ({"type": "acquis_non_acquis"}, "l'échelle d'évaluation des grilles (acquis / non acquis en attendant)"),
}


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "…" if value and isinstance(value[0], dict) else ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def complete(found: dict, source: str, notes: list[str]) -> dict:
    """certification.yaml's data: the values found, a placeholder for each required one missing — each listed in notes."""
    cert: dict = {}
    missing: list[str] = []
    marked: dict[str, str] = {}
    for key in CERTIFICATION.keys:  # the schema's order
        if key in found and found[key] not in (None, "", [], {}):
            cert[key] = found[key]
        elif key in PLACEHOLDERS:
            value, what = PLACEHOLDERS[key]
            if key == "intitule":
                value = f"(intitulé à compléter — importé de {source})"
            cert[key] = value
            marked[key] = what
            missing.append(f"  - `{key}: {_show(value)}` : {what}")
    if marked:
        cert["a_adapter"] = marked
    if missing:
        notes.append("- Valeurs provisoires de certification.yaml (la source ne les donne pas), à remplacer avant tout dépôt "
                     "(chacune est notée sous a_adapter: ; retirez-en la ligne une fois la valeur écrite) :")
        notes.extend(missing)
    return cert
