"""dossier/text.py: the one folding behind comparisons, file names, anchors and the search key."""

from __future__ import annotations

import datetime as dt

import pytest

from dossier.text import anchor, date_fr, fold, plural, same, search_key, slug, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Œuvre", "oeuvre"),
        ("L’ÉTÉ  à  Noël", "l'ete a noel"),
        ("Cæsar", "caesar"),
        ("Straße", "strasse"),
        ("ﬁche", "fiche"),  # a ligature from a PDF copy
        ("\u00a0Été\u202f!", "ete !"),  # no-break spaces are spaces
        # letters NFKD leaves whole (no combining mark to drop) keep their base letter
        ("Søren ØSTERGÅRD", "soren ostergard"),
        ("Łukasz Wałęsa", "lukasz walesa"),
        ("Đorđe", "dorde"),
        ("Þórður Guðmundsson", "thordur gudmundsson"),
        ("Ħamrun, Kırıkkale", "hamrun, kirikkale"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_is_idempotent():
    for text in ("Œuvre d’Été", "Responsable commercial & marketing", "N° 1er"):
        assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Responsable commercial & marketing", "responsable-commercial-marketing"),
        ("Mise en œuvre", "mise-en-oeuvre"),
        ("  --BC01--  ", "bc01"),
        ("M1.1", "m1-1"),
        ("!!!", "certification"),
        ("Ødegaard Øystein", "odegaard-oystein"),  # « Ø » keeps its letter in a file name
        ("Łódź", "lodz"),
    ],
)
def test_slug(text, expected):
    assert slug(text) == expected


def test_slug_is_bounded_and_never_ends_with_a_dash():
    long = "a" * 79 + " b" * 10
    assert len(slug(long)) <= 80 and not slug(long).endswith("-")


def test_anchor_keeps_whole_titles_and_has_a_default():
    title = "Délivrance du parchemin et de l’attestation de validation de bloc de compétences, en cas de succès"
    assert anchor(title) == slug(title, limit=10_000) and len(anchor(title)) > 80
    assert anchor("???") == "section"


def test_words_and_same_ignore_punctuation_case_and_accents():
    assert words("Étude de cas :") == "etude de cas"
    assert same("Rapport d’activités", "RAPPORT D'ACTIVITES")
    assert not same("Rapport d'activités", "Rapport d'activité pro")


def test_search_key_splits_apostrophes_like_search_js():
    assert search_key("L’analyse d'Été") == "l analyse d ete"


def test_date_fr_and_plural():
    assert date_fr(dt.date(2026, 9, 1)) == "1er septembre 2026"
    assert date_fr(dt.date(2027, 2, 14)) == "14 février 2027"
    assert date_fr(None) == ""
    assert [plural(n, "bloc") for n in (0, 1, 2)] == ["0 bloc", "1 bloc", "2 blocs"]
    assert plural(3, "critère", "critères") == "3 critères"


@pytest.mark.parametrize("href, expected", [
    ("https://exemple.fr/a?b=1&c=2", "https://exemple.fr/a?b=1&c=2"),
    ("HTTP://EXEMPLE.FR", "HTTP://EXEMPLE.FR"),
    ("mailto:jury@exemple.fr", "mailto:jury@exemple.fr"),
    ("#regles", "#regles"),
    ("  https://exemple.fr  ", "https://exemple.fr"),
    ("javascript:alert(1)", None),
    ("javascript&#58;alert(1)", None),
    ("&#x6A;avascript&#x3A;alert(1)", None),
    ("JAVASCRIPT&colon;alert(1)", None),
    ("java\tscript:alert(1)", None),
    ("java&#10;script:alert(1)", None),
    ("&amp;#106;avascript:alert(1)", None),
    ("\x01javascript:alert(1)", None),
    ("vbscript:x", None),
    ("data:text/html,x", None),
    ("file:///etc/passwd", None),
    ("../secret.pdf", None),
    ("page.html", None),
    ("//evil.example/", None),
    ("#", None),
    ("", None),
    ("https://exemple.fr/\x00x", None),
])
def test_safe_link_decodes_then_allows_only_the_web_mail_and_anchors(href, expected):
    from dossier.text import safe_link

    assert safe_link(href) == expected


def test_printable_shows_every_control_character_and_keeps_the_rest():
    from dossier.text import printable

    assert printable("a\x1b[31mb\x9bc\u202ed\x00\té\n") == "a\\x1b[31mb\\x9bc\\u202ed\\x00\té\n"
