"""The jury's decisions on hand-made cases: the rule of the scale, missing results, overrides."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dossier.documents.deliberation import (
    ACQUISE,
    INCOMPLET,
    INCOMPLETE,
    NON_ACQUISE,
    NON_VALIDE,
    PARTIELLE,
    VALIDE,
    decide,
)
from dossier.sources.candidats import Candidat
from dossier.sources.model import Echelle
from dossier.sources.session import Derogation, Resultat

ALICE = Candidat("Exemple", "Alice", "1", blocs=("BC01",))


def results(cert, value="acquis", **special):
    """Every criterion of BC01's épreuves, « acquis » but those named (« M1.1 CR1.2 »: value, None: missing)."""
    bloc = cert.blocs[0]
    out = []
    for m in bloc.modalites:
        for crit in bloc.criteres_de(m):
            v = special.get(f"{m.id} {crit.id}".replace(".", "_").replace(" ", "__"), value)
            if v is not None:
                out.append(Resultat("1", m.id, "", crit.id, v))
    return out


def key(epreuve, critere):
    return f"{epreuve} {critere}".replace(".", "_").replace(" ", "__")


def bc01(cert, res, overrides=None):
    return decide(cert, ALICE, res, overrides or {}).blocs[0]


def comp(decision, ident):
    return next(c for c in decision.competences if c.competence.id == ident)


def test_all_acquired_validates_the_bloc(cert):
    d = bc01(cert, results(cert))
    assert d.calculee == d.decision == VALIDE
    assert {c.decision for c in d.competences} == {ACQUISE}
    assert [c.competence.id for c in d.competences] == ["C1.1", "C1.2", "C1.3", "C1.4"]  # C1.4: only M1.2 assesses it


def test_one_criterion_missed_fails_its_competence_and_the_bloc(cert):
    d = bc01(cert, results(cert, **{key("M1.1", "CR1.3"): "non acquis"}))
    assert d.decision == NON_VALIDE
    assert comp(d, "C1.2").decision == NON_ACQUISE
    assert comp(d, "C1.1").decision == ACQUISE


def test_a_competence_is_judged_on_all_its_epreuves(cert):
    """CR1.1 (C1.1, C1.3) is assessed in M1.1 and M1.2: missed in M1.2 only, C1.1 and C1.3 are not acquired."""
    d = bc01(cert, results(cert, **{key("M1.2", "CR1.1"): "non acquis"}))
    assert comp(d, "C1.1").decision == comp(d, "C1.3").decision == NON_ACQUISE
    assert d.decision == NON_VALIDE


def test_proportion_rule(cert):
    proportion = replace(cert, echelle=Echelle("acquis_non_acquis", regle="proportion", proportion=80))
    one_of_five = results(cert, **{key("M1.1", "CR1.3"): "non acquis"})  # C1.2 has 5 criteria: 4/5 = 80 %
    assert bc01(proportion, one_of_five).decision == VALIDE
    two = results(cert, **{key("M1.1", "CR1.3"): "non acquis", key("M1.1", "CR1.4"): "non acquis"})
    assert bc01(proportion, two).decision == NON_VALIDE


def test_partial_scale_three_levels(cert):
    trois = replace(cert, echelle=Echelle("trois_niveaux"))
    d = bc01(trois, results(cert, **{key("M1.1", "CR1.3"): "partiellement acquis"}))
    assert comp(d, "C1.2").decision == PARTIELLE
    assert d.decision == NON_VALIDE  # a competence partly acquired does not validate the bloc
    d = bc01(trois, results(cert, value="non acquis"))
    assert {c.decision for c in d.competences} == {NON_ACQUISE}


def test_points_with_weights(cert):
    bloc = cert.blocs[0]
    weights = {"CR1.2": 3}  # CR1.2 weighs 3, the others 1
    criteres = tuple(replace(c, poids=weights.get(c.id, 1)) for c in bloc.criteres)
    points = replace(cert, echelle=Echelle("points", bareme=20, seuil=10), blocs=(replace(bloc, criteres=criteres), *cert.blocs[1:]))
    # C1.2 (CR1.2..CR1.6, weights 3,1,1,1,1): CR1.2 at 4, the others at 14 → (12 + 56) / 7 = 9.71 < 10
    res = results(points, value="14", **{key("M1.1", "CR1.2"): "4"})
    d = bc01(points, res)
    assert comp(d, "C1.2").decision == NON_ACQUISE
    assert comp(d, "C1.2").moyenne == pytest.approx(68 / 7)
    # the bloc: the weighted mean of every criterion of its épreuves (9 notes, weights 3 + 8) = (12 + 14 * 8) / 11
    assert d.moyenne == pytest.approx(124 / 11)
    assert d.decision == VALIDE
    res = results(points, value="14", **{key("M1.1", "CR1.2"): "0", key("M1.2", "CR1.8"): "0", key("M1.1", "CR1.5"): "0"})
    assert bc01(points, res).decision == NON_VALIDE  # (0 + 0 + 0 + 14 * 6) / 11 = 7.6


def test_override_with_reason_is_applied_and_kept(cert):
    res = results(cert, **{key("M1.1", "CR1.3"): "non acquis"})
    d = bc01(cert, res, {"BC01": Derogation("1", "BC01", VALIDE, "Preuve apportée par le dossier")})
    assert (d.calculee, d.decision, d.motif, d.derogation) == (NON_VALIDE, VALIDE, "Preuve apportée par le dossier", True)


def test_missing_results_make_the_bloc_incomplete_never_decided(cert):
    d = bc01(cert, results(cert, **{key("M1.2", "CR1.8"): None}))
    assert d.decision == INCOMPLET
    assert d.manquants == ("M1.2 CR1.8",)
    assert comp(d, "C1.4").decision == INCOMPLETE
    nothing = decide(cert, ALICE, [], {})
    assert nothing.blocs[0].decision == INCOMPLET and not nothing.certifie


def test_holder_of_every_bloc(cert):
    everyone = replace(ALICE, blocs=tuple(b.code for b in cert.blocs))
    res = [
        Resultat("1", m.id, "", c.id, "acquis") for b in cert.blocs for m in b.modalites for c in b.criteres_de(m)
    ]
    d = decide(cert, everyone, res, {})
    assert d.certifie and not d.restants
    partial = decide(cert, everyone, [r for r in res if r.epreuve != "M2.2"], {})
    assert [b.code for b in partial.restants] == ["BC02"]


# --- an épreuve's conclusion for a competence (a line with the competence and no criterion) ---------------


def conclusion(epreuve, competence, value):
    return Resultat("1", epreuve, competence, "", value)


def without(res, epreuve, *criteria):
    return [r for r in res if not (r.epreuve == epreuve and r.critere in criteria)]


C12 = ("CR1.2", "CR1.3", "CR1.4", "CR1.5", "CR1.6")  # C1.2's criteria, all assessed in M1.1 only


def test_conclusion_only_stands_for_the_epreuves_criteria(cert):
    res = without(results(cert), "M1.1", *C12)
    d = bc01(cert, [*res, conclusion("M1.1", "C1.2", "acquis")])
    assert comp(d, "C1.2").decision == ACQUISE and d.decision == VALIDE
    assert d.manquants == ()  # the criteria it stands for are not missing
    assert [k.epreuve for k in comp(d, "C1.2").conclusions] == ["M1.1"]
    d = bc01(cert, [*res, conclusion("M1.1", "C1.2", "non acquise")])  # a competence's conclusion may say « acquise »
    assert comp(d, "C1.2").decision == NON_ACQUISE and d.decision == NON_VALIDE
    # without the conclusion, the same criteria are missing: incomplete, never decided
    alone = bc01(cert, res)
    assert alone.decision == INCOMPLET and comp(alone, "C1.2").decision == INCOMPLETE
    assert alone.manquants == tuple(f"M1.1 {c}" for c in C12)


def test_criteria_only_is_the_rule_on_the_criteria(cert):
    d = bc01(cert, results(cert, **{key("M1.1", "CR1.3"): "non acquis"}))
    assert comp(d, "C1.2").decision == NON_ACQUISE and comp(d, "C1.2").conclusions == ()


def test_conclusion_and_criteria_agreeing(cert):
    d = bc01(cert, [*results(cert), conclusion("M1.1", "C1.2", "acquis")])
    assert comp(d, "C1.2").decision == ACQUISE and d.decision == VALIDE


def test_conclusion_contradicting_its_criteria_is_the_epreuves_verdict(cert):
    """CR1.3 missed, but the jury concludes C1.2 acquired in M1.1: the conclusion decides (check warns, see tests/checks)."""
    res = [*results(cert, **{key("M1.1", "CR1.3"): "non acquis"}), conclusion("M1.1", "C1.2", "acquis")]
    d = bc01(cert, res)
    assert comp(d, "C1.2").decision == ACQUISE and d.decision == VALIDE
    # the other way: every criterion acquired, the competence concluded not acquired
    d = bc01(cert, [*results(cert), conclusion("M1.1", "C1.2", "non acquis")])
    assert comp(d, "C1.2").decision == NON_ACQUISE and d.decision == NON_VALIDE


def test_across_epreuves_the_rule_applies_to_the_criteria_each_conclusion_stands_for(cert):
    """C1.1 is assessed in M1.1 (CR1.1) and M1.2 (CR1.1, CR1.7). M1.2 concludes « non acquis »: under
    `tous`, C1.1 is not acquired; under `proportion`, 1 criterion of 3 stands acquired (33 %)."""
    res = [*results(cert), conclusion("M1.2", "C1.1", "non acquis")]
    assert comp(bc01(cert, res), "C1.1").decision == NON_ACQUISE
    assert comp(bc01(cert, res), "C1.3").decision == ACQUISE  # CR1.1 and CR1.7 also evaluate C1.3: their own results count there
    at = lambda p: replace(cert, echelle=Echelle("acquis_non_acquis", regle="proportion", proportion=p))  # noqa: E731
    assert comp(bc01(at(30), res), "C1.1").decision == ACQUISE
    assert comp(bc01(at(50), res), "C1.1").decision == NON_ACQUISE


def test_a_criterion_of_two_competences_needs_both_conclusions_to_be_left_out(cert):
    """CR1.7 (M1.2) evaluates C1.1, C1.3 and C1.4: a conclusion for C1.1 alone leaves it missing for the others."""
    res = without(results(cert), "M1.2", "CR1.7")
    d = bc01(cert, [*res, conclusion("M1.2", "C1.1", "acquis")])
    assert comp(d, "C1.1").decision == ACQUISE
    assert comp(d, "C1.3").decision == INCOMPLETE and d.decision == INCOMPLET and d.manquants == ("M1.2 CR1.7",)
    d = bc01(cert, [*res, *(conclusion("M1.2", c, "acquis") for c in ("C1.1", "C1.3", "C1.4"))])
    assert d.decision == VALIDE and d.manquants == ()


def test_partial_scale_conclusion(cert):
    trois = replace(cert, echelle=Echelle("trois_niveaux"))
    d = bc01(trois, [*results(cert), conclusion("M1.1", "C1.2", "partiellement acquis")])
    assert comp(d, "C1.2").decision == PARTIELLE and d.decision == NON_VALIDE
    # under a proportion rule, a partial conclusion counts as no acquired criterion
    half = replace(cert, echelle=Echelle("trois_niveaux", regle="proportion", proportion=50))
    res = [*results(cert), conclusion("M1.2", "C1.1", "partiellement acquise")]
    assert comp(bc01(half, res), "C1.1").decision == PARTIELLE  # 1 of 3 acquired, the others partly


def test_points_conclusion_is_the_epreuves_mark_for_its_criteria(cert):
    points = replace(cert, echelle=Echelle("points", bareme=20, seuil=10))
    res = [*results(points, value="14"), conclusion("M1.1", "C1.2", "4")]
    d = bc01(points, res)
    c12 = comp(d, "C1.2")
    assert c12.decision == NON_ACQUISE and c12.moyenne == pytest.approx(4)
    # the bloc: CR1.2..CR1.6 count at 4 in M1.1, the 4 other results at 14: (5 * 4 + 4 * 14) / 9
    assert d.moyenne == pytest.approx(76 / 9) and d.decision == NON_VALIDE
    # conclusion only: the same, without the criteria's own results
    d = bc01(points, [*without(results(points, value="14"), "M1.1", *C12), conclusion("M1.1", "C1.2", "4")])
    assert d.moyenne == pytest.approx(76 / 9) and d.manquants == ()


def test_an_override_never_decides_an_incomplete_bloc(cert):
    d = bc01(cert, results(cert, **{key("M1.2", "CR1.8"): None}), {"BC01": Derogation("1", "BC01", VALIDE, "Dossier probant")})
    assert d.calculee == d.decision == INCOMPLET and not d.derogation and not d.valide


# --- blocs validated before the session (acquis.csv) ---------------------------------------------------------


def test_blocs_acquired_before_count_toward_the_certification(cert):
    import datetime as dt

    from dossier.sources.session import Acquis

    bob = Candidat("Exemple", "Bob", "1", blocs=("BC04",))
    bloc4 = cert.blocs[3]
    res = [Resultat("1", m.id, "", c.id, "acquis") for m in bloc4.modalites for c in bloc4.criteres_de(m)]
    earlier = [Acquis("1", code, dt.date(2026, 6, 25), "Session de juin 2026") for code in ("BC03", "BC01", "BC02")]
    d = decide(cert, bob, res, {}, acquis=earlier)
    assert d.certifie and d.restants == ()
    assert [a.bloc for a in d.acquis] == ["BC01", "BC02", "BC03"]  # in the certification's order
    assert [b.bloc.code for b in d.blocs] == ["BC04"]  # only what was sat is decided
    short = decide(cert, bob, res, {}, acquis=earlier[:2])
    assert [b.code for b in short.restants] == ["BC02"] and not short.certifie
    failed = decide(cert, bob, [replace(r, valeur="non acquis") for r in res], {}, acquis=earlier)
    assert [b.code for b in failed.restants] == ["BC04"] and not failed.certifie
