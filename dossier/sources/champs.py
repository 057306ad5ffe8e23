"""The fiche's fields as plain text, as the téléprocédure and the open-data export hold them, with their limits.

The sources write prose in Markdown, with hard line breaks every 85 characters
or so; the fiche holds plain text: paragraphs whole, one per line, list items
as `* item` lines (the open-data export V4.1 writes lists with `*` bullets),
no `**` nor any other marker. `plain()` gives that text; the téléprocédure
sheet, the fiche XML and the check of the fields' limits all count the same
characters.

Limits: those reported from the XSD of the open-data export (DOMAIN.md:
INTITULE ≤ 800 characters, ACTIVITES_VISEES ≤ 32 KB, CAPACITES_ATTESTEES ≤
64 KB, counted here in UTF-8 bytes, the stricter reading). The téléprocédure's
own limits were not found in a public source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown

from ..text import fold
from .model import Bloc, Certification, Modalite


@dataclass(frozen=True)
class Limit:
    value: int
    unit: str  # "caractères" or "octets"

    def size(self, text: str) -> int:
        return len(text.encode("utf-8")) if self.unit == "octets" else len(text)

    def label(self) -> str:
        return f"{self.value:,} {self.unit}".replace(",", "\u202f")


# The fiche's fields whose limit is known, by the source key they come from.
LIMITS = {
    "intitule": Limit(800, "caractères"),
    "activites_visees": Limit(32 * 1024, "octets"),
    "capacites_attestees": Limit(64 * 1024, "octets"),
}


class _Blocks(HTMLParser):
    """HTML → plain lines: one per paragraph, heading or list item (`* item`)."""

    _BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "dt", "dd"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._text: list[str] = []
        self._bullet = False
        self._href: list[str] = []

    def _end_block(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.lines.append(("* " if self._bullet else "") + text)
            self._bullet = False  # a second paragraph of the same item is a line of its own
        self._text = []

    def handle_starttag(self, tag, attrs):
        if tag in self._BLOCKS or tag in ("ul", "ol"):
            self._end_block()
            if tag == "li":
                self._bullet = True  # the item's first text, even inside a <p> (a loose list)
        elif tag == "br":
            self._text.append(" ")
        elif tag == "a":
            self._href.append(dict(attrs).get("href") or "")

    def handle_endtag(self, tag):
        if tag in self._BLOCKS:
            self._end_block()
            if tag == "li":
                self._bullet = False
        elif tag == "a" and self._href:
            href = self._href.pop()
            if href and not href.startswith("#") and href not in "".join(self._text):
                self._text.append(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data):
        self._text.append(data)

    def close(self):
        super().close()
        self._end_block()


def plain(text: str) -> str:
    """Markdown → the fiche's plain text: whole paragraphs, one per line, lists as `* item` lines."""
    if not text.strip():
        return ""
    parser = _Blocks()
    parser.feed(markdown.markdown(text))
    parser.close()
    return "\n".join(parser.lines)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?…:;" else text + "."


def competences_text(bloc: Bloc) -> str:
    """LISTE_COMPETENCES: one `* ` item per competence."""
    return "\n".join(f"* {' '.join(c.texte.split())}" for c in bloc.competences)


def modalite_text(m: Modalite) -> str:
    """One épreuve as one sentence run: its title (never « Rapport d'activités : Rapport d'activités »),
    duration, conditions, description, deliverables, jury."""
    parts = [_sentence(f"{m.titre} (durée : {m.duree})")]
    parts += [_sentence(p) for p in plain(m.conditions).splitlines() + plain(m.description).splitlines()]
    if m.livrables:
        parts.append(_sentence("À remettre : " + " ; ".join(m.livrables)))
    if m.jury:
        jury = " ".join(plain(m.jury).splitlines())
        parts.append(_sentence(jury if fold(jury).startswith("jury") else f"Jury : {jury}"))  # never « Jury : Jury de… »
    return " ".join(p.removeprefix("* ") for p in parts if p)


def modalites_text(bloc: Bloc) -> str:
    """MODALITES_EVALUATION: one `* ` item per épreuve."""
    return "\n".join(f"* {modalite_text(m)}" for m in bloc.modalites)


def capacites_text(cert: Certification) -> str:
    """CAPACITES_ATTESTEES: every competence, bloc by bloc."""
    return "\n".join(competences_text(b) for b in cert.blocs if b.competences)


def emplois_text(cert: Certification) -> str:
    return "\n".join(f"* {' '.join(e.split())}" for e in cert.emplois_accessibles)


def bloc_code(cert: Certification, bloc: Bloc) -> str:
    """The bloc's full code once the certification has its RNCP code: BC01 → RNCP12345BC01."""
    if cert.code_rncp and not bloc.code.startswith("RNCP"):
        return f"{cert.code_rncp}{bloc.code}"
    return bloc.code


def short_code(code: str) -> str:
    """A bloc's code without its certification's: RNCP37488BC01 → BC01 (a code without it stays)."""
    return re.sub(r"^RNCP\d+(?=BC)", "", code)


def over_limits(cert: Certification):
    """(source key, limit, size) of each field over its known limit."""
    values = {
        "intitule": cert.intitule,
        "activites_visees": plain(cert.activites_visees),
        "capacites_attestees": capacites_text(cert),
    }
    for key, limit in LIMITS.items():
        size = limit.size(values[key])
        if size > limit.value:
            yield key, limit, size

