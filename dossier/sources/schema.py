"""The source format: the specs of `certification.yaml` and of a bloc file.

The same specs parse the YAML (load.py) and publish the JSON Schema that
editors use to complete and underline keys (`dossier schema`).
"""

from __future__ import annotations

import json

from . import model as m
from .schema_depot import (
    CORRESPONDANCE,
    DIMENSIONS,
    LINE,
    PARTENAIRE,
    PROMOTION,
    RENOUVELLEMENT,
    REPRODUCTION,
    SEVERITY_CHOICES,
    ident,
    marker,
    refs,
    rncp_code,
    siret_code,
)
from .schema_standards import ADRESSE_SITE, ALIGNEMENTS
from .spec import Boolean, Choice, Date, Integer, Number, Pattern, Text
from .spec_objects import Key, ListOf, MapOf, Obj

SCHEMA_URL_CERTIFICATION = "../schema/certification.schema.json"
SCHEMA_URL_BLOC = "../../schema/bloc.schema.json"

CERTIFICATEUR = Obj(
    title="Certificateur",
    keys={
        "nom": Key(Text(doc="Raison sociale", **LINE), required=True),
        "siret": Key(siret_code("SIRET : 14 chiffres (clé de Luhn vérifiée)")),
        "site": Key(Text(doc="Site web", **LINE)),
    },
    build=m.Certificateur,
    identity=None,
)

VOIE = Obj(
    title="Voie d'accès",
    keys={
        "voie": Key(Choice(choices=m.VOIES, doc="La voie d'accès"), required=True),
        "ouverte": Key(Boolean(doc="La certification est-elle accessible par cette voie ?"), required=True),
        "jury": Key(Text(doc="Composition du jury pour cette voie (Markdown)", min_length=0)),
    },
    build=m.VoieAcces,
    identity=None,
    default=None,
)

ECHELLE = Obj(
    title="Échelle d'évaluation des grilles",
    keys={
        "type": Key(Choice(choices=m.ECHELLES, doc="acquis_non_acquis, trois_niveaux ou points"), required=True),
        "bareme": Key(Number(doc="Points : note maximale d'un critère", exclusive_minimum=True)),
        "seuil": Key(Number(doc="Points : note moyenne (sur le barème) à atteindre pour valider le bloc")),
        "regle": Key(
            Choice(
                choices=m.REGLES_COMPETENCE,
                doc="Quand une compétence est acquise : tous (tous ses critères acquis, par défaut) "
                "ou proportion (au moins « proportion » % de ses critères acquis)",
            )
        ),
        "proportion": Key(Number(doc="Avec regle: proportion, la part des critères à acquérir, en %", exclusive_minimum=True, maximum=100)),
    },
    build=m.Echelle,
    identity=None,
    default=m.Echelle("acquis_non_acquis"),
)

CODES = Obj(
    title="Codes des nomenclatures",
    keys={
        "nsf": Key(
            ListOf(
                item=Pattern(regex=r"\d{3}[a-z]?", what="un code NSF (3 chiffres, suivis ou non d'une lettre minuscule)", rule="code-nsf"),
                doc="Codes NSF (au plus 3)",
                max_items=3,
            )
        ),
        "rome": Key(
            ListOf(
                item=Pattern(regex=r"[A-N]\d{4}", what="un code ROME (une lettre de A à N et 4 chiffres)", rule="code-rome", numeric_ok=False),
                doc="Codes ROME (au plus 5)",
                max_items=5,
            )
        ),
        "formacode": Key(
            ListOf(
                item=Pattern(regex=r"\d{5}", what="un Formacode (5 chiffres)", rule="code-formacode"),
                doc="Formacodes (au plus 5)",
                max_items=5,
            )
        ),
    },
    build=m.Codes,
    identity=None,
    default=m.Codes(),
)

AFFICHAGE = Obj(
    title="Réglages d'affichage",
    keys={
        "identifiants": Key(Boolean(doc="Afficher les identifiants (C1.1, CR1.1…) dans les documents (oui par défaut)"), default=True),
        "pdf_a": Key(Boolean(doc="Produire des PDF d'archivage PDF/A-3b")),
        "pdf_accessible": Key(
            Boolean(doc=(
                "PDF accessibles, balisés PDF/UA-1 (oui par défaut) : titres, tableaux et listes lus dans l'ordre "
                "par un lecteur d'écran, langue et titre du document"
            )),
            default=True,
        ),
        "bloc_par_page": Key(
            Boolean(doc=(
                "Référentiel imprimé : chaque bloc commence une page (oui par défaut). Le PDF est alors mis en page "
                "par parties, en parallèle, et un bloc modifié ne remet en page que sa partie ; sinon le tableau est "
                "continu et mis en page d'un seul tenant"
            )),
            default=True,
        ),
        "typographie": Key(
            Boolean(doc=(
                "Typographie française dans les documents (oui par défaut) : espaces insécables avant « : ; ! ? » "
                "et dans « », apostrophe ’, points de suspension …, 1ᵉʳ, n°, « 3 h », « 1 h 30 ». Les sources "
                "ne sont jamais modifiées ; non : le texte est repris tel qu'il est écrit"
            )),
            default=True,
        ),
    },
    build=lambda src, identifiants, pdf_a, pdf_accessible, bloc_par_page, typographie: m.Affichage(
        identifiants, pdf_a, bloc_par_page, typographie, src, pdf_accessible
    ),
    identity=None,
    default=m.Affichage(),
)


CONTACT = Obj(
    title="Contact",
    keys={
        "nom": Key(Text(doc="Personne ou service", **LINE)),
        "adresse": Key(Text(doc="Adresse postale", **LINE)),
        "courriel": Key(Text(doc="Adresse électronique", **LINE)),
        "telephone": Key(Text(doc="Téléphone", **LINE)),
    },
    build=m.Contact,
    identity=None,
    default=None,
)

CONTACTS = Obj(
    title="Contacts donnés au candidat",
    doc="Imprimés dans le livret, là où ses chapitres en parlent",
    keys={
        "referent_handicap": Key(CONTACT),
        "recours": Key(CONTACT),
        "certificateur": Key(CONTACT),
    },
    build=m.Contacts,
    identity=None,
    default=m.Contacts(),
)

ENREGISTREMENT = Obj(
    title="Enregistrement au RNCP",
    keys={
        "date_decision": Key(Date(doc="Date de la décision d'enregistrement de France compétences (AAAA-MM-JJ)")),
        "duree": Key(Integer(doc="Durée de l'enregistrement, en années", minimum=1, maximum=5)),
    },
    build=m.Enregistrement,
    identity=None,
    default=m.Enregistrement(),
)


def _certification(src, **values) -> m.Certification:
    return m.Certification(src=src, **values)


CERTIFICATION = Obj(
    title="Certification (fiche)",
    doc="certification.yaml : la fiche de la certification",
    keys={
        # the fiche's limit (800 characters) is checked by the rule champ-limite, with a clearer message
        "intitule": Key(Text(doc="Intitulé de la certification (800 caractères au plus)", multiline=False, max_length=10_000), required=True),
        "code_rncp": Key(rncp_code("Code RNCP, une fois enregistrée (RNCP + chiffres)")),
        "renouvellement": Key(RENOUVELLEMENT),
        "niveau": Key(Integer(doc="Niveau du cadre national des certifications (3 à 8)", minimum=3, maximum=8), required=True),
        "codes": Key(CODES),
        "certificateurs": Key(ListOf(item=CERTIFICATEUR, doc="Certificateur(s)", min_items=1), required=True),
        "version": Key(Text(doc="Version du référentiel", **LINE), required=True),
        "date": Key(Date(doc="Date de la version (AAAA-MM-JJ)"), required=True),
        "objectifs_contexte": Key(Text(doc="Objectifs et contexte de la certification (Markdown)"), required=True),
        "activites_visees": Key(Text(doc="Activités visées (Markdown)"), required=True),
        "secteurs_activite": Key(Text(doc="Secteurs d'activité (Markdown)", min_length=0)),
        "emplois_accessibles": Key(ListOf(item=Text(max_length=5000), doc="Types d'emplois accessibles", min_items=1), required=True),
        "prerequis": Key(Text(doc="Prérequis à l'entrée (Markdown)", min_length=0)),
        "voies_acces": Key(ListOf(item=VOIE, doc="Voies d'accès et composition des jurys", min_items=1), required=True),
        "echelle": Key(ECHELLE, required=True),
        "regles": Key(MapOf(value=Choice(choices=SEVERITY_CHOICES), doc="Sévérité des règles de vérification, par identifiant de règle")),
        "affichage": Key(AFFICHAGE),
        "adresse_site": Key(ADRESSE_SITE),
        "partenaires": Key(ListOf(item=PARTENAIRE, doc="Organismes habilités à préparer à la certification ou à organiser ses épreuves")),
        "correspondances": Key(ListOf(item=CORRESPONDANCE, doc="Correspondances avec d'autres certifications ou la version précédente (le tableau de correspondance)")),
        "promotions": Key(ListOf(item=PROMOTION, doc="Promotions de la certification : certifiés et insertion, année par année (renouvellement)")),
        "dimensions": Key(DIMENSIONS),
        "reproduction": Key(REPRODUCTION),
        "a_adapter": Key(MapOf(
            value=Text(doc="Ce qu'il reste à faire", **LINE),
            doc="Valeurs provisoires ou d'exemple, à adapter avant le dépôt : clé de la fiche → ce qu'il reste à faire "
            "(l'import et dossier nouveau les notent ici ; retirez chaque ligne une fois la valeur adaptée)",
        )),
        "contacts": Key(CONTACTS),
        "enregistrement": Key(ENREGISTREMENT),
    },
    build=_certification,
    identity=None,
)

ACTIVITE = Obj(
    title="Activité",
    keys={
        "id": Key(ident("Identifiant stable de l'activité (A1…)"), required=True),
        "intitule": Key(Text(doc="Intitulé de l'activité", **LINE), required=True),
        "taches": Key(ListOf(item=Text(max_length=2000), doc="Tâches et situations de travail")),
        "a_adapter": marker("Cette activité"),
    },
    build=m.Activite,
)

COMPETENCE = Obj(
    title="Compétence",
    keys={
        "id": Key(ident("Identifiant stable de la compétence (C1.1…)"), required=True),
        "texte": Key(Text(doc="Verbe d'action à l'infinitif + objet + finalité (+ contexte)", max_length=4000), required=True),
        "activites": Key(refs("Activités dont la compétence découle")),
        "transversale": Key(Boolean(doc="Compétence transversale ?")),
        "alignements": Key(ALIGNEMENTS),
        "a_adapter": marker("Cette compétence"),
    },
    build=m.Competence,
)

MODALITE = Obj(
    title="Modalité d'évaluation (épreuve)",
    keys={
        "id": Key(ident("Identifiant stable de la modalité (M1.1…)"), required=True),
        "type": Key(Choice(choices=m.TYPES_MODALITE, doc="Type d'épreuve"), required=True),
        "intitule": Key(Text(doc="Intitulé de l'épreuve", **LINE), required=True),
        "duree": Key(Text(doc="Durée (« 3 heures », « 30 min », « 1 h 30 ») ; « sans objet » pour une épreuve écrite remise (rapport, dossier)", **LINE), required=True),
        "conditions": Key(Text(doc="Conditions de passage", min_length=0)),
        "description": Key(Text(doc="Description de l'épreuve", min_length=0)),
        "livrables": Key(ListOf(item=Text(**LINE), doc="Ce que le candidat remet")),
        "remise": Key(Text(doc="Quand et où les livrables sont remis (date limite, plateforme, adresse)", min_length=0, **LINE)),
        "format": Key(Text(doc="Longueur et format des livrables (« 20 à 30 pages, PDF »)", min_length=0, **LINE)),
        "soutenance": Key(Choice(choices=m.SOUTENANCES, doc="par_bloc : une soutenance pour ce bloc ; commune : une pour plusieurs blocs"), default=""),
        "jury": Key(Text(doc="Jury de l'épreuve", min_length=0)),
        "competences": Key(refs("Compétences évaluées", min_items=1), required=True),
        "a_adapter": marker("Cette épreuve"),
    },
    build=m.Modalite,
)

CRITERE = Obj(
    title="Critère d'évaluation",
    keys={
        "id": Key(ident("Identifiant stable du critère (CR1.1…)"), required=True),
        "texte": Key(Text(doc="Attendu observable", max_length=4000), required=True),
        "competences": Key(refs("Compétences évaluées par ce critère", min_items=1), required=True),
        "modalites": Key(refs("Épreuves où ce critère est utilisé (toutes celles qui évaluent ses compétences si absent)")),
        "poids": Key(Number(doc="Poids du critère (échelle à points)", exclusive_minimum=True)),
        "a_adapter": marker("Ce critère"),
    },
    build=lambda src, poids, **v: m.Critere(src=src, poids=poids if poids is not None else 1, **v),
)

BLOC = Obj(
    title="Bloc de compétences",
    doc="blocs/*.yaml : un bloc de compétences",
    keys={
        "code": Key(
            Pattern(doc="Code du bloc : BCnn ou RNCPnnnnnBCnn", regex=r"(RNCP\d{3,6})?BC\d{2}", what="un code de bloc (BC01, ou RNCP12345BC01)", rule="code-bloc", numeric_ok=False),
            required=True,
        ),
        "intitule": Key(Text(doc="Intitulé du bloc", **LINE), required=True),
        "activites": Key(ListOf(item=ACTIVITE, doc="Activités (référentiel d'activités)")),
        "competences": Key(ListOf(item=COMPETENCE, doc="Compétences (référentiel de compétences)"), required=True),
        "modalites": Key(ListOf(item=MODALITE, doc="Modalités d'évaluation"), required=True),
        "criteres": Key(ListOf(item=CRITERE, doc="Critères d'évaluation"), required=True),
        "a_adapter": marker("Ce bloc"),
    },
    build=m.Bloc,
    identity="code",
)


def json_schemas() -> dict[str, dict]:
    """The published JSON Schemas, by file name."""
    out = {}
    from .session import SESSION

    for name, spec in (("certification", CERTIFICATION), ("bloc", BLOC), ("session", SESSION)):
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **spec.json_schema()}
        out[f"{name}.schema.json"] = schema
    return out


def dump_json_schema(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
