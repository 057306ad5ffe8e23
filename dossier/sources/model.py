"""The certification as frozen data: what every later stage reads.

Each object carries a `Src` saying where it was written, so that a check can
point at the exact line and column of the value it complains about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ..text import same
from ..typography import parse_duree  # noqa: F401 — where the model's users import it from
from .diagnostics import Loc

VOIES = {
    "formation_initiale": "Formation initiale",
    "apprentissage": "Apprentissage",
    "formation_continue": "Formation continue",
    "contrat_professionnalisation": "Contrat de professionnalisation",
    "candidature_libre": "Candidature individuelle (libre)",
    "vae": "Validation des acquis de l'expérience (VAE)",
}

TYPES_MODALITE = {
    "etude_de_cas": "Étude de cas",
    "rapport_activites": "Rapport d'activités",
    "soutenance": "Soutenance orale",
    "mise_en_situation": "Mise en situation professionnelle",
    "dossier_professionnel": "Dossier professionnel",
    "entretien": "Entretien avec le jury",
    "questionnaire": "Questionnaire",
    "projet": "Projet",
    "autre": "Autre",
}

SOUTENANCES = {
    "par_bloc": "Une soutenance pour ce bloc",
    "commune": "Une soutenance commune à plusieurs blocs",
}

HABILITATIONS = {
    "FORMER": "Préparer à la certification (former)",
    "ORGANISER": "Organiser les épreuves d'évaluation",
    "ORGA_FORM": "Former et organiser les épreuves",
}

# The dimensions the 2025 rules ask a référentiel to take into account (décret n° 2025-500).
DIMENSIONS = {
    "transition_ecologique": "Transition écologique",
    "numerique": "Numérique",
    "sante_securite": "Santé et sécurité au travail",
    "handicap": "Handicap et accessibilité",
}

ECHELLES = {
    "acquis_non_acquis": "Acquis / non acquis",
    "trois_niveaux": "Acquis / partiellement acquis / non acquis",
    "points": "Points pondérés",
}

# How a competence is judged from its criteria (scales with boxes; points use the weighted mean).
REGLES_COMPETENCE = {
    "tous": "tous ses critères acquis",
    "proportion": "une part minimale de ses critères acquis",
}


@dataclass(frozen=True)
class Src:
    """Where an object was written: its own place, and the place of each of its values."""

    file: str
    keypath: str
    line: int = 0
    col: int = 0
    locs: Mapping[str, Loc] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def loc(self) -> Loc:
        return Loc(self.file, self.line, self.col)

    def at(self, key: str) -> tuple[Loc, str]:
        """The location and full key path of one of this object's values."""
        loc = self.locs.get(key, self.loc)
        path = f"{self.keypath}.{key}" if self.keypath else key
        return loc, path


NO_SRC = Src("", "")


@dataclass(frozen=True)
class Certificateur:
    nom: str
    siret: str = ""
    site: str = ""
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class VoieAcces:
    voie: str
    ouverte: bool
    jury: str = ""
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    @property
    def libelle(self) -> str:
        return VOIES.get(self.voie, self.voie)


@dataclass(frozen=True)
class Echelle:
    type: str
    bareme: float = 0
    seuil: float = 0
    regle: str = "tous"  # REGLES_COMPETENCE: how a competence is acquired from its criteria
    proportion: float = 100  # with regle "proportion": the share of criteria acquired, in percent
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    def __post_init__(self):
        # keys left out of the YAML arrive as None: give them their documented defaults
        for name, default in (("bareme", 0), ("seuil", 0), ("regle", "tous"), ("proportion", 100)):
            if getattr(self, name) is None:
                object.__setattr__(self, name, default)

    @property
    def libelle(self) -> str:
        return ECHELLES.get(self.type, self.type)


@dataclass(frozen=True)
class Codes:
    nsf: tuple[str, ...] = ()
    rome: tuple[str, ...] = ()
    formacode: tuple[str, ...] = ()
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Affichage:
    identifiants: bool = True
    pdf_a: bool = False
    bloc_par_page: bool = True
    typographie: bool = True  # French typography in the documents (typography.py); the sources are never changed
    src: Src = field(default=NO_SRC, compare=False, repr=False)
    pdf_accessible: bool = True  # tagged PDF/UA-1


@dataclass(frozen=True)
class Partenaire:
    """An organisme habilité: a school or training body the certificateur authorises."""

    nom: str
    siret: str
    habilitation: str  # FORMER, ORGANISER or ORGA_FORM
    debut: dt.date | None = None
    fin: dt.date | None = None
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    @property
    def habilitation_libelle(self) -> str:
        return HABILITATIONS.get(self.habilitation, self.habilitation)


CORRESPONDANCES = {
    "totale": "Correspondance totale",
    "partielle": "Correspondance partielle",
    "aucune": "Aucune correspondance",
}


@dataclass(frozen=True)
class Correspondance:
    """A declared equivalence between blocs of this certification and another one (or a former version).

    Read as: holding the other's `blocs_fiche` gives this certification's `blocs` — all of their
    competences (« totale »), some of them (« partielle »: those `competences` names), or nothing
    (« aucune »: an old bloc with no equivalent, said explicitly).
    """

    fiche: str  # the other certification's code (RNCP12345)
    blocs: tuple[str, ...] = ()  # this certification's blocs concerned
    blocs_fiche: tuple[str, ...] = ()  # the other's blocs; none: the whole certification
    type: str = ""  # totale, partielle, aucune; "" when the source does not say (the open data never does)
    # this certification's competences → the other's that justify each (the competences in common)
    competences: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    notes: str = ""
    proposee: bool = False  # proposed by `dossier diff --ecrire`, not reviewed yet
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    @property
    def type_libelle(self) -> str:
        return CORRESPONDANCES.get(self.type, "Correspondance (totale ou partielle : non précisé)")


@dataclass(frozen=True)
class Promotion:
    """One year of the certification's life, as the renewal reports it (STATISTIQUES_PROMOTION)."""

    annee: int
    certifies: int
    certifies_vae: int | None = None  # of which through VAE
    insertion_6_mois: float | None = None  # percent in employment 6 months after (TAUX_INSERTION_GLOBAL_6MOIS)
    insertion_metier_2_ans: float | None = None  # percent in the targeted job 2 years after (TAUX_INSERTION_METIER_2ANS)
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Recommandation:
    """A recommendation received at the previous registration, and how this version takes it into account."""

    texte: str
    prise_en_compte: str = ""
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Renouvellement:
    """What this filing renews: the previous registration's code, where its sources are, its blocs."""

    code: str = ""  # the RNCP code renewed
    version_precedente: str = ""  # where to read it: a sources folder, git:REVISION, rncp:EXPORT.xml#RNCPnnnnn
    blocs_precedents: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # code → intitulé
    recommandations: tuple[Recommandation, ...] = ()
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Dimension:
    """Where the référentiel takes one of the 2025 dimensions into account, or why it does not apply."""

    competences: tuple[str, ...] = ()
    sans_objet: str = ""
    mots: tuple[str, ...] = ()  # words added to the shipped lexicon, for this project
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Reproduction:
    """Settings of the literal reproduction check (`dossier check --rncp`)."""

    mots_min: int = 12  # a common passage counts from this many words
    seuil: float = 0  # percent of a text found, below which nothing is reported
    autorises: tuple[str, ...] = ()  # common phrases allowed, besides the shipped ones
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Enregistrement:
    """France compétences' registration decision: its date and how long it runs (the parchemin says both)."""

    date_decision: dt.date | None = None
    duree: int | None = None  # in years
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Activite:
    id: str
    intitule: str
    taches: tuple[str, ...] = ()
    a_adapter: str = ""  # what remains to adapt before filing ("" : nothing)
    src: Src = field(default=NO_SRC, compare=False, repr=False)


REFERENTIELS_ALIGNEMENT = {"rome": "ROME 4.0", "esco": "ESCO"}


@dataclass(frozen=True)
class Alignement:
    """A competence's counterpart in ROME 4.0 or ESCO (exact, or only close)."""

    referentiel: str  # "rome" or "esco"; "" when the source named neither (reported by a check)
    code: str  # the ROME competence code, or the ESCO skill URI
    libelle: str = ""
    exacte: bool = False
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    @property
    def nom_referentiel(self) -> str:
        return REFERENTIELS_ALIGNEMENT.get(self.referentiel, self.referentiel)


@dataclass(frozen=True)
class Competence:
    id: str
    texte: str
    activites: tuple[str, ...] = ()
    transversale: bool = False
    alignements: tuple[Alignement, ...] = ()
    a_adapter: str = ""  # what remains to adapt before filing ("" : nothing)
    src: Src = field(default=NO_SRC, compare=False, repr=False)


SANS_OBJET = "sans objet"  # the duration of a written épreuve that has none (`duree: sans objet`)
WRITTEN = ("rapport_activites", "dossier_professionnel", "projet", "autre")  # épreuves that may have no duration


@dataclass(frozen=True)
class Modalite:
    id: str
    type: str
    intitule: str
    duree: str
    competences: tuple[str, ...]
    conditions: str = ""
    description: str = ""
    livrables: tuple[str, ...] = ()
    remise: str = ""
    format: str = ""  # length and format of what is handed in
    soutenance: str = ""  # "par_bloc", "commune", or "" (not said)
    jury: str = ""
    a_adapter: str = ""  # what remains to adapt before filing ("" : nothing)
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.sans_duree:  # « Sans objet », « sans  objet » : shown the same way everywhere
            object.__setattr__(self, "duree", SANS_OBJET)

    @property
    def sans_duree(self) -> bool:
        """A written épreuve that declares no duration (`duree: sans objet`)."""
        return " ".join(self.duree.lower().split()) == SANS_OBJET

    @property
    def minutes(self) -> int | None:
        """The duration in minutes; None when it has none (sans_duree) or cannot be read."""
        return None if self.sans_duree else parse_duree(self.duree)

    @property
    def type_libelle(self) -> str:
        return TYPES_MODALITE.get(self.type, self.type)

    @property
    def soutenance_libelle(self) -> str:
        return SOUTENANCES.get(self.soutenance, self.soutenance)

    @property
    def titre(self) -> str:
        """« Étude de cas : De l'analyse du marché… », or the intitulé alone when it names the type."""
        if same(self.intitule, self.type_libelle):
            return self.intitule
        return f"{self.type_libelle} : {self.intitule}"


@dataclass(frozen=True)
class Critere:
    id: str
    texte: str
    competences: tuple[str, ...]
    modalites: tuple[str, ...] = ()
    poids: float = 1
    a_adapter: str = ""  # what remains to adapt before filing ("" : nothing)
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Bloc:
    code: str
    intitule: str
    activites: tuple[Activite, ...] = ()
    competences: tuple[Competence, ...] = ()
    modalites: tuple[Modalite, ...] = ()
    criteres: tuple[Critere, ...] = ()
    a_adapter: str = ""  # what remains to adapt before filing ("" : nothing)
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    def competence_de(self, critere: Critere, parmi: Iterable[str] | None = None) -> str | None:
        """The competence row a criterion sits on: the first of its competences in the bloc's order
        (among `parmi` only, when given: the competences an épreuve evaluates). None: none of them."""
        allowed = None if parmi is None else set(parmi)
        own = set(critere.competences)
        for comp in self.competences:
            if comp.id in own and (allowed is None or comp.id in allowed):
                return comp.id
        return None

    def criteres_de(self, modalite: Modalite) -> tuple[Critere, ...]:
        """The criteria a jury checks in one épreuve of this bloc.

        A criterion bound to modalités belongs only to those; one bound to
        competences only belongs to every épreuve evaluating one of them.
        """
        evaluated = set(modalite.competences)
        return tuple(
            c
            for c in self.criteres
            if (modalite.id in c.modalites)
            or (not c.modalites and evaluated.intersection(c.competences))
        )


@dataclass(frozen=True)
class Prose:
    """One Markdown file of the handbook."""

    name: str
    titre: str
    texte: str
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Logo:
    """The certificateur's logo (logo.png or logo.jpg in the sources folder), checked to be a real image."""

    name: str
    mime: str  # image/png, image/jpeg
    sha256: str  # what a fingerprint sees of it
    data: bytes = field(repr=False, compare=False)


@dataclass(frozen=True)
class Contact:
    """Whom a candidate writes to: a person or a service, and how to reach them."""

    nom: str = ""
    adresse: str = ""
    courriel: str = ""
    telephone: str = ""
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    @property
    def ligne(self) -> str:
        return " — ".join(x for x in (self.nom, self.adresse, self.courriel, self.telephone) if x)


@dataclass(frozen=True)
class Contacts:
    """The addresses the handbook's rules refer a candidate to."""

    referent_handicap: Contact | None = None
    recours: Contact | None = None
    certificateur: Contact | None = None
    src: Src = field(default=NO_SRC, compare=False, repr=False)


@dataclass(frozen=True)
class Certification:
    intitule: str
    niveau: int
    version: str
    date: dt.date | None
    code_rncp: str = ""
    codes: Codes = Codes()
    certificateurs: tuple[Certificateur, ...] = ()
    objectifs_contexte: str = ""
    activites_visees: str = ""
    secteurs_activite: str = ""
    emplois_accessibles: tuple[str, ...] = ()
    prerequis: str = ""
    voies_acces: tuple[VoieAcces, ...] = ()
    echelle: Echelle = Echelle("acquis_non_acquis")
    regles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    affichage: Affichage = Affichage()
    adresse_site: str = ""  # where the site is published (https://…/), for absolute addresses in the exports
    renouvellement: Renouvellement = Renouvellement()  # what this filing renews (code "" : a first filing)
    correspondances: tuple[Correspondance, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    partenaires: tuple[Partenaire, ...] = ()
    dimensions: Mapping[str, Dimension] = field(default_factory=lambda: MappingProxyType({}))
    reproduction: Reproduction = Reproduction()
    a_adapter: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # key → what remains to do
    contacts: Contacts = Contacts()
    enregistrement: Enregistrement = Enregistrement()
    blocs: tuple[Bloc, ...] = ()
    prose: tuple[Prose, ...] = ()
    logo: Logo | None = None
    src: Src = field(default=NO_SRC, compare=False, repr=False)

    @property
    def competences(self) -> tuple[Competence, ...]:
        return tuple(c for b in self.blocs for c in b.competences)

    @property
    def modalites(self) -> tuple[Modalite, ...]:
        return tuple(m for b in self.blocs for m in b.modalites)

    @property
    def criteres(self) -> tuple[Critere, ...]:
        return tuple(c for b in self.blocs for c in b.criteres)

    @property
    def activites(self) -> tuple[Activite, ...]:
        return tuple(a for b in self.blocs for a in b.activites)
