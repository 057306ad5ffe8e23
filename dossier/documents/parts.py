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


# A document is cut into at most about this many runs of blocs. Each part costs ~50 ms of its
# own to lay out (styles, fonts, writing), so one part a bloc would cost 4 s at 80 blocs; 16
# parts still keep two cores busy, and an edited bloc lays out its run of blocs again, not
# the document. The runs depend only on the number of blocs (not on the machine), so the
# same sources give the same bytes everywhere.
PART_RUNS = 16


def bloc_runs(codes: list[str]) -> list[list[str]]:
    """`codes` in at most PART_RUNS consecutive runs of equal size (the last one shorter)."""
    size = max(1, -(-len(codes) // PART_RUNS))
    return [codes[i : i + size] for i in range(0, len(codes), size)]
