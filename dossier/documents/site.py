"""The published référentiel's view: a small static site, with no outside resource.

Pages link to each other relatively, so the folder works from file:// and
from any sub-path of any web host. Every bloc, competence, modalité and
criterion has a permanent anchor built from its identifier
(blocs/bc01.html#C1.2). The search index is a script, not a JSON file, so
that it loads from file:// too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from markupsafe import Markup

from ..sources.champs import short_code
from ..sources.model import Certification
from ..text import slug
from .common import Header, header
from .correspondances import REGLE, Groupe, groupes, of_bloc
from .coverage import BlocCoverage, coverage
from .markdown_html import to_html
from .referentiel import RefBloc, ref_bloc


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
    prerequis: Markup  # empty when the sources have none
    jurys: tuple[Markup, ...]
    coverage: tuple[BlocCoverage, ...]
    downloads: tuple[Download, ...]
    correspondances: tuple[Groupe, ...] = ()  # the page « Correspondances », when the sources declare some
    bloc_correspondances: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # bloc → (anchor, what)
    regle_transition: str = REGLE


def size_label(n: int) -> str:
    """A file's size as the download links show it: « 42 Ko », « 1,3 Mo »."""
    return f"{n / 1024:.0f} Ko" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} Mo".replace(".", ",")


def _by_code(cert: Certification) -> dict[str, tuple[tuple[str, str], ...]]:
    found = of_bloc(cert)
    return {b.code: found[short_code(b.code)] for b in cert.blocs if short_code(b.code) in found}


def site_view(cert: Certification, downloads: tuple[Download, ...] = (), brouillon: bool = False) -> SiteView:
    return SiteView(
        header=header(cert, brouillon),
        cert=cert,
        blocs=tuple(SiteBloc(slug(b.code), ref_bloc(b)) for b in cert.blocs),
        objectifs=to_html(cert.objectifs_contexte, shift=2),
        activites_visees=to_html(cert.activites_visees, shift=2),
        prerequis=to_html(cert.prerequis, shift=2) if cert.prerequis else Markup(""),
        jurys=tuple(to_html(v.jury, shift=3) if v.jury else Markup("") for v in cert.voies_acces),
        coverage=coverage(cert),
        downloads=downloads,
        correspondances=groupes(cert),
        bloc_correspondances=_by_code(cert),
    )
