"""The fiche's fields as plain text: what the téléprocédure, the fiche XML and the limits check all count."""

from __future__ import annotations

from dossier.sources.champs import plain


def test_hard_line_breaks_are_gone_and_paragraphs_stay():
    text = "Une phrase coupée\npar le YAML au milieu.\n\nUn second\nparagraphe."
    assert plain(text) == "Une phrase coupée par le YAML au milieu.\nUn second paragraphe."


def test_markdown_markers_go_and_lists_become_star_items():
    text = "La certification **Responsable** atteste _la capacité_ à :\n\n- analyser\n  un marché ;\n- vendre.\n\n1. un\n2. deux"
    assert plain(text) == "La certification Responsable atteste la capacité à :\n* analyser un marché ;\n* vendre.\n* un\n* deux"


def test_headings_links_and_code():
    text = "# Titre\n\nVoir [le site](https://exemple.fr) et `code`.\n\n> Citée."
    assert plain(text) == "Titre\nVoir le site (https://exemple.fr) et code.\nCitée."


def test_content_is_text_never_markup():
    assert plain("Prix & conditions : 3 < 4, « {{ x }} »") == "Prix & conditions : 3 < 4, « {{ x }} »"
    assert plain("") == "" and plain("  \n ") == ""
