"""The candidate handbook's view: what a candidate reads, derived from the sources."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

from ..sources.model import Activite, Bloc, Certification, Competence, Contact, Critere, Modalite
from ..text import anchor
from ..typography import duree_lisible
from .common import Header, header, regle_decision
from .correspondances import REGLE, Groupe, groupes
from .markdown_html import to_html
from .parts import Part, bloc_runs

TRANSITION_ID = "transition"
TRANSITION_TITRE = "Blocs déjà obtenus : ce qu'ils valent dans cette version"

ACQUIS_A_VIE = (
    "Un bloc validé est acquis définitivement : il donne lieu à une attestation de validation et n'a pas "
    "à être repassé, quelle que soit la date à laquelle les autres blocs sont obtenus."
)


@dataclass(frozen=True)
class CompetenceCriteres:
    competence: Competence
    criteres: tuple[Critere, ...]


@dataclass(frozen=True)
class Epreuve:
    id: str  # html anchor
    modalite: Modalite
    titre: str
    rows: tuple[CompetenceCriteres, ...]


@dataclass(frozen=True)
class BlocLivret:
    id: str
    bloc: Bloc
    epreuves: tuple[Epreuve, ...]
    duree_totale: str  # "" when some duration cannot be read

    @property
    def activites(self) -> tuple[Activite, ...]:
        """The référentiel d'activités of this bloc: the work situations its competences come from."""
        return self.bloc.activites

    @property
    def titre(self) -> str:
        return f"Bloc {self.bloc.code} — {self.bloc.intitule}"


@dataclass(frozen=True)
class ProseSection:
    id: str
    titre: str
    html: Markup  # the body, its level-1 title left out (it is the section's heading)


@dataclass(frozen=True)
class TocEntry:
    level: int  # 1: section, 2: subsection
    id: str
    titre: str


@dataclass(frozen=True)
class LivretView:
    header: Header
    cert: Certification
    objectifs: Markup
    activites_visees: Markup
    prerequis: Markup
    jurys: tuple[Markup, ...]  # per voie d'accès, in order
    blocs: tuple[BlocLivret, ...]
    prose: tuple[ProseSection, ...]
    regle_validation: str
    acquis_a_vie: str
    logo: str = field(repr=False)  # data: URI, or "" (the fingerprint sees cert.logo's hash)
    logo_data: bytes = field(repr=False)  # the image, for Word
    bloc_unique: str = ""  # the code when the handbook covers one bloc
    titre: str = "Livret du candidat"
    transitions: tuple[Groupe, ...] = ()  # what a holder of another certification's blocs obtains here
    regle_transition: str = REGLE
    gros_caracteres: bool = False  # the large-print variant (render/large_print.py)

    @property
    def transition_titre(self) -> str:
        return TRANSITION_TITRE

    @property
    def perimetre(self) -> str:
        """What a one-bloc handbook covers (shown on its cover)."""
        if self.bloc_unique and self.blocs:
            return f"Bloc {self.blocs[0].bloc.code} — {self.blocs[0].bloc.intitule}"
        return ""

    @property
    def toc(self) -> tuple[TocEntry, ...]:
        entries = [TocEntry(1, "certification", "La certification"), TocEntry(1, "acces", "Accès à la certification"),
                   TocEntry(1, "blocs", "Les blocs de compétences et leurs épreuves")]
        for b in self.blocs:
            entries.append(TocEntry(1, b.id, b.titre))
            entries.extend(TocEntry(2, e.id, e.titre) for e in b.epreuves)
            entries.append(TocEntry(2, f"{b.id}-validation", "Validation du bloc"))
        if self.transitions:
            entries.append(TocEntry(1, TRANSITION_ID, TRANSITION_TITRE))
            entries.extend(TocEntry(2, f"transition-{g.id}", g.titre) for g in self.transitions)
        for p in self.prose:
            entries.append(TocEntry(1, p.id, p.titre))
            entries.extend(TocEntry(2, i, t) for i, t in _subheadings(p.html))
        return tuple(entries)


def _subheadings(html: str) -> list[tuple[str, str]]:
    return [
        (m.group(1), re.sub(r"<[^>]+>", "", m.group(2)))
        for m in re.finditer(r'<h3 id="([^"]+)">(.*?)</h3>', html)
    ]


def _epreuve(bloc: Bloc, modalite: Modalite) -> Epreuve:
    criteres = bloc.criteres_de(modalite)
    rows = tuple(
        CompetenceCriteres(c, tuple(cr for cr in criteres if c.id in cr.competences))
        for c in bloc.competences
        if c.id in modalite.competences
    )
    return Epreuve(f"epreuve-{anchor(modalite.id)}", modalite, f"Épreuve {modalite.id} — {modalite.titre}", rows)


def _bloc(bloc: Bloc) -> BlocLivret:
    minutes = [m.minutes for m in bloc.modalites if not m.sans_duree]
    total = duree_lisible(sum(minutes)) if minutes and None not in minutes else ""
    return BlocLivret(f"bloc-{anchor(bloc.code)}", bloc, tuple(_epreuve(bloc, m) for m in bloc.modalites), total)


def _prose_body(text: str, prefix: str) -> Markup:
    html = to_html(text, shift=1, prefix=prefix)
    return Markup(re.sub(r"^\s*<h2[^>]*>.*?</h2>\s*", "", str(html), count=1, flags=re.S))


# Where the rules chapters speak of a contact: the first subsection whose heading names it, else the
# end of the first chapter whose title does.
CONTACT_PLACES = (
    ("referent_handicap", "Contact du référent handicap", ("référent handicap",), ("handicap",)),
    ("recours", "Adresse pour les recours", ("recours gracieux", "recours"), ("recours",)),
    ("certificateur", "Contact du certificateur", (), ("inscription", "délivrance")),
)


def _contact_html(label: str, contact: Contact) -> str:
    return f'<p class="contact"><strong>{escape(label)}\u00a0:</strong> {escape(contact.ligne)}</p>\n'


def _place(sections: list[list[str]], html: str, subsections: tuple[str, ...], chapters: tuple[str, ...]) -> None:
    """Add `html` to the first matching subsection, else chapter: `sections` is [titre, body] pairs."""
    for word in subsections:
        for item in sections:
            heads = list(re.finditer(r"<h3 [^>]*>(.*?)</h3>", item[1], flags=re.S))
            for i, h in enumerate(heads):
                if word in re.sub(r"<[^>]+>", "", h.group(1)).lower():
                    end = heads[i + 1].start() if i + 1 < len(heads) else _body_end(item[1])
                    item[1] = item[1][:end] + html + item[1][end:]
                    return
    for word in chapters:
        for item in sections:
            if word in item[0].lower():
                end = _body_end(item[1])
                item[1] = item[1][:end] + html + item[1][end:]
                return


def _body_end(html: str) -> int:
    """Before the footnotes, if any."""
    at = html.find('<div class="footnote">')
    return at if at >= 0 else len(html)


def _prose(cert: Certification) -> tuple[ProseSection, ...]:
    sections = [[p.titre, str(_prose_body(p.texte, anchor(p.name)))] for p in cert.prose]
    for key, label, subsections, chapters in CONTACT_PLACES:
        contact = getattr(cert.contacts, key)
        if contact is not None and contact.ligne:
            _place(sections, _contact_html(label, contact), subsections, chapters)
    return tuple(
        ProseSection(f"regles-{anchor(p.name)}", p.titre, Markup(body)) for p, (_, body) in zip(cert.prose, sections)
    )


def livret(cert: Certification, brouillon: bool = False, bloc: str = "") -> LivretView:
    blocs = [b for b in cert.blocs if not bloc or b.code == bloc]
    logo = ""  # read and checked with the sources (sources/load.py): a real image, from inside the folder
    if cert.logo is not None:
        logo = f"data:{cert.logo.mime};base64," + base64.b64encode(cert.logo.data).decode()
    return LivretView(
        header=header(cert, brouillon),
        cert=cert,
        objectifs=to_html(cert.objectifs_contexte, shift=3),
        activites_visees=to_html(cert.activites_visees, shift=3),
        prerequis=to_html(cert.prerequis, shift=3) if cert.prerequis else Markup(""),
        jurys=tuple(to_html(v.jury, shift=3) if v.jury else Markup("") for v in cert.voies_acces),
        blocs=tuple(_bloc(b) for b in blocs),
        prose=_prose(cert),
        regle_validation=regle_decision(cert.echelle),
        acquis_a_vie=ACQUIS_A_VIE,
        logo=logo,
        logo_data=cert.logo.data if cert.logo is not None else b"",
        bloc_unique=bloc,
        transitions=groupes(cert),
    )


GROS_CARACTERES = "gros-caracteres"  # the large-print handbook's stem ends with it


def large_print_too(items):
    """The handbook's items, and with `--gros-caracteres` the same handbook in large print beside each."""

    def both(cert: Certification, options) -> list:
        found = items(cert, options)
        if not options.gros_caracteres:
            return found
        large = [
            replace(item, stem=f"{item.stem}-{GROS_CARACTERES}", view=replace(item.view, gros_caracteres=True), label=f"{item.label} (gros caractères)")
            for item in found
        ]
        return found + large

    return both


def parts(view: LivretView) -> list[Part]:
    """Cover, contents, general sections, the blocs in runs, the rules (each starts a page)."""
    out = [
        Part(frozenset({"couverture"}), folio=False),
        Part(frozenset({"sommaire"}), numbered=True),
        Part(frozenset({"corps", "general"})),
    ]
    out += [Part(frozenset({"corps", *run})) for run in bloc_runs([f"bloc:{b.bloc.code}" for b in view.blocs])]
    if view.transitions:
        out.append(Part(frozenset({"corps", "transition"})))
    if view.prose:
        out.append(Part(frozenset({"corps", "regles"})))
    return out
