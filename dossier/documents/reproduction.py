"""The literal reproduction report's view (build/conformite/reproduction.html): by bloc, worst first."""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.reproduction import Result, percent
from ..sources.model import Certification
from ..text import plural
from .common import Header, header


@dataclass(frozen=True)
class Match:
    fiche: str
    intitule: str
    url: str
    bloc: str
    libelle: str
    part: str  # « 85 % »
    passage: str
    mots: int
    correspondance: bool


@dataclass(frozen=True)
class TextRow:
    label: str
    where: str  # file:line:col
    texte: str
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class BlocSection:
    code: str
    intitule: str
    part: str  # of the whole bloc's text, found in its texts' best matches
    rows: tuple[TextRow, ...]


@dataclass(frozen=True)
class ReproductionView:
    header: Header
    titre: str
    resume: str
    reglages: str
    exports: tuple[str, ...]
    own: tuple[str, ...]
    blocs: tuple[BlocSection, ...]


def reproduction_view(cert: Certification, result: Result) -> ReproductionView:
    sections = []
    for bloc in result.blocs:
        rows = tuple(
            TextRow(
                t.text.label, str(t.text.loc), t.text.tokens.text,
                tuple(Match(f.fiche, f.intitule, f.url, f.bloc, f.libelle, percent(f.share), f.passage, f.passage_words, f.correspondance) for f in t.found),
            )
            for t in bloc.texts
        )
        sections.append(BlocSection(bloc.code, bloc.intitule, percent(bloc.share) if bloc.covered else "0 %", rows))
    found = result.texts_found
    resume = (
        f"{plural(found, 'texte')} des sources sur {plural(sum(1 for _ in cert.blocs), 'bloc')} se "
        f"{'retrouve' if found <= 1 else 'retrouvent'} mot pour mot dans une fiche publiée "
        f"({plural(result.fiches, 'fiche')} et {plural(result.blocs_publies, 'bloc')} comparés)."
        if found else
        f"Aucun texte des sources ne se retrouve mot pour mot dans les {plural(result.fiches, 'fiche')} "
        f"et {plural(result.blocs_publies, 'bloc')} comparés."
    )
    reglages = (
        f"Un passage commun compte à partir de {result.mots_min} mots (réglage reproduction.mots_min), "
        f"hors formules permises ; seuil de signalement : {result.seuil:g} % du texte (reproduction.seuil)."
    )
    return ReproductionView(header(cert), "Reproduction littérale", resume, reglages, result.exports, result.own, tuple(sections))
