"""What documents exist, and the typed view each one is rendered from.

A view is derived from the model once, then handed to every format's renderer,
so the HTML, the PDF and the DOCX of a document cannot say different things.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .model import Activite, Bloc, Certification, Competence, Critere, Modalite

FORMATS = ("html", "pdf", "docx")


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "certification"


def _same(a: str, b: str) -> bool:
    fold = lambda s: slugify(s.replace("’", "'"))  # noqa: E731
    return fold(a) == fold(b)


MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def date_fr(day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"{day.day}{'er' if day.day == 1 else ''} {MOIS[day.month - 1]} {day.year}"


# --- the référentiel table --------------------------------------------------------


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
class ModaliteCell:
    modalite: Modalite
    titre: str  # « Étude de cas : De l'analyse… », or the intitulé alone when it names the type


@dataclass(frozen=True)
class RefBloc:
    bloc: Bloc
    activites: tuple[Activite, ...]
    modalites: tuple[ModaliteCell, ...]
    rows: tuple[RefRow, ...]

    @property
    def titre(self) -> str:
        return f"{self.bloc.code} — {self.bloc.intitule}"


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

    @property
    def pied(self) -> str:
        return f"{self.intitule} — version {self.version}"


@dataclass(frozen=True)
class ReferentielView:
    header: Header
    blocs: tuple[RefBloc, ...]
    titre: str = "Référentiel d'activités, de compétences et d'évaluation"
    bloc_par_page: bool = True  # printed: each bloc starts a page (and the PDF can be laid out in parts)


COLONNES = (
    ("RÉFÉRENTIEL D'ACTIVITÉS", "décrit les situations de travail et les activités exercées, les métiers ou emplois visés"),
    ("RÉFÉRENTIEL DE COMPÉTENCES", "identifie les compétences et les connaissances, y compris transversales, qui découlent du référentiel d'activités"),
    ("RÉFÉRENTIEL D'ÉVALUATION", "définit les critères et les modalités d'évaluation des acquis"),
)
SOUS_COLONNES = ("MODALITÉS D'ÉVALUATION", "CRITÈRES D'ÉVALUATION")


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
    )


def ref_bloc(bloc: Bloc) -> RefBloc:
    order = {c.id: i for i, c in enumerate(bloc.competences)}
    placed: dict[str, list[CritereCell]] = {c.id: [] for c in bloc.competences}
    for crit in bloc.criteres:
        own = sorted((ref for ref in crit.competences if ref in order), key=order.__getitem__)
        if not own:
            continue  # reported by the checks; nothing sensible to place
        others = tuple(ref for ref in crit.competences if ref != own[0])
        placed[own[0]].append(CritereCell(crit, others))
    modalites = tuple(
        ModaliteCell(
            m,
            m.intitule if _same(m.intitule, m.type_libelle) else f"{m.type_libelle} : {m.intitule}",
        )
        for m in bloc.modalites
    )
    rows = tuple(RefRow(c, tuple(placed[c.id])) for c in bloc.competences)
    return RefBloc(bloc, bloc.activites, modalites, rows)


def referentiel(cert: Certification, options: "ViewOptions") -> ReferentielView:
    return ReferentielView(
        header(cert, options.brouillon), tuple(ref_bloc(b) for b in cert.blocs), bloc_par_page=cert.affichage.bloc_par_page
    )


# --- the registry -----------------------------------------------------------------


@dataclass(frozen=True)
class ViewOptions:
    """What a build asks of every view."""

    brouillon: bool = False
    bloc: str = ""  # a bloc code: only that bloc (documents that support it)
    folder: Path | None = None  # the sources folder (logo…)


@dataclass(frozen=True)
class Part:
    """A run of whole pages of a document's PDF, which can be laid out on its own.

    `sections` are the names the template shows (`montrer(name)`); `folio`:
    whether its pages carry « page X / Y »; `numbered`: it shows the other
    parts' page numbers (a table of contents): its template gets placeholders,
    and the numbers are drawn over them once the parts are put together.
    """

    sections: frozenset[str]
    folio: bool = True
    numbered: bool = False


# A document is cut into at most about this many runs of blocs. Each part costs ~50 ms of its
# own to lay out (styles, fonts, writing), so one part a bloc would cost 4 s at 80 blocs; 16
# parts still keep two cores busy, and an edited bloc lays out its run of blocs again, not
# the document. The runs depend only on the number of blocs (not on the machine), so the
# same sources give the same bytes everywhere.
PART_RUNS = 16


def bloc_runs(codes: list[str]) -> list[list[str]]:
    size = max(1, -(-len(codes) // PART_RUNS))
    return [codes[i : i + size] for i in range(0, len(codes), size)]


def referentiel_parts(view: "ReferentielView") -> list[Part]:
    """The title block with the first run of blocs, then a run of blocs a part (each bloc starts a page)."""
    if not view.bloc_par_page:  # one continuous table: one piece
        return [Part(frozenset({"titre", *(f"bloc:{b.bloc.code}" for b in view.blocs)}))]
    runs = bloc_runs([f"bloc:{b.bloc.code}" for b in view.blocs]) or [[]]
    return [Part(frozenset(run) | ({"titre"} if i == 0 else set())) for i, run in enumerate(runs)]


def livret_parts(view) -> list[Part]:
    """Cover, contents, general sections, the blocs in runs, the rules (each starts a page)."""
    parts = [
        Part(frozenset({"couverture"}), folio=False),
        Part(frozenset({"sommaire"}), numbered=True),
        Part(frozenset({"corps", "general"})),
    ]
    parts += [Part(frozenset({"corps", *run})) for run in bloc_runs([f"bloc:{b.bloc.code}" for b in view.blocs])]
    if view.prose:
        parts.append(Part(frozenset({"corps", "regles"})))
    return parts


@dataclass(frozen=True)
class DocumentSpec:
    """A kind of document: the files it makes (a stem and a view each), in which formats."""

    name: str
    folder: str  # under build/
    items: Callable[[Certification, ViewOptions], list[tuple[str, object]]]  # (file stem, view)
    formats: tuple[str, ...] = FORMATS
    per_bloc: bool = False  # can be made for one bloc
    template_name: str = ""  # templates/html/<template>.html, templates/docx/<template>.docx
    parts: Callable[[object], list[Part]] | None = None  # how its PDF splits into parts (see render/pdf_parts.py)

    @property
    def template(self) -> str:
        return self.template_name or self.name


def _one(suffix: str, view: Callable[[Certification, ViewOptions], object]):
    def items(cert: Certification, options: ViewOptions) -> list[tuple[str, object]]:
        stem = f"{slugify(cert.intitule)}-{suffix}" + (f"-{slugify(options.bloc)}" if options.bloc else "")
        return [(stem, view(cert, options))]

    return items


def _livret(cert: Certification, options: ViewOptions):
    from .livret import livret

    return livret(cert, options.brouillon, options.bloc, options.folder)


def _grilles(cert: Certification, options: ViewOptions) -> list[tuple[str, object]]:
    from .grilles import grilles

    return [(view.stem, view) for view in grilles(cert, options.brouillon, options.bloc)]


DOCUMENTS: dict[str, DocumentSpec] = {
    "referentiel": DocumentSpec("referentiel", "referentiel", _one("referentiel", referentiel), parts=referentiel_parts),
    "livret": DocumentSpec("livret", "livret", _one("livret", _livret), per_bloc=True, parts=livret_parts),
    "grilles": DocumentSpec("grilles", "grilles", _grilles, per_bloc=True, template_name="grille"),
}


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else None
