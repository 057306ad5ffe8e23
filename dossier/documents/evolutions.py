"""The changelog « Évolutions du référentiel »: what changed between two versions, bloc by bloc.

Its view is made from a comparison of two versions (versions/compare.py), not from one
certification's sources, so it is not in the registry `DOCUMENTS` (whose documents a build makes
from the sources it is given): `dossier diff` makes it, with the same renderers and templates
(`EVOLUTIONS` says how, as a registry entry would). What a jury, a partner school or an instructor
reads: the two versions, a summary of the changes, each bloc's changes with what was struck and
what was added, and the correspondances the shared competences justify.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..sources.model import Certification
from ..text import anchor, date_fr
from ..versions.changes import Change, percent
from ..versions.compare import Comparison, VersionInfo
from . import DocumentSpec
from .common import Header, header
from .correspondances import Groupe, groupes

EVOLUTIONS = DocumentSpec("evolutions", "Évolutions du référentiel", items=lambda cert, options: [], template="evolutions")

# Every kind of change, in the summary's order, with how the summary counts it.
KINDS = {
    "bloc-ajoute": "blocs ajoutés",
    "bloc-supprime": "blocs supprimés",
    "bloc-renomme": "blocs renommés",
    "bloc-renumerote": "blocs renumérotés",
    "bloc-scinde": "blocs scindés",
    "bloc-fusionne": "blocs qui réunissent des compétences de plusieurs anciens blocs",
    "competence-ajoutee": "compétences ajoutées",
    "competence-supprimee": "compétences supprimées",
    "competence-modifiee": "compétences au texte modifié",
    "competence-reecrite": "compétences réécrites (texte trop différent pour justifier une correspondance)",
    "competence-deplacee": "compétences déplacées d'un bloc à un autre",
    "competence-renumerotee": "compétences renumérotées",
    "competence-scindee": "compétences scindées",
    "competence-fusionnee": "fusions de compétences",
    "competence-recomposee": "compétences recomposées",
    "activite-ajoutee": "activités ajoutées",
    "activite-supprimee": "activités supprimées",
    "activite-modifiee": "activités modifiées",
    "modalite-ajoutee": "épreuves ajoutées",
    "modalite-supprimee": "épreuves supprimées",
    "modalite-modifiee": "épreuves modifiées",
    "critere-ajoute": "critères ajoutés",
    "critere-supprime": "critères supprimés",
    "critere-modifie": "critères au texte modifié",
    "critere-deplace": "critères déplacés ou rattachés à d'autres compétences ou épreuves",
    "critere-renumerote": "critères renumérotés",
}
STATUS = {"ajouté": "nouveau bloc", "supprimé": "bloc supprimé", "modifié": "modifié", "inchangé": "inchangé"}


@dataclass(frozen=True)
class Version:
    role: str  # « Version précédente », « Nouvelle version »
    info: VersionInfo

    @property
    def label(self) -> str:
        i = self.info
        date = date_fr(dt.date.fromisoformat(i.date)) if i.date else ""
        code = f", {i.code_rncp}" if i.code_rncp else ""
        return f"version {i.version}{' du ' + date if date else ''}{code} — {i.blocs} blocs, {i.competences} compétences ({i.label})"


@dataclass(frozen=True)
class Section:
    id: str
    titre: str
    statut: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class EvolutionsView:
    header: Header
    versions: tuple[Version, Version]
    resume: tuple[tuple[str, int], ...]
    sections: tuple[Section, ...]
    correspondances: tuple[Groupe, ...]
    seuil: str
    titre: str = "Évolutions du référentiel"


def evolutions(comparison: Comparison, new: Certification, brouillon: bool = False) -> EvolutionsView:
    counts = comparison.counts()
    resume = tuple((label, counts[kind]) for kind, label in KINDS.items() if counts[kind])
    sections = []
    for b in comparison.blocs:
        if b.new:
            titre = f"Bloc {b.new} — {b.intitule}" + (f" (ancien {b.old})" if b.old and b.old != b.new else "")
        else:
            titre = f"Ancien bloc {b.old} — {b.intitule}"
        sections.append(Section(f"bloc-{anchor(b.key)}", titre, STATUS[b.status], b.changes))
    old_titles = dict(comparison.old_blocs)
    proposed = groupes(new, comparison.proposals, old_titles, precedente=comparison.fiche)
    return EvolutionsView(
        header(new, brouillon),
        (Version("Version précédente", comparison.old), Version("Nouvelle version", comparison.new)),
        resume, tuple(sections), proposed, percent(comparison.seuil),
    )
