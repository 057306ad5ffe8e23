"""The specs the open standards add to the sources: a competence's alignments, the site's public address.

An alignment names a competence's counterpart in ROME 4.0 (France Travail's
competence code) or ESCO (a skill URI), each checked for its shape here; that
it names exactly one of them is a rule (checks/alignements.py). The site's
address, when given, makes the exports' addresses absolute (CASE, badges,
schema.org).
"""

from __future__ import annotations

from . import model as m
from .spec import Boolean, Pattern, Text
from .spec_objects import Key, ListOf, Obj

# ROME 4.0 competences carry a numeric « code OGR » (101622, 6 digits in the published data;
# 5 accepted for older ones). No official text gives the count: see docs/standards.md.
ROME_COMPETENCE = r"\d{5,6}"
# An ESCO skill concept (a lower-case UUID, over http as ESCO writes it), or a group of its hierarchy (S1.2…).
ESCO_SKILL = r"http://data\.europa\.eu/esco/skill/(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[SKTL](?:\d+(?:\.\d+)*)?)"
WEB_ADDRESS = r"https?://[^\s<>\"'{}|\\^`]+"


def _alignement(src, rome: str, esco: str, libelle: str, exacte: bool) -> m.Alignement:
    if rome and not esco:
        return m.Alignement("rome", rome, libelle, exacte, src)
    if esco and not rome:
        return m.Alignement("esco", esco, libelle, exacte, src)
    return m.Alignement("", "", libelle, exacte, src)  # neither or both: reported by alignement-cible


ALIGNEMENT = Obj(
    title="Alignement sur ROME 4.0 ou ESCO",
    keys={
        "rome": Key(Pattern(
            doc="Code de la compétence dans le ROME 4.0 de France Travail (code OGR, par exemple 101622)",
            regex=ROME_COMPETENCE,
            what="un code de compétence ROME 4.0 (5 ou 6 chiffres, par exemple 101622)",
            rule="alignement-rome",
        )),
        "esco": Key(Pattern(
            doc="URI de la compétence ESCO (http://data.europa.eu/esco/skill/…)",
            regex=ESCO_SKILL,
            what="une URI de compétence ESCO (http://data.europa.eu/esco/skill/ suivi de l'identifiant, en minuscules, "
                 "telle que la donne le portail ESCO)",
            rule="alignement-esco",
            numeric_ok=False,
        )),
        "libelle": Key(Text(doc="Libellé de la compétence dans ce référentiel (affiché sur le site)", multiline=False, max_length=500)),
        "exacte": Key(Boolean(doc="La correspondance est exacte (sinon : compétence proche)")),
    },
    build=_alignement,
    identity=None,
    default=None,
)

ALIGNEMENTS = ListOf(item=ALIGNEMENT, doc="Correspondances de la compétence dans ROME 4.0 ou ESCO (facultatif)")

ADRESSE_SITE = Pattern(
    doc="Adresse publique où le site de la certification est publié (https://…/) : les badges, l'export CASE et "
        "les données schema.org y prennent des adresses absolues",
    regex=WEB_ADDRESS,
    what="une adresse web (https://…)",
    rule="adresse-web",
    numeric_ok=False,
)
