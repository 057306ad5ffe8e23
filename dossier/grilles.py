"""The jury's evaluation grids: one per épreuve, derived from the référentiel.

A grid lists exactly the criteria of its épreuve, grouped by competence, with
the project's scale; the decision rule comes from the same scale as the
handbook's. A grid may carry a candidate (pre-filled) or blank lines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .documents import Header, header, slugify
from .livret import regle_decision
from .model import Bloc, Certification, Competence, Critere, Echelle, Modalite

CASE = "☐"


@dataclass(frozen=True)
class Candidat:
    nom: str
    prenom: str = ""
    numero: str = ""
    date: str = ""
    lieu: str = ""
    blocs: tuple[str, ...] = ()
    line: int = 0  # in the CSV

    @property
    def nom_complet(self) -> str:
        return f"{self.nom} {self.prenom}".strip()


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
        return f"{slugify(self.bloc.code)}-{slugify(self.modalite.id)}"

    @property
    def epreuve(self) -> str:
        m = self.modalite
        if slugify(m.intitule) == slugify(m.type_libelle):
            return m.intitule
        return f"{m.type_libelle} : {m.intitule}"

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
        return tuple(l.critere for g in self.groupes for l in g.lignes)

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
    order = {c.id: i for i, c in enumerate(evaluated)}
    placed: dict[str, list[Ligne]] = {c.id: [] for c in evaluated}
    for crit in criteres:
        own = sorted((ref for ref in crit.competences if ref in order), key=order.__getitem__)
        if own:
            placed[own[0]].append(Ligne(crit, tuple(r for r in crit.competences if r != own[0])))
    # every competence the épreuve evaluates has its group, so the jury decides on each
    elsewhere = {c.id: tuple(l.critere.id for g in placed.values() for l in g if c.id in l.autres) for c in evaluated}
    groupes = tuple(Groupe(c, tuple(placed[c.id]), elsewhere[c.id]) for c in evaluated if placed[c.id] or elsewhere[c.id])
    return GrilleView(header(cert, brouillon), bloc, modalite, cert.echelle, groupes, regle_decision(cert.echelle))


def grilles(cert: Certification, brouillon: bool = False, bloc: str = "") -> list[GrilleView]:
    return [grille(cert, b, m, brouillon) for b in cert.blocs if not bloc or b.code == bloc for m in b.modalites]


def for_candidate(view: GrilleView, candidat: Candidat | None, session: str) -> GrilleView:
    return replace(view, candidat=candidat, session=session)
