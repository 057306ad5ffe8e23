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
