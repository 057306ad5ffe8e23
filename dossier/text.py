"""Text done once: folding accents and case, slugs, anchors, French dates and counts; the characters
no document may hold, what a terminal may be sent, and the links a document may carry.

Every comparison, file name, anchor and search key goes through `fold()`, so
two of them can never disagree on « Œuvre », « É » or a typographic apostrophe.
The site's search script (templates/html/site/search.js) folds queries the
same way.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# Letters NFKD does not decompose (no combining mark to drop), spelled as their base letter so that a
# name with « Ø », « Ł » or « Đ » keeps it in file names and search keys; ß is casefolded to « ss ».
_LIGATURES = str.maketrans({
    "œ": "oe", "æ": "ae", "’": "'", "‘": "'", "ʼ": "'",
    "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ħ": "h", "ı": "i", "ŧ": "t", "þ": "th", "ŋ": "n",
})
# The accents NFKD splits off: the combining diacritical marks, the block the site's search script drops too.
_MARKS = re.compile("[\u0300-\u036f]+")
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case, without accents, ligatures spelled out, apostrophes straight, spaces collapsed.

    « L’Œuvre  Été » → « l'oeuvre ete » ; « Søren Łukasz » → « soren lukasz ».
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


# --- characters that may not enter a document, and what a terminal may be sent -------------

# Every C0 control but tab and newline, DEL, every C1 control, UTF-16 surrogates (never valid
# alone) and the two non-characters XML 1.0 forbids: none may reach a document (the DOCX and the
# bundle's XML would not be well-formed, a terminal would obey the escape sequences).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_CONTROL_NAMES = {
    "\x00": "caractère nul", "\x08": "retour arrière", "\x0b": "tabulation verticale", "\x0c": "saut de page",
    "\x0d": "retour chariot", "\x1b": "échappement", "\x7f": "suppression", "\x85": "passage à la ligne C1",
}
# What a terminal is never sent raw: the controls above, tab and newline inside one message line
# aside, and the bidirectional overrides that can make a line read other than it is.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def controls(text: str) -> list[tuple[int, str]]:
    """Where `text` holds a character no document may contain: (index, character), in order."""
    return [(m.start(), m.group()) for m in _CONTROLS.finditer(text)]


def without_controls(text: str) -> str:
    """`text` with every such character removed."""
    return _CONTROLS.sub("", text)


def control_name(char: str) -> str:
    """« caractère de contrôle U+001B (échappement) », as a message says it."""
    code = f"U+{ord(char):04X}"
    name = _CONTROL_NAMES.get(char)
    if "\ud800" <= char <= "\udfff":
        return f"demi-caractère UTF-16 isolé {code}"
    if char in "\ufffe\uffff":
        return f"non-caractère {code}"
    return f"caractère de contrôle {code}" + (f" ({name})" if name else "")


def printable(text: str) -> str:
    """`text` as a terminal may show it: each control character written as a visible \\xNN or \\uNNNN."""
    def visible(m: re.Match) -> str:
        code = ord(m.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(visible, text)


# --- links ----------------------------------------------------------------------------------

_SAFE_SCHEMES = ("http", "https", "mailto")
_C0_AND_SPACES = "".join(map(chr, range(0x21))) + "\xa0"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def safe_link(href: str) -> str | None:
    """The link a document may carry, or None: only http, https, mailto and anchors in the page.

    The target is read as a browser would: HTML character references decoded (as many times as it
    takes: « javascript&#58; », « &#x6A;avascript », « &colon; »), tabs and line breaks dropped,
    leading and trailing spaces and controls stripped. A relative link is refused too: in a PDF or
    a Word file it would resolve against the build machine's own folders.
    """
    import html

    url = href
    for _ in range(5):
        decoded = html.unescape(url)
        if decoded == url:
            break
        url = decoded
    url = re.sub(r"[\t\n\r]", "", url).strip(_C0_AND_SPACES)
    if not url or _CONTROLS.search(url):
        return None
    if url.startswith("#"):
        return url if len(url) > 1 else None
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in _SAFE_SCHEMES:
        return None
    return url
