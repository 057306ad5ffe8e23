"""Filling a PDF laid out once by appending to it: an incremental update per copy, no layout, no parsing.

A PDF may be extended by appending objects and a new cross-reference section
(ISO 32000 § 7.5.6). The base is kept as laid out (its objects in compressed
object streams), followed once by what every copy needs (the fonts, below),
and each copy is those bytes followed by: one content stream per page drawing the
copy's values, the page objects again with that stream added to their /Contents, and the
xref and trailer. The page objects and fonts are the same for every copy:
only the values' streams are formatted per copy, in microseconds.

A batch's printout is one file too: the base followed by one new page per
copy and page, all drawing the base's content stream (one copy of it).

A tagged base (PDF/UA-1, pdf_tags.py) stays tagged: each value's drawing is
marked content of its field's structure element (increment_tags.py).

The values are drawn in the fields' own fonts (the document's: DejaVu Sans in
the templates), subset once for the Latin scripts, each copy embedding the
glyphs its values use (increment_fonts.py), on the baseline the layout gives
each field; a base prepared without them draws in Helvetica (a standard font,
WinAnsi text).
A value with a character the fonts lack (`Prepared.covers`) is laid out by the
caller (render/overlay.py), and its overlay page drawn over the base as a form,
marked content of its field all the same (`fill_forms`). A PDF/A base (PDF/A-3b,
overlay.lay_out) is filled alike: what is appended embeds its fonts, and the base's
metadata, output intent and file identifier stay those of the update.
"""

from __future__ import annotations

import io
import itertools
import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypdf.generic import IndirectObject

from .increment_tags import field_elements, templates

_ROW = struct.Struct(">BIH")  # a cross-reference stream's row: /W [ 1 4 2 ]

PX = 0.75  # CSS px → PDF points
FONTS = {400: "/DossierHelv", 700: "/DossierHelvB"}
FACES = {400: "/DossierF400", 700: "/DossierF700"}  # the document's own fonts, embedded in the base (increment_fonts.py)
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


def _wrap(text: str, width: float, measure) -> list[str]:
    """The text in lines no wider than `width` (measure: text → width), broken between words, or
    within a word too long for a line."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and measure(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
        while measure(line) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and measure(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line] if line else lines


SMALLEST = 0.6  # a value too long for its box shrinks down to this part of its size, then wraps


def fit(text: str, width: float, height: float, size: float, measure, wrap: bool, leading: float, ink: float = 1.2) -> tuple[float, list[str]]:
    """The size and lines a value is drawn in so that nothing is cut: its size on one line (or wrapped, for
    a long field) if that fits its box; else smaller, down to SMALLEST of it, on one line then wrapped; at
    that floor, wrapped whatever the height (measure: text, size → width; leading: line height, ink: the
    font's ascent + descent, per 1 pt)."""
    floor = size * SMALLEST
    current = size
    while True:
        if not wrap and measure(text, current) <= width:
            return current, [text]
        lines = _wrap(text, width, lambda t, s=current: measure(t, s))
        if (wrap or len(lines) > 1) and ((len(lines) - 1) * leading + ink) * current <= height + 0.01:
            return current, lines
        if current <= floor:
            return current, lines
        current = max(floor, current - 0.25)


def draw(fields, values: dict[str, str], page: int, height_px: float, long: frozenset[str], marks: dict | None = None,
         faces: dict | None = None) -> bytes:
    """The content stream drawing one page's values in their boxes, in the document's own font where the
    base has it (faces: weight → increment_fonts.Face, embedded by `prepare`), else Helvetica; in a tagged
    base, each value marked with its MCID (marks: field → page, MCID; increment_tags.py), in an untagged
    one an artifact. Values too long for their box shrink, then wrap (`fit`): none is cut."""
    out = io.BytesIO()
    for name, (p, x, y, w, h, size_px, align, weight, *where) in fields:
        value = values.get(name, "")
        if p != page or not value:
            continue
        weight = 700 if weight >= 600 else 400
        face = faces.get(weight) if faces else None
        if face is not None:
            font, encode, measure = FACES[weight], face.encode, face.width
            ascent, descent = face.ascent / 1000, -face.descent / 1000
        else:
            font, encode, measure = FONTS[weight], _literal, lambda t, s, wt=weight: text_width(t, s, wt)
            ascent, descent = 0.78, 0.22
        size = size_px * PX
        inset, inner, baseline, line = where if where else (2, w - 4, None, size_px * 1.15)
        left, top, width, box = (x + inset) * PX, (height_px - y) * PX, inner * PX, h * PX
        leading = line * PX / size
        drawn, lines = fit(value, width, max(box, line * PX), size, measure, name in long, leading, ascent + descent)
        scale = drawn / size
        if baseline is None:  # a box without its layout's baseline: centred in it
            first = top - box + (box - drawn) / 2 + drawn * 0.22 if len(lines) == 1 and name not in long else top - drawn * 1.05
            step = drawn * 1.15
        elif len(lines) == 1 or name in long:  # on the layout's baseline (the first line's, for a long field)
            step = leading * drawn
            first = top - baseline * PX * (scale if name in long else 1)
        else:  # a one-line field's value wrapped: the lines centred on the box
            step = leading * drawn
            block = len(lines) * step
            first = top - max(box - block, 0) / 2 - (step - (ascent + descent) * drawn) / 2 - ascent * drawn  # taller: from the top
        if marks and name in marks:
            out.write(b"/Span <</MCID %d>> BDC\n" % marks[name][1])
        else:
            out.write(b"/Artifact BMC\n")
        out.write(b"q BT %s %.2f Tf 0 g\n" % (font.encode(), drawn))
        for i, text in enumerate(lines):
            room = width - measure(text, drawn)
            dx = room / 2 if align == "center" else room if align == "right" else 0
            out.write(b"1 0 0 1 %.2f %.2f Tm %s Tj\n" % (left + max(dx, 0), first - i * step, encode(text)))
        out.write(b"ET Q\nEMC\n")
    return out.getvalue()


@dataclass(frozen=True)
class Prepared:
    """The base, normalised, and what every copy appends unchanged."""

    data: bytes  # the base with a classic xref table
    startxref: int
    size: int  # the base's next object number
    root: str  # « 1 0 R »
    info: str  # the trailer's other entries: « /Info n 0 R /ID [ … ] », or ""
    pages: tuple[tuple[int, bytes], ...]  # page object number, its dictionary with « %CONTENT% » for the new stream
    pages_root: tuple[int, bytes]  # the /Pages object: number, dictionary with « %KIDS% » and « %COUNT% »
    tags: object = None  # increment_tags.Tags: a tagged base's fields
    faces: dict | None = None  # weight → increment_fonts.Face: the fields' fonts, embedded by each copy
    with_forms: tuple[bytes, ...] = ()  # the pages' dictionaries with « %CONTENT% » and « %XOBJECTS% » (overlaid values)

    def covers(self, value: str) -> bool:
        """Whether a value can be appended (else it is laid out as an overlay: overlay.py)."""
        if self.faces:
            return all(face.covers(value) for face in self.faces.values())
        return encodable(value)


def _serial(obj) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def prepare(pdf: bytes, fonts: dict[int, tuple[bytes, int]] | None = None) -> Prepared:
    """The base ready for appended copies; with `fonts` (weight → the fields' font file, face index:
    overlay.boxes), those fonts subset once, for the values to be drawn in them."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    from .increment_fonts import face

    original = PdfReader(io.BytesIO(pdf))
    found = field_elements(original.trailer["/Root"])
    faces = {weight: f for weight, (data, index) in (fonts or {}).items() if (f := face(data, index)) is not None}
    if faces and set(faces) != set(fonts):
        faces = {}  # a weight the fonts cannot give: every value in Helvetica, as before
    # the base as laid out (its objects compressed as WeasyPrint wrote them), then once: the fields' elements
    # without the titles that found them (pdf_tags.py)
    trailer = _trailer(original)
    first = Prepared(pdf, _startxref(pdf), int(original.trailer["/Size"]), *trailer, (), (0, b""))
    update = _Update(first)
    for element, _name, untitled in found:
        update.add(element, _serial(untitled))
    data = update.finish(first.size) if update.offsets else pdf
    reader = PdfReader(io.BytesIO(data))
    startxref = _startxref(data)
    size = int(reader.trailer["/Size"])
    # the fonts, written by each copy (with its glyphs) and printout (whole): their numbers follow _shared's
    embedded = {NameObject(FACES[weight]): IndirectObject(size + 4 + 5 * i + 4, 0, None)  # type: ignore[arg-type]
                for i, weight in enumerate(sorted(faces))}
    pages = []
    with_forms = []
    contents = []
    for page in reader.pages:
        ref = page.indirect_reference
        resources = DictionaryObject(page["/Resources"].get_object()) if "/Resources" in page else DictionaryObject()
        font = DictionaryObject(resources["/Font"].get_object()) if "/Font" in resources else DictionaryObject()
        font.update(embedded)
        if not faces:
            font.update({NameObject(n): NameObject(f"/PLACEHOLDER{i}") for i, n in enumerate(FONTS.values())})
        resources[NameObject("/Font")] = font
        copy = DictionaryObject(page)
        xobjects = resources.get("/XObject")
        xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
        xobjects[NameObject("/XOBJECTSPLACEHOLDER")] = NameObject("/XOBJECTSPLACEHOLDER")
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
        forms = DictionaryObject(resources)
        forms[NameObject("/XObject")] = xobjects
        copy[NameObject("/Resources")] = forms
        text = _serial(copy)
        for i in range(len(FONTS)):
            text = text.replace(b"/PLACEHOLDER%d" % i, b"%d 0 R" % (size + i))
        with_forms.append(text.replace(b"/CONTENTPLACEHOLDER", b"[ " + wrapped + b" ]")
                          .replace(b"/XOBJECTSPLACEHOLDER /XOBJECTSPLACEHOLDER", b"%XOBJECTS%"))
    root_pages = reader.trailer["/Root"]["/Pages"]
    pages_dict = DictionaryObject(root_pages.get_object())
    pages_dict[NameObject("/Kids")] = NameObject("/KIDSPLACEHOLDER")
    pages_dict[NameObject("/Count")] = NameObject("/COUNTPLACEHOLDER")
    pages_text = _serial(pages_dict).replace(b"/KIDSPLACEHOLDER", b"[ %KIDS% ]").replace(b"/COUNTPLACEHOLDER", b"%COUNT%")
    return Prepared(
        data, startxref, size, *trailer,
        tuple(pages), (root_pages.indirect_reference.idnum, pages_text), templates(reader, found), faces or None,
        tuple(with_forms),
    )


def _startxref(data: bytes) -> int:
    return int(data[data.rindex(b"startxref") + 9 :].split()[0])


def _trailer(reader) -> tuple[str, str]:
    """The catalog's reference, and the other entries each update's trailer repeats (/Info, /ID)."""
    trailer = reader.trailer
    extra = f" /Info {trailer.raw_get('/Info').idnum} 0 R" if "/Info" in trailer else ""
    if "/ID" in trailer:
        extra += " /ID " + _serial(trailer["/ID"]).decode("latin-1")
    return f"{trailer.raw_get('/Root').idnum} 0 R", extra


_FONT_OBJECTS = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
)
_SAVE, _RESTORE = b"q\n", b"\nQ\n"


def _shared(update: _Update, number: int, printed: bool = False, used: set[str] | None = None,
            untagged: bool | None = None) -> int:
    """The fonts, and the q / Q streams around the base's drawing: the same objects in every copy; in a
    printout (new pages only: the tree's elements would point to the base's pages), the catalog without its
    tree, unless the printout has a tree of its own (`untagged` False). The fields' fonts: in a copy, with
    the glyphs of its values (`used`, characters), in a printout whole."""
    base = update.base
    if (printed if untagged is None else untagged) and base.tags is not None:
        update.add(*base.tags.untagged)
    for body in _FONT_OBJECTS:  # none in a base with its own fonts: their numbers stay unused
        if not base.faces:
            update.add(number, body)
        number += 1
    update.add(number, b"", _SAVE)
    update.add(number + 1, b"", _RESTORE)
    number += 2
    for weight in sorted(base.faces or ()):
        face = base.faces[weight]
        for body in face.objects(number, None if printed else face.used(used or ())):
            update.add(number, body)
            number += 1
    return number


class _Update:
    """Objects appended after the base, then the xref section and trailer: streams written as they come
    (compressed), the other objects gathered into compressed object streams at the end."""

    PACKED = 100  # objects per object stream

    def __init__(self, base: Prepared, out=None, pack: bool = True):
        self.base = base
        self.out = out if out is not None else io.BytesIO()
        self.out.write(base.data)
        if not base.data.endswith(b"\n"):
            self.out.write(b"\n")
        self.offsets: dict[int, int] = {}
        self.packed: list[tuple[int, bytes]] = []
        self.pack = pack  # new objects other than streams go into object streams at the end

    def add(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        if self.pack and stream is None and number >= self.base.size and not body.rstrip().endswith(b"endstream"):
            self.packed.append((number, body))  # a new object (one replacing an earlier one is written whole:
            return  # pypdf would read the earlier one from its own object stream)
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % number)
        if stream is None:
            self.out.write(body)
        elif len(stream) > 200:
            packed = zlib.compress(stream, 6)
            self.out.write(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream")
        else:
            self.out.write(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        self.out.write(b"\nendobj\n")

    def add_packed(self, number: int, objects: list[tuple[int, bytes]], level: int = 6) -> None:
        """The objects (number, body) in one compressed object stream, numbered `number`, written whole
        (`level`: zlib's)."""
        numbers, bodies = zip(*objects) if objects else ((), ())
        starts = itertools.accumulate((len(body) + 1 for body in bodies[:-1]), initial=0)  # each after the last and a newline
        head = b" ".join(map(b"%d %d".__mod__, zip(numbers, starts))) + b"\n"
        self.add_stream(number, len(objects), head, b"\n".join(bodies), level)

    def add_stream(self, number: int, count: int, head: bytes, body: bytes, level: int = 6) -> None:
        """An object stream of `count` objects, made: its head (« number offset » pairs) and its body."""
        data = zlib.compress(head + body, level)
        self.offsets[number] = self.out.tell()
        self.out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                       % (number, count, len(head), len(data)) + data + b"\nendstream\nendobj\n")

    def finish(self, size: int) -> bytes:
        """The object streams (numbered from `size`), then the update's cross-reference stream, which is
        also its trailer."""
        inside: dict[int, tuple[int, int]] = {}  # number → object stream, index
        for start in range(0, len(self.packed), self.PACKED):
            chunk = self.packed[start : start + self.PACKED]
            for index, (number, _body) in enumerate(chunk):
                inside[number] = (size, index)
            self.add_packed(size, chunk)
            size += 1
        self.packed = []
        where = self.out.tell()
        self.offsets[size] = where
        numbers = sorted(set(self.offsets) | set(inside))
        runs: list[list[int]] = []
        for n in numbers:
            if runs and runs[-1][0] + runs[-1][1] == n:
                runs[-1][1] += 1
            else:
                runs.append([n, 1])
        rows = zlib.compress(b"".join(struct.pack(">BIH", 2, *inside[n]) if n in inside and n not in self.offsets
                                      else struct.pack(">BIH", 1, self.offsets[n], 0) for n in numbers))
        base = self.base
        self.out.write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /Index [ %s ] /W [ 1 4 2 ] /Root %s%s /Prev %d /Filter /FlateDecode"
            b" /Length %d >>\nstream\n" % (size, size + 1, b" ".join(b"%d %d" % tuple(r) for r in runs), base.root.encode(),
                                          base.info.encode("latin-1"), base.startxref, len(rows))
        )
        self.out.write(rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % where)
        return self.out.getvalue() if isinstance(self.out, io.BytesIO) else b""


def fill(base: Prepared, streams: list[bytes], values: dict[str, str] | None = None, marks: dict | None = None) -> bytes:
    """One copy: the base with each page's values drawn (streams: one per page), and in a tagged base,
    the values' marked content given to the fields' elements (marks: as given to `draw`)."""
    update = _Update(base)
    number = _shared(update, base.size, used=(values or {}).values())
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


def _spooled(spool, size: int = 1 << 20):
    """What was written to a temporary file, in runs."""
    spool.seek(0)
    while run := spool.read(size):
        yield run


class _Collected:
    """A pdf_write.PdfOut for a Copier: objects numbered from `first`, kept serialized until written in order;
    a structure element's /ID and the /Headers naming IDs prefixed (`prefix`: the copy's, as printout_tags')."""

    def __init__(self, first: int, prefix: bytes):
        self.next, self.prefix = first, prefix.decode()
        self.bodies: dict[int, bytes] = {}

    def reserve(self):
        self.next += 1
        return IndirectObject(self.next - 1, 0, None)  # type: ignore[arg-type]

    def write(self, obj, ref=None):
        from pypdf.generic import DictionaryObject

        from .printout_tags import prefix_ids

        ref = ref or self.reserve()
        if isinstance(obj, DictionaryObject) and "/S" in obj:
            obj = prefix_ids(obj, self.prefix)
        self.bodies[ref.idnum] = _serial(obj)
        return ref

    def write_serialized(self, body: bytes, ref) -> None:
        self.bodies[ref.idnum] = body


class _Objects:
    """The update seen as a pdf_write.PdfOut: what a Copier copies from another PDF goes into it."""

    def __init__(self, update: _Update, number: int):
        self.update, self.next = update, number

    def reserve(self):

        self.next += 1
        return IndirectObject(self.next - 1, 0, None)  # type: ignore[arg-type]

    def write(self, obj, ref=None):
        ref = ref or self.reserve()
        self.update.add(ref.idnum, _serial(obj))
        return ref

    def write_serialized(self, body: bytes, ref) -> None:
        self.update.add(ref.idnum, body)


def fill_forms(base: Prepared, overlay, forms: list[tuple[int, str, object]], marks: dict | None = None,
               values: dict[str, str] | None = None) -> bytes:
    """One copy whose values were laid out as an overlay (a character the base's fonts lack): each value's
    overlay page (forms: base page, field, page dictionary of `overlay`, a pdf_read.PdfIn) drawn over its
    base page as a form, marked content of its field's element in a tagged base (marks, as for `draw`)."""
    from .pdf_forms import page_form
    from .pdf_write import Copier

    update = _Update(base)
    number = _shared(update, base.size, used=(values or {}).values())
    if base.tags is not None:
        base.tags.write(update, values or {}, marks or {})
    objects = _Objects(update, number + len(base.pages))
    copier = Copier(overlay, objects)
    drawn: dict[int, list[bytes]] = {}
    names: dict[int, list[bytes]] = {}
    for k, (page, name, sheet) in enumerate(forms):
        ref = objects.write(page_form(sheet, copier))
        mark = b"/Span <</MCID %d>> BDC" % marks[name][1] if marks and name in marks else b"/Artifact BMC"
        drawn.setdefault(page, []).append(b"%s q /DossierV%d Do Q EMC\n" % (mark, k))
        names.setdefault(page, []).append(b"/DossierV%d %d 0 R" % (k, ref.idnum))
    copier.flush()
    for n, ((page_number, _template), template) in enumerate(zip(base.pages, base.with_forms)):
        update.add(number + n, b"", b"".join(drawn.get(n, [])))
        update.add(page_number, template.replace(b"%CONTENT%", b"%d 0 R" % (number + n))
                   .replace(b"%XOBJECTS%", b" ".join(names.get(n, []))))
    return update.finish(objects.next)


PRINT_LEVEL = 1  # a printout's copies of the structure elements and its xref rows: a third of level 6's time, files ~15 % larger


class Printout:
    """A kind's printout written as batches arrive, into an open file: the base, then each batch's pages.

    Batches must come in order (the caller's: the same order gives the same bytes). Each copy
    appends its objects, numbered in sequence: their cross-reference rows, and what the page tree,
    the structure tree's root and the parent tree will list, go to temporary files as they are
    written, so memory does not grow with the number of copies. A tagged base gives a tagged
    printout when each copy's values and marks are given: one structure tree, the base's elements
    once per copy (printout_tags.py), each copy's in one compressed object stream. A copy made
    whole (its values laid out apart: overlay.py) is copied in, its tree with it (`_add_whole`).
    """

    def __init__(self, base: Prepared, handle, tagged: bool = False):
        import tempfile

        from .printout_tags import template

        self.base = base
        self.tree = template(base.data, base.tags) if tagged and base.tags is not None else None
        self.update = _Update(base, handle, pack=False)  # every object written whole: its xref entry is spooled as it comes
        self.first = self.number = _shared(self.update, base.size, printed=True, untagged=self.tree is None)
        self.copies = 0
        self.count = 0  # pages so far: the next page's parent-tree key
        self.entries = tempfile.TemporaryFile()  # the xref stream's rows of the objects from `first` on
        # spooled as they come, for the page tree, the tree's root and the parent tree written at the end
        self.kids, self.tops, self.nums = (tempfile.TemporaryFile() for _ in range(3))
        self.batch = -1

    def _add(self, body: bytes, stream: bytes | None = None) -> int:
        number = self.number
        self.update.add(number, body, stream)
        self.entries.write(_ROW.pack(1, self.update.offsets.pop(number), 0))
        self.number += 1
        return number

    def add(self, batch: int, copies: list[list[bytes]], filled: list[tuple[dict, dict]] | None = None) -> None:
        """A batch's copies (each: its pages' streams); for a tagged printout, each copy's values and marks too."""
        from .printout_tags import copy_stream

        if batch <= self.batch:
            raise ValueError(f"batch {batch} after batch {self.batch}: batches must come in order")
        self.batch = batch
        tree = self.tree if filled is not None else None
        if self.tree is not None and tree is None:
            raise ValueError("a tagged printout needs each copy's values and marks")
        for c, streams in enumerate(copies):
            if isinstance(streams, bytes):  # a copy made whole (values laid out apart and drawn over the base)
                self.count += self._add_whole(streams)
                self.copies += 1
                continue
            pages = []
            for n, ((_, template), stream) in enumerate(zip(self.base.pages, streams)):
                content = self._add(b"", stream)
                page = template.replace(b"%CONTENT%", b"%d 0 R" % content)
                if tree is not None:
                    page = page.replace(tree.keys[n], b"/StructParents %d" % (self.count + n))
                pages.append(self._add(page))
            self.kids.write(b"".join(b" %d 0 R" % page for page in pages))
            if tree is not None:
                values, marks = filled[c]
                elements = self.number
                count = len(tree.elements) + len(tree.arrays)  # in one object stream, numbered after them
                stream = elements + count
                self.update.add_stream(stream, count, *copy_stream(tree, elements, pages, self.copies, values, marks), PRINT_LEVEL)
                self.entries.write(struct.pack(">I", stream).join(tree.rows))
                self.entries.write(_ROW.pack(1, self.update.offsets.pop(stream), 0))
                self.number = stream + 1
                tops = tree.document[2] if tree.document is not None else tree.tops  # under the one Document
                self.tops.write(b"".join(b" %d 0 R" % (elements + t) for t in tops))
                arrays = elements + len(tree.elements)  # the copy's parent-tree arrays, after its elements
                self.nums.write(b"".join(b" %d %d 0 R" % (self.count + n, arrays + n) for n in range(len(pages))))
            self.copies += 1
            self.count += len(pages)

    def _add_whole(self, data: bytes) -> int:
        """A copy of the base made whole (pdf_increment.fill_forms: the base, then its own objects): its pages
        and, tagged, its structure elements and parent-tree arrays renumbered into the printout (IDs prefixed
        per copy, as the others'); what it shares with the base (content, fonts, images) refers to the
        printout's own copy of the base; what it adds (its forms, their fonts) is copied. A file that does
        not begin with the base shares nothing with it: all it draws is copied. Its number of pages."""
        from pypdf.generic import NameObject, NumberObject

        from .pdf_read import PdfIn, raw
        from .pdf_struct import _as_list, _flat_numbers
        from .pdf_write import Copier

        base, tree = self.base, self.tree
        source = PdfIn(data)
        pages = source.pages()
        root_ref = raw(source.catalog(), "/StructTreeRoot") if tree is not None else None
        root = source.resolve(root_ref)
        shared = data.startswith(base.data)
        own = {number for number, _page in pages} | {n for n, at in source.reader.xref.get(0, {}).items() if at >= len(base.data)}
        stack, seen = list(_as_list(raw(root, "/K"))) if root is not None else [], set()
        while stack:  # the copy's elements: its own, not the printout's base's
            ref = stack.pop()
            if isinstance(ref, IndirectObject) and ref.idnum not in seen:
                seen.add(ref.idnum)
                own.add(ref.idnum)
                element = source.get(ref)
                if hasattr(element, "get") and "/S" in element:
                    stack.extend(_as_list(raw(element, "/K")))
        objects = _Collected(self.number, b"c%d-" % self.copies)
        known = {n: IndirectObject(n, 0, None) for n in range(1, base.size) if n not in own and shared}  # type: ignore[arg-type]
        if root_ref is not None:
            known[root_ref.idnum] = IndirectObject(tree.root[0], 0, None)  # type: ignore[arg-type]
        tops = _as_list(raw(root, "/K")) if root is not None else []
        if tree is not None and tree.document is not None and len(tops) == 1 and isinstance(tops[0], IndirectObject) \
                and source.get(tops[0]).get("/S") == "/Document":  # its children go under the printout's one Document
            known[tops[0].idnum] = IndirectObject(tree.document[0], 0, None)  # type: ignore[arg-type]
            tops = _as_list(raw(source.get(tops[0]), "/K"))
        copier = Copier(source, objects, known)
        refs = [copier.claim(number) for number, _page in pages]
        numbers = dict(_flat_numbers(source, raw(root, "/ParentTree"))) if root is not None else {}
        arrays = []
        for n, ((_number, page), ref) in enumerate(zip(pages, refs)):
            new = copier.convert(page, skip=("/Parent", "/StructParents"))
            new[NameObject("/Parent")] = IndirectObject(base.pages_root[0], 0, None)  # type: ignore[arg-type]
            if root is not None:
                new[NameObject("/StructParents")] = NumberObject(self.count + n)
                arrays.append(objects.write(copier.convert(source.resolve(numbers[int(page["/StructParents"])]))))
            objects.write(new, ref)
        tops = [copier.convert(kid) for kid in tops]
        copier.flush()
        packed, stream = [], objects.next  # streams written whole, the rest in one object stream numbered after them
        for number in range(self.number, objects.next):
            body = objects.bodies.pop(number)
            if body.rstrip().endswith(b"endstream"):
                self._add(body)
            else:
                self.entries.write(_ROW.pack(2, stream, len(packed)))
                packed.append((number, body))
                self.number += 1
        if packed:
            self.update.add_packed(stream, packed)
            self.entries.write(_ROW.pack(1, self.update.offsets.pop(stream), 0))
            self.number += 1
        self.kids.write(b"".join(b" %d 0 R" % ref.idnum for ref in refs))
        self.tops.write(b"".join(b" %d 0 R" % ref.idnum for ref in tops))
        self.nums.write(b"".join(b" %d %d 0 R" % (self.count + n, ref.idnum) for n, ref in enumerate(arrays)))
        return len(pages)

    def _counted(self, number: int, before: bytes, items, after: bytes) -> None:
        """An object too long to hold: `before`, the items (bytes, read in runs), `after`."""
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
        import tempfile

        update, out, count = self.update, self.update.out, self.count
        info = self.base.info.encode("latin-1")
        pages_number, template = self.base.pages_root
        before, after = (part.replace(b"%COUNT%", b"%d" % count) for part in template.split(b"%KIDS%"))
        self._counted(pages_number, before, _spooled(self.kids), after)
        tree = self.tree
        if tree is not None:
            root, before, after = tree.root
            after = after.replace(b"/NEXTMARK", b"%d" % count)
            if tree.document is not None:
                number, _index, _kids, document, rest = tree.document
                self._counted(number, document, _spooled(self.tops), rest)
                self._counted(root, before, [b" %d 0 R" % number], after)
            else:
                self._counted(root, before, _spooled(self.tops), after)
            self._counted(tree.parent_tree, b"<< /Nums [", _spooled(self.nums), b" ] >>")
        for spool in (self.kids, self.tops, self.nums):
            spool.close()
        # the cross-reference stream (the copies' tree objects are in object streams): the objects before
        # `first` (all numbered below it), the copies' spooled rows, then its own; compressed through a file
        where, own = out.tell(), self.number
        index = [(n, 1) for n in sorted(update.offsets)] + [(self.first, own + 1 - self.first)]
        squeeze, rows = zlib.compressobj(PRINT_LEVEL), tempfile.TemporaryFile()
        rows.write(squeeze.compress(b"".join(_ROW.pack(1, update.offsets[n], 0) for n in sorted(update.offsets))))
        self.entries.seek(0)
        while chunk := self.entries.read(1 << 20):
            rows.write(squeeze.compress(chunk))
        rows.write(squeeze.compress(_ROW.pack(1, where, 0)) + squeeze.flush())
        self.entries.close()
        base = self.base
        out.write(
            b"%d 0 obj\n<< /Type /XRef /Size %d /Index [ %s ] /W [ 1 4 2 ] /Root %s%s /Prev %d /Filter /FlateDecode"
            b" /Length %d >>\nstream\n" % (own, own + 1, b" ".join(b"%d %d" % r for r in index), base.root.encode(),
                                          info, base.startxref, rows.tell())
        )
        rows.seek(0)
        shutil.copyfileobj(rows, out)
        rows.close()
        out.write(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % where)
