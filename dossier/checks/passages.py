"""Common passages between texts: word shingles, their stable hashes, winnowing, and exact comparison.

Texts are compared as folded words (`text.word_list`: case, accents, ligatures,
punctuation and typographic variants fold away). A shingle is a run of `K`
words; its hash is a rolling polynomial over stable per-word values, so an
index built once on disk stays valid from one process to the next.

An index keeps only the shingles winnowing selects (the smallest hash of every
window of `w` consecutive shingles): any passage of at least `K + w - 1` words
that two texts share has one of its shingles selected in both, so it is always
found, with an index a few times smaller than one of every shingle. Candidates
found through the hashes are then compared word for word (`common()`), which
gives the exact share and the longest passage.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..text import word_list

K = 8  # words in a shingle
# Shingles are hashed by Python's tuple hash over stable per-word integers: computed in C, and the
# same from one process to the next (integers are not salted like strings), as long as the
# interpreter's version is the same — the index's cache key holds it (HASH_VERSION).
HASH_VERSION = f"py{sys.version_info[0]}{sys.version_info[1]}-{sys.hash_info.algorithm}"


def window(k: int, minimum: int) -> int:
    """The winnowing window that guarantees every common passage of `minimum` words is found."""
    return max(1, minimum - k + 1)


class WordValues(dict):
    """A stable 64-bit value per word; the cache is bounded, so memory stays flat over gigabytes."""

    def __init__(self, limit: int = 200_000) -> None:
        super().__init__()
        self._limit = limit

    def __missing__(self, word: str) -> int:
        if len(self) >= self._limit:
            self.clear()
        value = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        self[word] = value
        return value

    def __call__(self, words: Sequence[str]) -> list[int]:
        return list(map(self.__getitem__, words))


def shingle_hashes(values: Sequence[int], k: int = K) -> list[int]:
    """The hash of every run of k words, in order (none for a text shorter than k); signed 64-bit."""
    return list(map(hash, zip(*(values[j:] for j in range(k)))))


def winnow(hashes: Sequence[int], w: int) -> set[int]:
    """The smallest hash of every window of w consecutive shingles (all of them when w is 1)."""
    if w <= 1:
        return set(hashes)
    if len(hashes) <= w:
        return {min(hashes)} if hashes else set()
    return set(map(min, *(hashes[j:] for j in range(w))))


# --- one text of the sources, with where each word came from -------------------------


@dataclass(frozen=True)
class Tokens:
    """A text's folded words, each with the span of the original text it was read from."""

    text: str
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]

    def quote(self, start: int, end: int) -> str:
        """The original text of words start..end-1, punctuation trimmed at both ends."""
        if start >= end:
            return ""
        raw = self.text[self.spans[start][0] : self.spans[end - 1][1]]
        return " ".join(raw.split()).strip(" ,;:.!?«»\"'’(–—-")


def tokens(text: str) -> Tokens:
    """The words of `word_list(text)`, each with the whitespace-separated chunk it comes from."""
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    for chunk in re.finditer(r"\S+", text):
        for word in word_list(chunk.group()):
            words.append(word)
            spans.append(chunk.span())
    return Tokens(text, tuple(words), tuple(spans))


def allowed_mask(words: Sequence[str], allowed: Iterable[Sequence[str]]) -> list[bool]:
    """For each word, is it inside an allowed phrase? Such words never count as copied."""
    blocked = [False] * len(words)
    for phrase in allowed:
        n = len(phrase)
        if not n:
            continue
        first, phrase = phrase[0], tuple(phrase)
        for i in range(len(words) - n + 1):
            if words[i] == first and tuple(words[i : i + n]) == phrase:
                blocked[i : i + n] = [True] * n
    return blocked


def grams(words: Sequence[str], k: int = K) -> set[tuple[str, ...]]:
    """Every run of k words of a text, for an exact comparison."""
    return set(zip(*(words[i:] for i in range(k))))


@dataclass(frozen=True)
class Common:
    """What one text of the sources shares with another text (allowed phrases not counted)."""

    covered: int  # words of the source text inside a common passage
    longest: tuple[int, int]  # the longest common passage, as word positions start..end
    longest_words: int  # its words, allowed phrases not counted


def common(words: Sequence[str], blocked: Sequence[bool], other: set[tuple[str, ...]], minimum: int, k: int = K) -> Common | None:
    """The passages of `words` found in a text whose k-word runs are `other` and holding at least
    `minimum` words outside allowed phrases (`blocked`); None when there is none."""
    runs: list[tuple[int, int]] = []
    start = last = -1
    for i in range(len(words) - k + 1):
        if tuple(words[i : i + k]) in other:
            if start < 0 or i != last + 1:
                if start >= 0:
                    runs.append((start, last + k))
                start = i
            last = i
    if start >= 0:
        runs.append((start, last + k))
    counted = [(s, e, e - s - sum(blocked[s:e])) for s, e in runs]
    passages = [(s, e, n) for s, e, n in counted if n >= minimum]
    if not passages:
        return None
    mask = [False] * len(words)
    for s, e, _n in passages:
        mask[s:e] = [True] * (e - s)
    covered = sum(1 for m, b in zip(mask, blocked) if m and not b)
    s, e, n = max(passages, key=lambda p: (p[2], -p[0]))
    return Common(covered, (s, e), n)
