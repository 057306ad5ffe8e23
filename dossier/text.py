"""Text done once: folding accents and case, slugs, anchors, French dates and counts.

Every comparison, file name, anchor and search key goes through `fold()`, so
two of them can never disagree on « Œuvre », « É » or a typographic apostrophe.
The site's search script (templates/html/site/search.js) folds queries the
same way.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "‘": "'", "ʼ": "'"})
# The accents NFKD splits off: the combining diacritical marks, the block the site's search script drops too.
_MARKS = re.compile("[\u0300-\u036f]+")
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, without accents, ligatures spelled out, apostrophes straight, spaces collapsed.

    « L’Œuvre  Été » → « l'oeuvre ete ».
    """
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(_LIGATURES)
    return " ".join(text.split())


def word_list(text: str) -> list[str]:
    """The folded words, punctuation dropped, as a list: « L’Étude de cas : » → [l, etude, de, cas].

    The same words as `fold()` gives, without its spaces and quotes (the literal
    reproduction check folds every bloc of the national register: this is its hot path).
    """
    if text.isascii():
        return _WORD.findall(text.lower())
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold()
    return _WORD.findall(text.replace("œ", "oe").replace("æ", "ae"))


def words(text: str) -> str:
    """The folded words only, punctuation dropped: « Étude de cas : » → « etude de cas »."""
    return " ".join(word_list(text))


def slug(text: str, limit: int = 80, default: str = "certification") -> str:
    """A file name: « Responsable commercial & marketing » → responsable-commercial-marketing."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-") or default


def anchor(text: str) -> str:
    """A readable, stable HTML id from a title: « Délivrance du parchemin » → delivrance-du-parchemin."""
    return slug(text, limit=10_000, default="section")


def same(a: str, b: str) -> bool:
    """The same words, whatever the case, accents and punctuation."""
    return words(a) == words(b)


def search_key(text: str) -> str:
    """What the site's search matches a query against: folded, apostrophes as spaces."""
    return " ".join(fold(text).replace("'", " ").split())


MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def date_fr(day: dt.date | None) -> str:
    """« 1er septembre 2026 »."""
    if day is None:
        return ""
    return f"{day.day}{'er' if day.day == 1 else ''} {MOIS[day.month - 1]} {day.year}"


def plural(n: int, word: str, plural_form: str | None = None) -> str:
    """« 1 bloc », « 2 blocs », « 0 bloc » (French: the singular up to 1)."""
    return f"{n} {word if n <= 1 else (plural_form or word + 's')}"
