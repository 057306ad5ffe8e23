"""Alignments on ROME 4.0 and ESCO: each names one counterpart, and none is given twice."""

from __future__ import annotations

from collections.abc import Iterator

from ..sources.diagnostics import Severity
from ..sources.model import Certification
from .registry import Finding, Rules

rule = Rules()


@rule("alignement-cible", Severity.ERROR, "Un alignement nomme soit une compétence ROME 4.0 (rome), soit une compétence ESCO (esco).")
def alignement_cible(cert: Certification) -> Iterator[Finding]:
    for comp in cert.competences:
        for a in comp.alignements:
            written = [k for k in ("rome", "esco") if k in a.src.locs]
            if len(written) == 2:
                loc, path = a.src.at("esco")
                yield loc, path, "un alignement nomme soit « rome », soit « esco » : écrivez-en deux, un par référentiel"
            elif not written:
                yield a.src.loc, a.src.keypath, "alignement sans cible : indiquez « rome: » (code de compétence) ou « esco: » (URI)"


@rule("alignement-double", Severity.WARNING, "Une compétence ne cite pas deux fois la même compétence ROME ou ESCO.", adjustable=True)
def alignement_double(cert: Certification) -> Iterator[Finding]:
    for comp in cert.competences:
        seen: dict[tuple[str, str], int] = {}
        for a in comp.alignements:
            if not a.referentiel:
                continue
            key = (a.referentiel, a.code)
            if key in seen:
                loc, path = a.src.at(a.referentiel)
                yield loc, path, f"« {a.code} » déjà cité pour {comp.id} (ligne {seen[key]})"
            else:
                seen[key] = a.src.line
