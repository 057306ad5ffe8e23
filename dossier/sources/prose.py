"""The handbook's prose: Markdown files, read and validated.

Raw HTML is refused in prose: the same text goes to Word, where HTML would
appear as text, and to the published site, where it could run scripts. So is
nesting deeper than any document needs (lists, quotes, emphasis or links one
inside another), which would make the renderers recurse until they crash, and
every control character (see text.controls).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..text import control_name, controls, without_controls
from .diagnostics import Loc, Report
from .model import Prose, Src
from .read import read_text

# Lists, quotes, emphasis or links one inside another: a handbook needs three or four; a
# renderer recursing through a few hundred crashes (and parsing thousands takes minutes).
MAX_NESTING = 20
_CONTAINER = re.compile(r" {0,3}(?:>|[-+*](?=\s)|\d{1,9}[.)](?=\s))[ \t]?")
_INLINE = re.compile(r"\\.|[*_]+|\[|\]")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")  # a thematic break, not a list

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
NESTING_MESSAGE = "{} imbriqué(e)s sur plus de {} niveaux : simplifiez le texte"


def too_deep(text: str) -> tuple[int, int, str] | None:
    """Where Markdown text nests deeper than MAX_NESTING: (line, column, what), or None.

    Estimated from above without parsing (parsing is what takes minutes on hostile input): each
    line's containers (4 columns of indentation, a « > », a list marker), and within a paragraph
    the emphasis markers and brackets opened and not yet closed.
    """
    in_fence = False
    emphasis = brackets = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not line.strip() or _RULE.match(line):
            emphasis = brackets = 0
            continue
        expanded = line.expandtabs(4)
        body = expanded.lstrip(" ")
        depth, at = (len(expanded) - len(body)) // 4, 0
        while (found := _CONTAINER.match(body, at)) and found.end() > at:
            depth, at = depth + 1, found.end()
        if depth > MAX_NESTING:
            return number, 1, "listes ou citations"
        visible = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), body)
        for token in _INLINE.finditer(visible, at):
            mark = token.group()
            if mark == "[":
                brackets += 1
            elif mark == "]":
                brackets = max(0, brackets - 1)
            elif mark[0] in "*_":
                before = visible[token.start() - 1] if token.start() else " "
                after = visible[token.end()] if token.end() < len(visible) else " "
                levels = (len(mark) + 1) // 2
                opens = not after.isspace() and (before.isspace() or not before.isalnum() or emphasis == 0)
                emphasis = emphasis + levels if opens else max(0, emphasis - levels)
            if emphasis > MAX_NESTING or brackets > MAX_NESTING:
                what = "mises en relief (* ou _)" if emphasis > MAX_NESTING else "crochets de liens"
                return number, token.start() + 1 + len(expanded) - len(body), what
    return None


def read_prose(path: Path, display: str, report: Report, inside: Path | None = None) -> Prose | None:
    text = read_text(path, display, report, inside=inside)
    if text is None:
        return None
    text = text.replace("\r\n", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        for col, char in controls(line)[:1]:
            report.error("caractere-controle", Loc(display, number, col + 1), "", f"{control_name(char)} interdit : supprimez-le")
    text = without_controls(text)
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
    deep = too_deep(text)
    if deep is not None:
        report.error("prose-imbrication", Loc(display, deep[0], deep[1]), "", NESTING_MESSAGE.format(deep[2], MAX_NESTING))
    # Kept even when refused: a draft build shows it (escaped), a normal build stops on the errors.
    return Prose(
        name=path.stem,
        titre=title.group(1) if title else path.stem,
        texte=text,
        src=Src(display, "", first + 1, 1),
    )
