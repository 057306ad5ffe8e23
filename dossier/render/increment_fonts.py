"""The font a filled document's values are drawn in: the document's own, with the glyphs each copy uses.

A document filled per candidate (pdf_increment.py) draws each value in the font
its field has in the layout (the face Pango picks for the field's style, read
in overlay.boxes). That face is subset once per process (fontTools) for the
scripts names are written in: Latin-1, Latin Extended-A, -B and Additional
(« Łukasz », « Ștefan », « Nguyễn »), common punctuation. Its character ids
(CIDs, Identity-H) are that subset's glyph ids, the same in every copy.

Each copy embeds it as a Type0 font (CIDFontType2, with /W and /ToUnicode)
holding only the glyphs its values use (`Face.objects(used)`): the other glyphs
are left empty, which costs a few bytes compressed, so a copy adds about 3 kB
per font and no layout; a document's merged printout embeds the whole subset
once. A value with a character outside the subset is laid out as an overlay
(overlay.py).
"""

from __future__ import annotations

import hashlib
import io
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

COVERED = (
    range(0x20, 0x7F), range(0xA0, 0x250),  # Basic Latin, Latin-1, Latin Extended-A and -B
    range(0x2B0, 0x300),  # modifier letters (ʼ, ˆ, ˇ, ˘…); text is normalised (NFC): no combining marks
    range(0x1E00, 0x1F00),  # Latin Extended Additional (Vietnamese among others)
    range(0x2010, 0x2060), range(0x20A0, 0x20C0), (0x2116, 0x2122, 0x2212),  # punctuation, currencies, n°, ™, minus
)


@dataclass(frozen=True)
class Face:
    """A subset font: its program, its characters' CIDs (= its glyph ids) and their advances (per 1000 em),
    and its tables apart, for a copy's program with only some glyphs (`program_for`)."""

    name: str
    program: bytes
    cids: dict[int, int]  # code point → CID
    widths: dict[int, int]  # CID → advance, 1/1000 em
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    italic: bool
    tables: dict[bytes, bytes] = field(default_factory=dict, repr=False)  # every table but glyf, loca, hmtx
    glyphs: tuple[bytes, ...] = field(default=(), repr=False)  # each glyph's glyf data, padded to 4 bytes
    metrics: tuple[bytes, ...] = field(default=(), repr=False)  # each glyph's hmtx entry (advance, lsb)
    parts: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)  # composite glyph → its components
    _codes: dict[int, int] = field(default_factory=dict, repr=False)  # CID → its first code point
    _advance: dict[str, int] = field(default_factory=dict, repr=False)  # character → its advance
    _sums: dict[bytes, int] = field(default_factory=dict, repr=False)  # each table's checksum (but glyf, loca, hmtx)

    def __post_init__(self) -> None:
        for code, cid in sorted(self.cids.items()):
            self._codes.setdefault(cid, code)
            self._advance[chr(code)] = self.widths.get(cid, 500)
        self._sums.update((tag, _checksum(data)) for tag, data in self.tables.items())

    def used(self, texts) -> set[int]:
        """The CIDs drawing these texts (characters the face has), the glyphs they are made of, and .notdef."""
        found = {0} | {self.cids[ord(ch)] for text in texts for ch in unicodedata.normalize("NFC", text) if ord(ch) in self.cids}
        stack = list(found)
        while stack:
            for part in self.parts.get(stack.pop(), ()):
                if part not in found:
                    found.add(part)
                    stack.append(part)
        return found

    def program_for(self, used: set[int]) -> bytes:
        """The subset's program with only the `used` glyphs drawn: every other glyph empty, its metrics zero
        (the glyph ids, hence the CIDs, stay those of the subset)."""
        count = len(self.glyphs)
        sizes = [0] * count
        hmtx = bytearray(4 * count)
        drawn = sorted(gid for gid in used if gid < count)
        for gid in drawn:
            sizes[gid] = len(self.glyphs[gid])
            hmtx[4 * gid : 4 * gid + 4] = self.metrics[gid]
        loca = struct.pack(f">{count + 1}I", 0, *accumulate(sizes))
        tables = {**self.tables, b"glyf": b"".join(self.glyphs[gid] for gid in drawn) or b"\0\0\0\0", b"loca": loca,
                  b"hmtx": bytes(hmtx)}
        return _sfnt(tables, self._sums)

    def covers(self, text: str) -> bool:
        return all(ord(ch) in self.cids for ch in unicodedata.normalize("NFC", text))

    def encode(self, text: str) -> bytes:
        """The text as a PDF hex string of 2-byte CIDs (Identity-H)."""
        return b"<" + "".join(f"{self.cids[ord(ch)]:04X}" for ch in unicodedata.normalize("NFC", text)).encode() + b">"

    def width(self, text: str, size: float) -> float:
        advance = self._advance
        return sum([advance.get(ch, 500) for ch in unicodedata.normalize("NFC", text)]) * size / 1000

    def objects(self, first: int, used: set[int] | None = None) -> list[bytes]:
        """The Type0 font and what it points to, numbered from `first`: font file, ToUnicode, descriptor,
        CIDFont, Type0 (the last one the font resource); each object's bytes. With `used`, only those
        glyphs (`program_for`), else the whole subset."""
        if used is None:
            program, widths, codes = self.program, self.widths, self.codes
        else:
            program = self.program_for(used)
            widths = {cid: self.widths[cid] for cid in used if cid in self.widths}
            codes = {cid: self.codes[cid] for cid in used if cid in self.codes}
        packed = zlib.compress(program, 6 if used is None else 1)  # a copy's: mostly empty glyphs, fast
        from .pdf_fonts import to_unicode  # the ToUnicode map the part assembly writes

        cmap = zlib.compress(to_unicode({cid: chr(code).encode("utf-16-be").hex() for cid, code in codes.items()}),
                             6 if used is None else 1)
        runs, last = [], -2
        for cid in sorted(widths):
            runs.append((b" " if cid == last + 1 else b"] %d [" % cid) + b"%d" % widths[cid])
            last = cid
        name = self.name.encode()
        return [
            b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), len(program), packed),
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(cmap), cmap),
            b"<< /Type /FontDescriptor /FontName /%s /Flags %d /FontBBox [ %d %d %d %d ] /ItalicAngle %d /Ascent %d"
            b" /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>"
            % (name, 4 | (64 if self.italic else 0), *self.bbox, -12 if self.italic else 0, self.ascent, self.descent,
               self.cap_height, first),
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDToGIDMap /Identity /CIDSystemInfo << /Registry"
            b" (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 500 /W [ %s] ] >>"
            % (name, first + 2, b"".join(runs)[2:]),
            b"<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [ %d 0 R ]"
            b" /ToUnicode %d 0 R >>" % (name, first + 3, first + 1),
        ]

    @property
    def codes(self) -> dict[int, int]:
        """CID → the (first) code point it draws, for ToUnicode."""
        return self._codes


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _sfnt(tables: dict[bytes, bytes], sums: dict[bytes, int] | None = None) -> bytes:
    """A TrueType file of these tables (each checksummed — `sums`: those known —, 4-byte aligned)."""
    count = len(tables)
    power = 1 << (count.bit_length() - 1)
    head = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    records, bodies = [], []
    at = 12 + 16 * count
    for tag in sorted(tables):
        data = tables[tag]
        padded = data + b"\0" * (-len(data) % 4)
        total = (sums or {}).get(tag)
        records.append(struct.pack(">4sIII", tag, _checksum(padded) if total is None else total, at, len(data)))
        bodies.append(padded)
        at += len(padded)
    return head + b"".join(records) + b"".join(bodies)


def _components(data: bytes) -> tuple[int, ...]:
    """The glyphs a composite glyph is made of (its glyf data); () for a simple one."""
    if len(data) < 10 or struct.unpack(">h", data[:2])[0] >= 0:
        return ()
    found, at = [], 10
    while True:
        flags, gid = struct.unpack(">HH", data[at : at + 4])
        found.append(gid)
        at += 4 + (4 if flags & 0x1 else 2)  # the arguments: words or bytes
        at += 2 if flags & 0x8 else 4 if flags & 0x40 else 8 if flags & 0x80 else 0  # a scale, x and y, or 2×2
        if not flags & 0x20:  # no more components
            return tuple(found)


_FACES: dict[tuple[str, int], Face | None] = {}


def face(data: bytes, index: int = 0) -> Face | None:
    """The font file's face `index` subset for COVERED (once per process); None for a font this cannot
    embed as TrueType outlines (CFF, a collection face it cannot read, a variable font)."""
    key = (hashlib.sha256(data).hexdigest(), index)
    if key not in _FACES:
        _FACES[key] = _subset(data, index, key[0])
    return _FACES[key]


def _subset(data: bytes, index: int, sha: str) -> Face | None:
    from fontTools import subset
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(data), fontNumber=index, lazy=False)
    except (TTLibError, OSError, ValueError):
        return None
    if "glyf" not in font or "fvar" in font:
        return None
    names = font["name"]
    style = names.getDebugName(2)
    style = None if style in ("Regular", "Book", "Normal", "Roman") else style
    family = "-".join(filter(None, (names.getDebugName(1), style))) or "Font"  # as WeasyPrint (Pango): DejaVu-Sans, DejaVu-Sans-Bold
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = []  # the name table (copyright, licence) is a third of the subset; a PDF names its font
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "DSIG", "MATH"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for block in COVERED for code in block])
    subsetter.subset(font)
    order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    scale = 1000 / font["head"].unitsPerEm
    cids = {code: order[name] for code, name in font.getBestCmap().items()}
    widths = {order[name]: round(advance * scale) for name, (advance, _lsb) in font["hmtx"].metrics.items()}
    hhea, head = font["hhea"], font["head"]
    os2 = font.get("OS/2")
    out = io.BytesIO()
    font.save(out)
    program = out.getvalue()
    saved = TTFont(io.BytesIO(program))
    raw = {tag.encode(): saved.reader[tag] for tag in saved.reader.keys()}
    locations = list(saved["loca"].locations)
    glyphs = tuple(_padded(raw[b"glyf"][a:b]) for a, b in zip(locations, locations[1:]))
    metrics = tuple(struct.pack(">Hh", *saved["hmtx"][name]) for name in saved.getGlyphOrder())
    tables = {tag: data for tag, data in raw.items() if tag not in (b"glyf", b"loca", b"hmtx")}
    # every glyph its own metrics (a copy blanks those it does not draw), long offsets; no whole-file checksum
    tables[b"hhea"] = tables[b"hhea"][:34] + struct.pack(">H", len(glyphs))
    tables[b"head"] = tables[b"head"][:8] + b"\0\0\0\0" + tables[b"head"][12:50] + struct.pack(">h", 1) + tables[b"head"][52:]
    tag = "".join(chr(65 + b % 26) for b in bytes.fromhex(sha[:12]))  # a subset's name: six capitals and « + »
    return Face(
        f"{tag}+{family.replace(' ', '-')}", program, cids, widths,
        round(hhea.ascent * scale), round(hhea.descent * scale),
        round((getattr(os2, "sCapHeight", 0) or hhea.ascent * 0.75) * scale),
        tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        bool(head.macStyle & 2), tables, glyphs, metrics,
        {gid: parts for gid, data in enumerate(glyphs) if (parts := _components(data))},
    )


def _padded(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


@lru_cache(maxsize=4)
def named_face(family: str) -> Face | None:
    """The face fontconfig gives for a family name (as Pango would), subset; None where none is found."""
    import subprocess

    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", family], capture_output=True, text=True, timeout=10).stdout
        path, index = found.split("\n")[:2]
        return face(open(path, "rb").read(), int(index or 0))
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def field_font(style) -> tuple[bytes, int] | None:
    """The font file (data, face index) WeasyPrint draws text of this computed style in (Pango's choice)."""
    from weasyprint.text.ffi import ffi, harfbuzz
    from weasyprint.text.fonts import get_hb_object_data, get_pango_font_hb_face
    from weasyprint.text.line_break import Layout

    layout = Layout(style)
    layout.set_text("Aé")
    line, _ = layout.get_first_line()
    run = line.runs[0]
    if run == ffi.NULL:
        return None
    hb_face = get_pango_font_hb_face(run.data.item.analysis.font)
    data = get_hb_object_data(hb_face)
    return (data, harfbuzz.hb_face_get_index(hb_face)) if data else None
