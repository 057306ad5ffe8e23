"""Identifiers and addresses every export shares: stable UUIDs, the fiche's URL, the site's pages and anchors.

A UUID is uuid5 of a fixed namespace and « certification key / kind / item
identifier »: the same sources give the same UUIDs on every build, on every
machine. The certification's key is its RNCP code (the UUIDs of a certification
not yet registered are keyed by its intitulé, and change once the code is set).
Addresses are absolute under the site's public address when the sources give
one (`adresse_site`), else `urn:uuid:` identifiers (exports) or addresses
relative to the page (the site).
"""

from __future__ import annotations

import re
import uuid

from ..sources.model import Bloc, Certification
from ..text import slug

# Fixed forever: changing it would change every identifier ever published.
NAMESPACE = uuid.UUID("8f4e0b7a-3d2c-5e61-9a7b-2c4d6e8f0a1b")

FRANCE_COMPETENCES = "https://www.francecompetences.fr/"
FICHE_URL = "https://www.francecompetences.fr/recherche/rncp/{number}/"
# ROME 4.0 competences have no public page of their own: their address in France Travail's API names them.
ROME_COMPETENCE_URL = "https://api.francetravail.io/partenaire/rome-competences/v1/competences/competence/{code}"


def cert_key(cert: Certification) -> str:
    return cert.code_rncp or f"intitule:{slug(cert.intitule, limit=200)}"


def stable_uuid(key: str, kind: str, ident: str = "") -> str:
    """The UUID of one thing of one certification: lower case, version 5."""
    return str(uuid.uuid5(NAMESPACE, f"{key}/{kind}/{ident}"))


def short_code(bloc_code: str) -> str:
    """BC01, whether the sources write BC01 or RNCP12345BC01."""
    return bloc_code[-4:]


def full_code(cert: Certification, bloc: Bloc) -> str:
    """RNCP12345BC01 when the certification has its code, else the code as written."""
    if cert.code_rncp and not bloc.code.startswith("RNCP"):
        return f"{cert.code_rncp}{bloc.code}"
    return bloc.code


def fiche_url(code_rncp: str) -> str:
    """France compétences' public page of a fiche (RNCP37488 → …/rncp/37488/); '' without a code."""
    found = re.fullmatch(r"RNCP(\d+)", code_rncp or "")
    return FICHE_URL.format(number=found.group(1)) if found else ""


def site_base(cert: Certification) -> str:
    """The site's public address, ending with « / » ('' when the sources do not give it)."""
    base = cert.adresse_site
    return base if not base or base.endswith("/") else base + "/"


def bloc_page(bloc: Bloc) -> str:
    """The bloc's page, relative to the site's root (the site's own naming)."""
    return f"blocs/{slug(bloc.code)}.html"


def badge_path(bloc: Bloc | None) -> str:
    """Where an achievement is published in the site: badges/certification.json, badges/bc01.json."""
    return "badges/certification.json" if bloc is None else f"badges/{slug(short_code(bloc.code))}.json"


def absolute(cert: Certification, path: str, fallback_kind: str, ident: str = "") -> str:
    """The site's address of `path` when it is published, else a urn:uuid naming the thing."""
    base = site_base(cert)
    return base + path if base else f"urn:uuid:{stable_uuid(cert_key(cert), fallback_kind, ident)}"
