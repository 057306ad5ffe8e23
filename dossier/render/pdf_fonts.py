"""One copy of each font in a PDF put together from parts, subset once for the glyphs of all parts.

Each part, being a WeasyPrint PDF of its own, embeds its own subset of every
font it uses: twenty parts, twenty copies of DejaVu Sans. WeasyPrint keeps the
glyph ids of the full font in its subsets (and in the pages' text), so the
pages of every part can share one font, subset from the full font for the
union of the glyphs they use: a part notes which full font each of its fonts
comes from (`sources`, kept once in the parts' cache), and the assembly makes
the one font (`merge`). A font that does not fit this path (a bitmap or
OpenType/CFF font, a variable font, one with glyphs missing, two different
files under one name) stays in each part as WeasyPrint wrote it.

Subsetting is HarfBuzz's, as WeasyPrint does it, called through cffi.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from functools import lru_cache

FIXED_PITCH = 1  # font descriptor flag, bit 1


@dataclass(frozen=True)
class Source:
    """Where a part's font comes from (the full font file: its SHA-256, the face in it), and the
    glyphs the part uses: their widths and text, as WeasyPrint writes them in the font's
    /W array and ToUnicode map (noted here so that the assembly need not parse them)."""

    sha: str
    index: int
    widths: dict[int, int]
    unicode: dict[int, str]  # glyph id -> UTF-16BE, in hexadecimal

    def as_json(self) -> dict:
        return {"sha": self.sha, "index": self.index, "widths": sorted(self.widths.items()), "unicode": sorted(self.unicode.items())}

    @classmethod
    def from_json(cls, data: dict) -> Source:
        return cls(data["sha"], data["index"], dict(map(tuple, data["widths"])), dict(map(tuple, data["unicode"])))


def sources(document) -> tuple[dict[str, Source], dict[str, bytes]]:
    """For a WeasyPrint document just written: its mergeable fonts by resource name, and their full files by SHA-256."""
    from weasyprint.text.fonts import get_hb_object_data

    found: dict[str, Source] = {}
    files: dict[str, bytes] = {}
    unfit: set[str] = set()
    for font in document.fonts.values():  # several fonts may share one resource name: their glyphs are joined
        if font.bitmap or font.type != "ttf" or font.missing or font.used_in_forms or "fvar" in font.tables:
            unfit.add(font.hash)
            continue
        if font.png or font.svg or font.colr:
            unfit.add(font.hash)
            continue
        data = get_hb_object_data(font.hb_face)
        if not data:
            unfit.add(font.hash)
            continue
        sha = _sha(data)
        files[sha] = data
        unicode = {gid: "".join(c.encode("utf-16-be").hex() for c in text) for gid, text in font.to_unicode.items()}
        kept = found.get(font.hash)
        if kept is not None and (kept.sha, kept.index) != (sha, font.index):
            unfit.add(font.hash)
            continue
        widths = {**(kept.widths if kept else {}), **font.widths}
        found[font.hash] = Source(sha, font.index, widths, {**(kept.unicode if kept else {}), **unicode})
    return {name: source for name, source in found.items() if name not in unfit}, files


_SHAS: dict[tuple[int, int], str] = {}


def _sha(data: bytes) -> str:
    """A full font's SHA-256, computed once per process (every part uses the same few fonts)."""
    key = (len(data), hash(data[:4096]) ^ hash(data[-4096:]))
    if key not in _SHAS:
        _SHAS[key] = hashlib.sha256(data).hexdigest()
    return _SHAS[key]


# --- HarfBuzz ------------------------------------------------------------------------------

_CDEF = """
typedef ... hb_blob_t; typedef ... hb_face_t; typedef ... hb_set_t; typedef ... hb_subset_input_t;
typedef uint32_t hb_codepoint_t; typedef uint32_t hb_tag_t;
hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode, void *user_data, void *destroy);
void hb_blob_destroy (hb_blob_t *blob);
const char * hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
void hb_face_destroy (hb_face_t *face);
hb_blob_t * hb_face_reference_blob (hb_face_t *face);
hb_tag_t hb_tag_from_string (const char *str, int len);
void hb_set_add (hb_set_t *set, hb_codepoint_t codepoint);
hb_subset_input_t * hb_subset_input_create_or_fail (void);
void hb_subset_input_destroy (hb_subset_input_t *input);
hb_set_t * hb_subset_input_glyph_set (hb_subset_input_t *input);
hb_set_t * hb_subset_input_set (hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
hb_face_t * hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
"""
NO_HINTING, RETAIN_GIDS, DESUBROUTINIZE, PASSTHROUGH_UNRECOGNIZED = 0x1, 0x2, 0x4, 0x20
DROP_TABLE_TAG = 3
DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")  # as WeasyPrint


@lru_cache(maxsize=1)
def _harfbuzz():
    """(ffi, libharfbuzz, libharfbuzz-subset), or None where the subset library is missing."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    try:
        return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")
    except OSError:
        return None


def can_subset() -> bool:
    return _harfbuzz() is not None


def _subset_face(ffi, hb, sub, face, gids, flags: int, drop: bool):
    request = ffi.gc(sub.hb_subset_input_create_or_fail(), sub.hb_subset_input_destroy)
    glyphs = sub.hb_subset_input_glyph_set(request)
    for gid in gids:
        hb.hb_set_add(glyphs, gid)
    sub.hb_subset_input_set_flags(request, flags)
    if drop:
        tables = sub.hb_subset_input_set(request, DROP_TABLE_TAG)
        for name in DROPPED:
            hb.hb_set_add(tables, hb.hb_tag_from_string(name, -1))
    result = sub.hb_subset_or_fail(face, request)
    if result == ffi.NULL:
        raise ValueError("HarfBuzz could not subset the font")
    return ffi.gc(result, hb.hb_face_destroy)


def subset(data: bytes, index: int, gids: set[int]) -> bytes:
    """The full font reduced to these glyphs, keeping their ids (WeasyPrint's two passes, no hinting)."""
    ffi, hb, sub = _harfbuzz()
    blob = ffi.gc(hb.hb_blob_create(data, len(data), 0, ffi.NULL, ffi.NULL), hb.hb_blob_destroy)  # 0: duplicate
    face = ffi.gc(hb.hb_face_create(blob, index), hb.hb_face_destroy)
    kept = _subset_face(ffi, hb, sub, face, sorted(gids), RETAIN_GIDS | PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE, True)
    # keep every id up to the last one used (empty glyphs): the pages' glyph ids stay valid
    trimmed = _subset_face(ffi, hb, sub, kept, range(max(gids) + 1), PASSTHROUGH_UNRECOGNIZED | DESUBROUTINIZE | NO_HINTING, False)
    out_blob = ffi.gc(hb.hb_face_reference_blob(trimmed), hb.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = hb.hb_blob_get_data(out_blob, length)
    return ffi.unpack(pointer, int(length[0]))


# --- the one font made from every part's copy -----------------------------------------------


def to_unicode(unicode: dict[int, str]) -> bytes:
    """A ToUnicode map, as WeasyPrint writes it."""
    lines = [
        b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
        b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange",
    ]
    items = sorted(unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{gid:04x}> <{code}>".encode() for gid, code in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def mergeable(font, resolve) -> bool:
    """A font dictionary as WeasyPrint writes a TrueType font: Type0, Identity-H, one CIDFontType2 with its file.

    `resolve` gives the object a reference names (pdf_read.PdfIn.resolve)."""
    try:
        if dict.get(font, "/Subtype") != "/Type0" or dict.get(font, "/Encoding") != "/Identity-H":
            return False
        kids = resolve(dict.get(font, "/DescendantFonts"))
        cid = resolve(kids[0])
        descriptor = resolve(dict.get(cid, "/FontDescriptor"))
        return len(kids) == 1 and dict.get(cid, "/Subtype") == "/CIDFontType2" and "/FontFile2" in descriptor and "/CIDSet" not in descriptor
    except (KeyError, IndexError, AttributeError, TypeError):
        return False


def _compressed(data: bytes, **entries):
    from pypdf.generic import NameObject, StreamObject

    stream = StreamObject()
    stream._data = zlib.compress(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return stream


def merge(font, used: list[Source], data: bytes, resolve) -> tuple:
    """One font for the glyphs every part uses (`used`), shaped as `font`, one part's copy of it:
    its Type0 dictionary, CIDFont, descriptor, font file and ToUnicode map (pypdf objects), to be
    written with references between them set by the caller (see pdf_assemble)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    widths: dict[int, int] = {}
    unicode: dict[int, str] = {}
    for source in used:
        widths.update(source.widths)
        unicode.update(source.unicode)
    cid_first = resolve(resolve(dict.get(font, "/DescendantFonts"))[0])
    descriptor = DictionaryObject({k: v for k, v in resolve(dict.get(cid_first, "/FontDescriptor")).items() if k != "/FontFile2"})
    ascent, descent = dict.get(descriptor, "/Ascent", 0), dict.get(descriptor, "/Descent", 0)
    descriptor[NameObject("/FontBBox")] = ArrayObject([NumberObject(0), descent, NumberObject(max(widths.values(), default=0)), ascent])
    flags = int(resolve(dict.get(descriptor, "/Flags", 4))) & ~FIXED_PITCH
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= FIXED_PITCH
    descriptor[NameObject("/Flags")] = NumberObject(flags)
    runs: list = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            runs += [NumberObject(gid), ArrayObject()]
        runs[-1].append(NumberObject(widths[gid]))
    cid = DictionaryObject({k: v for k, v in cid_first.items() if k not in ("/W", "/FontDescriptor")})
    cid[NameObject("/W")] = ArrayObject(runs)
    program = subset(data, used[0].index, set(widths) | set(unicode) | {0})
    font_file = _compressed(program, Length1=NumberObject(len(program)))
    cmap = _compressed(to_unicode(unicode))
    top = DictionaryObject({k: v for k, v in font.items() if k not in ("/DescendantFonts", "/ToUnicode")})
    return top, cid, descriptor, font_file, cmap
