"""Round-trip YAML edits: only the edited lines change, whoever wrote the file and however."""

from __future__ import annotations

import difflib

import pytest
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from dossier.importers import changes as ch
from dossier.importers.yaml_rt import Doc, load_text, styled


def doc(text: str) -> Doc:
    data, layout = load_text(text, "blocs/bc01.yaml")
    return Doc("blocs/bc01.yaml", text, data, layout)


def diff(a: str, b: str) -> list[str]:
    return [line for line in difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


# As PyYAML writes it (the Word importer until now): sequences flush with their key, long texts folded.
PYYAML = """\
# yaml-language-server: $schema=../../schema/bloc.schema.json
code: BC01
intitule: Analyser son marché
competences:
- id: C1.1
  texte: Analyser des données commerciales et des résultats d'étude de marché issue de la veille et de
    l’analyse de marché afin d’identifier les opportunités.
  activites:
  - A1
- id: C1.2
  texte: Ordonner les données.
  activites:
  - A1
criteres:
- id: CR1.1
  texte: Le critère folded over two lines, as PyYAML writes a long text at width one hundred, for a
    reader.
  competences:
  - C1.1
"""

# As a person writes it: indented sequences, flow lists, comments, quotes, a block text.
BY_HAND = """\
# yaml-language-server: $schema=../../schema/bloc.schema.json
#
# Bloc 1, relu le 3 mars.
code: "BC01"
intitule: 'Analyser son marché'

competences:
  # la première, reprise du référentiel déposé
  - id: C1.1
    texte: Analyser des données.   # à reformuler ?
    activites: [A1]
  - id: C1.2
    texte: |
      Ordonner les données.

      Dans un système d'information.
    activites: [A1]

criteres:
  - id: CR1.1
    texte: Le critère.
    competences: [C1.1, C1.2]
"""


@pytest.mark.parametrize("text", [PYYAML, BY_HAND])
def test_untouched_file_gives_its_own_bytes(text):
    assert doc(text).dump() == text


def test_an_edit_in_a_pyyaml_file_leaves_the_folded_texts_as_they_were():
    d = doc(PYYAML)
    ch.apply(d, ch.Change(d.rel, ("competences", "C1.2", "texte"), ch.MODIFY, new="Structurer les données clients."))
    ch.apply(d, ch.Change(d.rel, ("criteres",), ch.ADD, new={"id": "CR1.2", "texte": "Nouveau.", "competences": ["C1.2"]}))
    assert diff(PYYAML, d.dump()) == [
        "-  texte: Ordonner les données.", "+  texte: Structurer les données clients.",
        "+- id: CR1.2", "+  texte: Nouveau.", "+  competences:", "+  - C1.2",
    ]


def test_edits_by_hand_keep_comments_quotes_and_styles():
    d = doc(BY_HAND)
    ch.apply(d, ch.Change(d.rel, ("intitule",), ch.MODIFY, new="Analyser le marché"))
    ch.apply(d, ch.Change(d.rel, ("competences", "C1.1", "texte"), ch.MODIFY, new="Analyser des données commerciales."))
    ch.apply(d, ch.Change(d.rel, ("competences", "C1.2", "texte"), ch.MODIFY, new="Ordonner les données.\n\nDans le CRM."))
    ch.apply(d, ch.Change(d.rel, ("competences",), ch.ADD, new={"id": "C1.3", "texte": "Classer.", "activites": ["A1"]}, after="C1.2"))
    ch.apply(d, ch.Change(d.rel, ("criteres", "CR1.1", "competences"), ch.MODIFY, new=["C1.1", "C1.2", "C1.3"]))
    assert d.dump() == BY_HAND.replace("'Analyser son marché'", "'Analyser le marché'").replace(
        # ruamel puts one space before a comment that ends an edited line
        "Analyser des données.   # à reformuler ?", "Analyser des données commerciales. # à reformuler ?").replace(
        "      Dans un système d'information.\n    activites: [A1]\n",
        "      Dans le CRM.\n    activites: [A1]\n  - id: C1.3\n    texte: Classer.\n    activites: [A1]\n").replace(
        "[C1.1, C1.2]", "[C1.1, C1.2, C1.3]")


def test_a_removed_item_and_an_optional_key_added_in_schema_order():
    d = doc(BY_HAND)
    ch.apply(d, ch.Change(d.rel, ("competences", "C1.1"), ch.REMOVE))
    ch.apply(d, ch.Change(d.rel, ("criteres", "CR1.1", "modalites"), ch.MODIFY, new=["M1.1"]))
    out = d.dump()
    assert "- id: C1.1" not in out and "Analyser des données." not in out
    assert "competences:\n  # la première, reprise du référentiel déposé\n  - id: C1.2\n" in out  # the comment above the list stays
    assert "    competences: [C1.1, C1.2]\n    modalites: [M1.1]\n" in out  # after competences, as the schema orders them


def test_styled_keeps_quotes_and_block_endings():
    assert isinstance(styled(DoubleQuotedScalarString("a"), "b"), DoubleQuotedScalarString)
    block = styled(LiteralScalarString("a\n\nb\n"), "c")
    assert isinstance(block, LiteralScalarString) and block == "c\n"
    assert styled("plain", "two\nlines") == "two\nlines\n" and isinstance(styled("plain", "x\ny"), LiteralScalarString)
    assert styled(6, 7) == 7


def test_windows_line_ends_and_bom_are_kept(tmp_path):
    from dossier.importers.yaml_rt import load

    (tmp_path / "blocs").mkdir()
    path = tmp_path / "blocs" / "bc01.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BY_HAND.replace("\n", "\r\n").encode("utf-8"))
    d = load(tmp_path, "blocs/bc01.yaml")
    assert d.dump() == "\ufeff" + BY_HAND.replace("\n", "\r\n")  # untouched: the same text
    ch.apply(d, ch.Change(d.rel, ("competences", "C1.2", "activites"), ch.MODIFY, new=["A1", "A2"]))
    out = d.dump()
    assert out.startswith("\ufeff# yaml-language-server") and "\n" not in out.replace("\r\n", "")
    assert "    activites: [A1, A2]\r\n" in out
