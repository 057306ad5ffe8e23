"""A grid laid out once, stamped for each candidate: its pages copied, the candidate's overlay drawn over them.

The grid (the base) is a WeasyPrint PDF, tagged when the documents are; the
overlay has one page per page of each candidate, untagged. In each file written
(one per candidate, and one for a batch's merged printout) the base's content
streams, fonts and images are written once; each candidate gets its own page
dictionaries and its own copy of the base's structure tree (pdf_struct.py
merges them as it merges the parts of a long document: a candidate is a part);
the batch's file, whose pages only go into the merged printout, has no tree.

What the overlay draws on a candidate's first page (name, number, date, place)
is content: marked with a new MCID, it is a /P element first in that
candidate's structure, read as its `ActualText` (the fields in words); on the
following pages, it repeats the header: an artifact.
"""

from __future__ import annotations

import io
import re

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from .pdf_forms import add_form, page_form
from .pdf_read import PdfIn, raw
from .pdf_struct import StructMerge
from .pdf_write import Copier, PdfOut, object_stream

CATALOG_KEYS = ("/Lang", "/ViewerPreferences", "/MarkInfo", "/Metadata")


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def stamp(base_pdf: bytes, overlay_pdf: bytes, texts: list[str]) -> tuple[list[bytes], bytes]:
    """Each candidate's PDF and all of them as one, from the base and the overlay (as many pages per
    candidate as the base, candidates in order); `texts`: what each candidate's first-page stamp reads as."""
    base, base_pages, tree = _read_base(base_pdf)
    over = PdfIn(overlay_pdf)
    over_pages = over.pages()
    singles = [_write(base, over, base_pages, over_pages, [i], texts, template=tree) for i in range(len(texts))]
    # the batch's pages go into the merged printout, which keeps pages only (pdfcat.py): no tree to copy
    return singles, _write(base, over, base_pages, over_pages, list(range(len(texts))), texts, structure=False)


_BASES: dict[bytes, tuple[PdfIn, list, TreeCopy | None]] = {}  # a worker's bases, read once (one per épreuve)
_KEPT = 8


def _read_base(data: bytes) -> tuple[PdfIn, list, TreeCopy | None]:
    """The base read, its pages and its tree's copy template: once per base in a process, not per batch
    (reading the tree took as long as copying it for 25 candidates). Nothing read is changed by a copy."""
    if data not in _BASES:
        if len(_BASES) >= _KEPT:
            _BASES.pop(next(iter(_BASES)))
        base = PdfIn(data)
        pages = base.pages()
        _BASES[data] = (base, pages, TreeCopy.of(base, pages))
    return _BASES[data]


def _write(
    base: PdfIn, over: PdfIn, base_pages: list, over_pages: list, which: list[int], texts: list[str], structure: bool = True,
    template: TreeCopy | None = None,
) -> bytes:
    buffer = io.BytesIO()
    out = PdfOut(buffer, base.header.removeprefix("%PDF-") or "1.7")
    catalog, pages_ref = out.reserve(), out.reserve()
    shared = Copier(base, out)  # what every candidate's pages draw: written once
    for _number, page in base_pages:
        for key in ("/Contents", "/Resources"):
            shared.convert(raw(page, key))
    shared.flush()
    push, pop = out.write(_stream(b"q\n")), out.write(_stream(b"\nQ\n"))
    overlays = Copier(over, out)
    copiers = [Copier(base, out, shared.known) for _ in which]
    struct = StructMerge([base] * len(which), copiers, out, wanted=structure)
    dropped = () if struct.active else ("/StructParents",)
    kids: list[IndirectObject] = []
    for part, (i, copier) in enumerate(zip(which, copiers)):
        refs = [copier.claim(number) for number, _page in base_pages]
        for n, ((_number, page), ref) in enumerate(zip(base_pages, refs)):
            new = copier.convert(page, skip=("/Parent", "/Resources", "/Annots", *dropped))
            new[NameObject("/Parent")] = pages_ref
            resources = shared.convert(base.resolve(raw(page, "/Resources")))
            name = f"/DossierCandidat{n}"
            add_form(resources, name, out.write(page_form(over_pages[i * len(base_pages) + n][1], overlays)))
            new[NameObject("/Resources")] = resources
            mcid = None
            if n == 0 and "/StructParents" in page and struct.active:
                mcid = struct.add(part, int(page["/StructParents"]), ref, "/P", texts[i])
            mark = f"/P <</MCID {mcid}>> BDC" if mcid is not None else "/Artifact BMC"
            drawn = out.write(_stream(f"{mark} q {name} Do Q EMC\n".encode()))
            contents = base.resolve(raw(page, "/Contents"))
            own = [shared.convert(c) for c in (contents if isinstance(contents, ArrayObject) else [raw(page, "/Contents")])]
            new[NameObject("/Contents")] = ArrayObject([push, *own, pop, drawn])
            struct.shift(part, new, "/StructParents")
            annotations = []
            for annotation in base.resolve(raw(page, "/Annots", ArrayObject())):
                target = copier.claim(annotation.idnum) if isinstance(annotation, IndirectObject) else None
                copy = copier.convert(base.resolve(annotation))
                struct.shift(part, copy, "/StructParent")
                annotations.append(out.write(copy, target))
            if annotations:
                new[NameObject("/Annots")] = ArrayObject(annotations)
            out.write(new, ref)
            copier.flush()
        overlays.flush()
        kids += refs
        if template is not None and struct.active:
            template.write(copier, out)
    tree = struct.write()
    out.write(DictionaryObject({
        NameObject("/Type"): NameObject("/Pages"), NameObject("/Kids"): ArrayObject(kids),
        NameObject("/Count"): NumberObject(len(kids)),
    }), pages_ref)
    root = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): pages_ref})
    source = base.catalog()
    for key in CATALOG_KEYS:
        if key in source and (tree is not None or key != "/MarkInfo"):
            root[NameObject(key)] = shared.convert(raw(source, key))
    if tree is not None:
        root[NameObject("/StructTreeRoot")] = tree
    info = raw(base.trailer, "/Info")
    info_ref = out.write(shared.convert(base.resolve(info))) if info is not None else None
    shared.flush()
    out.write(root, catalog)
    out.finish(catalog, info_ref)
    return buffer.getvalue()



_REFERENCE = re.compile(rb"(\d+) 0 R\b")


class TreeCopy:
    """The base's structure elements serialized once; a candidate's copy is those bytes renumbered.

    Copying the tree object by object for every candidate (pdf_struct.py) costs more than the
    rest of the stamping; as bytes, a copy is one substitution per element. Built only when every
    reference in those bytes is one the objects hold (no string that looks like a reference).
    """

    def __init__(self, objects: dict[int, bytes]):
        self.objects = objects
        # each body as a format with « %d 0 R » where it refers, and the numbers it refers to, in order
        self.templates = {number: _template(body) for number, body in objects.items()}
        # what the elements refer to outside the tree: pages, annotations, the Document (each file its own)
        self.outside = sorted({n for _form, refers in self.templates.values() for n in refers} - set(objects))
        self._last: tuple[tuple, list[int], bytes] | None = None  # the last copy's numbers and object stream

    @classmethod
    def of(cls, base: PdfIn, pages: list) -> TreeCopy | None:
        root = base.resolve(raw(base.catalog(), "/StructTreeRoot"))
        if not isinstance(root, DictionaryObject):
            return None
        outside = {number for number, _page in pages}  # pages, documents, annotations: each file has its own
        for _number, page in pages:
            outside |= {a.idnum for a in base.resolve(raw(page, "/Annots", ArrayObject())) if isinstance(a, IndirectObject)}
        documents = [d for d in _listed(base.resolve(raw(root, "/K"))) if isinstance(d, IndirectObject)]
        outside |= {d.idnum for d in documents}
        stack = [k for d in documents for k in _listed(base.resolve(raw(base.get(d.idnum), "/K"))) if isinstance(k, IndirectObject)]
        objects: dict[int, bytes] = {}
        while stack:
            number = stack.pop().idnum
            if number in objects or number in outside:
                continue
            obj = base.get(number)
            if isinstance(obj, StreamObject):
                return None
            found = _references(obj)
            body = _serialized(obj)
            if len(_REFERENCE.findall(body)) != len(found):
                return None
            objects[number] = body
            stack += found
        return cls(objects)

    def write(self, copier: Copier, out: PdfOut) -> None:
        """Every element of the tree, renumbered for this file: the pages and annotations `copier` has
        written, the Document StructMerge made; the rest copied by the copier (none, usually)."""
        known = copier.known
        for number in self.objects:
            known[number] = out.reserve()
        numbers = [known[number].idnum for number in self.objects]
        key = (numbers[0] if numbers else 0, *((known.get(n) or copier.ref(n)).idnum for n in self.outside))
        if self._last is None or self._last[0] != key:
            # written as one object stream; a candidate's file is numbered as the last one's (the same
            # base, the same steps): its stream is the last one's bytes, not made again
            bodies = [form % tuple((known.get(n) or copier.ref(n)).idnum for n in refers) for form, refers in self.templates.values()]
            self._last = (key, numbers, object_stream(list(zip(numbers, bodies))))
        out.write_packed(numbers, self._last[2])
        copier.flush()


def _template(body: bytes) -> tuple[bytes, tuple[int, ...]]:
    pieces = _REFERENCE.split(body)  # text, number, text, number, …, text
    return b"%d 0 R".join(p.replace(b"%", b"%%") for p in pieces[::2]), tuple(int(n) for n in pieces[1::2])


def _listed(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, ArrayObject) else [value]


def _references(obj) -> list[IndirectObject]:
    found, stack = [], [obj]
    while stack:
        value = stack.pop()
        if isinstance(value, IndirectObject):
            found.append(value)
        elif isinstance(value, DictionaryObject):
            stack += value.values()
        elif isinstance(value, ArrayObject):
            stack += value
    return found


def _serialized(obj) -> bytes:
    from .pdf_write import _Buffer

    buffer = _Buffer()
    obj.write_to_stream(buffer)
    return buffer.getvalue()
