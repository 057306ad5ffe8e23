"""The jury's evaluation grids: one per épreuve, derived from the référentiel.

A grid assesses its épreuve only: exactly its criteria, grouped under the
competence each evaluates, with the project's scale, then the competence's
conclusion for this épreuve (boxes scales). The bloc is decided on all its
épreuves, in the synthesis sheet: never on a grid. The rule that turns criteria
into a competence is written on the grid, from the same scale as the
handbook's. A grid may carry a candidate (pre-filled) and the session's jury, or
blank lines: as many signature rows as the largest jury of the open voies d'accès.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..sources.candidats import Candidat
from ..sources.model import Bloc, Certification, Competence, Critere, Echelle, Modalite
from ..text import fold, slug
from .common import Header, header, regle_competence

JURY_PAR_DEFAUT = 3  # signature rows when no voie d'accès says how many members its jury has
NOMBRES = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10}
_COUNT = r"(\d+|" + "|".join(NOMBRES) + r")"


@dataclass(frozen=True)
class Membre:
    """A member of the jury who signs the grid (the session's jury, when given)."""

    nom: str
    qualite: str = ""


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
    jury: tuple[Membre, ...] = ()  # the session's jury: one signature row each
    membres: int = JURY_PAR_DEFAUT  # blank signature rows when no jury is given

    @property
    def proprietes(self) -> dict[str, str]:
        """What the DOCX carries as custom properties, so that a filled grid is read back (`dossier jury lire`)."""
        c = self.candidat
        return {
            "dossier.grille": "1",
            "dossier.bloc": self.bloc.code,
            "dossier.epreuve": self.modalite.id,
            "dossier.session": self.session,
            "dossier.candidat": c.numero if c else "",
        }

    @property
    def signataires(self) -> tuple[Membre, ...]:
        """One signature row per member: the jury's, or blank ones."""
        return self.jury or tuple(Membre("") for _ in range(self.membres))

    @property
    def conclusions(self) -> bool:
        """Does the jury conclude on each competence for this épreuve (boxes scales; points are computed)?"""
        return not self.points

    @property
    def niveaux_competence(self) -> tuple[str, ...]:
        """The conclusion's boxes, said of a competence (feminine), so they never read as a criterion's."""
        return tuple(n.replace("Acquis", "Acquise").replace("acquis", "acquise") for n in self.niveaux)

    @property
    def valeurs(self) -> tuple[str, ...]:
        """The scale's values as resultats.csv writes them, column by column."""
        return tuple(n.lower() for n in self.niveaux)

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
        """Landscape for marks (weight, mark, weighted mark: room to write); boxes hold on a portrait page."""
        return self.points

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
    return GrilleView(
        header(cert, brouillon), bloc, modalite, cert.echelle, groupes, regle_competence(cert.echelle), membres=taille_jury(cert)
    )


def taille_jury(cert: Certification) -> int:
    """The largest jury composition of the open voies d'accès, read from their `jury:` text."""
    sizes = [_members(v.jury) for v in cert.voies_acces if v.ouverte and v.jury]
    return max([s for s in sizes if s], default=JURY_PAR_DEFAUT)


def _members(text: str) -> int:
    """« composé de quatre membres » says it; else count the list's items (« deux professionnels » count two)."""
    import re

    said = re.search(_COUNT + r" (?:membres|personnes|jures)\b", fold(text))
    if said:
        return _number(said.group(1))
    items = [re.match(r"[-*+] (\S+)", fold(line)) for line in text.splitlines()]
    return sum(_number(m.group(1)) or 1 for m in items if m)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NOMBRES.get(word, 0)


def grilles(cert: Certification, brouillon: bool = False, bloc: str = "") -> list[GrilleView]:
    return [grille(cert, b, m, brouillon) for b in cert.blocs if not bloc or b.code == bloc for m in b.modalites]


def for_candidate(view: GrilleView, candidat: Candidat | None, session: str, jury: tuple[Membre, ...] = ()) -> GrilleView:
    """The grid of one candidate of a session; with the session's jury, one signature row per member."""
    return replace(view, candidat=candidat, session=session, jury=tuple(jury) or view.jury)
