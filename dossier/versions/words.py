"""What was struck and what was added, word by word, between two texts.

The texts are cut into words and punctuation marks, each with the spaces after it, so that joining the segments of either
side gives that side back (up to the spaces between words: the new text's are kept); words are
compared as written (a changed accent is a change).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_TOKEN = re.compile(r"(?:[\w’'-]+|[^\w\s])\s*|\s+")  # a word, or a punctuation mark, with the spaces after it


@dataclass(frozen=True)
class Segment:
    op: str  # "=" kept, "-" struck (old only), "+" added (new only)
    text: str


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> tuple[Segment, ...]:
    """The segments of the change old → new; joining "=" and "-" gives old, "=" and "+" gives new
    (each up to its spaces)."""
    a, b = _tokens(old), _tokens(new)
    matcher = SequenceMatcher(None, [t.rstrip() for t in a], [t.rstrip() for t in b], autojunk=False)
    out: list[Segment] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            # the words are the same; the spaces after them may differ: keep the new ones
            add("=", "".join(b[b1:b2]))
        else:
            add("-", "".join(a[a1:a2]))
            add("+", "".join(b[b1:b2]))
    return tuple(out)


def side(segments: tuple[Segment, ...], which: str) -> str:
    """One side of a diff back: "old" or "new"."""
    keep = {"=", "-"} if which == "old" else {"=", "+"}
    return "".join(s.text for s in segments if s.op in keep)
