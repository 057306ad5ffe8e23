"""The published référentiel: a small static site, with no outside resource.

Pages link to each other relatively, so the folder works from file:// and
from any sub-path of any web host. Every bloc, competence, modalité and
criterion has a permanent anchor built from its identifier
(blocs/bc01.html#C1.2). The search index is a script, not a JSON file, so
that it loads from file:// too.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup

from .coverage import BlocCoverage, coverage
from .documents import Header, RefBloc, header, ref_bloc, slugify
from .markup import to_html
from .model import Certification
from .render.templates import TemplatePath

SITE_DIR = "site"
ASSETS = ("site.css", "search.js")


@dataclass(frozen=True)
class SiteBloc:
    slug: str
    rb: RefBloc

    @property
    def bloc(self):
        return self.rb.bloc


@dataclass(frozen=True)
class Download:
    label: str
    href: str  # relative to the site's root
    format: str
    taille: str


@dataclass(frozen=True)
class SiteView:
    header: Header
    cert: Certification
    blocs: tuple[SiteBloc, ...]
    objectifs: Markup
    activites_visees: Markup
    jurys: tuple[Markup, ...]
    coverage: tuple[BlocCoverage, ...]
    downloads: tuple[Download, ...]


def _size(n: int) -> str:
    return f"{n / 1024:.0f} Ko" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} Mo".replace(".", ",")


def site_view(cert: Certification, downloads: tuple[Download, ...] = (), brouillon: bool = False) -> SiteView:
    return SiteView(
        header=header(cert, brouillon),
        cert=cert,
        blocs=tuple(SiteBloc(slugify(b.code), ref_bloc(b)) for b in cert.blocs),
        objectifs=to_html(cert.objectifs_contexte, shift=2),
        activites_visees=to_html(cert.activites_visees, shift=2),
        jurys=tuple(to_html(v.jury, shift=3) if v.jury else Markup("") for v in cert.voies_acces),
        coverage=coverage(cert),
        downloads=downloads,
    )


def fold(text: str) -> str:
    """What search.js's fold() does to a query: no accents, no case, œ → oe, apostrophes → spaces."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("œ", "oe").replace("æ", "ae")
    return " ".join(text.replace("’", " ").replace("'", " ").split())


def search_index(view: SiteView) -> bytes:
    """Every competence, criterion, activity (and task) and modalité, with its permanent link."""
    entries = []

    def add(kind: str, ident: str, text: str, bloc: SiteBloc, anchor: str) -> None:
        entries.append({
            "type": kind, "id": ident, "text": text, "bloc": bloc.bloc.code,
            "url": f"blocs/{bloc.slug}.html#{anchor}", "n": fold(f"{kind} {ident} {text}"),
        })

    for sb in view.blocs:
        b = sb.bloc
        for a in b.activites:
            add("Activité", a.id, a.intitule + (" — " + " ; ".join(a.taches) if a.taches else ""), sb, a.id)
        for c in b.competences:
            add("Compétence", c.id, c.texte, sb, c.id)
        for m in b.modalites:
            add("Épreuve", m.id, f"{m.type_libelle} : {m.intitule}", sb, m.id)
        for c in b.criteres:
            add("Critère", c.id, c.texte, sb, c.id)
    payload = json.dumps({"entries": entries}, ensure_ascii=True, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")  # never close the script element from inside
    return f"window.DOSSIER_INDEX = {payload};\n".encode("ascii")


def render_site(view: SiteView, templates: TemplatePath) -> list[tuple[str, bytes]]:
    """Every file of the site, as (path relative to the site folder, bytes)."""
    env = templates.html_environment()
    common = {"h": view.header, "site": view, "cert": view.cert}

    def page(template: str, root: str, name: str, **extra) -> bytes:
        html = env.get_template(f"site/{template}").render(root=root, page=name, **common, **extra)
        return html.encode("utf-8")

    files = [
        ("index.html", page("index.html", "", "index")),
        ("couverture.html", page("couverture.html", "", "couverture")),
        ("recherche.html", page("recherche.html", "", "recherche")),
    ]
    for sb in view.blocs:
        files.append((f"blocs/{sb.slug}.html", page("bloc.html", "../", sb.slug, rb=sb.rb)))
    for asset in ASSETS:
        files.append((f"assets/{asset}", templates.find(f"html/site/{asset}").read_bytes()))
    files.append(("assets/search-index.js", search_index(view)))
    return files


DOWNLOADABLE = {
    "referentiel": "Référentiel",
    "livret": "Livret du candidat",
    "grilles": "Grille d'évaluation",
}


def downloads_from(files: list[tuple[str, str, str, bytes]], cert: Certification) -> tuple[list[tuple[str, bytes]], tuple[Download, ...]]:
    """Copies of the built documents under telechargements/, and their links.

    `files` holds (document, stem, format, bytes) of the PDF and DOCX built.
    """
    epreuves = {f"{slugify(b.code)}-{slugify(m.id)}": f"{b.code}, épreuve {m.id}" for b in cert.blocs for m in b.modalites}
    copies, links = [], []
    order = {name: i for i, name in enumerate(DOWNLOADABLE)}
    for document, stem, fmt, data in sorted(files, key=lambda f: (order.get(f[0], 9), f[1], f[2])):
        if document not in DOWNLOADABLE or fmt not in ("pdf", "docx"):
            continue
        path = f"telechargements/{document}/{stem}.{fmt}"
        label = DOWNLOADABLE[document]
        if document == "grilles":
            label += f" — {epreuves.get(stem, stem)}"
        elif stem.endswith(tuple(f"-{slugify(b.code)}" for b in cert.blocs)):
            label += f" — bloc {stem.rsplit('-', 1)[1].upper()}"
        copies.append((path, data))
        links.append(Download(label, path, fmt.upper(), _size(len(data))))
    return copies, tuple(links)
