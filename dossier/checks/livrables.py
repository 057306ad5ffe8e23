"""What a candidate hands in: an épreuve with a written deliverable says what, how long, by when and where."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..sources.diagnostics import Severity
from ..sources.model import Certification, Modalite
from .registry import Finding, Rules

rule = Rules()

WRITTEN_TYPES = {"rapport_activites", "dossier_professionnel", "projet"}
_WRITTEN = re.compile(r"\b(?:rapport|dossier|mémoire|memoire|écrit|ecrit)\b", re.IGNORECASE)

_ASKED = (
    ("livrables", "ce qui est remis (livrables:)"),
    ("format", "sa longueur et son format (format:)"),
    ("remise", "la date limite et le lieu de remise (remise:)"),
)


def has_written_deliverable(m: Modalite) -> bool:
    """A report, a file or any writing handed in, rather than a test sat on the spot."""
    if m.livrables or m.type in WRITTEN_TYPES:
        return True
    return m.type not in {"etude_de_cas", "questionnaire"} and bool(_WRITTEN.search(m.description))


@rule(
    "epreuve-livrables",
    Severity.INFO,
    "Une épreuve qui demande un écrit dit au candidat ce qu'il remet, sa longueur et son format, quand et où.",
    adjustable=True,
)
def epreuve_livrables(cert: Certification) -> Iterator[Finding]:
    for m in cert.modalites:
        if not has_written_deliverable(m):
            continue
        missing = [label for key, label in _ASKED if not getattr(m, key)]
        if missing:
            loc, path = m.src.at("livrables" if m.livrables else "description" if m.description else "type")
            yield loc, path, (
                f"l'épreuve « {m.id} » demande un écrit, mais le livret ne dit pas au candidat "
                + ", ni ".join(missing)
            )
