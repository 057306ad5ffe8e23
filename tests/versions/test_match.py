"""Matching two versions' items: identifiers first, then text, then inclusion — and nothing invented."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.versions.index import Weights, scored_pairs, words_of
from dossier.versions.match import Entry, match
from dossier.versions.words import side, word_diff

ANALYSE = "Analyser les données commerciales et les études de marché afin d'identifier les opportunités de croissance."
RECRUTER = "Recruter les commerciaux en menant des entretiens structurés avec des grilles d'évaluation partagées."
NEGOCIER = "Négocier les contrats des grands comptes en préparant les arguments, les concessions et les marges."
VEILLE = "Organiser la veille concurrentielle sur les prix, les canaux de distribution et les innovations du secteur."


def ids(m):
    return sorted((lk.old, lk.new, lk.via) for lk in m.links)


def test_the_same_identifiers_and_texts_are_linked_by_identifier_with_full_score():
    old = [Entry("C1.1", "BC01", ANALYSE), Entry("C1.2", "BC01", RECRUTER)]
    m = match(old, list(old))
    assert ids(m) == [("C1.1", "C1.1", "identifiant"), ("C1.2", "C1.2", "identifiant")]
    assert all(lk.score == 1.0 for lk in m.links) and m.removed == m.added == ()


def test_a_renumbered_competence_is_found_by_its_text():
    old = [Entry("C1.1", "BC01", ANALYSE), Entry("C1.2", "BC01", RECRUTER)]
    new = [Entry("C1.1", "BC01", ANALYSE), Entry("C5.1", "BC05", RECRUTER)]
    assert ids(match(old, new)) == [("C1.1", "C1.1", "identifiant"), ("C1.2", "C5.1", "texte")]


def test_an_identifier_given_to_another_text_does_not_link_the_two_texts():
    """C1.2 now names what was C1.3; the old C1.2's text went to C1.9."""
    old = [Entry("C1.2", "BC01", RECRUTER), Entry("C1.3", "BC01", NEGOCIER)]
    new = [Entry("C1.2", "BC01", NEGOCIER), Entry("C1.9", "BC01", RECRUTER)]
    assert ids(match(old, new)) == [("C1.2", "C1.9", "texte"), ("C1.3", "C1.2", "texte")]


def test_a_text_rewritten_in_place_keeps_its_identifier_link_with_a_low_score_that_justifies_nothing():
    old = [Entry("C3.2", "BC03", NEGOCIER)]
    new = [Entry("C3.2", "BC03", "Concevoir et chiffrer un programme d'initiatives hiérarchisées, assorti d'un calendrier.")]
    m = match(old, new)
    assert ids(m) == [("C3.2", "C3.2", "identifiant")]
    assert m.links[0].score < 0.2 and m.justified() == ()


def test_a_split_links_the_old_competence_to_both_new_ones():
    old = [Entry("C1.1", "BC01", f"{ANALYSE} {VEILLE}")]
    new = [Entry("C1.1", "BC01", ANALYSE), Entry("C5.1", "BC05", VEILLE)]
    m = match(old, new)
    assert ids(m) == [("C1.1", "C1.1", "identifiant"), ("C1.1", "C5.1", "inclusion")]
    same, part = m.links
    assert 0.5 <= same.score < 0.9 and part.score > 0.9  # half the old text; all of the new one within the old


def test_a_merge_links_both_old_competences_to_the_new_one():
    old = [Entry("C2.1", "BC02", RECRUTER), Entry("C2.2", "BC02", NEGOCIER)]
    new = [Entry("C2.1", "BC02", f"{RECRUTER} {NEGOCIER}")]
    m = match(old, new)
    assert sorted((lk.old, lk.new) for lk in m.links) == [("C2.1", "C2.1"), ("C2.2", "C2.1")]
    assert len(m.justified()) == 2 and m.removed == ()


def test_unrelated_texts_are_removed_and_added_never_paired():
    old = [Entry("C4.5", "BC04", RECRUTER)]
    new = [Entry("C4.7", "BC04", VEILLE)]
    m = match(old, new)
    assert m.links == () and m.removed == ("C4.5",) and m.added == ("C4.7",)


def test_the_threshold_decides_what_justifies_a_correspondence():
    edited = ANALYSE.replace("commerciales et les études de marché", "de vente et les retours des clients")
    old, new = [Entry("C1.1", "BC01", ANALYSE)], [Entry("C1.1", "BC01", edited)]
    score = match(old, new).links[0].score
    assert 0.3 < score < 0.9
    assert len(match(old, new, seuil=score - 0.05).justified()) == 1
    assert match(old, new, seuil=min(1.0, score + 0.05)).justified() == ()


WORDS = [f"mot{i}" for i in range(60)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=12),
    st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=12),
    st.sampled_from([0.3, 0.5, 0.7]),
)
def test_the_index_finds_every_pair_a_full_comparison_would(old, new, t):
    """Prefix filtering is exact: every pair whose common words weigh t of the smaller text is found."""
    old_w = [words_of(" ".join(w)) for w in old]
    new_w = [words_of(" ".join(w)) for w in new]
    weight = Weights(old_w + new_w)
    found = {(p.old, p.new) for p in scored_pairs(old_w, new_w, weight, t)}
    for i, a in enumerate(old_w):
        for j, b in enumerate(new_w):
            common = weight.total(a & b)
            if common and common >= t * min(weight.total(a), weight.total(b)) - 1e-9:
                assert (i, j) in found


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = [f"t{i:05d}" for i in range(n * 4)]
    return [" ".join(rng.sample(vocabulary, 10)) for _ in range(n)]


def test_the_work_grows_with_the_texts_not_with_their_square():
    """The pairs scored, for n distinct texts and the same texts lightly edited: about n, never n²."""
    counts = {}
    for n in (100, 400):
        old = [Entry(f"C{i}", "BC01", t) for i, t in enumerate(_texts(n, 1))]
        new = [Entry(f"N{i}", "BC01", " ".join(t.split()[1:])) for i, t in enumerate(_texts(n, 1))]
        m = match(old, new)
        assert len(m.links) == n  # every text found again, by its text
        counts[n] = m.compared
    assert counts[400] < 12 * 400 and counts[400] / counts[100] < 6  # n² would be 16× from 100 to 400 (and 160 000 pairs)


def test_the_word_diff_gives_each_side_back():
    old = "Analyser des données commerciales afin d’identifier les opportunités."
    new = "Analyser les données commerciales et numériques afin d’identifier les opportunités de marché."
    segments = word_diff(old, new)
    assert side(segments, "new") == new
    assert side(segments, "old").replace(" ", "") == old.replace(" ", "")  # up to the spaces between words
    assert [s.text.strip() for s in segments if s.op == "-"] == ["des"]
    assert [s.text.strip() for s in segments if s.op == "+"] == ["les", "et numériques", "de marché"]
