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


def assemble(parts: list[tuple[bytes | str, dict, bool]], overlay: tuple[bytes | str, dict], stamped: list[bool], fonts: dict) -> bytes:
    """The parts' pages in order, the overlay drawn where `stamped`, links and outline for the whole, fonts once.

    `fonts` gives the full font files named in the parts' metadata (bytes, or a file's path), by SHA-256.
    """
    sources = [PdfIn(source) for source, _meta, _folio in parts]
    metas = [meta for _source, meta, _folio in parts]
    over = PdfIn(overlay[0])
    pages = [source.pages() for source in sources]
    total = sum(len(p) for p in pages)
    buffer = io.BytesIO()
    out = PdfOut(buffer, sources[0].header.removeprefix("%PDF-") or "1.7")
    catalog, pages_ref = out.reserve(), out.reserve()
    copiers = [Copier(source, out) for source in [*sources, over]]
    folios = _Overlay(over, copiers[-1], stamped, total, out)
    _merge_fonts([*pages, folios.pages], [*metas, overlay[1]], copiers, fonts, out)
    new_pages = [[out.reserve() for _ in part] for part in pages]
    for copier, part, refs in zip(copiers, pages, new_pages):
        copier.known.update({number: ref for (number, _page), ref in zip(part, refs)})
    dests = destinations(parts)
    struct = StructMerge(sources, copiers[:-1], out)
    start = 0
    for i, (copier, part, refs) in enumerate(zip(copiers, pages, new_pages)):
        _copy_pages(copier, part, refs, start, pages_ref, folios, dests, out, lambda d, key, i=i: struct.shift(i, d, key))
        start += len(part)
    copiers[-1].flush()
    tree = struct.write()
    flat = [ref for refs in new_pages for ref in refs]
    out.write(DictionaryObject({
        NameObject("/Type"): NameObject("/Pages"), NameObject("/Kids"): ArrayObject(flat), NameObject("/Count"): NumberObject(total),
    }), pages_ref)
    root = _catalog(sources[0], copiers[0], pages_ref, flat, dests, metas, out)
    if tree is not None:
        root[NameObject("/StructTreeRoot")] = tree
    else:
        root.pop(NameObject("/MarkInfo"), None)
    info = raw(sources[0].trailer, "/Info")
    info_ref = out.write(copiers[0].convert(sources[0].resolve(info))) if info is not None else None
    copiers[0].flush()
    out.write(root, catalog)
    out.finish(catalog, info_ref)
    return buffer.getvalue()


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


def _merge_fonts(pages: list[list], metas: list[dict], copiers: list[Copier], files: dict, out: PdfOut) -> None:
    """Write each mergeable font once, and make every part's copy of it refer to that one."""
    if not pdf_fonts.can_subset():
        return
    found: dict[str, list] = {}  # resource name -> [(part index, font object number, font, source)]
    for i, (part, meta, copier) in enumerate(zip(pages, metas, copiers)):
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
    for name in sorted(found):
        copies = found[name]
        part, _number, first, source = copies[0]
        copier = copiers[part]
        if len({(s.sha, s.index) for *_, s in copies}) != 1 or not pdf_fonts.mergeable(first, copier.source.resolve):
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
            copiers[i].known[idnum] = shared
        copier.flush()


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
    stamped: list[bool], fonts: dict, base_url: str,
) -> tuple[bytes, tuple[bytes, dict] | None, dict]:
    """The whole PDF; the overlay, when it had to be laid out (to keep); the full fonts it used."""
    from .pdf import fewer_collections

    with fewer_collections():  # pypdf's objects by the ten thousand (pdf.py)
        return _put_together(parts, overlay_html, kept_overlay, stamped, fonts, base_url)


def _put_together(parts, overlay_html, kept_overlay, stamped, fonts, base_url):
    laid, files = None, {}
    if kept_overlay is None:
        data, meta, files = layout(overlay_html, base_url, frozenset(fonts), overlay=True)
        kept_overlay = laid = (data, meta)
    return assemble(parts, kept_overlay, stamped, {**fonts, **files}), laid, files
