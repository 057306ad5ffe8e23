"""The épreuves of a Word référentiel's modalités cell: titles, durations, what is handed in, the jury.

Real files write an épreuve in several ways: « Étude de cas : De l'analyse du
marché… » then « Durée : 3 heures » below it; a bold title line; or a title and
its duration on one line, « Oral de présentation : 45 min », « Soutenance :
20 minutes ». A « Durée : … » line is the duration of the épreuve above it.
"""

from __future__ import annotations

import re

from ..sources.model import TYPES_MODALITE, parse_duree
from ..text import words

DUREE = re.compile(r"^\s*durée\s*:\s*(?P<d>.+)$", re.I)
M_ID = re.compile(r"^(?P<id>M\d+(?:\.\d+)?)\s+(?P<rest>.+)$", re.S)
TYPE_ALIASES = {
    "etude de cas": "etude_de_cas", "etudes de cas": "etude_de_cas",
    "rapport d activites": "rapport_activites", "rapport d activite": "rapport_activites",
    "mise en situation professionnelle": "mise_en_situation", "mise en situation": "mise_en_situation",
    "soutenance orale": "soutenance", "soutenance": "soutenance", "dossier professionnel": "dossier_professionnel",
    "entretien avec le jury": "entretien", "entretien": "entretien", "questionnaire": "questionnaire", "projet": "projet",
}
# Labels of a « label : duration » line that are not an épreuve: a time within the épreuve above.
NOT_EPREUVE = re.compile(r"^(?:dur[ée]e|temps|pr[ée]paration|pause|dont)\b", re.I)


def _kind(label: str) -> str:
    """The type of an épreuve from its label: a known name, or an oral; « autre » otherwise."""
    folded = words(label)
    if folded in TYPE_ALIASES:
        return TYPE_ALIASES[folded]
    found = next((k for name, k in sorted(TYPE_ALIASES.items(), key=lambda x: -len(x[0])) if folded.startswith(name + " ")), None)
    if found:
        return found
    return "soutenance" if re.match(r"^(?:oral|epreuve orale)\b", folded) else "autre"


def titled(text: str) -> tuple[str, str, str] | None:
    """(type, intitulé, durée) when a line opens an épreuve; durée "" when the line gives none."""
    head, sep, rest = text.partition(":")
    if sep and head.strip() and parse_duree(rest.strip()) is not None and not NOT_EPREUVE.match(head.strip()):
        return _kind(head), head.strip(), rest.strip()  # « Oral de présentation : 45 min »
    kind = TYPE_ALIASES.get(words(head))
    if kind is None:
        kind = next((k for label, k in sorted(TYPE_ALIASES.items(), key=lambda x: -len(x[0])) if words(text) == label), None)
        return (kind, text.strip(), "") if kind else None
    return kind, (rest.strip() or text.strip()), ""


def modalites(n: int, lines: list[tuple[str, bool]], competences: list[str], code: str, notes: list[str]) -> list[dict]:
    """The épreuves of bloc `n` from its modalités lines, (text without its bullet, bold), in order."""
    found: list[dict] = []
    for text, bold in lines:
        m_id = M_ID.match(text)
        ident, bare = (m_id.group("id"), m_id.group("rest").strip()) if m_id else (None, text)
        opened = titled(bare)
        if ident or opened or bold or not found:  # a new épreuve starts with its title
            kind, intitule, duree = opened or ("autre", bare, "")
            found.append({"id": ident or f"M{n}.{len(found) + 1}", "type": kind, "intitule": intitule, "duree": duree, "description": []})
            continue
        m = found[-1]
        duree = DUREE.match(text)
        if duree and not m["duree"]:
            m["duree"] = duree.group("d").strip()
        elif text.startswith("Jury :") and "jury" not in m:
            m["jury"] = text[len("Jury :"):].strip()
        elif text.startswith("À remettre :") and "livrables" not in m:
            m["livrables"] = [x.strip() for x in text[len("À remettre :"):].split(" ; ") if x.strip()]
        else:
            m["description"].append(text)
    out = []
    for m in found:
        if not m["duree"]:
            m["duree"] = "à préciser"
            notes.append(f"- {code} : l'épreuve « {m['intitule'][:60]} » n'indique pas de durée — à préciser.")
        item = {"id": m["id"], "type": m["type"], "intitule": m["intitule"], "duree": m["duree"]}
        if m["duree"] == "à préciser":
            item["a_adapter"] = "durée absente du document importé (une durée, ou « sans objet » pour une épreuve écrite)"
        if m["description"]:
            item["description"] = "\n\n".join(m["description"])
        for key in ("livrables", "jury"):
            if key in m:
                item[key] = m[key]
        item["competences"] = list(competences)
        out.append(item)
    if not out:
        notes.append(f"- {code} : aucune modalité d'évaluation trouvée — à compléter.")
    return out


assert set(TYPE_ALIASES.values()) <= set(TYPES_MODALITE)
