"""French typography, done once for every document: the author's text as a typographer would set it.

`typeset()` sets a plain text (a Word run, a line of the téléprocédure sheet);
`typeset_html()` sets the text nodes of an HTML page, never its tags, attributes,
scripts, styles nor code. Both follow the same rules:

- a narrow no-break space (U+202F) before « ; ! ? », a no-break space (U+00A0)
  before « : » and inside « » ;
- ’ for the apostrophe inside a word, … for three dots ;
- ordinals: « 1er » → « 1ᵉʳ » (in HTML, « 1<sup>er</sup> »), « 2ème » → « 2ᵉ » ;
- « N° 12 » → « n° 12 », with a no-break space ;
- a no-break space between the groups of a number (« 10 000 ») and between a
  number and its unit (« 3 h 30 », « 45 min », « 20 % »).

The sources are never touched: only what reaches a document is set. URLs, e-mail
addresses and code spans (`…`) are left as written, and identifiers (C1.2,
RNCP12345BC01) hold none of the characters the rules change. Setting an
already set text changes nothing (idempotent). Durations are written from their
parsed value by `duree_lisible()`: « 3 h », « 30 min », « 1 h 30 ».
"""

from __future__ import annotations

import html
import re

NBSP = "\u00a0"  # before « : », inside « », between a number and its unit
NNBSP = "\u202f"  # before « ; ! ? », between the groups of a number
_SPACES = " \t\u00a0\u202f\u2009"

# What is never set: a URL, an e-mail address, a code span between backquotes.
_PROTECTED = re.compile(r"`[^`\n]*`|\b(?:https?|ftp|mailto):[^\s<>«»]+|\bwww\.[^\s<>«»]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_UNITS = (
    r"h|min|mn|s|ms|j|ans?|mois|jours?|heures?|minutes?|secondes?|semaines?|"
    r"€|k€|M€|%|‰|°C|km|m|cm|mm|kg|g|t|l|L|Mo|Go|Ko|pages?|mots?|caractères?|signes?|points?|pts?|ECTS|crédits?"
)
_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\.\.\.(?!\.)"), "…"),
    (re.compile(r"(?<=\w)'(?=\w)"), "’"),
    # no-break spaces inside « »: any spaces become one no-break space, and one is added where none is
    (re.compile(f"«[{_SPACES}]*"), "«" + NBSP),
    (re.compile(f"[{_SPACES}]*»"), NBSP + "»"),
    # before ; ! ? : a narrow no-break space (after a word, a closing sign or spaces)
    (re.compile(f"[{_SPACES}]+(?=[;!?])"), NNBSP),
    (re.compile(r"(?<=[\w»)\]’%…])(?=[;!?](?:[\s»)]|$))"), NNBSP),
    # before « : » followed by a space or the end (never « 12:30 », « http:// »)
    (re.compile(f"[{_SPACES}]+(?=:(?:[\\s»)]|$))"), NBSP),
    (re.compile(r"(?<=[\w»)\]’%…])(?=:(?:[\s»)]|$))"), NBSP),
    # numbers: groups of three digits, then a number and its unit, and « 1 h 30 »
    (re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))"), NNBSP),
    (re.compile(f"(?<=\\d)[ \\u202f](?=(?:{_UNITS})(?![\\w]))"), NBSP),
    (re.compile(r"(?<=\d\u00a0h) (?=\d{2}\b)"), NBSP),
    # « n° 12 »: lower case within a sentence, « N° » where a sentence starts
    (re.compile(r"(?:(?<=[a-zà-ÿ0-9,] )|(?<=[(\u00a0]))[Nn][°º][ \t]*(?=\d)"), "n°" + NBSP),
    (re.compile(r"\b([Nn])[°º][ \t]*(?=\d)"), "\\1°" + NBSP),
)
_ORDINAL = re.compile(r"\b(\d{1,4})(er|re|ère|e|ème|eme)\b")
_SUPERSCRIPT = str.maketrans({"e": "ᵉ", "r": "ʳ"})


def _suffix(number: str, written: str) -> str:
    if written in ("er", "re", "ère"):
        return ("er" if written == "er" else "re") if number == "1" else "e"
    return "e"


def _set_plain(text: str, sup: bool) -> str:
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)

    def ordinal(m: re.Match) -> str:
        suffix = _suffix(m.group(1), m.group(2))
        return f"{m.group(1)}<sup>{suffix}</sup>" if sup else m.group(1) + suffix.translate(_SUPERSCRIPT)

    return _ORDINAL.sub(ordinal, text)


def _set(text: str, sup: bool) -> str:
    out, last = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(_set_plain(text[last:m.start()], sup))
        out.append(m.group())
        last = m.end()
    out.append(_set_plain(text[last:], sup))
    return "".join(out)


def typeset(text: str) -> str:
    """A plain text set in French: real characters (ordinals as « 1ᵉʳ »), for Word and plain text."""
    if not text:
        return text
    return _set(text, sup=False)


_UNSET = str.maketrans({"’": "'", NBSP: " ", NNBSP: " ", "\u2009": " "})
_ORDINAL_UNSET = re.compile(r"(?<=\d)(ᵉʳ|ʳᵉ|ᵉ)(?!\w)")


def plain_spaces(text: str) -> str:
    """No-break spaces back to plain ones, ordinals back to « 1er »: what an importer keeps of a typeset
    text (an apostrophe ’ stays: an author may type it)."""
    text = text.replace(NBSP, " ").replace(NNBSP, " ").replace("\u2009", " ")
    return _ORDINAL_UNSET.sub(lambda m: {"ᵉʳ": "er", "ʳᵉ": "re"}.get(m.group(), "e"), text)


def plain(text: str) -> str:
    """The text as an author types it: what `typeset()` changes, undone (apostrophes, no-break spaces,
    « … », ordinals). What a document read back is compared on, against its sources."""
    text = text.translate(_UNSET).replace("…", "...")
    return _ORDINAL_UNSET.sub(lambda m: {"ᵉʳ": "er", "ʳᵉ": "re"}.get(m.group(), "e"), text)


# --- HTML: text nodes only --------------------------------------------------------------------

_RAW = ("script", "style", "code", "pre", "kbd", "samp", "textarea", "sup")
_TOKENS = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|<![^>]*>", re.DOTALL)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _set_html_text(text: str) -> str:
    plain = html.unescape(text) if "&" in text else text
    set_text = _set(plain, sup=True)
    if set_text == plain:
        return text
    # the text is escaped again, but the <sup> the ordinals became stay markup
    pieces = re.split(r"(<sup>(?:er|re|e)</sup>)", set_text)
    return "".join(p if i % 2 else _escape_text(p) for i, p in enumerate(pieces))


def typeset_html(page: str) -> str:
    """An HTML page (or fragment) with every text node set; tags, attributes, scripts, styles and code untouched."""
    out, last, raw = [], 0, []
    for m in _TOKENS.finditer(page):
        text = page[last:m.start()]
        out.append(text if raw or not text.strip() else _set_html_text(text))
        out.append(m.group())
        last = m.end()
        closing, name = m.group(1), (m.group(2) or "").lower()
        if name in _RAW and not m.group().endswith("/>"):
            if closing:
                if raw and raw[-1] == name:
                    raw.pop()
            else:
                raw.append(name)
    tail = page[last:]
    out.append(tail if raw or not tail.strip() else _set_html_text(tail))
    return "".join(out)


# --- durations ----------------------------------------------------------------------------------

_DUREE = re.compile(
    r"(?:(?P<h>\d+(?:[.,]\d+)?)\s*(?:h|heures?)\.?(?:\s*(?P<hm>\d{1,2})(?:\s*(?:min|mn|minutes?))?)?)?"
    r"\s*(?:(?P<m>\d+)\s*(?:min|mn|minutes?)\.?)?",
    re.IGNORECASE,
)


def parse_duree(text: str) -> int | None:
    """Minutes in a duration written as « 3 heures », « 1 h 30 », « 30 mn »; None if unclear."""
    found = _DUREE.fullmatch(text.strip())
    if not found or not any(found.group(g) for g in ("h", "m")):
        return None
    hours = float(found.group("h").replace(",", ".")) if found.group("h") else 0
    minutes = int(found.group("hm") or 0) + int(found.group("m") or 0)
    return round(hours * 60) + minutes



def duree_lisible(minutes: int) -> str:
    """A duration as the documents write it: « 3 h », « 30 min », « 1 h 30 » (no-break spaces)."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}{NBSP}min"
    return f"{hours}{NBSP}h{NBSP}{rest:02d}" if rest else f"{hours}{NBSP}h"


def duree_texte(text: str) -> str:
    """A duration as written in the sources, normalised when it can be read (« 3 heures » → « 3 h »)."""
    minutes = parse_duree(text) if text else None
    return text if minutes is None else duree_lisible(minutes)
