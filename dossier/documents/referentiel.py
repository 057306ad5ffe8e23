"""The référentiel table's view: activités | compétences | évaluation (modalités, critères), bloc by bloc."""

from __future__ import annotations

from dataclasses import dataclass

from ..sources.model import Activite, Bloc, Certification, Competence, Critere, Modalite
from .common import Header, header
from .coverage import BlocCoverage, coverage
from .parts import PART_RUNS, Part, bloc_runs


@dataclass(frozen=True)
class CritereCell:
    """A criterion in a competence's row: in full where it is first printed, a reference in the rows after."""

    critere: Critere
    autres_competences: tuple[str, ...]  # the other competences it evaluates, in the bloc's order
    premiere: str  # the competence whose row gives its full text

    def est_renvoi(self, competence: str) -> bool:
        """In this competence's row, is the criterion a « voir CRx.y » (its text is in an earlier row)?"""
        return competence != self.premiere

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
ANNEX_RUN = 8  # blocs' matrices in a part of the annex, at least: about three pages
KEEP_LINES = 8  # the least a bloc's end carries onto a page of its own: about a quarter of a page


def _lines(text: str) -> int:
    return sum(1 + len(part) // LINE_CHARS for part in text.split("\n"))


@dataclass(frozen=True)
class RefRow:
    """One line of a bloc: a competence, the épreuves that assess it and every criterion that evaluates it."""

    competence: Competence
    criteres: tuple[CritereCell, ...]
    epreuves: tuple[Modalite, ...] = ()

    def renvoi(self, cell: CritereCell) -> bool:
        return cell.est_renvoi(self.competence.id)

    @property
    def lines(self) -> int:
        """Its estimated height, in lines of the narrow columns."""
        criteria = sum(_lines(c.critere.id if self.renvoi(c) else c.critere.texte + " " + c.note) for c in self.criteres)
        return max(_lines(self.competence.texte), criteria + 1)

    @property
    def long(self) -> bool:
        return self.lines > LONG_ROW_LINES


@dataclass(frozen=True)
class RefBloc:
    bloc: Bloc
    activites: tuple[Activite, ...]
    modalites: tuple[Modalite, ...]
    rows: tuple[RefRow, ...]

    @property
    def titre(self) -> str:
        return f"{self.bloc.code} — {self.bloc.intitule}"

    @property
    def avec_la_precedente(self) -> frozenset[int]:
        """The rows kept on the page of the row before them: the bloc's last rows, as many as make
        about a quarter of a page, so that a bloc longer than a page never leaves a short row alone
        on the next. The first two rows are never kept so: the bloc can still break after them (a
        renderer may also break elsewhere when it has no other choice)."""
        kept, lines = set(), 0
        for i in range(len(self.rows) - 1, 1, -1):
            if lines >= KEEP_LINES:
                break
            kept.add(i)
            lines += self.rows[i].lines
        return frozenset(kept)


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
    couverture: tuple[BlocCoverage, ...] = ()  # the annex: criteria per competence and épreuve, bloc by bloc
    titre_annexe: str = "Annexe — Couverture de l'évaluation : compétences et épreuves"


def ref_bloc(bloc: Bloc) -> RefBloc:
    """Each competence's row lists, in the order of `criteres:`, every criterion that evaluates it: in full
    in the first of their rows (in the bloc's order), as a reference in the others; and the épreuves
    that assess it."""
    order = [c.id for c in bloc.competences]
    placed: dict[str, list[CritereCell]] = {c: [] for c in order}
    for crit in bloc.criteres:
        rows = [c for c in order if c in crit.competences]
        for row in rows:
            placed[row].append(CritereCell(crit, tuple(r for r in rows if r != rows[0]), rows[0]))
    rows = tuple(
        RefRow(c, tuple(placed[c.id]), tuple(m for m in bloc.modalites if c.id in m.competences))
        for c in bloc.competences
    )
    return RefBloc(bloc, bloc.activites, bloc.modalites, rows)


def referentiel(cert: Certification, brouillon: bool = False) -> ReferentielView:
    return ReferentielView(
        header(cert, brouillon),
        tuple(ref_bloc(b) for b in cert.blocs),
        bloc_par_page=cert.affichage.bloc_par_page,
        couverture=coverage(cert),
    )


def parts(view: ReferentielView) -> list[Part]:
    """The title block with the first run of blocs, then a run of blocs a part (each bloc starts a page),
    then the annex."""
    if not view.bloc_par_page:  # one continuous table: one piece
        return [Part(frozenset({
            "titre", "annexe", *(f"bloc:{b.bloc.code}" for b in view.blocs), *(f"annexe:{b.bloc.code}" for b in view.blocs)
        }))]
    runs = bloc_runs([f"bloc:{b.bloc.code}" for b in view.blocs]) or [[]]
    table = [Part(frozenset(run) | ({"titre"} if i == 0 else set())) for i, run in enumerate(runs)]
    # the annex (the coverage matrix) begins a page: parts of its own, of several blocs' matrices each
    # (each part begins a page: a matrix or two alone would leave pages nearly empty)
    codes = [f"annexe:{b.bloc.code}" for b in view.blocs]
    size = max(ANNEX_RUN, -(-len(codes) // PART_RUNS))
    annex = [codes[i : i + size] for i in range(0, len(codes), size)] or [[]]
    return table + [Part(frozenset(run) | ({"annexe"} if i == 0 else set())) for i, run in enumerate(annex)]
