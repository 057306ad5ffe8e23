"""A grid laid out once, stamped for each candidate: its pages copied, the candidate's overlay drawn over them.

The grid (the base) is a WeasyPrint PDF, tagged when the documents are; the
overlay has one page per page of each candidate, untagged. In each candidate's
file the base's content streams, fonts and images are written once, with the
candidate's page dictionaries and copy of the base's structure tree (TreeCopy:
its bytes renumbered; pdf_struct.py merges the tree with the stamp's element).
The épreuve's merged printout (`Printout`) is written as batches come: the
base's content once, then each candidate's pages and, tagged, elements, each
copy formatted in one piece (`_CopyTree`) under one Document.

What the overlay draws on a candidate's first page (name, number, date, place)
is content: marked with a new MCID, it is a /P element first in that
candidate's structure, read as its `ActualText` (the fields in words); on the
following pages, it repeats the header: an artifact.
"""

from __future__ import annotations

import io
import re
import struct

from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
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


def stamp(base_pdf: bytes, overlay_pdf: bytes, texts: list[str]) -> list[bytes]:
    """Each candidate's PDF, from the base and the overlay (as many pages per candidate as the base,
    candidates in order); `texts`: what each candidate's first-page stamp reads as. (The merged printout
    is made of the same overlay by `Printout`.)"""
    base, base_pages, tree = _read_base(base_pdf)
    over = PdfIn(overlay_pdf)
    over_pages = over.pages()
    return [_write(base, over, base_pages, over_pages, [i], texts, template=tree) for i in range(len(texts))]


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
    tree = template.tail(struct, out) if template is not None and struct.active and len(which) == 1 else struct.write()
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
_STRING = re.compile(rb"\((?:[^()\\]|\\.)*\)")  # a literal string without unescaped parentheses in it


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
        self._tail: tuple[tuple, list, IndirectObject] | None = None  # the last file's tree root and parent tree, noted

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
            body = base.serialized(number)  # as written in its object stream: not parsed, if nothing looks like a
            if body is not None and len(_REFERENCE.findall(_STRING.sub(b"()", body))) == len(_REFERENCE.findall(body)):
                objects[number] = body  # reference inside a string (an ID, a text)
                stack += [IndirectObject(int(n), 0, None) for n in _REFERENCE.findall(body)]  # type: ignore[arg-type]
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


    def tail(self, struct: StructMerge, out: PdfOut) -> IndirectObject | None:
        """What StructMerge writes last for one candidate's file (its Document, parent tree, root), and the
        root: written as the last file's when numbered as it (the same base, the same steps: the same
        bytes), else written by StructMerge and noted."""
        key = (self._last[0] if self._last is not None else None, out.next_number, struct.document.idnum)
        if self._tail is not None and self._tail[0] == key:
            for number, body in self._tail[1]:
                ref = out.reserve() if number is None else IndirectObject(number, 0, None)  # type: ignore[arg-type]
                if body is not None:
                    out.write_serialized(body, ref)
            return self._tail[2]
        tape = _Tape(out)
        copier = struct.copiers[0]
        struct.out = copier.out = tape
        try:
            root = struct.write()
        finally:
            struct.out = copier.out = out
        reserved = sum(1 for number, _body in tape.notes if number is None)
        # kept only if all of it went through the tape as objects (nothing copied apart, no stream)
        self._tail = (key, tape.notes, root) if tape.whole and out.next_number == key[1] + reserved else None
        return root


class _Tape:
    """A PdfOut seen through, for `TreeCopy.tail`: what is reserved and written goes on to the PdfOut, noted
    (number None: a reservation; body None: nothing written)."""

    def __init__(self, out: PdfOut):
        self.out, self.notes, self.whole = out, [], True

    def reserve(self) -> IndirectObject:
        self.notes.append((None, None))
        return self.out.reserve()

    def write(self, obj, ref: IndirectObject | None = None) -> IndirectObject:
        ref = ref or self.reserve()
        if isinstance(obj, StreamObject):
            self.whole = False
            return self.out.write(obj, ref)
        self.write_serialized(_serialized(obj), ref)
        return ref

    def write_serialized(self, body: bytes, ref: IndirectObject) -> None:
        self.notes.append((ref.idnum, body))
        self.out.write_serialized(body, ref)


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


# --- the merged printout: every candidate's copy appended to one file -----------------------------------

_ROW = struct.Struct(">BIH")  # a cross-reference stream's row: /W [ 1 4 2 ]
_WIDTH = 10_000_000  # references in a copy's packed objects are written on 7 digits (a PDF holds fewer objects)
_NAMED = re.compile(rb"/ID\s*\([0-9\\-]+\)|/Headers\s*\[[^\]]*\]")  # where an element names a header cell's ID
_ID = re.compile(rb"\(([0-9\\-]+)\)")  # that ID (WeasyPrint's « table-row-column », « - » maybe escaped)


class _Spooled:
    """A pdf_write.PdfOut for a file too long to hold: objects numbered in order, their cross-reference rows
    spooled to a temporary file as soon as every object before them is written; the first `late` numbers
    (catalog, page tree, tree root…), written at the end, kept apart."""

    PACKED = 100

    def __init__(self, out, version: str, late: int):
        import hashlib
        import tempfile

        self._out, self._digest, self._position = out, hashlib.md5(usedforsecurity=False), 0
        self.late = late
        self._next = 1
        self._rows = tempfile.TemporaryFile()  # rows of late + 1, late + 2, … in order
        self._spooled = late + 1  # the next number whose row goes to the spool
        self._waiting: dict[int, bytes] = {}  # rows of objects written before an earlier one
        self._packed: list[tuple[int, bytes]] = []
        self._emit(f"%PDF-{version}\n".encode() + b"%\xe2\xe3\xcf\xd3\n")

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._position += len(data)

    def reserve(self) -> IndirectObject:
        self._next += 1
        return IndirectObject(self._next - 1, 0, None)  # type: ignore[arg-type]

    def reserve_through(self, last: int) -> None:
        """Every number up to `last` reserved (a copy's objects, numbered from one just reserved)."""
        self._next = max(self._next, last + 1)

    def _row(self, number: int, kind: int, field: int, index: int) -> None:
        self._waiting[number] = _ROW.pack(kind, field, index)
        while self._spooled in self._waiting:
            self._rows.write(self._waiting.pop(self._spooled))
            self._spooled += 1

    def direct(self, number: int, body: bytes) -> None:
        self._row(number, 1, self._position, 0)
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def write(self, obj, ref: IndirectObject | None = None) -> IndirectObject:
        ref = ref or self.reserve()
        body = _serialized(obj)
        if isinstance(obj, StreamObject) or ref.idnum <= self.late:
            self.direct(ref.idnum, body)
        else:
            self.write_serialized(body, ref)
        return ref

    def write_serialized(self, body: bytes, ref: IndirectObject) -> None:
        self._packed.append((ref.idnum, body))
        if len(self._packed) >= self.PACKED:
            self.pack()

    def pack(self) -> None:
        if self._packed:
            objects, self._packed = self._packed, []
            self.write_packed([n for n, _body in objects], object_stream(objects))

    def write_packed_at(self, first: int, count: int, stream: bytes) -> None:
        """An object stream made of the objects first … first + count - 1, numbered first + count (all reserved)."""
        number = first + count
        if first == self._spooled:  # every object before written: the rows at once
            self._rows.write(b"".join([_ROW.pack(2, number, index) for index in range(count)]))
            self._spooled += count
        else:
            for index in range(count):
                self._row(first + index, 2, number, index)
        self.direct(number, stream)

    def write_packed(self, numbers: list[int], stream: bytes) -> None:
        number = self.reserve().idnum
        for index, packed in enumerate(numbers):
            self._row(packed, 2, number, index)
        self.direct(number, stream)

    def finish(self, root: IndirectObject, info: IndirectObject | None) -> None:
        """The cross-reference stream: the late objects' rows, then the spooled ones, then its own."""
        import shutil
        import zlib

        self.pack()
        number = self.reserve().idnum
        where = self._position
        late = {n: self._waiting.pop(n) for n in range(1, self.late + 1)}
        self._row(number, 1, where, 0)
        if self._waiting or self._spooled != self._next:
            raise ValueError(f"objects reserved and never written: {sorted(self._waiting)[:5]}")
        squeeze, rows = zlib.compressobj(1), io.BytesIO()  # rows alike: level 6 is slow on them, for little
        rows.write(squeeze.compress(_ROW.pack(0, 0, 65535) + b"".join(late[n] for n in sorted(late))))
        self._rows.seek(0)
        while chunk := self._rows.read(1 << 20):
            rows.write(squeeze.compress(chunk))
        rows.write(squeeze.flush())
        self._rows.close()
        identifier = self._digest.hexdigest().upper().encode()
        head = (b"%d 0 obj\n<< /Type /XRef /Size %d /W [ 1 4 2 ] /Root %d 0 R%s /ID [ <%s> <%s> ] /Filter /FlateDecode"
                b" /Length %d >>\nstream\n" % (number, self._next, root.idnum, b" /Info %d 0 R" % info.idnum if info else b"",
                                              identifier, identifier, rows.tell()))
        self._out.write(head)
        rows.seek(0)
        shutil.copyfileobj(rows, self._out)
        self._out.write(b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % where)


class _CopyTree:
    """What each copy of the base writes in the printout, as one format: its page dictionaries and, for a
    tagged base, its copy of the structure elements and its pages' parent-tree arrays, with every reference,
    parent-tree key and ID on fixed widths, so that a copy's object stream is one `%` of its numbers
    and its header (where each object begins) the same for every copy.

    A copy's objects, numbered from `first`: its pages, its elements, its pages' parent-tree arrays, the
    element of its stamp (last: its text varies), all in its object stream, numbered after them; then
    its forms (the overlay's pages drawn on its pages).
    """

    def __init__(self, tree: TreeCopy | None, source: PdfIn, pages: list, page_formats: list[tuple[bytes, list]], document: int):
        self.pages = len(pages)
        self.tagged = tree is not None
        count = len(tree.objects) if tree is not None else 0
        self.arrays_at = self.pages + count  # the first array, relative to the copy's first number
        self.element_at = self.arrays_at + self.pages  # the stamp's element
        self.objects = self.element_at + 1 if tree is not None else self.pages  # in the copy's object stream
        self.forms_at = self.objects + 1  # after the object stream
        self.document = document
        bodies: list[tuple[bytes, list]] = [(form, [self.forms_at + n if kind == "form" else ("key", n) for kind in kinds])
                                            for n, (form, kinds) in enumerate(page_formats)]
        self.stamped, self.tops = 0, []
        if tree is not None:
            bodies += self._tree(tree, source, pages, document)
        rels: list = []
        heads, at, parts = [], 0, []
        for k, (form, slots) in enumerate(bodies):
            heads.append(b"%07d " + b"%d" % at)
            rels.append(k)
            at += len(form % tuple(0 for _ in slots)) + 1
            parts.append(form)
        if tree is not None:
            heads.append(b"%07d " + b"%d" % at)  # the stamp's element, last
            rels.append(self.element_at)
        head = b" ".join(heads) + b"\n"
        self.first_offset = len(head % tuple(0 for _ in rels))  # /First: the same for every copy
        self.format = head + b"\n".join(parts) + (b"\n" if tree is not None else b"")
        rels += [r for _form, slots in bodies for r in slots]
        self.keys = [(i, r[1]) for i, r in enumerate(rels) if isinstance(r, tuple)]  # where the pages' keys go
        self.rels = [0 if isinstance(r, tuple) else r for r in rels]

    def _tree(self, tree: TreeCopy, source: PdfIn, pages: list, document: int) -> list[tuple[bytes, list]]:
        from .pdf_struct import _numbers

        page_index = {number: k for k, (number, _page) in enumerate(pages)}
        index = {number: self.pages + i for i, number in enumerate(tree.objects)}  # relative to the copy's first
        documents = set(tree.outside) - set(page_index)
        root = source.resolve(raw(source.catalog(), "/StructTreeRoot"))
        numbers = dict(_numbers(source, raw(root, "/ParentTree")))
        arrays: list[list[int]] = []
        for _number, page in pages:
            value = numbers.get(int(page["/StructParents"]))
            value = source.resolve(value) if isinstance(value, IndirectObject) else value
            arrays.append([int(n) for n in _REFERENCE.findall(value)] if isinstance(value, bytes) else [r.idnum for r in value or ()])
        kids = [k for d in _listed(source.resolve(raw(root, "/K"))) if isinstance(d, IndirectObject)
                for k in _listed(source.resolve(raw(source.get(d.idnum), "/K")))]
        if not all(isinstance(k, IndirectObject) and k.idnum in index for k in kids):
            raise ValueError("a Document holding marked content of its own")
        self.tops = [index[k.idnum] for k in kids]  # the base Document's kids, relative: under the printout's one
        self.stamped = len(arrays[0]) if arrays else 0  # the stamp's MCID on the first page: after the base's
        bodies = [self._format(body, index, page_index, documents, document) for body in tree.objects.values()]
        for k, refs in enumerate(arrays):
            if any(n not in index for n in refs):
                raise ValueError("a parent tree naming what is not an element")
            slots = [index[n] for n in refs] + ([self.element_at] if k == 0 else [])  # the stamp: the first page's last MCID
            bodies.append((b"[ " + b" ".join(b"%07d 0 R" for _ in slots) + b" ]", slots))
        return bodies

    @staticmethod
    def _format(body: bytes, index: dict, page_index: dict, documents: set, document: int) -> tuple[bytes, list[int]]:
        """An element's bytes as a format, and what each of its slots adds to the copy's first number."""
        pieces = _REFERENCE.split(body)
        out, slots = [], []
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                text = piece.replace(b"%", b"%%")
                last = 0
                for named in _NAMED.finditer(text):  # each ID prefixed with its copy's first number
                    out.append(text[last:named.start()])
                    out.append(_ID.sub(b"(c%07d-\\1)", named[0]))
                    slots += [0] * len(_ID.findall(named[0]))
                    last = named.end()
                out.append(text[last:])
                continue
            number = int(piece)
            if number in index:
                out.append(b"%07d 0 R")
                slots.append(index[number])
            elif number in page_index:
                out.append(b"%07d 0 R")
                slots.append(page_index[number])
            elif number in documents:
                out.append(b"%d 0 R" % document)
            else:
                raise ValueError(f"an element refers to object {number}, outside the tree")
        return b"".join(out), slots

    def packed(self, first: int, key: int, text: str) -> bytes:
        """A copy's object stream (its objects numbered from `first`, its pages' parent-tree keys from `key`),
        its stamp read as `text`."""
        import zlib

        from .increment_tags import text_string

        if first + self.forms_at + self.pages >= _WIDTH or key + self.pages >= _WIDTH:
            raise ValueError("too many objects for one PDF")
        values = [first + r for r in self.rels]
        for at, n in self.keys:
            values[at] = key + n
        data = self.format % tuple(values)
        if self.tagged:
            data += (b"<< /Type /StructElem /S /P /P %d 0 R /K %d /Pg %d 0 R /ActualText %s >>"
                     % (self.document, self.stamped, first, text_string(text)))
        data = zlib.compress(data, 1)  # level 6: 3 times the time for 20 % less
        return (b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
                % (self.objects, self.first_offset, len(data)) + data + b"\nendstream")


class Printout:
    """One épreuve's grids for printing, every candidate's copy appended to an open file, in order.

    The base's content streams, fonts and images are written once (not once per batch); each batch's
    overlay (stamp.py: one page per candidate and page) gives each copy its forms; each copy's page
    dictionaries are the base's, formatted with its form and its parent-tree key. A tagged base gives a
    tagged printout: one structure tree, one Document holding every copy's stamp element and its
    copy of the base's elements, formatted in one piece (_CopyTree) and written as one object stream;
    header cells' IDs prefixed per copy. What the page tree, the Document and the parent tree list is
    kept as bytes (a few per page); the cross-reference rows go to a temporary file as they come.
    """

    def __init__(self, base_pdf: bytes, handle, title: str):
        base, base_pages, tree = _read_base(base_pdf)
        self.base, self.base_pages = base, base_pages
        out = self.out = _Spooled(handle, base.header.removeprefix("%PDF-") or "1.7", late=4)
        self.catalog, self.pages_ref, self.document, self.root = (out.reserve() for _ in range(4))
        tagged = tree is not None and all("/StructParents" in p and "/Annots" not in p for _n, p in base_pages)
        shared = self.shared = Copier(base, out)
        for _number, page in base_pages:
            for key in ("/Contents", "/Resources"):
                shared.convert(raw(page, key))
        info = raw(base.trailer, "/Info")
        described = DictionaryObject(shared.convert(base.resolve(info))) if info is not None else DictionaryObject()
        described[NameObject("/Title")] = TextStringObject(title)
        self.info = out.write(described)
        push, pop = out.write(_stream(b"q\n")), out.write(_stream(b"\nQ\n"))
        formats = []  # per base page: its dictionary as a format, and what its slots are (its form, its key)
        for n, (_number, page) in enumerate(base_pages):
            new = shared.convert(page, skip=("/Parent", "/Resources", "/Annots", "/Contents", "/StructParents"))
            new[NameObject("/Parent")] = self.pages_ref
            resources = shared.convert(base.resolve(raw(page, "/Resources")))
            add_form(resources, f"/DossierCandidat{n}", IndirectObject(_FORM, 0, None))  # type: ignore[arg-type]
            new[NameObject("/Resources")] = resources
            mark = "/P <</MCID {stamped}>> BDC" if n == 0 and tagged else "/Artifact BMC"
            formats.append((new, mark, n))
        self.tree = None
        if tagged:
            try:
                self.tree = _CopyTree(tree, base, base_pages, [(b"", [])] * len(base_pages), self.document.idnum)
            except ValueError:  # not a tree a copy can be formatted from: the printout is untagged
                self.tree = None
        stamped = self.tree.stamped if self.tree is not None else 0
        page_formats = []
        for new, mark, n in formats:
            if self.tree is None:
                mark = "/Artifact BMC"
            drawn = out.write(_stream(f"{mark.format(stamped=stamped)} q /DossierCandidat{n} Do Q EMC\n".encode()))
            page = base_pages[n][1]
            contents = base.resolve(raw(page, "/Contents"))
            own = [shared.convert(c) for c in (contents if isinstance(contents, ArrayObject) else [raw(page, "/Contents")])]
            new[NameObject("/Contents")] = ArrayObject([push, *own, pop, drawn])
            if self.tree is not None:
                new[NameObject("/StructParents")] = NumberObject(_KEY)
            body = _serialized(new).replace(b"%", b"%%")
            slots = sorted((at, kind) for kind, mark in (("form", b"%d 0 R" % _FORM), ("key", b"%d" % _KEY))
                           for at in [body.find(mark)] if at >= 0)
            body = body.replace(b"%d 0 R" % _FORM, b"%07d 0 R").replace(b"/StructParents %d" % _KEY, b"/StructParents %07d")
            page_formats.append((body, [kind for _at, kind in slots]))
        self.copy = _CopyTree(tree if self.tree is not None else None, base, base_pages, page_formats, self.document.idnum)
        shared.flush()
        out.pack()
        self.kids, self.tops, self.nums = bytearray(), bytearray(), bytearray()
        self.count = 0  # pages so far

    def add(self, overlay_pdf: bytes, texts: list[str]) -> None:
        """A batch's copies: its overlay (as many pages per candidate as the base), what each stamp reads as."""
        out, copy, size = self.out, self.copy, len(self.base_pages)
        over = PdfIn(overlay_pdf)
        sheets = over.pages()
        overlays = Copier(over, out)
        for i, text in enumerate(texts):
            first = out.reserve().idnum
            out.reserve_through(first + copy.forms_at + size - 1)
            out.write_packed_at(first, copy.objects, copy.packed(first, self.count, text))
            for n in range(size):
                out.write(page_form(sheets[i * size + n][1], overlays), IndirectObject(first + copy.forms_at + n, 0, None))  # type: ignore[arg-type]
            overlays.flush()  # the overlay's fonts: with the batch's first copy
            out.pack()
            self.kids += b"".join(b" %d 0 R" % (first + n) for n in range(size))
            if copy.tagged:
                self.tops += b" %d 0 R" % (first + copy.element_at) + b"".join(b" %d 0 R" % (first + t) for t in copy.tops)
                self.nums += b"".join(b" %d %d 0 R" % (self.count + n, first + copy.arrays_at + n) for n in range(size))
            self.count += size

    def close(self) -> None:
        out, base, tree = self.out, self.base, self.copy if self.copy.tagged else None
        out.write_serialized(b"<< /Type /Pages /Kids [%s ] /Count %d >>" % (bytes(self.kids), self.count), self.pages_ref)
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): self.pages_ref})
        source = base.catalog()
        tagged_base = raw(source, "/StructTreeRoot") is not None
        for key in CATALOG_KEYS:
            if key in source and (tree is not None or not tagged_base or key in ("/Lang", "/ViewerPreferences")):
                catalog[NameObject(key)] = self.shared.convert(raw(source, key))
        if tree is not None:
            parent_tree = out.reserve()
            out.write_serialized(b"<< /Nums [%s ] >>" % bytes(self.nums), parent_tree)
            root = base.resolve(raw(source, "/StructTreeRoot"))
            roles = raw(root, "/RoleMap")
            out.direct(self.document.idnum, b"<< /Type /StructElem /S /Document /P %d 0 R /K [%s ] >>" % (self.root.idnum, bytes(self.tops)))
            described = DictionaryObject({
                NameObject("/Type"): NameObject("/StructTreeRoot"), NameObject("/K"): ArrayObject([self.document]),
                NameObject("/ParentTree"): parent_tree, NameObject("/ParentTreeNextKey"): NumberObject(self.count),
            })
            if roles is not None:
                described[NameObject("/RoleMap")] = self.shared.convert(roles)
            out.write(described, self.root)
            catalog[NameObject("/StructTreeRoot")] = self.root
        else:
            for late in (self.document, self.root):  # numbers kept for a tree: free
                out.direct(late.idnum, b"null")
        self.shared.flush()
        out.pack()
        out.write(catalog, self.catalog)
        out.finish(self.catalog, self.info)


_FORM, _KEY = 9_999_991, 9_999_992  # placeholders in a page's dictionary, formatted per copy


def printing(base_pdf: bytes, batches, title: str):
    """A function writing the printout into an open file (batches: each batch's overlay and texts, in order)."""

    def write(handle) -> None:
        printout = Printout(base_pdf, handle, title)
        for overlay, texts in batches:
            printout.add(overlay, texts)
        printout.close()

    return write
