"""A jury session against its certification: every result names something real and fits the scale.

Rules (declared like the others, applied by `check_session`): unknown candidate,
épreuve, criterion or competence; an épreuve of a bloc the candidate is not
registered for; a value outside the scale; the same result twice; results
missing (the bloc is then « incomplet », said as a warning, never decided
silently); an épreuve's conclusion for a competence that its criteria's
results, by the rule, contradict; overrides without a known candidate or bloc;
blocs acquired before (acquis.csv) unknown, dated after the deliberation, or
sat again; a jury short of external members. Candidates are named by number only.
"""

from __future__ import annotations

from dataclasses import replace

from ..sources.diagnostics import Loc, Report, Severity
from ..sources.model import Certification, Echelle
from ..sources.session import Session
from ..text import fold
from .registry import Rules

rule = Rules()
rule.declare("session-candidat", Severity.ERROR, "Session : un résultat ou une dérogation nomme un numéro de candidat absent de candidats.csv", adjustable=False)
rule.declare("session-epreuve", Severity.ERROR, "Session : épreuve inconnue, non tenue, ou d'un bloc auquel le candidat n'est pas inscrit", adjustable=False)
rule.declare("session-critere", Severity.ERROR, "Session : critère ou compétence inconnu, ou absent de la grille de l'épreuve", adjustable=False)
rule.declare("session-valeur", Severity.ERROR, "Session : valeur hors de l'échelle de la certification", adjustable=False)
rule.declare("session-doublon", Severity.ERROR, "Session : le même résultat, la même dérogation ou le même bloc acquis deux fois", adjustable=False)
rule.declare("session-incomplet", Severity.WARNING, "Session : résultats manquants ; le bloc est alors « incomplet », ni validé ni refusé")
rule.declare("session-derogation", Severity.ERROR, "Session : dérogation du jury illisible, sans motif, sur un bloc non présenté ou incomplet", adjustable=False)
rule.declare("session-fichier", Severity.ERROR, "Session : dossier ou fichier de la session absent (session.yaml, candidats.csv, resultats.csv)", adjustable=False)
rule.declare("session-accrochage", Severity.ERROR, "Session : identité d'un candidat ou réglage que le fichier d'accrochage refuserait (avec accrochage: dans session.yaml)", adjustable=False)
rule.declare("session-conclusion", Severity.WARNING, "Session : la conclusion d'une épreuve pour une compétence contredit, par la règle, les résultats de ses critères (la conclusion l'emporte)")
rule.declare("session-acquis", Severity.ERROR, "Session : bloc acquis antérieurement (acquis.csv) illisible, inconnu, ou daté après la délibération", adjustable=False)
rule.declare("session-acquis-represente", Severity.WARNING, "Session : bloc acquis antérieurement et présenté à nouveau à cette session (il reste acquis)")
rule.declare("session-jury", Severity.WARNING, "Session : part des membres extérieurs du jury sous le minimum fixé (externes_min, 50 % par défaut)")

ACQUISE, PARTIELLE, NON_ACQUISE = "acquise", "partiellement acquise", "non acquise"  # a competence's decisions
LEVELS = {
    "acquis_non_acquis": ("acquis", "non acquis"),
    "trois_niveaux": ("acquis", "partiellement acquis", "non acquis"),
}


def valeur(text: str, echelle: Echelle) -> str | float | None:
    """A result's value on the scale: a level (« acquis »…) or a number of points; None if outside."""
    if echelle.type == "points":
        try:
            number = float(text.replace(",", ".").replace("\u00a0", "").strip())
        except ValueError:
            return None
        return number if 0 <= number <= echelle.bareme else None
    folded = fold(text).replace("_", " ").replace("acquise", "acquis")  # a competence's conclusion may say « acquise »
    return folded if folded in LEVELS.get(echelle.type, ()) else None


def verdict(echelle, items: list[tuple[str | float, float]]) -> tuple[str, float | None]:
    """The rule of the scale (the decisions' and the checks') on (value, weight) items, none missing: a competence's decision, and its mean (points)."""
    if echelle.type == "points":
        total = sum(w for _, w in items)
        mean = sum(v * w for v, w in items) / total if total else None
        return (ACQUISE if mean is not None and mean >= echelle.seuil else NON_ACQUISE), mean
    acquired = sum(v == "acquis" for v, _ in items)
    needed = len(items) if echelle.regle != "proportion" else len(items) * echelle.proportion / 100
    if acquired >= needed - 1e-9:
        return ACQUISE, None
    if echelle.type == "trois_niveaux" and any(v in ("acquis", "partiellement acquis") for v, _ in items):
        return PARTIELLE, None
    return NON_ACQUISE, None


def scale_words(echelle: Echelle) -> str:
    if echelle.type == "points":
        return f"un nombre de 0 à {echelle.bareme:g}"
    return " / ".join(f"« {w} »" for w in LEVELS[echelle.type])


def check_session(cert: Certification, session: Session) -> Report:
    """Every problem of the session's results and overrides against the certification (all at once)."""
    report = Report()
    info = session.info
    modalites = {m.id: (b, m) for b in cert.blocs for m in b.modalites}
    held = set(info.epreuves) if info and info.epreuves else set(modalites)
    if info is not None:
        for ident in info.epreuves:
            if ident not in modalites:
                loc, path = info.src.at("epreuves")
                report.error("session-epreuve", loc, path, f"épreuve « {ident} » inconnue (épreuves : {', '.join(modalites)})")
        if info.jury and info.part_externes < info.externes_min:
            loc, path = info.src.at("jury")
            externes = sum(m.externe for m in info.jury)
            report.add(
                Severity.WARNING, "session-jury", loc, path,
                f"{externes} membre(s) extérieur(s) sur {len(info.jury)} ({info.part_externes:.0f} %) : "
                f"moins que les {info.externes_min:g} % fixés (externes_min)",
            )
    people = {c.numero: c for c in session.candidats if c.numero}
    criteres = {m.id: {c.id for c in b.criteres_de(m)} for b, m in modalites.values()}
    shown = session.files.get("resultats.csv", "resultats.csv")
    noted: set[str] = set()
    incomplete: set[tuple[str, str]] = set()  # (numero, bloc) with results missing
    for numero, results in _by_candidate(session.resultats):  # one at a time: what finds doubles stays small
        noted.add(numero)
        seen: dict[tuple, int] = {}
        got: set[tuple[str, str]] = set()  # épreuve, critère
        values: dict[tuple[str, str], object] = {}  # (épreuve, critère) → value, for the conclusions' evidence
        concluded: dict[tuple[str, str], object] = {}  # (épreuve, compétence) → the conclusion's line
        for r in results:
            where = Loc(r.file, r.line)
            candidat = people.get(r.numero)
            if candidat is None:
                report.error("session-candidat", where, "numero", f"candidat n° « {r.numero} » absent de candidats.csv")
                continue
            found = modalites.get(r.epreuve)
            if found is None:
                report.error("session-epreuve", where, "epreuve", f"épreuve « {r.epreuve} » inconnue (épreuves : {', '.join(modalites)})")
                continue
            bloc, modalite = found
            if r.epreuve not in held:
                report.error("session-epreuve", where, "epreuve", f"épreuve {r.epreuve} non tenue à cette session (session.yaml, epreuves)")
                continue
            if bloc.code not in candidat.blocs:
                report.error("session-epreuve", where, "epreuve", f"candidat n° {r.numero} : épreuve {r.epreuve} du bloc {bloc.code}, auquel il n'est pas inscrit")
                continue
            if r.critere:
                ids = criteres[r.epreuve]
                if r.critere not in ids:
                    known = any(c.id == r.critere for c in cert.criteres)
                    why = "n'est pas évalué par cette épreuve" if known else "inconnu"
                    report.error("session-critere", where, "critere", f"critère « {r.critere} » {why} (critères de {r.epreuve} : {', '.join(sorted(ids))})")
                    continue
            elif r.competence:
                if r.competence not in modalite.competences:
                    report.error("session-critere", where, "competence", f"compétence « {r.competence} » non évaluée par l'épreuve {r.epreuve}")
                    continue
            else:
                report.error("session-critere", where, "critere", "ni critère ni compétence : la ligne ne dit pas ce qu'elle note")
                continue
            value = valeur(r.valeur, cert.echelle)
            if value is None:
                report.error("session-valeur", where, "valeur", f"valeur « {r.valeur} » hors de l'échelle : {scale_words(cert.echelle)} attendu")
            key = (r.numero, r.epreuve, r.critere, "" if r.critere else r.competence)
            if key in seen:
                report.error("session-doublon", where, "", f"candidat n° {r.numero}, {r.epreuve} {r.critere or r.competence} : déjà noté à la ligne {seen[key]}")
                continue
            seen[key] = r.line
            if r.critere:
                got.add((r.epreuve, r.critere))
                values[(r.epreuve, r.critere)] = value
            else:
                concluded[(r.epreuve, r.competence)] = r
        _contradictions(cert, modalites, values, concluded, report)
        if numero in people:
            incomplete |= _missing(cert, people[numero], held, got, report, shown, set(concluded))
    for c in session.candidats:
        if not c.numero or c.numero not in noted:
            incomplete |= _missing(cert, c, held, set(), report, shown)
    _derogations(cert, session, people, report, incomplete)
    _acquis(cert, session, people, report)
    return report


def _by_candidate(resultats):
    """(numero, results) in order of first appearance: from the session's store, or from a plain list."""
    if hasattr(resultats, "grouped"):
        return resultats.grouped()
    groups: dict[str, list] = {}
    for r in resultats:
        groups.setdefault(r.numero, []).append(r)
    return groups.items()


def _contradictions(cert: Certification, modalites: dict, values: dict, concluded: dict, report: Report) -> None:
    """An épreuve's conclusion for a competence against its criteria's results there, when all are given:
    the conclusion is the épreuve's verdict, but a jury should see when the rule says otherwise."""
    for (epreuve, competence), r in concluded.items():
        said = valeur(r.valeur, cert.echelle)
        bloc, modalite = modalites[epreuve]
        criteria = [c for c in bloc.criteres_de(modalite) if competence in c.competences]
        given = [values.get((epreuve, c.id)) for c in criteria]
        if said is None or not criteria or any(v is None for v in given):
            continue
        by_rule, mean = verdict(cert.echelle, [(v, c.poids) for v, c in zip(given, criteria)])
        by_conclusion, _ = verdict(cert.echelle, [(said, 1)])
        if by_rule != by_conclusion:
            mean_said = f" (moyenne {mean:.2f})".replace(".", ",") if mean is not None else ""
            missed = [f"{c.id} {v}" for v, c in zip(given, criteria) if v != "acquis"] if mean is None else []
            which = f" ({', '.join(missed)})" if missed else ""
            report.add(
                Severity.WARNING, "session-conclusion", Loc(r.file, r.line), "valeur",
                f"candidat n° {r.numero}, {epreuve} {competence} : conclusion « {by_conclusion} », mais ses critères donnent "
                f"« {by_rule} » par la règle{mean_said}{which} ; la conclusion de l'épreuve l'emporte",
            )


def _missing(cert: Certification, c, held: set[str], got: set, report: Report, shown: str,
             concluded: set = frozenset()) -> set[tuple[str, str]]:
    """One candidate's missing results, bloc by bloc (got: their (épreuve, critère) noted; concluded: their
    (épreuve, compétence) conclusions, each standing for the épreuve's criteria of that competence).
    Returns the (numero, bloc) left incomplete."""
    incomplete = set()
    for bloc in cert.blocs:
        if bloc.code not in c.blocs:
            continue
        own = {comp.id for comp in bloc.competences}

        def covered(m, crit, own=own) -> bool:
            comps = [x for x in crit.competences if x in own]
            return (m.id, crit.id) in got or (bool(comps) and all((m.id, x) in concluded for x in comps))

        missing = [
            f"{m.id} {crit.id}" for m in bloc.modalites if m.id in held for crit in bloc.criteres_de(m)
            if not covered(m, crit)
        ]
        if missing:
            incomplete.add((c.numero, bloc.code))
            more = f" et {len(missing) - 4} autre(s)" if len(missing) > 4 else ""
            report.add(
                Severity.WARNING, "session-incomplet", Loc(shown), "",
                f"candidat n° {c.numero or c.line}, bloc {bloc.code} : {len(missing)} résultat(s) manquant(s) "
                f"({', '.join(missing[:4])}{more}) ; le bloc sera « incomplet »",
            )
    return incomplete


def _derogations(cert: Certification, session: Session, people: dict, report: Report, incomplete: set = frozenset()) -> None:
    from ..sources.candidats import _bloc_codes

    aliases = _bloc_codes(cert)
    codes = {b.code for b in cert.blocs}
    seen: dict[tuple[str, str], int] = {}
    for i, d in enumerate(session.derogations):
        if d.bloc in aliases and aliases[d.bloc] != d.bloc:
            session.derogations[i] = d = replace(d, bloc=aliases[d.bloc])
        where = Loc(d.file, d.line)
        if d.numero not in people:
            report.error("session-candidat", where, "numero", f"candidat n° « {d.numero} » absent de candidats.csv")
        elif d.bloc not in codes:
            report.error("session-derogation", where, "bloc", f"bloc « {d.bloc} » inconnu (blocs : {', '.join(sorted(codes))})")
        elif d.bloc not in people[d.numero].blocs:
            report.error("session-derogation", where, "bloc", f"candidat n° {d.numero} : bloc {d.bloc} non présenté à cette session")
        elif (d.numero, d.bloc) in seen:
            report.error("session-doublon", where, "", f"candidat n° {d.numero}, bloc {d.bloc} : dérogation déjà donnée à la ligne {seen[(d.numero, d.bloc)]}")
        elif (d.numero, d.bloc) in incomplete:
            report.error("session-derogation", where, "decision",
                         f"candidat n° {d.numero}, bloc {d.bloc} : résultats manquants ; le jury ne décide pas d'un bloc incomplet "
                         "(complétez resultats.csv)")
        else:
            seen[(d.numero, d.bloc)] = d.line


def _acquis(cert: Certification, session: Session, people: dict, report: Report) -> None:
    """acquis.csv: blocs validated before, of a known candidate and bloc, dated no later than the deliberation."""
    from ..sources.candidats import _bloc_codes
    from ..text import date_fr

    aliases = _bloc_codes(cert)
    seen: dict[tuple[str, str], int] = {}
    kept = []
    for a in session.acquis:
        a = replace(a, bloc=aliases.get(a.bloc, a.bloc))
        where = Loc(a.file, a.line)
        if a.numero not in people:
            report.error("session-candidat", where, "numero", f"candidat n° « {a.numero} » absent de candidats.csv")
            continue
        if a.bloc not in aliases.values():
            report.error("session-acquis", where, "bloc", f"bloc « {a.bloc} » inconnu (blocs : {', '.join(b.code for b in cert.blocs)})")
            continue
        if session.info is not None and a.date > session.info.date:
            report.error("session-acquis", where, "date",
                         f"candidat n° {a.numero}, bloc {a.bloc} : acquis le {date_fr(a.date)}, après la délibération du {date_fr(session.info.date)}")
            continue
        if (a.numero, a.bloc) in seen:
            report.error("session-doublon", where, "", f"candidat n° {a.numero}, bloc {a.bloc} : déjà acquis à la ligne {seen[(a.numero, a.bloc)]}")
            continue
        seen[(a.numero, a.bloc)] = a.line
        if a.bloc in people[a.numero].blocs:
            report.add(
                Severity.WARNING, "session-acquis-represente", where, "bloc",
                f"candidat n° {a.numero} : bloc {a.bloc} acquis le {date_fr(a.date)} et présenté à cette session ; "
                "il reste acquis, quelle que soit la décision de cette session",
            )
        kept.append(a)
    session.acquis[:] = kept  # what the decisions count: known, checked, codes as in the sources
