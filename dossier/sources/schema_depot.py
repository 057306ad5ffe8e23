"""The filing's specs: shared pieces (ids, codes), partners, correspondances, promotions and renewal,
the 2025 dimensions, the settings of the literal reproduction check. schema.py assembles them into `certification.yaml`."""

from __future__ import annotations

from types import MappingProxyType

import yaml

from . import model as m
from .spec import TAG_BOOL, Boolean, Choice, Date, Integer, Number, Pattern, Text
from .spec_objects import Key, ListOf, MapOf, Obj, ScalarOr

ID = r"[A-Za-z][A-Za-z0-9_.\-]{0,31}"
SEVERITY_CHOICES = {"erreur": "", "avertissement": "", "info": "", "ignore": ""}


def ident(doc: str) -> Pattern:
    return Pattern(
        doc=doc,
        regex=ID,
        what="un identifiant valide (une lettre puis lettres, chiffres, « . », « - » ou « _ », 32 au plus)",
        rule="identifiant-format",
        numeric_ok=False,
    )


def refs(doc: str, min_items: int = 0) -> ListOf:
    return ListOf(item=ident("identifiant"), doc=doc, min_items=min_items)


LINE = dict(multiline=False, max_length=500)


class Marker(Text):
    """`a_adapter:` on an item: what remains to adapt before filing (a text), or `true`/`false`."""

    def parse(self, node, path, ctx):
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_BOOL:
            return A_ADAPTER if self._scalar(node, path, ctx, "un texte") is True else ""
        return super().parse(node, path, ctx)

    def json_schema(self):
        return {"description": self.doc, "type": ["string", "boolean"]}


A_ADAPTER = "texte d'exemple ou provisoire, à adapter"


def marker(what: str) -> Key:
    return Key(Marker(doc=f"{what} reste à adapter avant le dépôt : dites quoi (ou true) ; retirez la clé une fois fait", **LINE))


def rncp_code(doc: str) -> Pattern:
    return Pattern(doc=doc, regex=r"RNCP\d{3,6}", what="un code RNCP (« RNCP » suivi de chiffres)", rule="code-rncp", numeric_ok=False)


def siret_code(doc: str) -> Pattern:
    return Pattern(doc=doc, regex=r"\d{14}", what="un SIRET de 14 chiffres", rule="siret")


PARTENAIRE = Obj(
    title="Organisme habilité (partenaire)",
    keys={
        "nom": Key(Text(doc="Raison sociale", **LINE), required=True),
        "siret": Key(siret_code("SIRET : 14 chiffres (clé de Luhn vérifiée)"), required=True),
        "habilitation": Key(
            Choice(choices=m.HABILITATIONS, doc="FORMER (préparer), ORGANISER (les épreuves) ou ORGA_FORM (les deux)"),
            required=True,
        ),
        "debut": Key(Date(doc="Début de l'habilitation (AAAA-MM-JJ)")),
        "fin": Key(Date(doc="Fin de l'habilitation (AAAA-MM-JJ)")),
    },
    build=m.Partenaire,
    identity=None,
    default=None,
)

CORRESPONDANCE = Obj(
    title="Correspondance avec une autre certification (ou la version précédente)",
    doc="Qui détient les blocs « blocs_fiche » de l'autre certification obtient ceux-ci (« blocs ») : en entier, en partie, ou rien",
    keys={
        "fiche": Key(rncp_code("Code RNCP de l'autre certification (ou de la version précédente)"), required=True),
        "blocs": Key(refs("Blocs de cette certification obtenus par la correspondance (codes) ; aucun : la certification entière, ou rien avec « type: aucune »")),
        "blocs_fiche": Key(ListOf(item=Text(**LINE), doc="Blocs de l'autre certification (aucun : la certification entière)")),
        "type": Key(Choice(choices=m.CORRESPONDANCES, doc="totale, partielle, ou aucune (un bloc de l'autre certification sans équivalent ici, dit explicitement)")),
        "competences": Key(MapOf(
            value=refs("Compétences de l'autre certification qui la justifient"),
            doc="Les compétences en commun : pour chaque compétence de ces blocs, celles de l'autre certification qui la justifient (C5.1: [C1.3])",
        )),
        "notes": Key(Text(doc="Notes libres : conditions, ce qui reste à valider…", min_length=0)),
        "proposee": Key(Boolean(doc="Proposée par dossier diff --ecrire, à relire : retirez cette clé une fois la correspondance vérifiée")),
    },
    build=m.Correspondance,
    identity=None,
    default=None,
)

PROMOTION = Obj(
    title="Promotion (statistiques de la certification)",
    keys={
        "annee": Key(Integer(doc="Année de la promotion", minimum=1990, maximum=2100), required=True),
        "certifies": Key(Integer(doc="Nombre de certifiés", minimum=0), required=True),
        "dont_vae": Key(Integer(doc="Dont certifiés par la VAE", minimum=0), default=None),
        "insertion_6_mois": Key(Number(doc="Taux d'insertion global à 6 mois, en %", maximum=100), default=None),
        "insertion_metier_2_ans": Key(Number(doc="Taux d'insertion dans le métier visé à 2 ans, en %", maximum=100), default=None),
    },
    build=lambda src, annee, certifies, dont_vae, insertion_6_mois, insertion_metier_2_ans: m.Promotion(
        annee, certifies, dont_vae, insertion_6_mois, insertion_metier_2_ans, src),
    identity=None,
    default=None,
)

RECOMMANDATION = Obj(
    title="Recommandation reçue",
    keys={
        "recommandation": Key(Text(doc="La recommandation reçue lors de l'enregistrement précédent"), required=True),
        "prise_en_compte": Key(Text(doc="Comment cette version en tient compte", min_length=0)),
    },
    build=lambda src, recommandation, prise_en_compte: m.Recommandation(recommandation, prise_en_compte, src),
    identity=None,
    default=None,
)

RENOUVELLEMENT = ScalarOr(
    obj=Obj(
        title="Renouvellement",
        doc="Ce que ce dépôt renouvelle : le code RNCP seul, ou le détail",
        keys={
            "code": Key(rncp_code("Code RNCP de la certification que ce dépôt renouvelle"), required=True),
            "version_precedente": Key(Text(
                doc="Où lire la version précédente (pour dossier check et dossier diff) : un dossier de sources "
                "(relatif à ce dossier), git:RÉVISION, ou rncp:EXPORT.xml#RNCPnnnnn", **LINE)),
            "blocs_precedents": Key(MapOf(value=Text(**LINE), doc="Les blocs de la version précédente (code : intitulé), écrits par dossier diff --ecrire")),
            "recommandations": Key(ListOf(item=RECOMMANDATION, doc="Recommandations reçues lors de l'enregistrement précédent, et leur prise en compte")),
        },
        build=lambda src, **values: m.Renouvellement(src=src, **values),
        identity=None,
        default=m.Renouvellement(),
    ),
    key="code",
)

DIMENSION = Obj(
    title="Prise en compte d'une dimension",
    keys={
        "competences": Key(refs("Compétences où la dimension est prise en compte")),
        "sans_objet": Key(Text(doc="Pourquoi la dimension ne s'applique pas à cette certification", **LINE)),
        "mots": Key(ListOf(item=Text(**LINE), doc="Mots ajoutés au lexique livré pour repérer la dimension (« écolog* » : tout mot qui commence ainsi)")),
    },
    build=m.Dimension,
    identity=None,
    default=None,
)

DIMENSIONS = Obj(
    title="Dimensions attendues par les règles de 2025",
    doc="Où le référentiel prend en compte chaque dimension, ou pourquoi elle ne s'applique pas",
    keys={name: Key(DIMENSION) for name in m.DIMENSIONS},
    build=lambda src, **dims: MappingProxyType({k: v for k, v in dims.items() if v is not None}),
    identity=None,
    default=MappingProxyType({}),
)

REPRODUCTION = Obj(
    title="Reproduction littérale (dossier check --rncp)",
    keys={
        "mots_min": Key(Integer(doc="Longueur, en mots, à partir de laquelle un passage commun est signalé (12 par défaut, 8 au moins)", minimum=8, maximum=200), default=12),
        "seuil": Key(Number(doc="Part du texte retrouvée (en %) en dessous de laquelle rien n'est signalé (0 par défaut)"), default=0),
        "autorises": Key(ListOf(item=Text(**LINE), doc="Formules communes permises, en plus de celles livrées")),
    },
    build=lambda src, mots_min, seuil, autorises: m.Reproduction(mots_min, min(seuil, 100), autorises, src),
    identity=None,
    default=m.Reproduction(),
)
