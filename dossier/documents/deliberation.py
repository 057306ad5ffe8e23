"""The jury's decisions, computed from the results by the rule the certification sets (pure code).

For each candidate and each bloc they sat:

- an épreuve's conclusion for a competence (a resultats.csv line naming the
  competence and no criterion, the grid's « Conclusion de l'épreuve ») is that
  épreuve's verdict on it: it stands for each of the épreuve's criteria of
  that competence; their own results, if given too, are evidence shown on the
  synthesis sheet (`dossier check --session` says when they contradict it);
- a competence is judged on every result of its criteria across the bloc's
  épreuves held (each épreuve's conclusion in place of its criteria): with
  boxes, acquired when all of them (`regle: tous`) or at least `proportion` %
  of them (`regle: proportion`) are « acquis »; on the three-level scale,
  « partiellement acquise » when, short of that, one is acquired or partly
  acquired; with points, acquired when the weighted mean reaches the threshold;
- the bloc is validated when all its competences are acquired (boxes), or
  when the weighted mean of the criteria of its épreuves reaches the
  threshold (points);
- a missing result makes the competence and the bloc « incomplet », never
  validated or failed by default;
- a jury override (deliberations.csv) replaces the computed bloc decision and
  is kept beside it with its reason; never that of an incomplete bloc;
- blocs validated before this session (acquis.csv: an earlier session, VAE,
  an équivalence) are acquired for life: they count toward the certification
  (« ce qui reste à valider », the parchemin).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# a competence's decisions and the rule that gives them live with the scale's values (checks use them too)
from ..checks.session import ACQUISE, NON_ACQUISE, PARTIELLE, valeur, verdict  # noqa: F401
from ..sources.candidats import Candidat
from ..sources.model import Bloc, Certification, Competence, Critere, Modalite
from ..sources.session import Acquis, Derogation, Resultat

INCOMPLETE = "incomplet"
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
        return _texte(self.valeur)


def _texte(valeur: str | float | None) -> str:
    if valeur is None:
        return "manquant"
    return f"{valeur:g}".replace(".", ",") if isinstance(valeur, float) else valeur


@dataclass(frozen=True)
class Conclusion:
    """An épreuve's conclusion for a competence (None: outside the scale, never reached once checked)."""

    epreuve: str
    competence: str
    valeur: str | float | None
    observations: str = ""

    @property
    def texte(self) -> str:
        return _texte(self.valeur).replace("acquis", "acquise")  # said of a competence


@dataclass(frozen=True)
class CompetenceDecision:
    competence: Competence
    decision: str  # ACQUISE, PARTIELLE, NON_ACQUISE or INCOMPLETE
    notes: tuple[Note, ...]
    moyenne: float | None = None  # points
    conclusions: tuple[Conclusion, ...] = ()  # the épreuves' own, each in place of its criteria


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


def competence_decision(cert: Certification, competence: Competence, notes: tuple[Note, ...],
                        conclusions: tuple[Conclusion, ...] = ()) -> CompetenceDecision:
    """By the rule, on its criteria's results, an épreuve's conclusion standing for each of that épreuve's criteria."""
    concluded = {k.epreuve: k for k in conclusions}
    items = [(concluded[n.epreuve].valeur if n.epreuve in concluded else n.valeur, n.critere.poids) for n in notes]
    items += [(k.valeur, 1) for k in conclusions if all(n.epreuve != k.epreuve for n in notes)]
    if not items or any(v is None for v, _ in items):
        return CompetenceDecision(competence, INCOMPLETE, notes, None, conclusions)
    decision, mean = verdict(cert.echelle, items)
    return CompetenceDecision(competence, decision, notes, mean, conclusions)


def bloc_decision(
    cert: Certification,
    bloc: Bloc,
    numero: str,
    resultats: dict[tuple[str, str], Resultat],
    held: set[str] | None = None,
    derogation: Derogation | None = None,
) -> BlocDecision:
    """One candidate's decision on one bloc; `resultats` by (épreuve, critère), and by (épreuve, compétence)
    for the épreuves' conclusions, for this candidate."""
    epreuves = tuple(m for m in bloc.modalites if held is None or m.id in held)
    notes: list[Note] = []
    conclusions: dict[tuple[str, str], Conclusion] = {}
    for m in epreuves:
        for crit in bloc.criteres_de(m):
            r = resultats.get((m.id, crit.id))
            notes.append(Note(m.id, crit, valeur(r.valeur, cert.echelle) if r else None, r.observations if r else ""))
        for comp in m.competences:
            r = resultats.get((m.id, "", comp))
            if r is not None:
                conclusions[(m.id, comp)] = Conclusion(m.id, comp, valeur(r.valeur, cert.echelle), r.observations)
    competences = tuple(
        competence_decision(cert, comp, tuple(n for n in notes if comp.id in n.critere.competences),
                            tuple(k for (_, c), k in conclusions.items() if c == comp.id))
        for comp in bloc.competences
        if any(comp.id in n.critere.competences for n in notes) or any(c == comp.id for _, c in conclusions)
    )
    judged = {c.competence.id for c in competences}
    evaluates = {m.id: m.competences for m in epreuves}

    def standing(n: Note) -> Conclusion | None:
        """The conclusion a criterion's result gives way to (points): that of the competence it sits under on
        the épreuve's grid, else of another it evaluates."""
        own = [c for c in (bloc.competence_de(n.critere, evaluates[n.epreuve]), *n.critere.competences) if c in judged]
        return next((conclusions[(n.epreuve, c)] for c in own if (n.epreuve, c) in conclusions), None)

    manquants = tuple(
        f"{n.epreuve} {n.critere.id}" for n in notes
        if n.valeur is None and not all((n.epreuve, c) in conclusions for c in n.critere.competences if c in judged)
    )
    mean = None
    if manquants or not competences or any(c.decision == INCOMPLETE for c in competences):
        calculee = INCOMPLET
    elif cert.echelle.type == "points":
        items = []
        for n in notes:
            k = standing(n)
            items.append((k.valeur if k is not None else n.valeur, n.critere.poids))
        _, mean = verdict(cert.echelle, items)
        calculee = VALIDE if mean is not None and mean >= cert.echelle.seuil else NON_VALIDE
    else:
        calculee = VALIDE if all(c.decision == ACQUISE for c in competences) else NON_VALIDE
    decision, motif = calculee, ""
    if derogation is not None and calculee != INCOMPLET and derogation.decision != calculee:  # never on missing results
        decision, motif = derogation.decision, derogation.motif
    return BlocDecision(numero, bloc, epreuves, competences, calculee, decision, motif, mean, manquants)


@dataclass(frozen=True)
class CandidatDecisions:
    candidat: Candidat
    blocs: tuple[BlocDecision, ...]  # the blocs sat, in the certification's order
    restants: tuple[Bloc, ...]  # the certification's blocs validated neither at this session nor before
    acquis: tuple[Acquis, ...] = ()  # blocs validated before this session, in the certification's order

    @property
    def certifie(self) -> bool:
        return not self.restants


def decide(cert: Certification, candidat: Candidat, resultats: Iterable[Resultat],
           derogations: dict[str, Derogation], held: set[str] | None = None,
           acquis: Iterable[Acquis] = ()) -> CandidatDecisions:
    """Every bloc decision of one candidate (results, overrides and earlier blocs are theirs only; overrides by bloc code)."""
    by_key: dict[tuple, Resultat] = {}
    for r in resultats:
        if r.critere:
            by_key[(r.epreuve, r.critere)] = r
        elif r.competence:
            by_key[(r.epreuve, "", r.competence)] = r
    sat = tuple(
        bloc_decision(cert, b, candidat.numero, by_key, held, derogations.get(b.code))
        for b in cert.blocs if b.code in candidat.blocs
    )
    order = {b.code: i for i, b in enumerate(cert.blocs)}
    earlier = tuple(sorted((a for a in acquis if a.bloc in order), key=lambda a: order[a.bloc]))
    validated = {d.bloc.code for d in sat if d.valide} | {a.bloc for a in earlier}
    return CandidatDecisions(candidat, sat, tuple(b for b in cert.blocs if b.code not in validated), earlier)
