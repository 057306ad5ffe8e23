"""How a long document's PDF is cut into runs of whole pages, each laid out on its own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """A run of whole pages of a document's PDF, which can be laid out on its own.

    `sections` are the names the template shows (`montrer(name)`); `folio`:
    whether its pages carry « page X / Y »; `numbered`: it shows the other
    parts' page numbers (a table of contents): its template gets placeholders,
    and the numbers are drawn over them once the parts are put together.
    """

    sections: frozenset[str]
    folio: bool = True
    numbered: bool = False


# A document is cut into at most this many runs of blocs. A part costs ~25 ms of its own (a
# WeasyPrint document: its first page and table header, its fonts, its file), and an edited bloc
# lays out its whole run again: 40 runs of 2 blocs at 80 blocs cost the cold build ~0.6 s of CPU
# more than 16 runs of 5, and save the edit ~0.3 s. The runs depend only on the number of blocs
# (not on the machine, nor on what changed): a part's pages differ slightly with the blocs laid
# out with it (a table continued on a new page, or begun there), and the same sources must give
# the same bytes everywhere, cold or after an edit.
PART_RUNS = 40


def bloc_runs(codes: list[str]) -> list[list[str]]:
    """`codes` in at most PART_RUNS consecutive runs of equal size (the last one shorter)."""
    size = max(1, -(-len(codes) // PART_RUNS))
    return [codes[i : i + size] for i in range(0, len(codes), size)]
