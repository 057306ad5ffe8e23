"""The handbook's prose: Markdown files, read and validated.

Raw HTML is refused in prose: the same text goes to Word, where HTML would
appear as text, and to the published site, where it could run scripts.
"""

from __future__ import annotations

import re
from pathlib import Path

from .diagnostics import Loc, Report
from .model import Prose, Src
from .read import read_text

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_HTML = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|!--)")
_TITLE = re.compile(r"^#\s+(\S.*?)\s*#*\s*$")


def raw_html(text: str):
    """Yield (line, column, snippet) of each piece of raw HTML outside code, 1-based."""
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        visible = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
        found = _HTML.search(visible)
        if found:
            yield number, found.start() + 1, found.group(0)[:40]


HTML_MESSAGE = "HTML brut « {} » non admis dans la prose : utilisez la syntaxe Markdown (ou `…` pour montrer du code)"


def read_prose(path: Path, display: str, report: Report) -> Prose | None:
    text = read_text(path, display, report)
    if text is None:
        return None
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        report.error("fichier-vide", Loc(display, 1, 1), "", "fichier vide")
        return None
    title = _TITLE.match(lines[first])
    if not title:
        report.error(
            "prose-titre",
            Loc(display, first + 1, 1),
            "",
            "le texte doit commencer par un titre de niveau 1 (« # Titre »)",
        )
    for number, col, snippet in raw_html(text):
        report.error("prose-html", Loc(display, number, col), "", HTML_MESSAGE.format(snippet))
    # Kept even when refused: a draft build shows it (escaped), a normal build stops on the errors.
    return Prose(
        name=path.stem,
        titre=title.group(1) if title else path.stem,
        texte=text,
        src=Src(display, "", first + 1, 1),
    )
