"""Putting the parts of a long PDF together (in a worker process): one file, written in one pass.

Each part is a WeasyPrint PDF; the overlay is one more, with one page per page
of the whole, drawing the folio « page X / Y » and a table of contents' page
numbers (see pdf_parts.py). The assembly copies the parts' pages as they are —
their content streams as encoded bytes, never decoded — and settles what no
part could know:
- the overlay page is drawn over each page, as a form;
- links from one part to another (`#name` URIs) become links to named
  destinations, and the destinations and the outline are made for the whole;
- each font is written once, subset for the glyphs of every part (pdf_fonts.py).

The objects are numbered in the order they are written, so the same parts give
the same bytes. Tagged parts' structure trees are merged into one (pdf_struct.py),
and the overlay is drawn as an artifact.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from ..errors import DossierError
from . import pdf_fonts
from .pdf_forms import add_form, page_form
from .pdf_layout import layout
from .pdf_read import PdfIn, raw
from .pdf_struct import StructMerge
from .pdf_write import Copier, PdfOut

CATALOG_KEYS = ("/Lang", "/PageMode", "/ViewerPreferences", "/MarkInfo", "/Metadata", "/OutputIntents")  # the last: PDF/A parts


def _data(source: bytes | str) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def assemble(
    parts: list[tuple[bytes | str, dict, bool]], overlay: tuple[bytes | str, dict], stamped: list[bool], fonts: dict,
    into: BinaryIO | None = None, one_at_a_time: bool = False,
) -> bytes:
    """The parts' pages in order, the overlay drawn where `stamped`, links and outline for the whole, fonts once.

    `fonts` gives the full font files named in the parts' metadata (bytes, or a file's path), by SHA-256.
    Written into `into` if given (then b"" is returned), else returned.

    `one_at_a_time`: each part read, written (its pages, then its structure elements) and forgotten before
    the next is (but the first, whose catalog the whole takes), so that memory does not grow with the
    parts (a long PV's thousands of pages). Its objects are numbered in another order: its bytes differ
    from those the parts give put together the other way (all read, all pages, then all the structure).
    """
    metas = [meta for _source, meta, _folio in parts]
    opening = PdfIn(parts[0][0])
    over = PdfIn(overlay[0])
    buffer = into if into is not None else io.BytesIO()
    out = PdfOut(buffer, opening.header.removeprefix("%PDF-") or "1.7")
    copiers = _Copiers([source for source, _meta, _folio in parts], opening, out, one_at_a_time)
    count = len(parts)
    catalog, pages_ref = out.reserve(), out.reserve()
    total = sum(meta["pages"] for meta in metas) if one_at_a_time else sum(len(copiers.pages(i)) for i in range(count))
    folios = copiers.overlay = _Overlay(over, Copier(over, out), stamped, total, out)
    tagged = _merge_fonts(count, [*metas, overlay[1]], copiers, fonts, out)
    new_pages = [[out.reserve() for _ in range(meta["pages"] if one_at_a_time else len(copiers.pages(i)))] for i, meta in enumerate(metas)]

    def open_part(i: int) -> None:  # its pages' numbers in the whole
        copiers.get(i).known.update({number: ref for (number, _page), ref in zip(copiers.pages(i), new_pages[i])})

    for i in range(0 if one_at_a_time else count):
        open_part(i)
    dests = destinations(parts)
    struct = StructMerge([] if one_at_a_time else [copiers.get(i).source for i in range(count)], copiers.parts, out, tagged)
    if one_at_a_time:
        open_part(0)
        struct.open(0)
    start = 0
    for i, refs in enumerate(new_pages):
        _copy_pages(copiers.get(i), copiers.pages(i), refs, start, pages_ref, folios, dests, out, lambda d, key, i=i: struct.shift(i, d, key))
        start += len(refs)
        if one_at_a_time:
            if i + 1 < count:  # read before this part's elements are written: its table may continue one of them
                open_part(i + 1)
                struct.open(i + 1)
            struct.write_part(i)
            struct.release(i)
            copiers.drop(i)
    folios.copier.flush()
    tree = struct.finish() if one_at_a_time else struct.write()
    flat = [ref for refs in new_pages for ref in refs]
    out.write(DictionaryObject({
        NameObject("/Type"): NameObject("/Pages"), NameObject("/Kids"): ArrayObject(flat), NameObject("/Count"): NumberObject(total),
    }), pages_ref)
    first = copiers.get(0)  # kept
    root = _catalog(first.source, first, pages_ref, flat, dests, metas, out)
    if tree is not None:
        root[NameObject("/StructTreeRoot")] = tree
    else:
        root.pop(NameObject("/MarkInfo"), None)
    info = raw(first.source.trailer, "/Info")
    info_ref = out.write(first.convert(first.source.resolve(info))) if info is not None else None
    first.flush()
    out.write(root, catalog)
    out.finish(catalog, info_ref)
    return buffer.getvalue() if into is None else b""


class _Copiers:
    """Each part's copier, and its PDF read when first needed. One at a time, a part's PDF is put aside
    after a look at it (read again when its turn comes), and the part is dropped once written, but the first."""

    def __init__(self, sources: list, first: PdfIn, out: PdfOut, one_at_a_time: bool):
        self.sources, self.out, self.one_at_a_time = sources, out, one_at_a_time
        self.parts: list[Copier | None] = [None] * len(sources)  # shared with StructMerge
        self.parts[0] = Copier(first, out)
        self._pages: dict[int, list] = {}
        self.overlay: _Overlay

    def get(self, i: int) -> Copier:
        """Part i's copier (i = the number of parts: the overlay's), its PDF read."""
        if i == len(self.parts):
            return self.overlay.copier
        copier = self.bare(i)
        if copier.source is None:
            copier.source = PdfIn(self.sources[i])
        return copier

    def bare(self, i: int) -> Copier:
        """Part i's copier, its PDF read or not (to note where its objects go)."""
        if i == len(self.parts):
            return self.overlay.copier
        if self.parts[i] is None:
            self.parts[i] = Copier(None, self.out)
        return self.parts[i]

    def pages(self, i: int) -> list[tuple[int, DictionaryObject]]:
        if i == len(self.parts):
            return self.overlay.pages
        if i not in self._pages:
            self._pages[i] = self.get(i).source.pages()
        return self._pages[i]

    def put_aside(self, i: int) -> None:
        """One at a time: part i's PDF forgotten (but the first's, and the overlay's) until its turn."""
        if self.one_at_a_time and 0 < i < len(self.parts) and self.parts[i] is not None and self.parts[i].source is not None:
            self.parts[i].source.close()
            self.parts[i].source = None
            self._pages.pop(i, None)

    def drop(self, i: int) -> None:
        """One at a time: part i, written, forgotten (but the first)."""
        if i:
            self.put_aside(i)
            self.parts[i] = None


class _Overlay:
    """The overlay's pages, each drawn as a form over the page of the same number."""

    def __init__(self, source: PdfIn, copier: Copier, stamped: list[bool], total: int, out: PdfOut):
        self.pages = source.pages()
        if len(self.pages) != total:
            raise DossierError(
                f"calque de pagination : {len(self.pages)} pages pour {total} ; les règles @page du gabarit "
                "donnent-elles des tailles de page différentes selon la page ?"
            )
        self.copier, self.stamped, self.out = copier, stamped, out
        self._push: IndirectObject | None = None

    def draw(self, n: int) -> tuple[str, IndirectObject, list[IndirectObject], IndirectObject]:
        """Page n's form: its resource name, the form, and the streams to put before and after the page's own."""
        if self._push is None:  # the page's own graphics state, kept apart from the form's
            self._push = self.out.write(_stream(b"q\n"))
        name = f"/DossierFolio{n}"
        form = self.out.write(page_form(self.pages[n][1], self.copier))
        # an artifact: the folio and a contents' page numbers repeat what the structure holds
        return name, form, [self._push], self.out.write(_stream(f"\nQ\n/Artifact BMC q {name} Do Q EMC\n".encode()))


def _copy_pages(
    copier: Copier, part: list, refs: list, start: int, parent: IndirectObject, folios: _Overlay, dests: dict, out: PdfOut, shift,
) -> None:
    """One part's pages, written under `refs`, with the overlay's forms and the links made for the whole;
    `shift(dictionary, key)` renumbers a page's or a link's key in the structure's parent tree."""
    forms: dict[int, dict] = {}  # the part's shared resources -> the forms its pages draw, written after them
    for i, (_number, page) in enumerate(part):
        resources = raw(page, "/Resources")
        if folios.stamped[start + i] and isinstance(resources, IndirectObject) and resources.idnum not in forms:
            forms[resources.idnum] = {}
            copier.claim(resources.idnum)
    for i, ((_number, page), ref) in enumerate(zip(part, refs)):
        resources = raw(page, "/Resources")
        contents = raw(page, "/Contents")
        resolved = copier.source.resolve(contents)
        new = copier.convert(page, skip=("/Parent", "/Contents", "/Annots"))
        new[NameObject("/Parent")] = parent
        shift(new, "/StructParents")
        drawn = [copier.convert(c) for c in (resolved if isinstance(resolved, ArrayObject) else [contents])]
        if folios.stamped[start + i]:
            name, form, before, after = folios.draw(start + i)
            drawn = [*before, *drawn, after]
            if isinstance(resources, IndirectObject):
                forms[resources.idnum][name] = form
            else:
                add_form(new[NameObject("/Resources")], name, form)
        new[NameObject("/Contents")] = ArrayObject(drawn) if len(drawn) > 1 else drawn[0]
        annotations = [_link(a, copier, dests, out, shift) for a in copier.source.resolve(raw(page, "/Annots", ArrayObject()))]
        if annotations:
            new[NameObject("/Annots")] = ArrayObject(annotations)
        out.write(new, ref)
        copier.flush()
    for idnum, drawn_forms in forms.items():
        resources = copier.convert(copier.source.get(idnum))
        for name, form in drawn_forms.items():
            add_form(resources, name, form)
        out.write(resources, copier.known[idnum])
    copier.flush()


def _catalog(first: PdfIn, copier: Copier, pages: IndirectObject, flat: list, dests: dict, metas: list[dict], out: PdfOut) -> DictionaryObject:
    """The whole's catalog: its pages, destinations and outline, and what the first part's says of the document."""
    root = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): pages})
    names = ArrayObject()
    for name in sorted(dests):
        page, x, y = dests[name]
        names += [TextStringObject(name), ArrayObject([flat[page], NameObject("/XYZ"), FloatObject(x), FloatObject(y), NumberObject(0)])]
    root[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): out.write(DictionaryObject({NameObject("/Names"): names}))})
    outline = _outline(metas, flat, out)
    if outline is not None:
        root[NameObject("/Outlines")] = outline
    catalog = first.catalog()
    for key in CATALOG_KEYS:
        if key in catalog:
            root[NameObject(key)] = copier.convert(raw(catalog, key))
    return root


def _link(annotation, copier: Copier, dests: dict, out: PdfOut, shift) -> IndirectObject:
    """An annotation of a part; a link to another part (« #name ») made a link to its destination."""
    if isinstance(annotation, IndirectObject):
        if annotation.idnum in copier.known:  # on two pages, or referred to before: copied once, as it is
            return copier.known[annotation.idnum]
        target = copier.claim(annotation.idnum)
    else:
        target = None
    annotation = copier.source.resolve(annotation)
    new = copier.convert(annotation, skip=("/A",))
    shift(new, "/StructParent")
    action = copier.source.resolve(raw(annotation, "/A"))
    uri = copier.source.resolve(raw(action, "/URI")) if action is not None else None
    if isinstance(uri, str) and uri.startswith("#"):
        if uri[1:] in dests:
            new[NameObject("/Dest")] = TextStringObject(uri[1:])
    elif action is not None:
        new[NameObject("/A")] = copier.convert(raw(annotation, "/A"))
    return out.write(new, target)


def _outline(metas: list[dict], pages: list[IndirectObject], out: PdfOut) -> IndirectObject | None:
    """One outline for the whole, from the parts' bookmarks (level, label, page, x, y, state)."""
    tree: list = []  # (label, page, x, y, open, children)
    stack: list[tuple[int, list]] = [(0, tree)]
    start = 0
    for meta in metas:
        for level, label, n, x, y, state in meta["bookmarks"]:
            while stack[-1][0] >= level:
                stack.pop()
            item = (label, start + n, x, y, state != "closed", [])
            stack[-1][1].append(item)
            stack.append((level, item[5]))
        start += meta["pages"]
    if not tree:
        return None
    root = out.reserve()
    first, last, count = _outline_items(tree, root, pages, out)
    return out.write(DictionaryObject({
        NameObject("/Type"): NameObject("/Outlines"), NameObject("/First"): first, NameObject("/Last"): last,
        NameObject("/Count"): NumberObject(count),
    }), root)


def _outline_items(items: list, parent: IndirectObject, pages: list, out: PdfOut) -> tuple[IndirectObject, IndirectObject, int]:
    refs = [out.reserve() for _ in items]
    visible = len(items)
    for i, ((label, page, x, y, is_open, children), ref) in enumerate(zip(items, refs)):
        entry = DictionaryObject({
            NameObject("/Title"): TextStringObject(label), NameObject("/Parent"): parent,
            NameObject("/Dest"): ArrayObject([pages[page], NameObject("/XYZ"), FloatObject(x), FloatObject(y), NumberObject(0)]),
        })
        if i > 0:
            entry[NameObject("/Prev")] = refs[i - 1]
        if i + 1 < len(refs):
            entry[NameObject("/Next")] = refs[i + 1]
        if children:
            first, last, count = _outline_items(children, ref, pages, out)
            entry[NameObject("/First")], entry[NameObject("/Last")] = first, last
            entry[NameObject("/Count")] = NumberObject(count if is_open else -count)
            visible += count if is_open else 0
        out.write(entry, ref)
    return refs[0], refs[-1], visible


def _merge_fonts(count: int, metas: list[dict], copiers: _Copiers, files: dict, out: PdfOut) -> bool:
    """Write each mergeable font once, and make every part's copy of it refer to that one (the overlay is the
    last part). Whether every part is tagged (parts looked at one at a time)."""
    tagged = True
    if not pdf_fonts.can_subset() and not copiers.one_at_a_time:
        return tagged
    found: dict[str, list] = {}  # resource name -> [(part index, font object number, font, source)]
    for i, meta in enumerate(metas):
        if pdf_fonts.can_subset():
            _find_fonts(i, copiers.pages(i), meta, copiers.get(i), files, found)
        if i < count and copiers.one_at_a_time:
            source = copiers.get(i).source
            tagged = tagged and isinstance(source.resolve(raw(source.catalog(), "/StructTreeRoot")), DictionaryObject)
        copiers.put_aside(i)
    for name in sorted(found):
        copies = found[name]
        part, _number, first, source = copies[0]
        copier = copiers.get(part)
        if len({(s.sha, s.index) for *_, s in copies}) != 1 or not pdf_fonts.mergeable(first, copier.source.resolve):
            copiers.put_aside(part)
            continue  # one name, different files (fonts changed between builds): each part keeps its own
        top, cid, descriptor, font_file, cmap = pdf_fonts.merge(first, [s for *_, s in copies], _data(files[source.sha]), copier.source.resolve)
        descriptor = copier.convert(descriptor)
        descriptor[NameObject("/FontFile2")] = out.write(font_file)
        cid = copier.convert(cid)
        cid[NameObject("/FontDescriptor")] = out.write(descriptor)
        top = copier.convert(top)
        top[NameObject("/DescendantFonts")] = ArrayObject([out.write(cid)])
        top[NameObject("/ToUnicode")] = out.write(cmap)
        shared = out.write(top)
        for i, idnum, _font, _source in copies:
            copiers.bare(i).known[idnum] = shared
        copier.flush()
        copiers.put_aside(part)
    return tagged


def _find_fonts(i: int, part: list, meta: dict, copier: Copier, files: dict, found: dict[str, list]) -> None:
    """A part's mergeable fonts, added to `found` by resource name."""
    sources = meta.get("fonts", {})
    resolve = copier.source.resolve
    seen: set[int] = set()
    for _number, page in part:
        resources = resolve(raw(page, "/Resources"))
        fonts = resolve(raw(resources, "/Font")) if resources is not None else None
        for name, ref in (fonts.items() if fonts is not None else ()):
            if not isinstance(ref, IndirectObject) or ref.idnum in seen or name[1:] not in sources:
                continue
            seen.add(ref.idnum)
            source = pdf_fonts.Source.from_json(sources[name[1:]])
            font = resolve(ref)  # its /W and ToUnicode are in `source`: only this dictionary is read
            if source.sha in files and raw(font, "/Subtype") == "/Type0" and raw(font, "/Encoding") == "/Identity-H":
                found.setdefault(name, []).append((i, ref.idnum, font, source))


def destinations(parts: list[tuple[object, dict, bool]]) -> dict[str, tuple[int, float, float]]:
    """Every anchor of the whole: its page (in the whole) and place; the first wins, as in one document."""
    dests: dict[str, tuple[int, float, float]] = {}
    start = 0
    for _source, meta, _folio in parts:
        for name, (n, x, y) in meta["anchors"].items():
            dests.setdefault(name, (start + n, x, y))
        start += meta["pages"]
    return dests


def put_together(
    parts: list[tuple[bytes | str, dict, bool]], overlay_html: str, kept_overlay: tuple[bytes | str, dict] | None,
    stamped: list[bool], fonts: dict, base_url: str, into: BinaryIO | None = None, one_at_a_time: bool = False,
) -> tuple[bytes, tuple[bytes, dict] | None, dict]:
    """The whole PDF (or b"", written into `into`); the overlay, when it had to be laid out (to keep); the full
    fonts it used. `one_at_a_time`: parts read and written one after another (see `assemble`)."""
    from .pdf import fewer_collections

    with fewer_collections():  # pypdf's objects by the ten thousand (pdf.py)
        return _put_together(parts, overlay_html, kept_overlay, stamped, fonts, base_url, into, one_at_a_time)


def _put_together(parts, overlay_html, kept_overlay, stamped, fonts, base_url, into, one_at_a_time):
    laid, files = None, {}
    if kept_overlay is None:
        data, meta, files = layout(overlay_html, base_url, frozenset(fonts), overlay=True)
        kept_overlay = laid = (data, meta)
    return assemble(parts, kept_overlay, stamped, {**fonts, **files}, into, one_at_a_time), laid, files
