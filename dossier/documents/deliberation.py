"""The jury's decisions, computed from the results by the rule the certification sets (pure code).

For each candidate and each bloc they sat:

- a competence is judged on every result of its criteria across the bloc's
  épreuves held: with boxes, acquired when all of them (`regle: tous`) or at
  least `proportion` % of them (`regle: proportion`) are « acquis »; on the
  three-level scale, « partiellement acquise » when, short of that, one is
  acquired or partly acquired; with points, acquired when the weighted mean
  of its criteria reaches the threshold;
- the bloc is validated when all its competences are acquired (boxes), or
  when the weighted mean of the criteria of its épreuves reaches the
  threshold (points);
- a missing result makes the competence and the bloc « incomplet », never
  validated or failed by default;
- a jury override (deliberations.csv) replaces the computed bloc decision and
  is kept beside it with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..checks.session import valeur
from ..sources.candidats import Candidat
from ..sources.model import Bloc, Certification, Competence, Critere, Modalite
from ..sources.session import Derogation, Resultat

ACQUISE, PARTIELLE, NON_ACQUISE, INCOMPLETE = "acquise", "partiellement acquise", "non acquise", "incomplet"
VALIDE, NON_VALIDE, INCOMPLET = "validé", "non validé", "incomplet"


@dataclass(frozen=True)
class Note:
    """One criterion's result in one épreuve (None: missing)."""

    epreuve: str
    critere: Critere
    valeur: str | float | None
    observations: str = ""

    @property
    def texte(self) -> str:
        if self.valeur is None:
            return "manquant"
        return f"{self.valeur:g}".replace(".", ",") if isinstance(self.valeur, float) else self.valeur


@dataclass(frozen=True)
class CompetenceDecision:
    competence: Competence
    decision: str  # ACQUISE, PARTIELLE, NON_ACQUISE or INCOMPLETE
    notes: tuple[Note, ...]
    moyenne: float | None = None  # points


@dataclass(frozen=True)
class BlocDecision:
    numero: str
    bloc: Bloc
    epreuves: tuple[Modalite, ...]
    competences: tuple[CompetenceDecision, ...]
    calculee: str  # VALIDE, NON_VALIDE or INCOMPLET, by the rule
    decision: str  # the jury's: the computed one, or the override
    motif: str = ""  # the override's reason
    moyenne: float | None = None  # points: the bloc's weighted mean
    manquants: tuple[str, ...] = ()  # « M1.1 CR1.2 »

    @property
    def derogation(self) -> bool:
        return bool(self.motif)

    @property
    def valide(self) -> bool:
        return self.decision == VALIDE


def _weighted(notes: Iterable[Note]) -> float | None:
    notes = list(notes)
    total = sum(n.critere.poids for n in notes)
    if not notes or total == 0:
        return None
    return sum(n.valeur * n.critere.poids for n in notes) / total


def competence_decision(cert: Certification, competence: Competence, notes: tuple[Note, ...]) -> CompetenceDecision:
    echelle = cert.echelle
    if any(n.valeur is None for n in notes) or not notes:
        return CompetenceDecision(competence, INCOMPLETE, notes)
    if echelle.type == "points":
        mean = _weighted(notes)
        return CompetenceDecision(competence, ACQUISE if mean is not None and mean >= echelle.seuil else NON_ACQUISE, notes, mean)
    acquired = sum(n.valeur == "acquis" for n in notes)
    needed = len(notes) if echelle.regle != "proportion" else len(notes) * echelle.proportion / 100
    if acquired >= needed - 1e-9:
        return CompetenceDecision(competence, ACQUISE, notes)
    if echelle.type == "trois_niveaux" and any(n.valeur in ("acquis", "partiellement acquis") for n in notes):
        return CompetenceDecision(competence, PARTIELLE, notes)
    return CompetenceDecision(competence, NON_ACQUISE, notes)


def bloc_decision(
    cert: Certification,
    bloc: Bloc,
    numero: str,
    resultats: dict[tuple[str, str], Resultat],
    held: set[str] | None = None,
    derogation: Derogation | None = None,
) -> BlocDecision:
    """One candidate's decision on one bloc; `resultats` by (épreuve, critère) for this candidate."""
    epreuves = tuple(m for m in bloc.modalites if held is None or m.id in held)
    notes: list[Note] = []
    for m in epreuves:
        for crit in bloc.criteres_de(m):
            r = resultats.get((m.id, crit.id))
            notes.append(Note(m.id, crit, valeur(r.valeur, cert.echelle) if r else None, r.observations if r else ""))
    competences = tuple(
        competence_decision(cert, comp, tuple(n for n in notes if comp.id in n.critere.competences))
        for comp in bloc.competences
        if any(comp.id in n.critere.competences for n in notes)
    )
    manquants = tuple(f"{n.epreuve} {n.critere.id}" for n in notes if n.valeur is None)
    mean = None
    if manquants or not competences:
        calculee = INCOMPLET
    elif cert.echelle.type == "points":
        mean = _weighted(notes)
        calculee = VALIDE if mean is not None and mean >= cert.echelle.seuil else NON_VALIDE
    else:
        calculee = VALIDE if all(c.decision == ACQUISE for c in competences) else NON_VALIDE
    decision, motif = calculee, ""
    if derogation is not None and derogation.decision != calculee:
        decision, motif = derogation.decision, derogation.motif
    return BlocDecision(numero, bloc, epreuves, competences, calculee, decision, motif, mean, manquants)


@dataclass(frozen=True)
class CandidatDecisions:
    candidat: Candidat
    blocs: tuple[BlocDecision, ...]  # the blocs sat, in the certification's order
    restants: tuple[Bloc, ...]  # the certification's blocs not validated at this session

    @property
    def certifie(self) -> bool:
        return not self.restants


def decide(cert: Certification, candidat: Candidat, resultats: Iterable[Resultat],
           derogations: dict[str, Derogation], held: set[str] | None = None) -> CandidatDecisions:
    """Every bloc decision of one candidate (results and overrides are theirs only; overrides by bloc code)."""
    by_key = {(r.epreuve, r.critere): r for r in resultats if r.critere}
    sat = tuple(
        bloc_decision(cert, b, candidat.numero, by_key, held, derogations.get(b.code))
        for b in cert.blocs if b.code in candidat.blocs
    )
    validated = {d.bloc.code for d in sat if d.valide}
    return CandidatDecisions(candidat, sat, tuple(b for b in cert.blocs if b.code not in validated))
