"""The documents of a jury session: views, the values of their fields, and their registry.

Per candidate (stamped: laid out once, the candidate's values put in fields):
the fiche de synthèse du bloc (per candidate × bloc), the relevé de résultats,
the attestation de validation de bloc (per validated bloc), the parchemin (a
holder of every bloc). Per session: the procès-verbal de délibération.

A field is a cell of fixed size the template marks with `champ(view, name)`;
the view's `valeurs` say what is in it (nothing in the base laid out once,
a marker in the base that HTML and DOCX copies start from, the candidate's
value in a document made alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from ..sources.candidats import Candidat
from ..sources.model import Bloc, Certification, Competence, Critere, Modalite
from ..sources.session import Membre, SessionInfo
from ..text import date_fr, slug
from . import DocumentSpec
from .common import Header, header, regle_decision
from .deliberation import INCOMPLET, NON_VALIDE, VALIDE, BlocDecision, CandidatDecisions


@dataclass(frozen=True)
class Seance:
    """What every session document says of the session."""

    intitule: str
    date: str  # « 24 juin 2027 »
    lieu: str
    jury: tuple[Membre, ...]
    externes: int
    part_externes: float
    externes_min: float
    signataire: Membre | None

    @property
    def externes_suffisants(self) -> bool:
        return self.part_externes >= self.externes_min


def seance(info: SessionInfo) -> Seance:
    externes = sum(m.externe for m in info.jury)
    return Seance(info.intitule, date_fr(info.date), info.lieu, info.jury, externes, info.part_externes,
                  info.externes_min, info.president or (info.jury[0] if info.jury else None))


@dataclass(frozen=True)
class Ligne:
    critere: Critere
    competence: str  # the competence row it sits under (as on the grid)


@dataclass(frozen=True)
class Epreuve:
    modalite: Modalite
    lignes: tuple[Ligne, ...]
    conclusions: tuple[str, ...] = ()  # the competences its grid concludes on (boxes scales), in the grid's order


@dataclass(frozen=True)
class SyntheseView:
    header: Header
    seance: Seance
    bloc: Bloc
    epreuves: tuple[Epreuve, ...]
    competences: tuple[Competence, ...]
    regle: str
    points: bool
    valeurs: Mapping[str, str] = field(default_factory=dict)
    titre: str = "Fiche de synthèse du bloc"

    @property
    def stem(self) -> str:
        return slug(self.bloc.code)

    @property
    def titre_complet(self) -> str:
        return f"{self.titre} {self.bloc.code}"


@dataclass(frozen=True)
class ReleveView:
    header: Header
    seance: Seance
    blocs: tuple[Bloc, ...]
    valeurs: Mapping[str, str] = field(default_factory=dict)
    titre: str = "Relevé de résultats"
    stem: str = "releve"


@dataclass(frozen=True)
class AttestationView:
    header: Header
    seance: Seance
    bloc: Bloc | None  # None: the parchemin (the whole certification)
    enregistrement: str  # « enregistrée au RNCP par décision de France compétences du … pour 5 ans »
    valeurs: Mapping[str, str] = field(default_factory=dict)
    titre: str = "Attestation de validation de bloc de compétences"

    @property
    def stem(self) -> str:
        return slug(self.bloc.code) if self.bloc else "parchemin"

    @property
    def niveau(self) -> str:
        return f"niveau {self.header.niveau} du cadre national des certifications professionnelles"


@dataclass(frozen=True, slots=True)
class LignePV:
    numero: str
    nom: str
    bloc: str
    calculee: str
    decision: str
    motif: str


@dataclass(frozen=True, slots=True)
class LigneAcquis:
    """A bloc a candidate of the session validated before it, as the PV lists it."""

    numero: str
    nom: str
    bloc: str
    date: str  # « 25 juin 2026 »
    origine: str


@dataclass(frozen=True)
class PVView:
    header: Header
    seance: Seance
    regle: str
    lignes: tuple[LignePV, ...]
    totaux: tuple[tuple[str, int, int, int, int], ...]  # bloc, présentés, validés, non validés, incomplets
    candidats: int
    certifies: int
    derogations: tuple[LignePV, ...] = ()  # of the whole session (in every part)
    acquis: tuple[LigneAcquis, ...] = ()  # blocs validated before the session, counted for the certification
    titre: str = "Procès-verbal de délibération du jury"
    stem: str = "proces-verbal"
    # a long PV is laid out in parts (pipeline/jury_outputs.pv_parts): the first has the jury, the last the totals
    # and signatures; `whole`: the PV in one piece, whose pages WeasyPrint numbers (a part's are numbered when the
    # parts are put together)
    debut: bool = True
    fin: bool = True
    whole: bool = True


# --- views ------------------------------------------------------------------------------


def synthese(cert: Certification, info: SessionInfo, bloc: Bloc, held: set[str] | None = None) -> SyntheseView:
    from .grilles import grille

    boxes = cert.echelle.type != "points"
    epreuves = tuple(
        Epreuve(m, tuple(Ligne(c, bloc.competence_de(c, m.competences) or c.competences[0]) for c in bloc.criteres_de(m)),
                tuple(g.competence.id for g in grille(cert, bloc, m).groupes) if boxes else ())
        for m in bloc.modalites if held is None or m.id in held
    )
    assessed = {c for e in epreuves for lg in e.lignes for c in lg.critere.competences}
    return SyntheseView(header(cert), seance(info), bloc, epreuves, tuple(c for c in bloc.competences if c.id in assessed),
                        regle_decision(cert.echelle), cert.echelle.type == "points")


def releve(cert: Certification, info: SessionInfo) -> ReleveView:
    return ReleveView(header(cert), seance(info), cert.blocs)


def enregistrement(cert: Certification) -> str:
    e = cert.enregistrement
    text = "enregistrée au Répertoire national des certifications professionnelles"
    if cert.code_rncp:
        text += f" sous le numéro {cert.code_rncp}"
    if e.date_decision:
        text += f" par décision de France compétences du {date_fr(e.date_decision)}"
    if e.duree:
        text += f" pour une durée de {e.duree} an{'s' if e.duree > 1 else ''}"
    return text


def attestation(cert: Certification, info: SessionInfo, bloc: Bloc | None) -> AttestationView:
    view = AttestationView(header(cert), seance(info), bloc, enregistrement(cert))
    return view if bloc else replace(view, titre="Certification professionnelle")


def proces_verbal(cert: Certification, info: SessionInfo, decisions: list[CandidatDecisions]) -> PVView:
    lignes = tuple(
        LignePV(d.candidat.numero, d.candidat.nom_complet, b.bloc.code, b.calculee, b.decision, b.motif)
        for d in decisions for b in d.blocs
    )
    acquis = tuple(LigneAcquis(d.candidat.numero, d.candidat.nom_complet, a.bloc, date_fr(a.date), a.origine)
                   for d in decisions for a in d.acquis)
    return pv_view(cert, info, lignes, len(decisions), sum(d.certifie for d in decisions), acquis)


def lignes_acquis(session) -> tuple[LigneAcquis, ...]:
    """The session's blocs validated before it (checked: known candidates and blocs), in the candidates' order."""
    people = {c.numero: (i, c) for i, c in enumerate(session.candidats)}
    kept = sorted((a for a in session.acquis if a.numero in people), key=lambda a: (people[a.numero][0], a.bloc))
    return tuple(LigneAcquis(a.numero, people[a.numero][1].nom_complet, a.bloc, date_fr(a.date), a.origine) for a in kept)


def pv_view(cert: Certification, info: SessionInfo, lignes: tuple[LignePV, ...], candidats: int, certifies: int,
            acquis: tuple[LigneAcquis, ...] = ()) -> PVView:
    return PVView(header(cert), seance(info), regle_decision(cert.echelle), lignes, totaux(cert, lignes), candidats, certifies,
                  tuple(lg for lg in lignes if lg.motif), acquis)


def totaux(cert: Certification, lignes) -> tuple[tuple[str, int, int, int, int], ...]:
    out = []
    for b in cert.blocs:
        mine = [lg for lg in lignes if lg.bloc == b.code]
        out.append((b.code, len(mine), sum(lg.decision == VALIDE for lg in mine), sum(lg.decision == NON_VALIDE for lg in mine),
                    sum(lg.decision == INCOMPLET for lg in mine)))
    return tuple(out)


# --- the candidate's values in the fields ---------------------------------------------


def naissance(c: Candidat) -> str:
    if not c.date_naissance:
        return ""
    import datetime as dt

    text = "né(e) le " + date_fr(dt.date.fromisoformat(c.date_naissance))
    return text + (f" à {c.lieu_naissance}" if c.lieu_naissance else "")


def identite(c: Candidat) -> dict[str, str]:
    """The candidate's fields. « mention-numero » is the whole line a certificate centres: its label drawn
    with the number, so that the line stands in the middle whatever the number's width (a label in the
    template beside a fixed box would stay where the empty box put it)."""
    return {"candidat": c.identite, "numero": c.numero, "naissance": naissance(c),
            "mention-numero": f"candidat n° {c.numero}" if c.numero else ""}


def valeurs_synthese(d: BlocDecision, c: Candidat) -> dict[str, str]:
    out = identite(c)
    for e in d.epreuves:
        for comp in e.competences:
            out[f"k-{e.id}-{comp}"] = "—"  # no conclusion given: the épreuve's criteria speak
    open_ = {(n.epreuve, n.critere.id) for comp in d.competences for n in comp.notes
             if n.epreuve not in {k.epreuve for k in comp.conclusions}}  # results not stood for by a conclusion
    for comp in d.competences:
        text = comp.decision + (f" ({comp.moyenne:.2f})".replace(".", ",") if comp.moyenne is not None else "")
        if comp.moyenne is not None and comp.conclusions:  # points: no conclusion row on the sheet, said here
            text += " ; " + ", ".join(f"{k.epreuve} : {k.texte}" for k in comp.conclusions)
        out[f"c-{comp.competence.id}"] = text
        for k in comp.conclusions:
            out[f"k-{k.epreuve}-{k.competence}"] = k.texte
        for n in comp.notes:  # a result left out where the épreuve's conclusion stands for it: not « manquant »
            out[f"n-{n.epreuve}-{n.critere.id}"] = "—" if n.valeur is None and (n.epreuve, n.critere.id) not in open_ else n.texte
    out["decision"] = d.decision + (f" (calculée : {d.calculee})" if d.derogation else "")
    out["motif"] = f"Décision du jury : {d.motif}" if d.motif else ""
    out["moyenne"] = f"{d.moyenne:.2f}".replace(".", ",") if d.moyenne is not None else ""
    return out


def valeurs_releve(d: CandidatDecisions) -> dict[str, str]:
    out = identite(d.candidat)
    sat = {b.bloc.code: b for b in d.blocs}
    for code in (b.code for b in d.restants):
        out[f"d-{code}"] = sat[code].decision if code in sat else "non présenté"
        out[f"r-{code}"] = "à valider"
    for a in d.acquis:
        out[f"d-{a.bloc}"] = sat[a.bloc].decision if a.bloc in sat else "déjà acquis"
        out[f"r-{a.bloc}"] = "acquis"
    out["anterieurs"] = (
        "Blocs acquis antérieurement : " + " ; ".join(f"{a.bloc} acquis le {date_fr(a.date)} ({a.origine})" for a in d.acquis) + "."
        if d.acquis else ""
    )
    for b in d.blocs:
        if b.valide:
            out[f"d-{b.bloc.code}"] = VALIDE
            out[f"r-{b.bloc.code}"] = "acquis"
    out["conclusion"] = (
        "Tous les blocs sont validés : la certification est obtenue." if d.certifie
        else "Reste à valider : " + ", ".join(b.code for b in d.restants) + "."
    )
    return out


# --- the registry of session documents ------------------------------------------------

SESSION_DOCUMENTS: dict[str, DocumentSpec] = {
    spec.name: spec
    for spec in (
        DocumentSpec("syntheses", "Fiches de synthèse des blocs", items=lambda c, o: [], template="jury-synthese", download=False),
        DocumentSpec("proces-verbal", "Procès-verbal de délibération", items=lambda c, o: [], template="jury-pv", download=False),
        DocumentSpec("releves", "Relevés de résultats", items=lambda c, o: [], template="jury-releve", download=False),
        DocumentSpec("attestations", "Attestations de validation de bloc", items=lambda c, o: [], template="jury-attestation", download=False),
        DocumentSpec("parchemins", "Parchemins", items=lambda c, o: [], template="jury-parchemin", download=False),
    )
}


def synthese_fields(view: SyntheseView) -> list[str]:
    names = ["candidat", "numero", "naissance", "decision", "motif", "moyenne"]
    names += [f"c-{c.id}" for c in view.competences]
    names += [f"n-{e.modalite.id}-{lg.critere.id}" for e in view.epreuves for lg in e.lignes]
    names += [f"k-{e.modalite.id}-{c}" for e in view.epreuves for c in e.conclusions]
    return names


def releve_fields(view: ReleveView) -> list[str]:
    return ["candidat", "numero", "naissance", "conclusion", "anterieurs"] + [f"{k}-{b.code}" for b in view.blocs for k in "dr"]


ATTESTATION_FIELDS = ["candidat", "numero", "naissance", "mention-numero"]
