"""The review workbook's layout, shared by `export xlsx` and `import xlsx`: its sheets, columns and values.

A sheet « Fiche » (one row per value of certification.yaml, its YAML key in
the hidden column B), one sheet per bloc (a row for the bloc, then sections:
activities and their tasks, competences each followed by its criteria,
épreuves), the « Commentaire » column last on every sheet. Identifiers sit in
column B, locked. A very hidden sheet keeps every value as exported, so that
the import tells an edit in the workbook from a change made in the YAML since.

A value goes to a cell and back through its `Field`: the cell's value, the
text both sides are compared on, and the YAML value read from a cell (or the
reason it cannot be read).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ..sources.model import ECHELLES, TYPES_MODALITE, VOIES
from ..text import fold
from .yaml_rt import scalar_text

GUIDE, FICHE, ORIGIN = "Mode d'emploi", "Fiche", "_origine"
COMMENT_HEADER = "Commentaire"
KIND_BLOC, KIND_ACTIVITE, KIND_TACHE, KIND_COMPETENCE, KIND_CRITERE, KIND_EPREUVE = (
    "Bloc", "Activité", "Tâche", "Compétence", "Critère", "Épreuve")
ROW_KINDS = (KIND_ACTIVITE, KIND_TACHE, KIND_COMPETENCE, KIND_CRITERE, KIND_EPREUVE)
LIST_KEY = {KIND_ACTIVITE: "activites", KIND_COMPETENCE: "competences", KIND_CRITERE: "criteres", KIND_EPREUVE: "modalites"}
ID_PREFIX = {"activites": "A", "competences": "C", "criteres": "CR", "modalites": "M"}
YES, NO = "oui", "non"


class UnreadableError(ValueError):
    """A cell whose value cannot be read (the message says why, in French)."""


@dataclass(frozen=True)
class Field:
    key: str  # in the YAML object
    header: str
    kind: str = "text"  # text, lines, list, refs, int, number, date, bool, choice, shown (not read back)
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (YAML value, label) of a closed vocabulary
    width: int = 18

    # --- YAML → cell, and the text both sides are compared on ---------------------------

    def cell(self, value: Any) -> Any:
        if value is None:
            return None
        if self.kind in ("lines",):
            return "\n".join(scalar_text(v) for v in value) or None
        if self.kind in ("list", "refs"):
            return ", ".join(scalar_text(v) for v in value) or None
        if self.kind == "choice":
            return dict(self.choices).get(str(value), str(value))
        if self.kind == "bool":
            return YES if value else NO
        if self.kind == "date" and isinstance(value, dt.date):
            return value
        if self.kind in ("int", "number") and isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        return scalar_text(value).rstrip("\n")

    def text(self, value: Any) -> str:
        """The form two values are compared on: same text, same value."""
        if value is None or value == [] or value == "":
            return ""
        if self.kind == "lines":
            return "\n".join(_clean(scalar_text(v)) for v in value)
        if self.kind in ("list", "refs"):
            return ", ".join(_clean(scalar_text(v)) for v in value)
        if self.kind == "number" and isinstance(value, float) and value.is_integer():
            return str(int(value))
        return _clean(scalar_text(value))

    # --- cell → YAML ------------------------------------------------------------------------

    def read(self, raw: Any) -> Any:
        """The YAML value of a cell (None when empty), or UnreadableError."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if self.kind == "lines":
            return [line.strip() for line in _str(raw).split("\n") if line.strip()]
        if self.kind == "list":
            return [x for x in re.split(r"[,;\n]+\s*", _str(raw).strip()) if x.strip()]
        if self.kind == "refs":
            return [x for x in re.split(r"[\s,;]+", _str(raw).strip()) if x]
        if self.kind == "int":
            return _integer(raw)
        if self.kind == "number":
            return _number(raw)
        if self.kind == "date":
            return _date(raw)
        if self.kind == "bool":
            word = fold(_str(raw)).strip()
            if word in ("oui", "o", "vrai", "true", "1", "x"):
                return True
            if word in ("non", "n", "faux", "false", "0"):
                return False
            raise UnreadableError(f"« {raw} » : « oui » ou « non » attendu")
        if self.kind == "choice":
            wanted = fold(_str(raw)).strip()
            for value, label in self.choices:
                if wanted in (fold(label), fold(value)):
                    return value
            raise UnreadableError(f"« {raw} » n'est pas dans la liste ({', '.join(label for _, label in self.choices)})")
        return _clean(_str(raw))


def _clean(text: str) -> str:
    """Line ends as \\n, no trailing spaces at the end of the text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip()


def _str(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat()
    return str(raw)


def _integer(raw: Any) -> int:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    raise UnreadableError(f"« {raw} » n'est pas un nombre entier")


def _number(raw: Any) -> int | float:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return raw
    try:
        value = float(str(raw).strip().replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        raise UnreadableError(f"« {raw} » n'est pas un nombre") from None
    return int(value) if value.is_integer() else value


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    for pattern, order in ((r"(\d{4})-(\d{1,2})-(\d{1,2})", (0, 1, 2)), (r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", (2, 1, 0))):
        found = re.fullmatch(pattern, text)
        if found:
            parts = [int(found.group(i + 1)) for i in range(3)]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                break
    raise UnreadableError(f"« {raw} » n'est pas une date (JJ/MM/AAAA)")


TYPES = tuple(TYPES_MODALITE.items())
SCALES = tuple(ECHELLES.items())

# Bloc sheets: one section per kind, each with its header row; the same columns A (kind) and B (id).
BLOC_INTITULE = Field("intitule", "Intitulé du bloc", required=True, width=60)
SECTIONS: dict[str, tuple[str, tuple[Field, ...]]] = {
    KIND_ACTIVITE: ("Activités et tâches", (Field("intitule", "Intitulé de l'activité, ou tâche", required=True, width=60),)),
    KIND_COMPETENCE: ("Compétences et leurs critères d'évaluation", (
        Field("texte", "Texte", required=True, width=60),
        Field("activites", "Activités (compétence) ou compétences évaluées (critère)", "refs"),
        Field("evaluee_par", "Épreuves qui l'évaluent (compétence) ou épreuves du critère", "shown"),
        Field("poids", "Poids (critère, échelle à points)", "number"),
    )),
    KIND_EPREUVE: ("Épreuves (modalités d'évaluation)", (
        Field("intitule", "Intitulé", required=True, width=40),
        Field("type", "Type d'épreuve", "choice", required=True, choices=TYPES),
        Field("duree", "Durée", required=True, width=12),
        Field("competences", "Compétences évaluées", "refs", required=True),
        Field("conditions", "Conditions", width=30),
        Field("description", "Description", width=50),
        Field("livrables", "Livrables (un par ligne)", "lines", width=25),
        Field("remise", "Remise des livrables", width=25),
        Field("jury", "Jury", width=25),
    )),
}
# A criterion's row uses the competence section's columns with its own keys.
CRITERE_FIELDS = (
    Field("texte", "Texte", required=True),
    Field("competences", "Compétences évaluées", "refs", required=True),
    Field("modalites", "Épreuves", "refs"),
    Field("poids", "Poids", "number"),
)
COMPETENCE_FIELDS = SECTIONS[KIND_COMPETENCE][1][:2] + (Field("evaluee_par", "Épreuves", "shown"),)
WIDEST = max(len(fields) for _, fields in SECTIONS.values())
COMMENT_COLUMN = 3 + WIDEST  # C…: the fields, then the comment (1-based)


def fields_of(kind: str) -> tuple[Field, ...]:
    if kind == KIND_CRITERE:
        return CRITERE_FIELDS
    if kind == KIND_COMPETENCE:
        return COMPETENCE_FIELDS
    if kind == KIND_TACHE:
        return (Field("tache", "Tâche", required=True),)
    return SECTIONS[kind][1]


# The fiche: (YAML key path, label, field); voies and certificateurs are added per project.
FICHE_ROWS: tuple[tuple[str, str, Field], ...] = (
    ("intitule", "Intitulé de la certification", Field("intitule", "", required=True)),
    ("code_rncp", "Code RNCP (une fois enregistrée)", Field("code_rncp", "")),
    ("niveau", "Niveau (3 à 8)", Field("niveau", "", "int", required=True)),
    ("codes.nsf", "Codes NSF (séparés par des virgules)", Field("nsf", "", "list")),
    ("codes.rome", "Codes ROME", Field("rome", "", "list")),
    ("codes.formacode", "Formacodes", Field("formacode", "", "list")),
    ("version", "Version du référentiel", Field("version", "", required=True)),
    ("date", "Date de la version", Field("date", "", "date", required=True)),
    ("echelle.type", "Échelle d'évaluation", Field("type", "", "choice", required=True, choices=SCALES)),
    ("echelle.bareme", "Barème (échelle à points)", Field("bareme", "", "number")),
    ("echelle.seuil", "Seuil de validation (échelle à points)", Field("seuil", "", "number")),
    ("objectifs_contexte", "Objectifs et contexte", Field("objectifs_contexte", "", required=True)),
    ("activites_visees", "Activités visées", Field("activites_visees", "", required=True)),
    ("emplois_accessibles", "Emplois accessibles (un par ligne)", Field("emplois_accessibles", "", "lines", required=True)),
    ("prerequis", "Prérequis", Field("prerequis", "")),
)
CERTIFICATEUR_FIELDS = (("nom", "Raison sociale", True), ("siret", "SIRET", False), ("site", "Site web", False))


def voie_rows() -> list[tuple[str, str, Field]]:
    rows = []
    for voie, label in VOIES.items():
        rows.append((f"voies_acces.{voie}.ouverte", f"{label} : ouverte ?", Field("ouverte", "", "bool")))
        rows.append((f"voies_acces.{voie}.jury", f"{label} : jury", Field("jury", "")))
    return rows


def fiche_rows(data: dict) -> list[tuple[str, str, Field]]:
    """Every row of the « Fiche » sheet for this certification.yaml: (key path, label, field)."""
    rows = list(FICHE_ROWS)
    for i, _ in enumerate(data.get("certificateurs") or []):
        for key, label, required in CERTIFICATEUR_FIELDS:
            rows.append((f"certificateurs.{i + 1}.{key}", f"Certificateur {i + 1} : {label}", Field(key, "", required=required)))
    return rows + voie_rows()


def fiche_value(data: dict, path: str) -> Any:
    """The value at a fiche row's key path (« codes.nsf », « voies_acces.vae.jury », « certificateurs.1.nom »)."""
    parts = path.split(".")
    if parts[0] == "voies_acces":
        voie = next((v for v in data.get("voies_acces") or [] if isinstance(v, dict) and str(v.get("voie")) == parts[1]), {})
        return voie.get(parts[2])
    if parts[0] == "certificateurs":
        items = data.get("certificateurs") or []
        index = int(parts[1]) - 1
        return items[index].get(parts[2]) if index < len(items) and isinstance(items[index], dict) else None
    node: Any = data
    for part in parts:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def yaml_path(path: str) -> tuple[str | int, ...]:
    """A fiche row's key path as a change's path: certificateurs by index, voies by name."""
    parts: list[str | int] = list(path.split("."))
    if parts[0] == "certificateurs":
        parts[1] = int(parts[1]) - 1
    return tuple(parts)


def next_id(kind_key: str, bloc_number: int, taken: set[str]) -> str:
    """A new identifier in the importer's scheme (C1.5 after four competences of bloc 1), free everywhere."""
    prefix = ID_PREFIX[kind_key]
    k = 1 + sum(1 for t in taken if re.fullmatch(rf"{prefix}{bloc_number}(?:\.\d+)?", t))
    while f"{prefix}{bloc_number}.{k}" in taken:
        k += 1
    return f"{prefix}{bloc_number}.{k}"


def bloc_number(code: str, position: int) -> int:
    found = re.search(r"BC(\d{2})$", str(code))
    return int(found.group(1)) if found else position
