"""French typography: each rule, idempotence, what is never touched, and durations."""

from __future__ import annotations

import pytest

from dossier.typography import (
    NBSP,
    NNBSP,
    duree_lisible,
    duree_texte,
    parse_duree,
    plain,
    typeset,
    typeset_html,
)

RULES = [
    # before ; ! ? : a narrow no-break space, added where none was
    ("Oui ; non", f"Oui{NNBSP}; non"),
    ("Vraiment ?", f"Vraiment{NNBSP}?"),
    ("Attention!", f"Attention{NNBSP}!"),
    ("un;deux", "un;deux"),  # no space after: not French punctuation (a list, a code)
    # before « : » a no-break space, added where none was
    ("Durée : 3 h", f"Durée{NBSP}: 3{NBSP}h"),
    ("Note: lire", f"Note{NBSP}: lire"),
    ("Fin :", f"Fin{NBSP}:"),
    ("à 12:30", "à 12:30"),
    # inside « »
    ("« texte »", f"«{NBSP}texte{NBSP}»"),
    ("«texte»", f"«{NBSP}texte{NBSP}»"),
    # apostrophe, ellipsis
    ("l'analyse d'un marché", "l’analyse d’un marché"),
    ("'citation'", "'citation'"),
    ("etc...", "etc…"),
    # ordinals, n°
    ("le 1er septembre", "le 1ᵉʳ septembre"),
    ("la 1re fois, la 2ème, le 3e", "la 1ʳᵉ fois, la 2ᵉ, le 3ᵉ"),
    ("le N° 12", f"le n°{NBSP}12"),
    ("N° 3 en tête", f"N°{NBSP}3 en tête"),
    ("décret n°2025-500", f"décret n°{NBSP}2025-500"),
    # numbers and units
    ("10 000 candidats", f"10{NNBSP}000 candidats"),
    ("1 234 567", f"1{NNBSP}234{NNBSP}567"),
    ("3 h 30", f"3{NBSP}h{NBSP}30"),
    ("45 min, 20 %, 300 €", f"45{NBSP}min, 20{NBSP}%, 300{NBSP}€"),
    ("en 2026 pour 3 ans", f"en 2026 pour 3{NBSP}ans"),
    # capital accented letters as written
    ("A l'issue", "A l’issue"),
]


@pytest.mark.parametrize("text,expected", RULES)
def test_each_rule(text, expected):
    assert typeset(text) == expected


@pytest.mark.parametrize("text", [t for t, _ in RULES] + ["« l'été : 1er, 10 000 € ; 3 h 30... »"])
def test_idempotent(text):
    once = typeset(text)
    assert typeset(once) == once
    html = typeset_html(f"<p>{text}</p>")
    assert typeset_html(html) == html


@pytest.mark.parametrize("text", [
    "https://www.example.fr/page?a=1;b=2:3",
    "http://x.fr/l'été...",
    "mailto:jury@example.fr",
    "contact@certif.example.fr",
    "www.example.fr/a:b",
    "C1.2 CR1.10 M2.1 RNCP12345BC03 BC01",
    "`code : x ; y`",
])
def test_urls_identifiers_and_code_untouched(text):
    assert typeset(text) == text
    assert typeset(f"Voir {text} ici") == f"Voir {text} ici"


def test_html_sets_text_nodes_only():
    page = (
        '<html lang="fr"><head><title>Durée : 3 h</title><style>a:hover { b: c; }</style>'
        '<script>if (a ? b : c) {}</script></head><body>'
        '<p title="x : y">l&#39;étude : <a href="https://a.fr/?x=1;y">lien ; ici</a> le 1er</p>'
        '<p><code>a : b</code> &lt;b&gt; : &amp; « x »</p></body></html>'
    )
    out = typeset_html(page)
    assert "<style>a:hover { b: c; }</style>" in out and "<script>if (a ? b : c) {}</script>" in out
    assert 'title="x : y"' in out and 'href="https://a.fr/?x=1;y"' in out
    assert f"<title>Durée{NBSP}: 3{NBSP}h</title>" in out
    assert f"l’étude{NBSP}: " in out and f"lien{NNBSP}; ici" in out
    assert "le 1<sup>er</sup>" in out  # ordinals in superscript
    assert "<code>a : b</code>" in out
    assert f"&lt;b&gt;{NBSP}: &amp; «{NBSP}x{NBSP}»" in out  # escaped text stays escaped


def test_plain_undoes_typography():
    text = "« l'été : le 1er, 10 000 € ; etc... »"
    assert plain(typeset(text)) == plain(text)
    assert plain("le 1ᵉʳ, la 2ᵉ") == "le 1er, la 2e"


@pytest.mark.parametrize("written,minutes,shown", [
    ("3 heures", 180, f"3{NBSP}h"),
    ("3h", 180, f"3{NBSP}h"),
    ("30 mn", 30, f"30{NBSP}min"),
    ("1 h 30", 90, f"1{NBSP}h{NBSP}30"),
    ("90 minutes", 90, f"1{NBSP}h{NBSP}30"),
    ("2 h 05", 125, f"2{NBSP}h{NBSP}05"),
])
def test_durations_from_their_parsed_value(written, minutes, shown):
    assert parse_duree(written) == minutes
    assert duree_lisible(minutes) == shown
    assert duree_texte(written) == shown


def test_a_duration_that_does_not_read_is_kept():
    assert duree_texte("à préciser") == "à préciser"
    assert duree_texte("") == ""
