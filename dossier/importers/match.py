"""Which item of a corrected document is which item of the project: by text, then by place, never invented.

`pair()` matches two lists of texts: first the pairs whose words are close
enough (the text barely changed, wherever it moved), then, between two such
pairs, the items left over in the same place (a text rewritten in place keeps
its item), then the same identifier. What remains was removed or added.
Texts are compared without what typesetting changes (apostrophes, no-break
spaces before « : », « … »): a document that went through the tool's own
typography reads back unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from ..text import words
from ..typography import plain

CLOSE = 0.6  # words in common, as SequenceMatcher's ratio: above, the same text edited


def typo_key(text: str | None) -> str:
    """The text as written, without typesetting: the same key for « l’été : » and « l'été: »."""
    text = plain(unicodedata.normalize("NFC", text or ""))  # what the documents' typography changed, undone
    text = re.sub(r"[’‘ʼ]", "'", text)
    text = re.sub(r"[\u00a0\u202f\u2009\s]+", " ", text)
    text = re.sub(r" ?([:;!?»]) ?", r"\1 ", text)
    text = re.sub(r"« ?", "«", text)
    return " ".join(text.split())


def plain_spaces(text: str) -> str:
    """Text to write into the sources: typographic spaces back to plain ones (the documents add them again)."""
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)


def similarity(a: str, b: str) -> float:
    wa, wb = words(a).split(), words(b).split()
    if not wa and not wb:
        return 1.0
    return SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def pair(old: list[str], new: list[str], old_ids: list[str], new_ids: list[str]) -> list[tuple[int | None, int | None]]:
    """(old index, new index) pairs in the new list's order; a None is an item removed or added."""
    matched: dict[int, int] = {}  # new → old
    scores = sorted(
        ((similarity(o, n) + (0.01 if old_ids[i] == new_ids[j] else 0), -abs(i - j), i, j)
         for i, o in enumerate(old) for j, n in enumerate(new)),
        reverse=True,
    )
    used: set[int] = set()
    for score, _, i, j in scores:
        if score < CLOSE:
            break
        if i not in used and j not in matched:
            matched[j] = i
            used.add(i)
    _in_place(matched, used, len(old), len(new))
    for j, ident in enumerate(new_ids):  # what is left: the same identifier
        if j not in matched:
            i = next((i for i, o in enumerate(old_ids) if o == ident and i not in used), None)
            if i is not None:
                matched[j] = i
                used.add(i)
    out: list[tuple[int | None, int | None]] = []
    removed = sorted(set(range(len(old))) - used)
    for j in range(len(new)):
        i = matched.get(j)
        while removed and i is not None and removed[0] < i:  # a removed item shows where it stood
            out.append((removed.pop(0), None))
        out.append((i, j))
    out.extend((i, None) for i in removed)
    return out


def _in_place(matched: dict[int, int], used: set[int], n_old: int, n_new: int) -> None:
    """Between two matched pairs (in both orders), as many items left on each side: the same items, rewritten."""
    anchors = sorted((i, j) for j, i in matched.items())
    bounds = [(-1, -1), *anchors, (n_old, n_new)]
    for (i0, j0), (i1, j1) in zip(bounds, bounds[1:]):
        if i1 < i0 or j1 < j0:
            continue  # the anchors cross (an item moved): no place to speak of
        olds = [i for i in range(i0 + 1, i1) if i not in used]
        news = [j for j in range(j0 + 1, j1) if j not in matched]
        if olds and len(olds) == len(news):
            for i, j in zip(olds, news):
                matched[j] = i
                used.add(i)
