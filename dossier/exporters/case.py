"""1EdTech CASE 1.1: the référentiel as a CFPackage (CFDocument, CFItems, CFAssociations, CFRubrics).

- The certification is the CFDocument; blocs, competences and criteria are
  CFItems (humanCodingScheme `RNCP…BC01`, `C1.2`, `CR1.3`; fullStatement;
  CFItemType), the hierarchy is `isChildOf` (child → parent).
- A criterion is a child of the first competence it evaluates (`isChildOf`:
  CASE's hierarchy is where tools show the indicators of a standard), and
  `isRelatedTo` the others it evaluates too.
- A competence's alignments are `exactMatchOf` (exact) or `isRelatedTo`
  (close) an ESCO or ROME 4.0 node; correspondances with another
  certification's blocs likewise; a certification this one replaces is
  linked by `replacedBy` (the old one is replaced by this one).
- Each épreuve's grid is a CFRubric (case_rubrics.py).

Written strictly to the official CASE 1.1 CFPackage JSON Schema: nothing it
does not define (no CFDocumentURI inside a package). Dates are the version's
date: the same sources give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..sources.model import Alignement, Bloc, Certification, Competence, Critere
from .addresses import (
    ROME_COMPETENCE_URL,
    absolute,
    bloc_page,
    cert_key,
    fiche_url,
    full_code,
    short_code,
    stable_uuid,
)
from .case_rubrics import rubrics

ITEM_TYPES = {  # typeCode → (title, description, hierarchyCode)
    "bloc": ("Bloc de compétences", "Ensemble homogène et cohérent de compétences, évalué et validé à part (RNCP).", "1"),
    "competence": ("Compétence", "Ce que le professionnel sait faire : verbe d'action, objet, finalité.", "2"),
    "critere": ("Critère d'évaluation", "Ce que le jury observe pour dire une compétence acquise.", "3"),
}
TOOL_KEY = "dossier"  # the item types are the same for every certification


class CorrespondenceLike(Protocol):
    """A correspondance with another certification (the sources' `correspondances:`, once they have them)."""

    fiche: str  # the other certification's RNCP code
    blocs: tuple[str, ...]  # this certification's blocs concerned; none: the whole certification
    blocs_fiche: tuple[str, ...]  # the other's blocs; none: the whole certification


@dataclass(frozen=True)
class Correspondence:
    fiche: str
    blocs: tuple[str, ...] = ()
    blocs_fiche: tuple[str, ...] = ()


def timestamp(cert: Certification) -> str:
    """Every lastChangeDateTime: the version's date (RFC 3339, UTC)."""
    day = cert.date.isoformat() if cert.date else "1970-01-01"
    return f"{day}T00:00:00Z"


@dataclass(frozen=True)
class Node:
    """What an association or a rubric needs of a node: a LinkGenURI."""

    title: str
    identifier: str
    uri: str
    target_type: str = ""

    def link(self) -> dict:
        out = {"title": self.title, "identifier": self.identifier, "uri": self.uri}
        if self.target_type:
            out["targetType"] = self.target_type
        return out


class CaseNodes:
    """The certification's nodes, named once."""

    def __init__(self, cert: Certification):
        self.cert = cert
        self.key = cert_key(cert)

    def document(self) -> Node:
        return Node(self.cert.intitule, stable_uuid(self.key, "document"), absolute(self.cert, "", "document"))

    def bloc(self, bloc: Bloc) -> Node:
        code = short_code(bloc.code)
        uri = absolute(self.cert, f"{bloc_page(bloc)}#{bloc.code}", "bloc", code)
        return Node(f"{full_code(self.cert, bloc)} — {bloc.intitule}", stable_uuid(self.key, "bloc", code), uri)

    def competence(self, bloc: Bloc, comp: Competence) -> Node:
        uri = absolute(self.cert, f"{bloc_page(bloc)}#{comp.id}", "competence", comp.id)
        return Node(f"{comp.id} {comp.texte}", stable_uuid(self.key, "competence", comp.id), uri)

    def critere(self, bloc: Bloc, crit: Critere) -> Node:
        uri = absolute(self.cert, f"{bloc_page(bloc)}#{crit.id}", "critere", crit.id)
        return Node(f"{crit.id} {crit.texte}", stable_uuid(self.key, "critere", crit.id), uri)


def item_type_link(kind: str) -> dict:
    ident = stable_uuid(TOOL_KEY, "item-type", kind)
    return {"title": ITEM_TYPES[kind][0], "identifier": ident, "uri": f"urn:uuid:{ident}"}


def alignment_node(a: Alignement) -> Node:
    """An ESCO or ROME 4.0 competence, as the destination of an association."""
    if a.referentiel == "esco":
        return Node(a.libelle or f"Compétence ESCO {a.code.rsplit('/', 1)[-1]}", a.code, a.code, "ext:ESCO")
    return Node(a.libelle or f"Compétence ROME 4.0 {a.code}", a.code, ROME_COMPETENCE_URL.format(code=a.code), "ext:ROME")


def other_document(code: str) -> Node:
    """Another certification (by its RNCP code), with the identifier dossier gives its CFDocument."""
    return Node(f"Certification {code}", stable_uuid(code, "document"), fiche_url(code) or f"urn:uuid:{stable_uuid(code, 'document')}", "ext:RNCP")


def other_bloc(fiche: str, code: str) -> Node:
    full = code if code.startswith("RNCP") else f"{fiche}{code}"
    ident = stable_uuid(fiche, "bloc", short_code(code))
    return Node(f"Bloc {full}", ident, f"{fiche_url(fiche)}#{full}" if fiche_url(fiche) else f"urn:uuid:{ident}", "ext:RNCP")


def case_package(
    cert: Certification,
    *,
    replaces: Sequence[str] = (),
    correspondences: Iterable[CorrespondenceLike] | None = None,
) -> dict:
    """The CFPackage of a checked certification.

    `replaces`: RNCP codes of the certifications this one replaces (its former versions).
    `correspondences`: defaults to the sources' own `correspondances:` when the model has them.
    """
    if correspondences is None:  # the sources' correspondances, once the model carries them
        correspondences = getattr(cert, "correspondances", ())
    ids = CaseNodes(cert)
    when = timestamp(cert)
    doc = ids.document()
    items: list[dict] = []
    links = _Associations(ids.key, when)
    for i, bloc in enumerate(cert.blocs, start=1):
        node = ids.bloc(bloc)
        items.append(_item(node, full_code(cert, bloc), bloc.intitule, "bloc", when, str(i)))
        links.add("isChildOf", node, doc, i)
        for j, comp in enumerate(bloc.competences, start=1):
            cnode = ids.competence(bloc, comp)
            item = _item(cnode, comp.id, comp.texte, "competence", when, str(j))
            if comp.transversale:
                item["conceptKeywords"] = ["compétence transversale"]
            items.append(item)
            links.add("isChildOf", cnode, node, j)
            for a in comp.alignements:
                if a.referentiel:
                    links.add("exactMatchOf" if a.exacte else "isRelatedTo", cnode, alignment_node(a))
        comps = {c.id: c for c in bloc.competences}
        under: dict[str, int] = {}  # criteria placed so far under each competence
        for k, crit in enumerate(bloc.criteres, start=1):  # listEnumeration: the bloc's own order
            knode = ids.critere(bloc, crit)
            items.append(_item(knode, crit.id, crit.texte, "critere", when, str(k)))
            targets = [comps[c] for c in crit.competences if c in comps]
            for n, comp in enumerate(targets):
                if n == 0:
                    under[comp.id] = under.get(comp.id, 0) + 1
                    links.add("isChildOf", knode, ids.competence(bloc, comp), under[comp.id])
                else:
                    links.add("isRelatedTo", knode, ids.competence(bloc, comp))
    for code in replaces:
        links.add("replacedBy", other_document(code), doc)
    _correspondences(cert, ids, doc, correspondences, set(replaces), links)
    package = {
        "CFDocument": _document(cert, doc, when),
        "CFItems": items,
        "CFAssociations": links.out,
        "CFDefinitions": {"CFItemTypes": [_item_type(kind, when) for kind in ITEM_TYPES]},
    }
    grids = rubrics(cert, lambda bloc, crit: ids.critere(bloc, crit).link(), when)
    if grids:
        package["CFRubrics"] = grids
    return package


def dumps(package: dict) -> bytes:
    return (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _document(cert: Certification, node: Node, when: str) -> dict:
    makers = ", ".join(c.nom for c in cert.certificateurs) or "(certificateur à préciser)"
    doc = {
        "identifier": node.identifier,
        "uri": node.uri,
        "creator": makers,
        "title": cert.intitule,
        "lastChangeDateTime": when,
        "caseVersion": "1.1",
        "frameworkType": "Référentiel de certification professionnelle (RNCP)",
        "publisher": makers,
        "description": f"Référentiel de compétences et d'évaluation de la certification « {cert.intitule} »"
                       + (f" ({cert.code_rncp})" if cert.code_rncp else "") + ".",
        "language": "fr",
        "version": cert.version,
        "adoptionStatus": "Adopted" if cert.code_rncp else "Draft",
        "notes": f"Niveau {cert.niveau} du cadre national des certifications professionnelles.",
    }
    if cert.code_rncp:
        doc["officialSourceURL"] = fiche_url(cert.code_rncp)
    if cert.date:
        doc["statusStartDate"] = cert.date.isoformat()
    return doc


def _item(node: Node, code: str, statement: str, kind: str, when: str, position: str) -> dict:
    return {
        "identifier": node.identifier,
        "uri": node.uri,
        "fullStatement": statement,
        "humanCodingScheme": code,
        "listEnumeration": position,
        "CFItemType": ITEM_TYPES[kind][0],
        "CFItemTypeURI": item_type_link(kind),
        "language": "fr",
        "lastChangeDateTime": when,
    }


def _item_type(kind: str, when: str) -> dict:
    title, description, level = ITEM_TYPES[kind]
    link = item_type_link(kind)
    return {
        "identifier": link["identifier"], "uri": link["uri"], "title": title, "description": description,
        "hierarchyCode": level, "typeCode": kind, "lastChangeDateTime": when,
    }


class _Associations:
    def __init__(self, key: str, when: str):
        self.key, self.when = key, when
        self.out: list[dict] = []

    def add(self, kind: str, origin: Node, destination: Node, sequence: int | None = None) -> None:
        ident = stable_uuid(self.key, "association", f"{kind}:{origin.identifier}:{destination.identifier}")
        association = {
            "identifier": ident,
            "uri": f"urn:uuid:{ident}",
            "associationType": kind,
            "originNodeURI": origin.link(),
            "destinationNodeURI": destination.link(),
            "lastChangeDateTime": self.when,
        }
        if sequence is not None:
            association["sequenceNumber"] = sequence
        self.out.append(association)


def _correspondences(cert, ids: CaseNodes, doc: Node, correspondences, replaced: set[str], links: _Associations) -> None:
    """Blocs ↔ another certification's blocs: one to one is an exact match, many to many only related;
    with a certification this one replaces, the old blocs are replaced by the new ones."""
    by_code = {}
    for bloc in cert.blocs:
        by_code[bloc.code] = by_code[short_code(bloc.code)] = by_code[full_code(cert, bloc)] = bloc
    for c in correspondences:
        if getattr(c, "type", "") == "aucune":  # an old bloc with no equivalent: no association
            continue
        ours = [ids.bloc(by_code[b]) for b in c.blocs if b in by_code] or ([doc] if not c.blocs else [])
        theirs = [other_bloc(c.fiche, b) for b in c.blocs_fiche] or [other_document(c.fiche)]
        for origin in ours:
            for target in theirs:
                if c.fiche in replaced:
                    links.add("replacedBy", target, origin)
                else:
                    links.add("exactMatchOf" if len(ours) == len(theirs) == 1 else "isRelatedTo", origin, target)
