"""The example and its second version (tests/renewal.py): every change found, the right correspondances proposed."""

from __future__ import annotations

import dataclasses

import pytest

from dossier.checks import check
from dossier.versions.compare import compare
from dossier.versions.export import comparison_data
from renewal import make_versions


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    old, new = make_versions(tmp_path_factory.mktemp("versions"))
    o, n = check(old), check(new)
    assert o.ok and n.ok, [d.format() for d in n.report.sorted() if d.severity.label == "erreur"]
    return compare(o.certification, n.certification, old_label="v1", new_label="v2")


def changes(c, bloc: str) -> list[tuple[str, tuple, tuple]]:
    section = next(b for b in c.blocs if b.key == bloc)
    return [(ch.kind, ch.old, ch.new) for ch in section.changes]


def test_the_split_bloc(comparison):
    assert ("bloc-scinde", ("BC01",), ("BC01", "BC05")) in changes(comparison, "BC01")
    bc05 = next(b for b in comparison.blocs if b.new == "BC05")
    assert bc05.status == "ajouté" and bc05.old == ""
    moved = {ch.new: ch for ch in bc05.changes if ch.kind == "competence-deplacee"}
    assert {k: (v.old, v.aspects) for k, v in moved.items()} == {
        ("C5.1",): (("C1.3",), ("competence-deplacee", "competence-renumerotee")),
        ("C5.2",): (("C1.4",), ("competence-deplacee", "competence-renumerotee")),
    }
    assert "Nouveau bloc BC05, issu du bloc BC01 de l'ancienne version." in [ch.message for ch in bc05.changes]


def test_the_merged_competences(comparison):
    merge = [ch for ch in next(b for b in comparison.blocs if b.key == "BC02").changes if ch.kind == "competence-fusionnee"]
    assert [(ch.old, ch.new) for ch in merge] == [(("C2.1", "C2.2"), ("C2.1",))]
    assert [d.champ for d in merge[0].diffs] == ["C2.1 → C2.1", "C2.2 → C2.1"]


def test_the_rewritten_competence_with_its_word_diff(comparison):
    [rewrite] = [ch for ch in next(b for b in comparison.blocs if b.key == "BC03").changes]
    assert rewrite.kind == "competence-reecrite" and rewrite.new == ("C3.2",) and rewrite.score < comparison.seuil
    [diff] = rewrite.diffs
    struck = "".join(s.text for s in diff.segments if s.op == "-")
    added = "".join(s.text for s in diff.segments if s.op == "+")
    assert "Élaborer le plan" in struck and "budgétiser" in struck and "chiffrer un programme" in added


def test_the_removed_competence(comparison):
    assert ("competence-supprimee", ("C4.5",), ()) in changes(comparison, "BC04")
    assert comparison.competences.removed == ("C4.5",) and comparison.competences.added == ()


def test_the_moved_criteria(comparison):
    bc01 = {ch.new: ch for ch in next(b for b in comparison.blocs if b.key == "BC01").changes if ch.kind == "critere-deplace"}
    assert bc01[("CR1.2",)].message == "Critère CR1.2 : évalue désormais C1.1 (au lieu de C1.2)."
    bc05 = {ch.new: ch for ch in next(b for b in comparison.blocs if b.key == "BC05").changes if ch.kind == "critere-deplace"}
    assert bc05[("CR5.2",)].old == ("CR1.8",) and "déplacé du bloc BC01 au bloc BC05" in bc05[("CR5.2",)].message


def test_the_proposed_correspondences(comparison):
    found = [(p.blocs_fiche, p.blocs, p.type, dict(p.competences)) for p in comparison.proposals]
    assert found == [
        (("BC01",), ("BC01",), "totale", {"C1.1": ("C1.1",), "C1.2": ("C1.2",)}),
        (("BC02",), ("BC02",), "totale", {"C2.1": ("C2.1", "C2.2"), "C2.3": ("C2.3",), "C2.4": ("C2.4",), "C2.5": ("C2.5",)}),
        (("BC03",), ("BC03",), "partielle", {"C3.1": ("C3.1",), "C3.3": ("C3.3",), "C3.4": ("C3.4",)}),
        (("BC04",), ("BC04",), "totale", {c: (c,) for c in ("C4.1", "C4.2", "C4.3", "C4.4", "C4.6")}),
        (("BC01",), ("BC05",), "totale", {"C5.1": ("C1.3",), "C5.2": ("C1.4",)}),
    ]
    assert all(p.fiche == "RNCP39999" and p.proposee for p in comparison.proposals)
    assert comparison.proposals[2].notes == "Reste à valider : C3.2 (texte réécrit)."


def test_an_old_bloc_nothing_continues_gets_an_explicit_none(example_cert):
    fewer = dataclasses.replace(example_cert, blocs=example_cert.blocs[:3])
    c = compare(example_cert, fewer, fiche="RNCP39999")
    assert [(p.blocs_fiche, p.blocs, p.type) for p in c.proposals][-1] == (("BC04",), (), "aucune")
    assert [ch.kind for ch in next(b for b in c.blocs if b.key == "ancien:BC04").changes][0] == "bloc-supprime"


def test_a_version_against_itself_changes_nothing(example_cert):
    c = compare(example_cert, example_cert)
    assert not c.changed and c.counts() == {}
    assert [p.type for p in c.proposals] == ["totale"] * 4
    assert all(lk.score == 1.0 and lk.via == "identifiant" for lk in c.competences.links)


def test_the_json_holds_the_same_changes(comparison):
    data = comparison_data(comparison)
    assert data["format"] == "dossier-evolutions" and data["seuil"] == 0.5
    assert data["ancienne"]["code_rncp"] == "RNCP39999" and data["nouvelle"]["version"] == "2.0"
    kinds = {ch["type"] for b in data["blocs"] for ch in b["changements"]}
    assert {"bloc-scinde", "competence-fusionnee", "competence-reecrite", "competence-supprimee", "critere-deplace"} <= kinds
    link = next(lk for lk in data["competences"] if lk["nouvelle"] == "C5.1")
    assert link == {"ancienne": "C1.3", "nouvelle": "C5.1", "score": 1.0, "par": "texte", "justifie": True}
    assert data["correspondances_proposees"][2]["type"] == "partielle"


def test_what_the_candidate_hands_in_is_compared_too(example_cert):
    bloc = example_cert.blocs[0]
    m = dataclasses.replace(bloc.modalites[1], format="20 pages, PDF", soutenance="commune")
    edited = dataclasses.replace(example_cert, blocs=(dataclasses.replace(bloc, modalites=(bloc.modalites[0], m)), *example_cert.blocs[1:]))
    c = compare(example_cert, edited)
    (change,) = [ch for b in c.blocs for ch in b.changes]
    assert change.kind == "modalite-modifiee" and change.message == "Épreuve M1.2 modifiée : longueur et format ; soutenance."
