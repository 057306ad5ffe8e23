"""Which item of the old version became which of the new: by identifier, then by text, never invented.

`match()` pairs two lists of items (competences, criteria, épreuves…), each with an identifier, its
bloc and its text, in three steps:

1. the same identifier in both: with the same text, linked at once (score 1) — what did not change
   never goes through the text index, so the work follows the changes, not the size; with another
   text, kept when the two texts are alike (score at or above the threshold), or when neither has a
   better partner elsewhere — then the text was rewritten in place, and the link keeps its low score;
2. texts alike (score at or above the threshold), best first, one to one: a renamed or moved item;
3. what is left, by inclusion: an old text found within a new one (merged into it), a new text found
   within an old one (split out of it). An item may then have several partners on the other side
   (an unchanged item is not one: nothing is split out of, or merged into, what did not change).

Each link has its score (0 to 1: the weighted share of words in common, see index.py) and says how
it was found. What has no link was removed or added. A link below the threshold exists only through
an identifier both versions kept; correspondences are justified by links at or above it only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .index import Scored, Weights, scored_pairs, words_of

SEUIL = 0.5  # the default threshold


@dataclass(frozen=True)
class Entry:
    id: str
    bloc: str  # the bloc's code
    text: str


@dataclass(frozen=True)
class Link:
    old: str
    new: str
    score: float  # 0 to 1
    via: str  # "identifiant", "texte" or "inclusion"


@dataclass(frozen=True)
class Matching:
    links: tuple[Link, ...]
    removed: tuple[str, ...]  # old identifiers without a partner
    added: tuple[str, ...]  # new identifiers without a partner
    seuil: float
    compared: int = 0  # pairs of texts scored: the index's work (see the benchmark)

    def of_old(self, ident: str) -> tuple[Link, ...]:
        return tuple(lk for lk in self.links if lk.old == ident)

    def of_new(self, ident: str) -> tuple[Link, ...]:
        return tuple(lk for lk in self.links if lk.new == ident)

    def justified(self) -> tuple[Link, ...]:
        """The links that may justify a correspondence: those at or above the threshold."""
        return tuple(lk for lk in self.links if lk.score >= self.seuil)


def match(old: Sequence[Entry], new: Sequence[Entry], seuil: float = SEUIL, inclusion: bool = True) -> Matching:
    """The links between two lists of items; `inclusion` False: one to one only (épreuves, criteria)."""
    new_by_id = {e.id: j for j, e in enumerate(new)}
    same = {i: new_by_id[e.id] for i, e in enumerate(old)  # unchanged: the same identifier and the same text
            if e.id in new_by_id and e.text.strip() == new[new_by_id[e.id]].text.strip()}
    old_words = [words_of(e.text) for e in old]
    new_words = [words_of(e.text) for e in new]
    weight = Weights(old_words + new_words)
    rest_old = [i for i in range(len(old)) if i not in same]  # only what changed goes through the index
    taken = set(same.values())
    rest_new = [j for j in range(len(new)) if j not in taken]
    scored = scored_pairs([old_words[i] for i in rest_old], [new_words[j] for j in rest_new], weight, seuil)
    pairs = [Scored(rest_old[p.old], rest_new[p.new], p.common, p.old_total, p.new_total) for p in scored]
    state = _State(old, new, seuil, pairs)
    for i, j in same.items():
        state.link(i, j, 1.0, "identifiant")
    state.by_identifier()
    state.by_text()
    if inclusion:
        state.by_inclusion()
    links = sorted(state.links.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    linked_old = {i for i, _ in state.links}
    linked_new = {j for _, j in state.links}
    return Matching(
        tuple(link for _, link in links),
        tuple(e.id for i, e in enumerate(old) if i not in linked_old),
        tuple(e.id for j, e in enumerate(new) if j not in linked_new),
        seuil,
        len(pairs),
    )


class _State:
    """The matching under way: the links made so far, by (old index, new index)."""

    def __init__(self, old: Sequence[Entry], new: Sequence[Entry], seuil: float, pairs: list[Scored]):
        self.old, self.new, self.seuil = old, new, seuil
        self.pairs = {(p.old, p.new): p for p in pairs}
        self.of_old: dict[int, list[Scored]] = defaultdict(list)
        self.of_new: dict[int, list[Scored]] = defaultdict(list)
        for p in pairs:
            self.of_old[p.old].append(p)
            self.of_new[p.new].append(p)
        self.links: dict[tuple[int, int], Link] = {}
        self.used_old: set[int] = set()
        self.used_new: set[int] = set()

    def link(self, i: int, j: int, score: float, via: str) -> None:
        self.links[(i, j)] = Link(self.old[i].id, self.new[j].id, round(score, 4), via)
        self.used_old.add(i)
        self.used_new.add(j)

    def dice(self, i: int, j: int) -> float:
        p = self.pairs.get((i, j))
        if p is not None:
            return p.dice
        return 1.0 if self.old[i].text.strip() == self.new[j].text.strip() else 0.0

    def by_identifier(self) -> None:
        new_by_id = {e.id: j for j, e in enumerate(self.new)}
        weak = []
        for i, e in enumerate(self.old):
            j = new_by_id.get(e.id)
            if j is None or i in self.used_old:
                continue
            if self.dice(i, j) >= self.seuil:
                self.link(i, j, self.dice(i, j), "identifiant")
            else:
                weak.append((i, j))
        for i, j in weak:  # rewritten in place, unless either text has a better partner elsewhere
            elsewhere = any(p.dice >= self.seuil and p.new not in self.used_new for p in self.of_old[i]) or any(
                p.dice >= self.seuil and p.old not in self.used_old for p in self.of_new[j])
            if not elsewhere:
                self.link(i, j, self.dice(i, j), "identifiant")

    def by_text(self) -> None:
        ranked = sorted(
            (p for p in self.pairs.values() if p.dice >= self.seuil),
            key=lambda p: (-p.dice, self.old[p.old].bloc != self.new[p.new].bloc, p.old, p.new),
        )
        for p in ranked:
            if p.old not in self.used_old and p.new not in self.used_new:
                self.link(p.old, p.new, p.dice, "texte")

    def by_inclusion(self) -> None:
        alone_old = [i for i in range(len(self.old)) if i not in self.used_old]
        alone_new = [j for j in range(len(self.new)) if j not in self.used_new]
        for i in alone_old:  # merged into a new text
            best = max((p for p in self.of_old[i] if p.old_within >= self.seuil), key=lambda p: (p.old_within, p.dice, -p.new), default=None)
            if best is not None:
                self.link(i, best.new, best.old_within, "inclusion")
        for j in alone_new:  # split out of an old text
            if j in self.used_new:  # became the text two old ones were merged into, above
                continue
            best = max((p for p in self.of_new[j] if p.new_within >= self.seuil), key=lambda p: (p.new_within, p.dice, -p.old), default=None)
            if best is not None:
                self.link(best.old, j, best.new_within, "inclusion")
