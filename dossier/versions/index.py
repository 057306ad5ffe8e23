"""Texts as weighted word sets, and the pairs of texts worth comparing, found through an inverted index.

A text is the set of its words, folded (`text.word_list`), without the words that carry no meaning
(« de », « la », « afin »…), each cut to its first letters so that « analyser », « analyse » and
« analysant » are one word. A word weighs its rarity across both versions (inverse document
frequency): two texts sharing « e-réputation » are closer than two sharing « entreprise ».

`scored_pairs()` never compares every text with every other. Each text looks up, in an inverted
index of the other version, only its rarest words: the shortest run of its words, rarest first, that
weighs more than (1 − t) of the text. Two texts whose common words weigh at least t of the smaller
one must share a word of that run (prefix filtering), so every pair at or above the threshold is
found, and the work grows with the pairs that really share rare words, not with the square of the
number of texts.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..text import word_list

STEM = 7  # letters kept of each word: « analyser », « analyse », « analysant » → « analysa »/« analyse »
STOP = frozenset("""
a afin ai ainsi au aux avec avoir c ce ceci cela celle celles celui ces cet cette chaque comme
d dans de des du elle elles en entre est et etre eux il ils l la le les leur leurs lui m ma mais
me meme mes moins n ne ni nos notre nous on ou par pas plus pour qu que quel quelle quelles quels
qui s sa sans se selon ses si son sont sur ta te tes toi ton tous tout toute toutes tu un une vos
votre vous vue y afin lors dont via
""".split())


def words_of(text: str) -> frozenset[str]:
    """What a text says, as a set of cut, folded words without the empty ones."""
    return frozenset(w[:STEM] for w in word_list(text) if w not in STOP and (len(w) > 1 or w.isdigit()))


class Weights:
    """Each word's weight: log(1 + N / df), N the texts of both versions, df those holding the word."""

    def __init__(self, texts: Iterable[frozenset[str]]):
        counts: Counter[str] = Counter()
        n = 0
        for words in texts:
            counts.update(words)
            n += 1
        self._n = max(n, 1)
        self._weight = {w: math.log(1 + self._n / df) for w, df in counts.items()}
        self._unseen = math.log(1 + self._n)

    def __call__(self, word: str) -> float:
        return self._weight.get(word, self._unseen)

    def total(self, words: Iterable[str]) -> float:
        return sum(map(self, words))


@dataclass(frozen=True)
class Scored:
    """Two texts that share words: the old one's index, the new one's, and what they share."""

    old: int
    new: int
    common: float  # the weight of their common words
    old_total: float
    new_total: float

    @property
    def dice(self) -> float:
        """Their likeness, 0 to 1: twice the common weight over both weights."""
        both = self.old_total + self.new_total
        return 2 * self.common / both if both else 0.0

    @property
    def old_within(self) -> float:
        """How much of the old text is in the new one (a merge: each old text is within the new)."""
        return self.common / self.old_total if self.old_total else 0.0

    @property
    def new_within(self) -> float:
        """How much of the new text is in the old one (a split: each new text is within the old)."""
        return self.common / self.new_total if self.new_total else 0.0


def _index(texts: Sequence[frozenset[str]]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for i, words in enumerate(texts):
        for w in words:
            index[w].append(i)
    return index


def _probe(texts: Sequence[frozenset[str]], index: dict[str, list[int]], weight: Weights, t: float, found: set, flip: bool) -> None:
    for i, words in enumerate(texts):
        total = weight.total(words)
        if not total:
            continue
        need = (1 - t) * total
        seen = 0.0
        for w in sorted(words, key=lambda w: (-weight(w), w)):
            for j in index.get(w, ()):
                found.add((j, i) if flip else (i, j))
            seen += weight(w)
            if seen > need:
                break


def scored_pairs(old: Sequence[frozenset[str]], new: Sequence[frozenset[str]], weight: Weights, t: float) -> list[Scored]:
    """Every pair whose common words weigh at least t of the smaller text (and some more), scored."""
    found: set[tuple[int, int]] = set()
    _probe(old, _index(new), weight, t, found, flip=False)
    _probe(new, _index(old), weight, t, found, flip=True)
    totals_old = [weight.total(w) for w in old]
    totals_new = [weight.total(w) for w in new]
    out = []
    for i, j in sorted(found):
        common = weight.total(old[i] & new[j])
        if common:
            out.append(Scored(i, j, common, totals_old[i], totals_new[j]))
    return out
