"""What every document shares: the title block and running footer, the decision rule in words."""

from __future__ import annotations

from dataclasses import dataclass

from ..sources.model import Certification, Echelle
from ..text import date_fr


@dataclass(frozen=True)
class Header:
    """The title block and running footer shared by every document."""

    intitule: str
    code_rncp: str
    niveau: int | None
    nsf: tuple[str, ...]
    rome: tuple[str, ...]
    formacode: tuple[str, ...]
    certificateurs: tuple[str, ...]
    version: str
    date: str
    identifiants: bool
    brouillon: bool = False
    typographie: bool = True  # set every text in French (typography.py), unless the project says no

    @property
    def pied(self) -> str:
        return f"{self.intitule} — version {self.version}"


def header(cert: Certification, brouillon: bool = False) -> Header:
    return Header(
        intitule=cert.intitule,
        code_rncp=cert.code_rncp,
        niveau=cert.niveau,
        nsf=cert.codes.nsf,
        rome=cert.codes.rome,
        formacode=cert.codes.formacode,
        certificateurs=tuple(c.nom for c in cert.certificateurs),
        version=cert.version,
        date=date_fr(cert.date),
        identifiants=cert.affichage.identifiants,
        brouillon=brouillon,
        typographie=cert.affichage.typographie,
    )


def _nombre(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def regle_competence(echelle: Echelle) -> str:
    """How criteria make a competence, in words (grids, handbook, synthesis sheets and PV say it alike)."""
    if echelle.type == "points":
        return (
            f"Une compétence est acquise lorsque la moyenne pondérée de ses critères atteint "
            f"{_nombre(echelle.seuil)} sur {_nombre(echelle.bareme)}."
        )
    if echelle.regle == "proportion":
        part = _nombre(echelle.proportion)
        acquis = f"Une compétence est acquise lorsqu'au moins {part}\u00a0% de ses critères sont acquis"
    else:
        acquis = "Une compétence est acquise lorsque tous ses critères sont acquis"
    if echelle.type == "trois_niveaux":
        return (
            f"{acquis} ; partiellement acquise lorsque, sans cela, au moins un de ses critères est acquis "
            "ou partiellement acquis ; non acquise sinon."
        )
    return f"{acquis} ; non acquise sinon."


def regle_decision(echelle: Echelle) -> str:
    """The bloc's decision rule in words, from the project's scale (the handbook and the grids say it alike)."""
    if echelle.type == "points":
        return (
            f"Chaque critère est noté sur {_nombre(echelle.bareme)} points et compte selon son poids. "
            f"Le bloc est validé lorsque la moyenne pondérée des critères de ses épreuves atteint "
            f"{_nombre(echelle.seuil)} sur {_nombre(echelle.bareme)}."
        )
    if echelle.type == "trois_niveaux":
        return (
            f"{regle_competence(echelle)} "
            "Le bloc est validé lorsque toutes ses compétences sont acquises ; une compétence partiellement "
            "acquise ne suffit pas."
        )
    return f"{regle_competence(echelle)} Le bloc est validé lorsque toutes ses compétences sont acquises."
