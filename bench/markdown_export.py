"""The référentiel as Markdown, for pandoc: one grid table per bloc.

Same content as dossier's table: a row per competence, with the bloc's
activities (and tasks) and modalités in its first row, and each criterion
under the first competence it evaluates. Grid tables, not pipe tables,
because a cell holds several paragraphs and lists.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata

from dossier.sources.model import Bloc, Certification, Critere

HEADERS = ("Activités", "Compétences", "Modalités d'évaluation", "Critères d'évaluation")
WIDTHS = (28, 40, 36, 40)  # characters of text per column

Block = str | tuple[str, ...]  # a paragraph, or a bulleted list
Cell = list[Block]

_SPECIAL = re.compile(r"([\\`*_<>\[\]#|])")


def escape(text: str) -> str:
    """Plain text as Markdown: NFC (grid tables count characters), specials escaped."""
    return _SPECIAL.sub(r"\\\1", unicodedata.normalize("NFC", " ".join(text.split())))


def paragraphs(text: str) -> list[str]:
    return [escape(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def activities_cell(bloc: Bloc) -> Cell:
    cell: Cell = []
    for activite in bloc.activites:
        cell.append(f"**{activite.id} {escape(activite.intitule)}**")
        if activite.taches:
            cell.append(tuple(escape(t) for t in activite.taches))
    return cell


def modalities_cell(bloc: Bloc) -> Cell:
    cell: Cell = []
    for m in bloc.modalites:
        cell.append(f"**{m.id} {escape(m.type_libelle)} : {escape(m.intitule)}**")
        cell.append(f"Durée : {escape(m.duree)}")
        if m.conditions:
            cell.append(escape(m.conditions))
        cell.extend(paragraphs(m.description))
    return cell


def criteria_by_competence(bloc: Bloc) -> dict[str, list[Critere]]:
    """Each criterion under the first of its competences, in bloc order."""
    order = {c.id: i for i, c in enumerate(bloc.competences)}
    placed: dict[str, list[Critere]] = {c.id: [] for c in bloc.competences}
    for critere in bloc.criteres:
        own = sorted((ref for ref in critere.competences if ref in order), key=order.__getitem__)
        if own:
            placed[own[0]].append(critere)
    return placed


def bloc_rows(bloc: Bloc) -> list[tuple[Cell, ...]]:
    placed = criteria_by_competence(bloc)
    rows = []
    for index, competence in enumerate(bloc.competences):
        first = index == 0
        criteria = tuple(f"{c.id} {escape(c.texte)}" for c in placed[competence.id])
        rows.append((
            activities_cell(bloc) if first else [],
            [f"{competence.id} {escape(competence.texte)}"],
            modalities_cell(bloc) if first else [],
            [criteria] if criteria else [],
        ))
    return rows


def cell_lines(cell: Cell, width: int) -> list[str]:
    lines: list[str] = []
    for block in cell:
        if lines:
            lines.append("")
        if isinstance(block, tuple):
            for item in block:
                lines += textwrap.wrap(item, width, initial_indent="- ", subsequent_indent="  ")
        else:
            lines += textwrap.wrap(block, width)
    return lines


def row_lines(row: tuple[Cell, ...], widths: tuple[int, ...]) -> list[str]:
    columns = [cell_lines(cell, width) for cell, width in zip(row, widths)]
    height = max(1, *(len(c) for c in columns))
    return [
        "| " + " | ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(columns, widths)) + " |"
        for i in range(height)
    ]


def grid_table(rows: list[tuple[Cell, ...]], widths: tuple[int, ...] = WIDTHS) -> str:
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [rule, *row_lines(tuple([h] for h in HEADERS), widths), rule.replace("-", "=")]
    for row in rows:
        lines += row_lines(row, widths)
        lines.append(rule)
    return "\n".join(lines)


def referentiel_markdown(cert: Certification) -> str:
    title = json.dumps(f"Référentiel d'activités, de compétences et d'évaluation — {cert.intitule}", ensure_ascii=False)
    parts = [f"---\ntitle: {title}\nlang: fr\n---"]
    for bloc in cert.blocs:
        parts.append(f"## {escape(bloc.code)} — {escape(bloc.intitule)}")
        parts.append(grid_table(bloc_rows(bloc)))
    return "\n\n".join(parts) + "\n"
