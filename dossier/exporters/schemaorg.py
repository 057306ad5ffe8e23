"""schema.org in the site: the certification as an EducationalOccupationalCredential, competences as DefinedTerms.

Every page carries the credential (name, RNCP code as identifier,
credentialCategory, educationalLevel, competencyRequired, recognizedBy France
compétences, the certificateur as provider); a bloc's page adds the bloc as a
DefinedTermSet of its competences. Each competence's @id is its permanent
anchor (blocs/bc01.html#C1.2): absolute under the site's public address when
the sources give it, else relative to the page (JSON-LD resolves it against
the page's own address). The JSON goes into a script element escaped so that
no text can close it.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from ..sources.model import Bloc, Certification, Competence
from .addresses import FRANCE_COMPETENCES, ROME_COMPETENCE_URL, bloc_page, fiche_url, full_code, site_base

CNCP = "Cadre national des certifications professionnelles"


def page_graph(cert: Certification, root: str, bloc: Bloc | None = None, full: bool = False) -> dict:
    """The JSON-LD of one page: `root` leads from the page to the site's root (« », « ../ »);
    `bloc`: the bloc the page shows; `full`: every competence in full (the home page)."""
    iri = _Iri(cert, root)
    nodes = [credential_node(cert, iri, full)]
    if full:
        nodes += [term_set(cert, b, iri, with_terms=False) for b in cert.blocs]
    if bloc is not None:
        nodes.append(term_set(cert, bloc, iri, with_terms=True))
    return {"@context": "https://schema.org", "@graph": nodes}


def script_json(data: dict) -> Markup:
    """JSON for a <script type="application/ld+json"> element: « < », « > » and « & » as \\u escapes,
    so that no text (« </script> », « <!-- ») can end the element or change how it is parsed."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # escaped above for this context, where HTML escaping would be wrong


class _Iri:
    def __init__(self, cert: Certification, root: str):
        self.prefix = site_base(cert) or root

    def __call__(self, path: str) -> str:
        return self.prefix + path


def credential_node(cert: Certification, iri: _Iri, full: bool) -> dict:
    node: dict = {
        "@type": "EducationalOccupationalCredential",
        "@id": iri("index.html#certification"),
        "name": cert.intitule,
        "url": iri("index.html"),
        "inLanguage": "fr",
        "credentialCategory": {
            "@type": "DefinedTerm",
            "name": "Certification professionnelle",
            "termCode": "RNCP",
            "inDefinedTermSet": {"@type": "DefinedTermSet", "name": "Répertoire national des certifications professionnelles", "url": FRANCE_COMPETENCES},
        },
        "educationalLevel": {
            "@type": "DefinedTerm", "name": f"Niveau {cert.niveau}", "termCode": str(cert.niveau),
            "inDefinedTermSet": {"@type": "DefinedTermSet", "name": CNCP},
        },
        "competencyRequired": [term(b, c, iri, full) for b in cert.blocs for c in b.competences],
        "recognizedBy": {"@type": "Organization", "name": "France compétences", "url": FRANCE_COMPETENCES},
        "provider": [_organization(c) for c in cert.certificateurs],
        "validIn": {"@type": "Country", "name": "France"},
    }
    if cert.code_rncp:
        node["identifier"] = {"@type": "PropertyValue", "propertyID": "RNCP", "value": cert.code_rncp}
        node["sameAs"] = fiche_url(cert.code_rncp)
    if full and cert.emplois_accessibles:
        rome = [{"@type": "CategoryCode", "codeValue": code, "inCodeSet": {"@type": "CategoryCodeSet", "name": "ROME"}} for code in cert.codes.rome]
        node["about"] = [
            {"@type": "Occupation", "name": emploi, **({"occupationalCategory": rome} if rome else {})}
            for emploi in cert.emplois_accessibles
        ]
    return node


def term(bloc: Bloc, comp: Competence, iri: _Iri, full: bool) -> dict:
    """A competence as a DefinedTerm: in full, or only what names it (its @id and code)."""
    node = {"@type": "DefinedTerm", "@id": iri(f"{bloc_page(bloc)}#{comp.id}"), "termCode": comp.id}
    if full:
        node |= {"name": comp.texte, "url": iri(f"{bloc_page(bloc)}#{comp.id}"), "inDefinedTermSet": {"@id": _set_id(bloc, iri)}}
        same = [_same_as(a) for a in comp.alignements if a.referentiel and a.exacte]
        if same:
            node["sameAs"] = same
    return node


def term_set(cert: Certification, bloc: Bloc, iri: _Iri, with_terms: bool) -> dict:
    node = {
        "@type": "DefinedTermSet",
        "@id": _set_id(bloc, iri),
        "name": f"{full_code(cert, bloc)} — {bloc.intitule}",
        "identifier": full_code(cert, bloc),
        "url": iri(bloc_page(bloc)),
    }
    if with_terms:
        node["hasDefinedTerm"] = [term(bloc, c, iri, full=True) for c in bloc.competences]
    return node


def _set_id(bloc: Bloc, iri: _Iri) -> str:
    return iri(f"{bloc_page(bloc)}#{bloc.code}")


def _same_as(a) -> str:
    return a.code if a.referentiel == "esco" else ROME_COMPETENCE_URL.format(code=a.code)


def _organization(c) -> dict:
    org = {"@type": "Organization", "name": c.nom}
    if c.site:
        org["url"] = c.site
    if c.siret:
        org["identifier"] = {"@type": "PropertyValue", "propertyID": "SIRET", "value": c.siret}
    return org
