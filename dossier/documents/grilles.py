"""The jury's evaluation grids: one per épreuve, derived from the référentiel.

A grid lists exactly the criteria of its épreuve, grouped by competence, with
the project's scale; the decision rule comes from the same scale as the
handbook's. A grid may carry a candidate (pre-filled) or blank lines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..sources.candidats import Candidat
from ..sources.model import Bloc, Certification, Competence, Critere, Echelle, Modalite
from ..text import slug
from .common import Header, header, regle_decision

CASE = "☐"


@dataclass(frozen=True)
class Ligne:
    critere: Critere
    autres: tuple[str, ...]  # the other competences it evaluates (it is placed under the first)


@dataclass(frozen=True)
class Groupe:
    competence: Competence
    lignes: tuple[Ligne, ...]
    renvois: tuple[str, ...] = ()  # criteria placed under another competence that evaluate this one too


@dataclass(frozen=True)
class GrilleView:
    header: Header
    bloc: Bloc
    modalite: Modalite
    echelle: Echelle
    groupes: tuple[Groupe, ...]
    regle: str
    session: str = ""
    candidat: Candidat | None = None
    titre: str = "Grille d'évaluation"

    @property
    def stem(self) -> str:
        return f"{slug(self.bloc.code)}-{slug(self.modalite.id)}"

    @property
    def titre_complet(self) -> str:
        """The title of the file (its properties, the PDF's window title)."""
        return f"{self.titre} {self.bloc.code} {self.modalite.id}"

    @property
    def epreuve(self) -> str:
        return self.modalite.titre

    @property
    def niveaux(self) -> tuple[str, ...]:
        """The scale's boxes, one column each (empty for points)."""
        return {
            "acquis_non_acquis": ("Acquis", "Non acquis"),
            "trois_niveaux": ("Acquis", "Partiellement acquis", "Non acquis"),
        }.get(self.echelle.type, ())

    @property
    def points(self) -> bool:
        return self.echelle.type == "points"

    @property
    def paysage(self) -> bool:
        """Landscape when the scale needs more columns than a portrait page holds comfortably."""
        return self.points or len(self.niveaux) > 2

    @property
    def criteres(self) -> tuple[Critere, ...]:
        return tuple(ligne.critere for g in self.groupes for ligne in g.lignes)

    @property
    def total_poids(self) -> float:
        return sum(c.poids for c in self.criteres)

    @property
    def total_max(self) -> float:
        return self.total_poids * self.echelle.bareme

    @property
    def colonnes(self) -> int:
        return 2 + (3 if self.points else len(self.niveaux))  # critère, scale…, observations


def grille(cert: Certification, bloc: Bloc, modalite: Modalite, brouillon: bool = False) -> GrilleView:
    criteres = bloc.criteres_de(modalite)
    evaluated = [c for c in bloc.competences if c.id in modalite.competences]
    placed: dict[str, list[Ligne]] = {c.id: [] for c in evaluated}
    for crit in criteres:
        row = bloc.competence_de(crit, parmi=modalite.competences)
        if row is not None:
            placed[row].append(Ligne(crit, tuple(r for r in crit.competences if r != row)))
    # every competence the épreuve evaluates has its group, so the jury decides on each
    elsewhere = {c.id: tuple(ligne.critere.id for g in placed.values() for ligne in g if c.id in ligne.autres) for c in evaluated}
    groupes = tuple(Groupe(c, tuple(placed[c.id]), elsewhere[c.id]) for c in evaluated if placed[c.id] or elsewhere[c.id])
    return GrilleView(header(cert, brouillon), bloc, modalite, cert.echelle, groupes, regle_decision(cert.echelle))


def grilles(cert: Certification, brouillon: bool = False, bloc: str = "") -> list[GrilleView]:
    return [grille(cert, b, m, brouillon) for b in cert.blocs if not bloc or b.code == bloc for m in b.modalites]


def for_candidate(view: GrilleView, candidat: Candidat | None, session: str) -> GrilleView:
    return replace(view, candidat=candidat, session=session)
