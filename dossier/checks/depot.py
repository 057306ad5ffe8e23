"""Ready to file: no example, placeholder or guessed value left in the sources, and the handbook's rules chapters there.

What is provisional is marked in the sources themselves: `a_adapter:` in certification.yaml
(key → what to do; the importers and `dossier nouveau` write it for every value they had to
invent), `a_adapter:` on a bloc or one of its items, and in the handbook a sentence such as
« Texte d'exemple, à adapter par le certificateur. ». Both rules are warnings: `--strict`
fails on them and the build makes no filing bundle while one remains (the other documents
are drafts, marked BROUILLON). `dossier check --depot` lists them, file by file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ..sources.diagnostics import Diagnostic, Loc, Report, Severity
from ..sources.model import Certification
from ..sources.schema import CERTIFICATION
from ..text import fold
from .registry import Finding, Rules

rule = Rules()

A_ADAPTER = "a-adapter"
LIVRET_REGLES = "livret-regles"
RULES = (A_ADAPTER, LIVRET_REGLES)  # what blocks the filing bundle, counted « à compléter avant dépôt »

# A handbook sentence that says its text is an example or a placeholder (accents and case folded).
_MARK = re.compile(r"texte d'exemple|\ba adapter\b|\ba completer\b|\(a completer\)")

_HEADING = re.compile(r" {0,3}#{1,3}\s")

# The handbook's rules chapters a candidate is entitled to: (what, words of its file name or title).
CHAPITRES = (
    ("handicap et aménagements des épreuves", "handicap", ("handicap", "amenagement")),
    ("recours", "recours", ("recours",)),
    ("rattrapage", "rattrapage", ("rattrapage",)),
    ("fraude", "fraude", ("fraude",)),
)


@rule(A_ADAPTER, Severity.WARNING, "Aucune valeur d'exemple, provisoire ou à adapter ne reste dans les sources (a_adapter:, « Texte d'exemple, à adapter » dans le livret).", adjustable=True)
def a_adapter(cert: Certification) -> Iterator[Finding]:
    for key, what in cert.a_adapter.items():
        marker_loc, _path = cert.src.at(f"a_adapter.{key}")
        if key not in CERTIFICATION.keys or key == "a_adapter":
            yield marker_loc, f"a_adapter.{key}", f"« {key} » n'est pas une clé de certification.yaml : corrigez ou retirez cette ligne"
            continue
        loc, path = cert.src.at(key)
        if key not in cert.src.locs:  # the value itself is absent: point at the marker
            loc = marker_loc
        yield loc, path, f"valeur provisoire, à adapter avant le dépôt : {what} ; puis retirez « {key} » de a_adapter:"
    for bloc in cert.blocs:
        items = [("le bloc", bloc.code, bloc)]
        items += [("l'activité", a.id, a) for a in bloc.activites]
        items += [("la compétence", c.id, c) for c in bloc.competences]
        items += [("l'épreuve", m.id, m) for m in bloc.modalites]
        items += [("le critère", c.id, c) for c in bloc.criteres]
        for label, ident, item in items:
            if item.a_adapter:
                loc, path = item.src.at("a_adapter")
                yield loc, path, (f"{label} {ident} reste à adapter : {item.a_adapter} ; adaptez-le, puis retirez "
                                  "la ligne a_adapter:")
    for prose in cert.prose:
        for number, line in enumerate(prose.texte.splitlines(), start=1):
            if _MARK.search(fold(line)):
                col = len(line) - len(line.lstrip(" >")) + 1
                yield Loc(prose.src.file, number, col), "", (
                    f"chapitre « {prose.titre} » marqué comme texte d'exemple : réécrivez-le pour votre certification, "
                    "puis retirez cette ligne"
                )


@rule(LIVRET_REGLES, Severity.WARNING, "Le livret a ses chapitres de règles : handicap et aménagements des épreuves, recours, rattrapage, fraude.", adjustable=True)
def livret_regles(cert: Certification) -> Iterator[Finding]:
    if not cert.src.file:
        return
    folder = Path(cert.src.file).parent / "livret"
    names = [fold(f"{p.name} {p.titre}") for p in cert.prose]  # a chapter, or a section of one (« ## Recours »)
    names += [fold(line) for p in cert.prose for line in p.texte.splitlines() if _HEADING.match(line)]
    for label, stem, words in CHAPITRES:
        if not any(w in name for name in names for w in words):
            yield Loc(f"{folder.as_posix()}/"), "", (
                f"le livret n'a pas de chapitre « {label} » : ajoutez-le (livret/{stem}.md, commençant par « # Titre » ; "
                "ou une section « ## … » d'un chapitre ; dossier nouveau en donne un modèle)"
            )


def pending(report: Report) -> list[Diagnostic]:
    """What is to complete before filing, at any severity the project gave these rules."""
    return [d for d in report.sorted() if d.rule in RULES]


def blocking(report: Report) -> list[Diagnostic]:
    """What keeps the filing bundle from being built: the pending items not accepted (info) by the project."""
    return [d for d in pending(report) if d.severity >= Severity.WARNING]
