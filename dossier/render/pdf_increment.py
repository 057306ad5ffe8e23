"""Filling a PDF laid out once by appending to it: an incremental update per copy, no layout, no parsing.

A PDF may be extended by appending objects and a new cross-reference section
(ISO 32000 § 7.5.6). The base is normalised once (a classic xref table); each
copy is the base's bytes followed by: one content stream per page drawing the
copy's values (Helvetica, a standard font every reader has, WinAnsi text),
the page objects again with that stream added to their /Contents, and the
xref and trailer. The page objects and fonts are the same for every copy:
only the values' streams are formatted per copy, in microseconds.

A batch's printout is one file too: the base followed by one new page per
copy and page, all drawing the base's content stream (one copy of it).

A tagged base (PDF/UA-1, pdf_tags.py) stays tagged: each value's drawing is
marked content of its field's structure element (increment_tags.py).

Values must be encodable in Windows-1252 (French names are); callers fall
back to laying out an overlay (render/overlay.py) for any other, and for PDF/A
(whose fonts must be embedded).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .increment_tags import field_elements, templates

PX = 0.75  # CSS px → PDF points
FONTS = {400: "/DossierHelv", 700: "/DossierHelvB"}
LIBERATION = {400: "LiberationSans-Regular.ttf", 700: "LiberationSans-Bold.ttf"}  # Helvetica's metrics


def encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=2)
def _widths(weight: int) -> dict[str, float]:
    """Advance widths (per 1 pt of font size) of Liberation Sans, metric-compatible with Helvetica."""
    from fontTools.ttLib import TTFont

    for folder in ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"):
        path = Path(folder) / LIBERATION[weight]
        if path.exists():
            font = TTFont(str(path), lazy=True)
            scale = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            return {chr(code): metrics[name][0] / scale for code, name in font.getBestCmap().items() if code < 0x2030}
    return {}


def text_width(text: str, size: float, weight: int) -> float:
    widths = _widths(weight)
    return sum(widths.get(ch, 0.556) for ch in text) * size


def _literal(text: str) -> bytes:
    data = text.encode("cp1252")
    return b"(" + data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _wrap(text: str, width: float, size: float, weight: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and text_width(trial, size, weight) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def draw(fields, values: dict[str, str], page: int, height_px: float, long: frozenset[str], marks: dict | None = None) -> bytes:
    """The content stream drawing one page's values in their boxes (clipped to them); in a tagged base,
    each value marked with its MCID (marks: field → page, MCID; increment_tags.py)."""
    out = io.BytesIO()
    for name, (p, x, y, w, h, size_px, align, weight) in fields:
        value = values.get(name, "")
        if p != page or not value:
            continue
        weight = 700 if weight >= 600 else 400
        size = size_px * PX
        left, bottom, width, box = (x + 2) * PX, (height_px - y - h) * PX, (w - 4) * PX, h * PX
        if marks and name in marks:
            out.write(b"/Span <</MCID %d>> BDC\n" % marks[name][1])
        out.write(b"q %.2f %.2f %.2f %.2f re W n BT %s %.2f Tf 0 g\n" % (left - 1, bottom, width + 2, box, FONTS[weight].encode(), size))
        lines = _wrap(value, width, size, weight) if name in long else [value]
        first = bottom + box - size * 1.05 if name in long else bottom + (box - size) / 2 + size * 0.22
        for i, line in enumerate(lines):
            room = width - text_width(line, size, weight)
            dx = room / 2 if align == "center" else room if align == "right" else 0
            out.write(b"1 0 0 1 %.2f %.2f Tm %s Tj\n" % (left + max(dx, 0), first - i * size * 1.15, _literal(line)))
        out.write(b"ET Q\n")
        if marks and name in marks:
            out.write(b"EMC\n")
    return out.getvalue()


@dataclass(frozen=True)
class Prepared:
    """The base, normalised, and what every copy appends unchanged."""

    data: bytes  # the base with a classic xref table
    startxref: int
    size: int  # the base's next object number
    root: str  # « 1 0 R »
    info: str  # « / Info n 0 R » or ""
    pages: tuple[tuple[int, bytes], ...]  # page object number, its dictionary with « %CONTENT% » for the new stream
    pages_root: tuple[int, bytes]  # the /Pages object: number, dictionary with « %KIDS% » and « %COUNT% »
    tags: object = None  # increment_tags.Tags: a tagged base's fields


def _serial(obj) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def prepare(pdf: bytes) -> Prepared:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    original = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=original)
    writer.pdf_header = original.pdf_header  # PDF/UA-1 is PDF 1.7
    found = field_elements(writer)  # the object numbers are kept in writing
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    reader = PdfReader(io.BytesIO(data))
    startxref = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    size = int(reader.trailer["/Size"])
    pages = []
    contents = []
    for page in reader.pages:
        ref = page.indirect_reference
        resources = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
        font = DictionaryObject(resources["/Font"].get_object()) if "/Font" in resources else DictionaryObject()
        font.update({NameObject(n): NameObject(f"/PLACEHOLDER{i}") for i, n in enumerate(FONTS.values())})
        resources[NameObject("/Font")] = font
        copy = DictionaryObject(page)
        copy[NameObject("/Resources")] = resources
        original = page.get("/Contents")
        contents.append(_serial(original if not isinstance(original, ArrayObject) else ArrayObject(original)))
        copy[NameObject("/Contents")] = NameObject("/CONTENTPLACEHOLDER")
        text = _serial(copy)
        for i in range(len(FONTS)):
            text = text.replace(b"/PLACEHOLDER%d" % i, b"%d 0 R" % (size + i))
        # the base's drawing between q and Q (objects size + 2 and + 3): its transformations end with it
        wrapped = b"%d 0 R %s %d 0 R %%CONTENT%%" % (size + 2, contents[-1], size + 3)
        text = text.replace(b"/CONTENTPLACEHOLDER", b"[ " + wrapped + b" ]")
        pages.append((ref.idnum, text))
    root_pages = reader.trailer["/Root"]["/Pages"]
    pages_dict = DictionaryObject(root_pages.get_object())
    pages_dict[NameObject("/Kids")] = NameObject("/KIDSPLACEHOLDER")
    pages_dict[NameObject("/Count")] = NameObject("/COUNTPLACEHOLDER")
    pages_text = _serial(pages_dict).replace(b"/KIDSPLACEHOLDER", b"[ %KIDS% ]").replace(b"/COUNTPLACEHOLDER", b"%COUNT%")
    info = reader.trailer.get("/Info")
    return Prepared(
        data, startxref, size, f"{reader.trailer.raw_get('/Root').idnum} 0 R",
        f" /Info {reader.trailer.raw_get('/Info').idnum} 0 R" if info is not None else "",
        tuple(pages), (root_pages.indirect_reference.idnum, pages_text), templates(reader, found),
    )


_FONT_OBJECTS = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
)
_SAVE, _RESTORE = b"q\n", b"\nQ\n"


def _shared(update: _Update, number: int, printed: bool = False) -> int:
    """The fonts, and the q / Q streams around the base's drawing: the same objects in every copy; in a
    printout (new pages only: the tree's elements would point to the base's pages), the catalog without its tree."""
    if printed and update.base.tags is not None:
        update.add(*update.base.tags.untagged)
    for body in _FONT_OBJECTS:
        update.add(number, body)
        number += 1
    update.add(number, b"", _SAVE)
    update.add(number + 1, b"", _RESTORE)
    return number + 2


class _Update:
    """Objects appended after the base, then the xref section and trailer."""

    def __init__(self, base: Prepared, out=None):
        self.base = base
        self.out = out if out is not None else io.BytesIO()
        self.out.write(base.data)
        if not base.data.endswith(b"\n"):
            self.out.write(b"\n")
        self.offsets: dict[int, int] = {}

    def add(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % number)
        if stream is None:
            self.out.write(body)
        else:
            self.out.write(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        self.out.write(b"\nendobj\n")

    def finish(self, size: int) -> bytes:
        where = self.out.tell()
        self.out.write(b"xref\n0 1\n0000000000 65535 f \n")
        for number in sorted(self.offsets):
            self.out.write(b"%d 1\n%010d 00000 n \n" % (number, self.offsets[number]))
        base = self.base
        self.out.write(
            b"trailer\n<< /Size %d /Root %s%s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, base.root.encode(), base.info.encode(), base.startxref, where)
        )
        return self.out.getvalue() if isinstance(self.out, io.BytesIO) else b""


def fill(base: Prepared, streams: list[bytes], values: dict[str, str] | None = None, marks: dict | None = None) -> bytes:
    """One copy: the base with each page's values drawn (streams: one per page), and in a tagged base,
    the values' marked content given to the fields' elements (marks: as given to `draw`)."""
    update = _Update(base)
    number = _shared(update, base.size)
    if base.tags is not None:
        base.tags.write(update, values or {}, marks or {})
    for (page_number, template), stream in zip(base.pages, streams):
        update.add(number, b"", stream)
        update.add(page_number, template.replace(b"%CONTENT%", b"%d 0 R" % number))
        number += 1
    return update.finish(number)


def printout(base: Prepared, copies: list[list[bytes]]) -> bytes:
    """Every copy's pages in one file, all drawing the base's content (one copy of it)."""
    update = _Update(base)
    number = _shared(update, base.size, printed=True)
    kids = []
    pages_number, pages_template = base.pages_root
    for streams in copies:
        for (_, template), stream in zip(base.pages, streams):
            update.add(number, b"", stream)
            page = template.replace(b"%CONTENT%", b"%d 0 R" % number)
            update.add(number + 1, page)
            kids.append(b"%d 0 R" % (number + 1))
            number += 2
    update.add(pages_number, pages_template.replace(b"%KIDS%", b" ".join(kids)).replace(b"%COUNT%", b"%d" % len(kids)))
    return update.finish(number)


class Printout:
    """A kind's printout written as batches arrive, into an open file: the base, then each batch's pages.

    Batches must come in order (the caller's: the same order gives the same bytes). Every copy
    appends the same objects, numbered in sequence: their cross-reference entries go to a
    temporary file as they are written, and the page tree is counted, not kept, so memory does
    not grow with the number of copies. A tagged base gives a tagged printout when each copy's
    values and marks are given: one structure tree, the base's elements once per copy (printout_tags.py).
    """

    def __init__(self, base: Prepared, handle, tagged: bool = False):
        import tempfile

        from .printout_tags import template

        self.base = base
        self.tree = template(base.data, base.tags) if tagged and base.tags is not None else None
        self.update = _Update(base, handle)
        self.first = self.number = _shared(self.update, base.size, printed=self.tree is None)
        self.stride = 2 * len(base.pages) + (self.tree.per_copy if self.tree else 0)  # objects per copy
        self.copies = 0
        self.entries = tempfile.TemporaryFile()  # the xref lines of the objects from `first` on
        self.batch = -1

    def _add(self, body: bytes, stream: bytes | None = None) -> int:
        number = self.number
        self.update.add(number, body, stream)
        self.entries.write(b"%010d 00000 n \n" % self.update.offsets.pop(number))
        self.number += 1
        return number

    def add(self, batch: int, copies: list[list[bytes]], filled: list[tuple[dict, dict]] | None = None) -> None:
        """A batch's copies (each: its pages' streams); for a tagged printout, each copy's values and marks too."""
        from .printout_tags import copy_objects

        if batch <= self.batch:
            raise ValueError(f"batch {batch} after batch {self.batch}: batches must come in order")
        self.batch = batch
        tree = self.tree if filled is not None else None
        if self.tree is not None and tree is None:
            raise ValueError("a tagged printout needs each copy's values and marks")
        for c, streams in enumerate(copies):
            pages = []
            for n, ((_, template), stream) in enumerate(zip(self.base.pages, streams)):
                content = self._add(b"", stream)
                page = template.replace(b"%CONTENT%", b"%d 0 R" % content)
                if tree is not None:
                    page = page.replace(tree.keys[n], b"/StructParents %d" % (self.copies * len(self.base.pages) + n))
                pages.append(self._add(page))
            if tree is not None:
                values, marks = filled[c]
                for body in copy_objects(tree, self.number, pages, self.copies, values, marks):
                    self._add(body)
            self.copies += 1

    def _counted(self, number: int, before: bytes, items, after: bytes) -> None:
        """An object too long to hold: `before`, the items (bytes) in runs of 1000, `after`."""
        import itertools

        out = self.update.out
        self.update.offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + before)
        items = iter(items)
        while run := list(itertools.islice(items, 1000)):
            out.write(b"".join(run))
        out.write(after + b"\nendobj\n")

    def close(self) -> None:
        import shutil

        update, out, pages_per_copy = self.update, self.update.out, len(self.base.pages)
        count = self.copies * pages_per_copy
        kids = (b" %d 0 R" % (self.first + self.stride * c + 2 * n + 1) for c in range(self.copies) for n in range(pages_per_copy))
        pages_number, template = self.base.pages_root
        before, after = (part.replace(b"%COUNT%", b"%d" % count) for part in template.split(b"%KIDS%"))
        self._counted(pages_number, before, kids, after)
        tree = self.tree
        if tree is not None:
            elements = self.first + 2 * pages_per_copy  # a copy's first element, after its pages
            root, before, after = tree.root
            tops = (b" %d 0 R" % (elements + self.stride * c + t) for c in range(self.copies) for t in tree.tops)
            self._counted(root, before, tops, after.replace(b"/NEXTMARK", b"%d" % count))
            arrays = elements + len(tree.elements)  # a copy's parent-tree arrays, after its elements
            nums = (b" %d %d 0 R" % (c * pages_per_copy + n, arrays + self.stride * c + n)
                    for c in range(self.copies) for n in range(pages_per_copy))
            self._counted(tree.parent_tree, b"<< /Nums [", nums, b" ] >>")
        where = out.tell()
        out.write(b"xref\n0 1\n0000000000 65535 f \n")
        for number in sorted(update.offsets):
            out.write(b"%d 1\n%010d 00000 n \n" % (number, update.offsets[number]))
        if self.number > self.first:
            out.write(b"%d %d\n" % (self.first, self.number - self.first))
            self.entries.seek(0)
            shutil.copyfileobj(self.entries, out)
        self.entries.close()
        base = self.base
        out.write(
            b"trailer\n<< /Size %d /Root %s%s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (self.number, base.root.encode(), base.info.encode(), base.startxref, where)
        )
