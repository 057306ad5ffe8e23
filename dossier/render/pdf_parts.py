"""A long PDF laid out in parts, on every core, with the parts kept between builds.

WeasyPrint lays out about ten pages a second on one core, and a référentiel or
handbook twenty times the example runs to 80–270 pages. But each bloc starts a
new page, so the document splits into runs of whole pages (documents.Part):
each part is laid out on its own, in parallel, and kept in the build's cache
under the hash of its HTML. Editing one bloc lays out that bloc's part again,
and nothing else.

What a part cannot know is settled when the parts are put together:
- « page X / Y »: the parts leave the @page `@bottom-right` box empty, and the
  whole document gets it from an overlay laid out with the document's own
  `@page` rules, one empty page per page, drawn over each page as a form;
- links from one part to another (kept as `#name` URIs by the part) and the
  bookmarks: the named destinations and the outline are rebuilt for the whole;
- a table of contents' page numbers (the part marked `numbered`): its template
  gets placeholders (`numeros`), as wide as the largest number and hidden; the
  layout tells where each one is, and the overlay draws the real number there,
  right-aligned. The contents are laid out once, in parallel with the rest;
- the fonts: each part notes the full font each of its fonts comes from, and
  the assembly writes each font once, subset for every part (pdf_fonts.py).

The overlay is kept too, under the hash of its HTML: an edit that moves no
page number lays out only its own part, then puts the parts together.

Tagged (PDF/UA-1), each part has its structure tree; the assembly merges them
into one (pdf_struct.py) and draws the overlay as an artifact.

The archival PDF/A variant is laid out in one piece (pipeline/plan.py): its
metadata and output intent belong to one WeasyPrint document. Where the parts
are kept is the caller's choice (a `PartCache`: pipeline/cache.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..documents.parts import Part
from .pdf_assemble import destinations, put_together
from .pdf_layout import PLACEHOLDER, folio_html, layout, part_key


@dataclass(frozen=True)
class Call:
    """A function of this module (or the pool's) with its arguments: picklable, for a worker.

    `here`: better made in the calling process, which waits anyway (no WeasyPrint needed, nothing to send)."""

    fn: Callable
    args: tuple
    here: bool = False

    def run(self):
        return self.fn(*self.args)


class _Numbers(dict):
    """A table of contents' numbers before they are known: the same width for every entry."""

    def get(self, key, default=None):
        return PLACEHOLDER

    def __bool__(self) -> bool:
        return True


class PartCache(Protocol):
    """Where the laid-out parts of one PDF are kept, by key (pipeline/cache.py has a folder and a memory one),
    and the full font files they name, by SHA-256 (shared by every document)."""

    def get(self, key: str) -> tuple[bytes | str, dict] | None:
        """The part's PDF (bytes, or the path of a file) and its metadata, if kept and still valid."""

    def put(self, key: str, data: bytes, meta: dict) -> bytes | str:
        """Keep a part; return what `get` would give for it."""

    def keep_only(self, keys: set[str]) -> None:
        """Forget every part but these."""

    def font_files(self) -> dict[str, bytes | str]:
        """Every font file kept: its bytes or its path, by SHA-256."""

    def put_font(self, sha: str, data: bytes) -> None:
        """Keep a full font file."""


@dataclass
class PartedPdf:
    """One PDF made of parts. `start()` gives the first calls; `feed()` the next ones, until `result`."""

    parts: list[Part]
    page: Callable[[frozenset[str], dict | None], str]  # a part's HTML (its sections, its page numbers)
    base_url: Path
    cache: PartCache
    tagged: bool = False  # PDF/UA-1: each part tagged, the trees merged (pdf_struct.py)
    result: bytes | None = None
    _laid: dict = field(default_factory=dict)  # part index -> (source, meta)
    _htmls: dict = field(default_factory=dict)  # part index -> HTML
    _used: set = field(default_factory=set)
    _waiting: dict = field(default_factory=dict)  # key -> indexes of the parts waiting for that layout
    _keys: dict = field(default_factory=dict)  # id of a layout call -> the key of its part
    _overlay: str = ""  # the key of the overlay

    def start(self) -> list[Call]:
        calls = []
        for i, part in enumerate(self.parts):
            calls += self._lay(i, self.page(part.sections, _Numbers() if part.numbered else None))
        return calls + self._next()

    @property
    def layouts(self) -> int:
        """How many layouts are still to come (the parts not kept)."""
        return len(self._waiting)

    def feed(self, call: Call, value) -> list[Call]:
        if call.fn is put_together:
            self.result, overlay, files = value
            self._keep_fonts(files)
            if overlay is not None:
                self.cache.put(self._overlay, *overlay)
            self.cache.keep_only(self._used)
            return []
        key = self._keys.pop(id(call))
        data, meta, files = value
        self._keep_fonts(files)
        source = self.cache.put(key, data, meta)
        for i in self._waiting.pop(key):
            self._laid[i] = (source, meta)
        return self._next()

    def run_here(self, calls: list[Call] | None = None) -> bytes:
        """Every call in this process, one after the other (no pool); `calls`: what `start()` gave, if called."""
        calls = self.start() if calls is None else list(calls)
        while calls:
            call = calls.pop(0)
            calls += self.feed(call, call.run())
        return self.result

    # ---

    def _keep_fonts(self, files: dict[str, bytes]) -> None:
        for sha, data in files.items():
            self.cache.put_font(sha, data)

    def _lay(self, i: int, html: str) -> list[Call]:
        self._htmls[i] = html
        key = part_key(html, self.tagged)
        self._used.add(key)
        kept = self.cache.get(key)
        if kept is not None:
            self._laid[i] = kept
            return []
        self._laid.pop(i, None)
        if key in self._waiting:  # the same HTML twice: laid out once
            self._waiting[key].append(i)
            return []
        self._waiting[key] = [i]
        call = Call(layout, (html, str(self.base_url), frozenset(self.cache.font_files()), False, self.tagged))
        self._keys[id(call)] = key
        return [call]

    def _next(self) -> list[Call]:
        if self._waiting:
            return []
        parts = [(*self._laid[i], p.folio) for i, p in enumerate(self.parts)]
        dests = destinations(parts)
        numbers: dict[int, list[tuple]] = {}  # page -> the table of contents' numbers to draw there
        folios: list[bool] = []
        for _source, meta, folio in parts:
            for n, target, *place in meta.get("numbers", ()):
                if target in dests:
                    numbers.setdefault(len(folios) + n, []).append((str(dests[target][0] + 1), *place))
            folios += [folio] * meta["pages"]
        overlay = folio_html(self._htmls[0], folios, numbers)
        self._overlay = part_key(overlay)
        self._used.add(self._overlay)
        stamped = [on or n in numbers for n, on in enumerate(folios)]
        kept = self.cache.get(self._overlay)
        # with the overlay kept, putting together is only copying: no WeasyPrint, done where the parts are kept
        return [Call(put_together, (parts, overlay, kept, stamped, self.cache.font_files(), str(self.base_url)), here=kept is not None)]
