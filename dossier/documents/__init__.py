"""What documents exist, and the typed view each one is rendered from.

A view is derived from the model once, then handed to every format's renderer,
so the HTML, the PDF and the DOCX of a document cannot say different things.

`DOCUMENTS` is the one place that defines a kind of document: adding one (a
procès-verbal, an attestation…) means a view module, its templates
(`templates/html/<template>.html`, `templates/docx/<template>.docx`) and one
entry below. Nothing else in the package names the documents one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..sources.model import Certification
from ..text import slug
from . import correspondances, grilles, habilites, livret, referentiel
from .parts import Part

FORMATS = ("html", "pdf", "docx")


@dataclass(frozen=True)
class ViewOptions:
    """What a build asks of every view."""

    brouillon: bool = False  # a draft: every page says BROUILLON
    bloc: str = ""  # a bloc code: only that bloc (documents that support it)
    folder: Path | None = None  # the sources folder (logo…)
    gros_caracteres: bool = False  # also the large-print handbook (16 pt, single-column tables)


@dataclass(frozen=True)
class Item:
    """One file of a document (in each of its formats): its name, its view, and how readers call it."""

    stem: str
    view: object
    label: str
    source: str = ""  # what in the sources it is made from (« épreuve M1.1, blocs/bc01.yaml:20:7 »)


@dataclass(frozen=True)
class DocumentSpec:
    """A kind of document: the files it makes, in which formats, and how each format is made.

    - `items`: the files (stem, view, label) for a certification and the build's options;
    - `label`: how the site's download links call the document;
    - `template`: templates/html/<template>.html, templates/docx/<template>.docx;
    - `word`: how its DOCX is made — "page" (the HTML page's <main> converted into
      the Word template's styles) or "tableau" (the référentiel's model table);
    - `parts`: how its PDF splits into runs of pages laid out on their own (None: one piece);
    - `per_bloc`: it can be made for one bloc (`--bloc`);
    - `download`: the site offers its PDF and DOCX.
    """

    name: str
    label: str
    items: Callable[[Certification, ViewOptions], list[Item]]
    template: str
    formats: tuple[str, ...] = FORMATS
    word: str = "page"
    parts: Callable[[object], list[Part]] | None = None
    per_bloc: bool = False
    download: bool = True

    @property
    def folder(self) -> str:
        """Its folder under the build folder."""
        return self.name


def _whole(name: str, label: str, view: Callable[[Certification, ViewOptions], object]):
    """A document made of one file per certification (or per bloc, with --bloc)."""

    def items(cert: Certification, options: ViewOptions) -> list[Item]:
        stem = f"{slug(cert.intitule)}-{name}" + (f"-{slug(options.bloc)}" if options.bloc else "")
        return [Item(stem, view(cert, options), label + (f" — bloc {options.bloc}" if options.bloc else ""))]

    return items


def _grilles(cert: Certification, options: ViewOptions) -> list[Item]:
    return [
        Item(v.stem, v, f"Grille d'évaluation — {v.bloc.code}, épreuve {v.modalite.id}", f"épreuve {v.modalite.id}, {v.modalite.src.loc}")
        for v in grilles.grilles(cert, options.brouillon, options.bloc)
    ]


def _habilites(cert: Certification, options: ViewOptions) -> list[Item]:
    """Only when the certification has partners."""
    if not cert.partenaires:
        return []
    return [Item(f"{slug(cert.intitule)}-organismes-habilites", habilites.habilites(cert, options.brouillon), "Liste des organismes habilités")]


def _correspondances(cert: Certification, options: ViewOptions) -> list[Item]:
    """Only when the sources declare correspondances."""
    if not cert.correspondances:
        return []
    return [Item(f"{slug(cert.intitule)}-correspondances", correspondances.correspondances(cert, options.brouillon), "Tableau de correspondance")]


DOCUMENTS: dict[str, DocumentSpec] = {
    spec.name: spec
    for spec in (
        DocumentSpec(
            "referentiel", "Référentiel", template="referentiel", word="tableau", parts=referentiel.parts,
            items=_whole("referentiel", "Référentiel", lambda cert, o: referentiel.referentiel(cert, o.brouillon)),
        ),
        DocumentSpec(
            "livret", "Livret du candidat", template="livret", parts=livret.parts, per_bloc=True,
            items=livret.large_print_too(_whole("livret", "Livret du candidat", lambda cert, o: livret.livret(cert, o.brouillon, o.bloc))),
        ),
        DocumentSpec("grilles", "Grilles d'évaluation", template="grille", per_bloc=True, items=_grilles),
        DocumentSpec("habilites", "Liste des organismes habilités", template="habilites", items=_habilites),
        DocumentSpec("correspondances", "Tableau de correspondance", template="correspondances", items=_correspondances),
    )
}
