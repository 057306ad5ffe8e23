"""The référentiel table's view: activités | compétences | évaluation (modalités, critères), bloc by bloc."""

from __future__ import annotations

from dataclasses import dataclass

from ..sources.model import Activite, Bloc, Certification, Competence, Critere, Modalite
from .common import Header, header
from .parts import Part, bloc_runs


@dataclass(frozen=True)
class CritereCell:
    critere: Critere
    autres_competences: tuple[str, ...]  # other competences it evaluates, shown beside it

    @property
    def note(self) -> str:
        parts = []
        if self.autres_competences:
            parts.append("évalue aussi " + ", ".join(self.autres_competences))
        if self.critere.modalites:
            which = "épreuve" if len(self.critere.modalites) == 1 else "épreuves"
            parts.append(f"{which} " + ", ".join(self.critere.modalites))
        return " ; ".join(parts)


# A row that would fill most of a printed page may be split across pages: a
# renderer that keeps such a row whole drops the repeated header instead
# (WeasyPrint does). Estimated from the text: about 45 characters a line in the
# narrow columns of a landscape page, about 38 lines a page.
LINE_CHARS = 45
LONG_ROW_LINES = 30


def _lines(text: str) -> int:
    return sum(1 + len(part) // LINE_CHARS for part in text.split("\n"))


@dataclass(frozen=True)
class RefRow:
    """One line of a bloc: a competence beside the criteria placed with it."""

    competence: Competence
    criteres: tuple[CritereCell, ...]

    @property
    def long(self) -> bool:
        criteria = sum(_lines(c.critere.texte + " " + c.note) for c in self.criteres)
        return max(_lines(self.competence.texte), criteria) > LONG_ROW_LINES


@dataclass(frozen=True)
class RefBloc:
    bloc: Bloc
    activites: tuple[Activite, ...]
    modalites: tuple[Modalite, ...]
    rows: tuple[RefRow, ...]

    @property
    def titre(self) -> str:
        return f"{self.bloc.code} — {self.bloc.intitule}"


COLONNES = (
    ("RÉFÉRENTIEL D'ACTIVITÉS", "décrit les situations de travail et les activités exercées, les métiers ou emplois visés"),
    ("RÉFÉRENTIEL DE COMPÉTENCES", "identifie les compétences et les connaissances, y compris transversales, qui découlent du référentiel d'activités"),
    ("RÉFÉRENTIEL D'ÉVALUATION", "définit les critères et les modalités d'évaluation des acquis"),
)
SOUS_COLONNES = ("MODALITÉS D'ÉVALUATION", "CRITÈRES D'ÉVALUATION")


@dataclass(frozen=True)
class ReferentielView:
    header: Header
    blocs: tuple[RefBloc, ...]
    titre: str = "Référentiel d'activités, de compétences et d'évaluation"
    bloc_par_page: bool = True  # printed: each bloc starts a page (and the PDF can be laid out in parts)
    colonnes: tuple[tuple[str, str], ...] = COLONNES
    sous_colonnes: tuple[str, ...] = SOUS_COLONNES


def ref_bloc(bloc: Bloc) -> RefBloc:
    placed: dict[str, list[CritereCell]] = {c.id: [] for c in bloc.competences}
    for crit in bloc.criteres:
        row = bloc.competence_de(crit)
        if row is None:
            continue  # reported by the checks; nothing sensible to place
        placed[row].append(CritereCell(crit, tuple(ref for ref in crit.competences if ref != row)))
    rows = tuple(RefRow(c, tuple(placed[c.id])) for c in bloc.competences)
    return RefBloc(bloc, bloc.activites, bloc.modalites, rows)


def referentiel(cert: Certification, brouillon: bool = False) -> ReferentielView:
    return ReferentielView(
        header(cert, brouillon), tuple(ref_bloc(b) for b in cert.blocs), bloc_par_page=cert.affichage.bloc_par_page
    )


def parts(view: ReferentielView) -> list[Part]:
    """The title block with the first run of blocs, then a run of blocs a part (each bloc starts a page)."""
    if not view.bloc_par_page:  # one continuous table: one piece
        return [Part(frozenset({"titre", *(f"bloc:{b.bloc.code}" for b in view.blocs)}))]
    runs = bloc_runs([f"bloc:{b.bloc.code}" for b in view.blocs]) or [[]]
    return [Part(frozenset(run) | ({"titre"} if i == 0 else set())) for i, run in enumerate(runs)]
