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
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
)

FIXED_PITCH = 1  # font descriptor flag, bit 1


@dataclass(frozen=True)
class Source:
    """Where a part's font comes from: the full font file (its SHA-256) and the face in it."""

    sha: str
    index: int


def sources(document) -> tuple[dict[str, Source], dict[str, bytes]]:
    """For a WeasyPrint document just written: its mergeable fonts by resource name, and their full files by SHA-256."""
    from weasyprint.text.fonts import get_hb_object_data

    found: dict[str, Source] = {}
    files: dict[str, bytes] = {}
    for font in document.fonts.values():
        if font.bitmap or font.type != "ttf" or font.missing or font.used_in_forms or "fvar" in font.tables:
            continue
        if font.png or font.svg or font.colr:
            continue
        data = get_hb_object_data(font.hb_face)
        if not data:
            continue
        sha = hashlib.sha256(data).hexdigest()
        files[sha] = data
        found[font.hash] = Source(sha, font.index)
    return found, files


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


def _widths(cid_font) -> dict[int, object]:
    """A CIDFont's /W array as {glyph id: width}."""
    found, items = {}, list(cid_font.get("/W", []))
    i = 0
    while i + 1 < len(items):
        first, rest = int(items[i]), items[i + 1]
        if isinstance(rest, ArrayObject | list):
            for n, width in enumerate(rest):
                found[first + n] = width
            i += 2
        else:  # « first last width »
            for gid in range(first, int(rest) + 1):
                found[gid] = items[i + 2]
            i += 3
    return found


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2,8})>\s*<([0-9A-Fa-f]*)>")


def _to_unicode(font) -> dict[int, bytes]:
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    text = stream.get_object().get_data()
    found = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for gid, code in _BFCHAR.findall(block):
            found[int(gid, 16)] = code.lower()
    return found


def _cmap(unicode: dict[int, bytes]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
        b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def", b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange",
    ]
    items = sorted(unicode.items())
    for start in range(0, len(items), 100):
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (gid, code) for gid, code in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def mergeable(font) -> bool:
    """A font dictionary as WeasyPrint writes a TrueType font: Type0, Identity-H, one CIDFontType2 with its file."""
    try:
        if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
            return False
        kids = font["/DescendantFonts"]
        cid = kids[0].get_object()
        descriptor = cid["/FontDescriptor"].get_object()
        return len(kids) == 1 and cid.get("/Subtype") == "/CIDFontType2" and "/FontFile2" in descriptor and "/CIDSet" not in descriptor
    except (KeyError, IndexError, AttributeError):
        return False


def _compressed(data: bytes, **entries) -> StreamObject:
    stream = StreamObject()
    stream._data = zlib.compress(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return stream


def merge(copies: list, data: bytes, index: int) -> tuple[DictionaryObject, DictionaryObject, DictionaryObject, StreamObject, StreamObject]:
    """One font from every part's copy of it (the first gives everything but the glyphs):
    its Type0 dictionary, CIDFont, descriptor, font file and ToUnicode map, to be written with
    references between them set by the caller (see pdf_assemble)."""
    widths: dict[int, object] = {}
    unicode: dict[int, bytes] = {}
    for font in copies:
        widths.update(_widths(font["/DescendantFonts"][0].get_object()))
        unicode.update(_to_unicode(font))
    first = copies[0]
    cid_first = first["/DescendantFonts"][0].get_object()
    descriptor = DictionaryObject({k: v for k, v in cid_first["/FontDescriptor"].get_object().items() if k != "/FontFile2"})
    ascent, descent = descriptor.get("/Ascent", 0), descriptor.get("/Descent", 0)
    descriptor[NameObject("/FontBBox")] = ArrayObject([NumberObject(0), descent, _max(widths.values()), ascent])
    flags = int(descriptor.get("/Flags", 4)) & ~FIXED_PITCH
    if len(widths) > 1 and len({float(w) for w in widths.values()}) == 1:
        flags |= FIXED_PITCH
    descriptor[NameObject("/Flags")] = NumberObject(flags)
    runs: list = []
    for gid in sorted(widths):
        if gid - 1 not in widths:
            runs += [NumberObject(gid), ArrayObject()]
        runs[-1].append(widths[gid])
    cid = DictionaryObject({k: v for k, v in cid_first.items() if k not in ("/W", "/FontDescriptor")})
    cid[NameObject("/W")] = ArrayObject(runs)
    program = subset(data, index, set(widths) | set(unicode) | {0})
    font_file = _compressed(program, Length1=NumberObject(len(program)))
    cmap = _compressed(_cmap(unicode))
    top = DictionaryObject({k: v for k, v in first.items() if k not in ("/DescendantFonts", "/ToUnicode")})
    return top, cid, descriptor, font_file, cmap


def _max(values) -> object:
    best = max(values, key=float, default=NumberObject(0))
    return best if isinstance(best, NumberObject | FloatObject) else FloatObject(float(best))

