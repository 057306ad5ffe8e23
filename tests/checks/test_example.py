"""The shipped example is the reference référentiel, transcribed in full."""

from __future__ import annotations

import re

from conftest import EXAMPLE, FIXTURES
from dossier.checks import check

REFERENCE = (FIXTURES / "referentiel-commercial-exemple.txt").read_text(encoding="utf-8")
# Criteria the example adds to the reference (each marked as such in its bloc file): the competences
# they evaluate had only the generic criterion repeated in the four blocs.
ADDED = {"CR1.8", "CR3.9", "CR4.7", "CR4.8"}


def flat(text: str) -> str:
    """The reference as one line: extraction breaks and runs of spaces folded."""
    text = re.sub(r"\s+", " ", text)
    return text.replace("– ", "– ").strip()


def test_example_is_clean_and_complete():
    checked = check(EXAMPLE)
    assert checked.ok, [d.format() for d in checked.report.sorted()]
    assert not checked.failed(strict=True), [d.format() for d in checked.report.sorted() if d.severity.label != "info"]
    cert = checked.certification
    assert [b.code for b in cert.blocs] == ["BC01", "BC02", "BC03", "BC04"]
    assert [len(b.competences) for b in cert.blocs] == [4, 5, 4, 6]
    assert [len(b.modalites) for b in cert.blocs] == [2, 2, 2, 2]
    assert [sum(len(a.taches) for a in b.activites) for b in cert.blocs] == [3, 4, 3, 4]
    assert len(cert.prose) == 7


def test_every_text_of_the_example_is_in_the_reference_word_for_word():
    cert = check(EXAMPLE).certification
    reference = flat(REFERENCE)
    texts = []
    for bloc in cert.blocs:
        for act in bloc.activites:
            texts.append(act.intitule)
            texts.extend(act.taches)
        texts.extend(c.texte for c in bloc.competences)
        texts.extend(c.texte for c in bloc.criteres if c.id not in ADDED)
        for mod in bloc.modalites:
            texts.append(mod.duree)
            texts.extend(p for p in mod.description.split("\n\n") if p)
    missing = [t for t in texts if flat(t) not in reference]
    assert missing == []


def test_every_competence_and_criterion_line_of_the_reference_is_in_the_example():
    """The other way round: each '- ' item of the competence and criterion columns is transcribed."""
    cert = check(EXAMPLE).certification
    known = " ".join(flat(c.texte) for c in cert.competences + cert.criteres)
    # Items start with "- " at the start of a line and run until a blank line or the next item.
    items = re.findall(r"^- (.+?)(?=\n\s*\n|\n- |\Z)", REFERENCE, flags=re.S | re.M)
    competences_and_criteria = [flat(i) for i in items if not flat(i).startswith(
        tuple(flat(t)[:25] for b in cert.blocs for a in b.activites for t in a.taches)
    )]
    assert len(competences_and_criteria) >= 19 + 20
    missing = [i for i in competences_and_criteria if i.rstrip(" .") not in known]
    assert missing == []


def test_added_criteria_are_marked_in_their_bloc_file():
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((EXAMPLE / "blocs").glob("*.yaml")))
    for crit in sorted(ADDED):
        before = text.split(f"- id: {crit}\n")[0]
        assert "ajouté" in before[-400:], crit
