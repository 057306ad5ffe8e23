"""The coverage matrix: which épreuve evaluates which competence, through which criteria."""

from __future__ import annotations

from dataclasses import dataclass

from ..sources.model import Bloc, Certification, Competence, Modalite


@dataclass(frozen=True)
class BlocCoverage:
    bloc: Bloc
    modalites: tuple[Modalite, ...]
    rows: tuple[tuple[Competence, tuple[int | None, ...]], ...]  # criteria per épreuve; None: not evaluated there



def coverage(cert: Certification) -> tuple[BlocCoverage, ...]:
    out = []
    for bloc in cert.blocs:
        per_mod = [(m, bloc.criteres_de(m)) for m in bloc.modalites]
        rows = []
        for comp in bloc.competences:
            counts = tuple(
                sum(1 for c in crits if comp.id in c.competences) if comp.id in m.competences else None
                for m, crits in per_mod
            )
            rows.append((comp, counts))
        out.append(BlocCoverage(bloc, bloc.modalites, tuple(rows)))
    return tuple(out)


def matrix_text(cert: Certification) -> str:
    """The matrix as plain text: a line per competence, a column per épreuve (criteria count)."""
    lines = []
    for cov in coverage(cert):
        ids = [m.id for m in cov.modalites]
        first = max([len("Compétence")] + [len(c.id) for c, _ in cov.rows])
        widths = [max(len(i), 3) for i in ids]
        lines.append(f"{cov.bloc.code} — {cov.bloc.intitule}")
        lines.append("  " + "Compétence".ljust(first) + "  " + "  ".join(i.rjust(w) for i, w in zip(ids, widths)))
        for comp, counts in cov.rows:
            cells = []
            for n, w in zip(counts, widths):
                cells.append(("·" if n is None else str(n)).rjust(w))
            if all(n is None for n in counts):
                mark = "  ← évaluée par aucune épreuve"
            elif not any(counts):
                mark = "  ← aucun critère"
            else:
                mark = ""
            lines.append("  " + comp.id.ljust(first) + "  " + "  ".join(cells) + mark)
        lines.append("")
    lines.append("(nombre de critères par compétence et par épreuve ; · = compétence non évaluée par cette épreuve)")
    return "\n".join(lines)
