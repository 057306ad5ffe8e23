"""Writing a PDF object by object, from pieces of other PDFs, with no content stream decoded.

`PdfOut` numbers and writes objects as they come and keeps only where they
are: streams at once, other objects gathered into compressed object streams
(as WeasyPrint writes them), with a cross-reference stream at the end.
`Copier` copies objects of one input PDF under new numbers, following the
references of what it copies, streams as their encoded bytes. The numbers are
given in the order objects are first met, so the same inputs always give the
same file.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from array import array
from collections import deque
from itertools import repeat
from typing import BinaryIO

from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)


class PdfOut:
    PACKED = 100  # objects per object stream

    def __init__(self, out: BinaryIO, version: str = "1.7"):
        self._out = out
        self._digest = hashlib.md5(usedforsecurity=False)
        # by number (0 unused): 1, offset, 0 or 2, object stream, index (13 bytes an object, not a dict's ~110)
        self._kind, self._field, self._index = array("B", [0]), array("Q", [0]), array("I", [0])
        self._packed: list[tuple[int, bytes]] = []  # objects waiting for their object stream
        self._position = 0
        self._next = 1
        self._emit(f"%PDF-{version}\n".encode() + b"%\xe2\xe3\xcf\xd3\n")

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._position += len(data)

    @property
    def next_number(self) -> int:
        """The number the next reservation gets."""
        return self._next

    def reserve(self) -> IndirectObject:
        """A number for an object written later."""
        ref = IndirectObject(self._next, 0, None)  # type: ignore[arg-type]
        self._next += 1
        self._kind.append(0)
        self._field.append(0)
        self._index.append(0)
        return ref

    def write(self, obj, ref: IndirectObject | None = None) -> IndirectObject:
        """Write `obj` (under `ref`, reserved earlier, or a new number); return its reference."""
        ref = ref or self.reserve()
        buffer = _Buffer()
        obj.write_to_stream(buffer)
        if isinstance(obj, StreamObject):
            self._direct(ref.idnum, buffer.getvalue())
        else:
            self._packed.append((ref.idnum, buffer.getvalue()))
            if len(self._packed) >= self.PACKED:
                self._pack()
        return ref

    def write_serialized(self, body: bytes, ref: IndirectObject) -> None:
        """An object (not a stream) already serialized, under `ref` (pdf_struct.StructMerge copies elements so)."""
        self._packed.append((ref.idnum, body))
        if len(self._packed) >= self.PACKED:
            self._pack()

    def _where(self, number: int, kind: int, field: int, index: int) -> None:
        while number >= len(self._kind):  # a number not reserved here (none is, today)
            self.reserve()
        self._kind[number], self._field[number], self._index[number] = kind, field, index

    def _direct(self, number: int, body: bytes) -> None:
        self._where(number, 1, self._position, 0)
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def _pack(self) -> None:
        """The objects waiting, as one compressed object stream."""
        if not self._packed:
            return
        objects, self._packed = self._packed, []
        self.write_packed([n for n, _body in objects], object_stream(objects))

    def write_packed(self, numbers: list[int], stream: bytes) -> None:
        """An object stream made by `object_stream` (of objects numbered `numbers`, in order), under a new
        number: a copy of the same objects, numbered the same, need not be serialized and compressed again."""
        number = self.reserve().idnum
        for index, packed in enumerate(numbers):
            self._where(packed, 2, number, index)
        self._direct(number, stream)

    def finish(self, root: IndirectObject, info: IndirectObject | None) -> None:
        """The cross-reference stream, which is also the trailer (its /ID: a digest of everything written)."""
        self._pack()
        identifier = bytes.fromhex(self._digest.hexdigest())
        number = self.reserve().idnum
        self._where(number, 1, self._position, 0)
        rows = [struct.pack(">BIH", 0, 0, 65535)]
        pack = struct.pack
        rows += map(pack, repeat(">BIH"), self._kind[1:], self._field[1:], self._index[1:])
        xref = StreamObject()
        xref._data = zlib.compress(b"".join(rows))
        xref.update({
            NameObject("/Type"): NameObject("/XRef"), NameObject("/Size"): NumberObject(self._next),
            NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(4), NumberObject(2)]),
            NameObject("/Root"): root, NameObject("/Filter"): NameObject("/FlateDecode"),
            NameObject("/ID"): ArrayObject([ByteStringObject(identifier)] * 2),
        })
        if info is not None:
            xref[NameObject("/Info")] = info
        start = self._position
        buffer = _Buffer()
        xref.write_to_stream(buffer)
        self._emit(b"%d 0 obj\n%s\nendobj\nstartxref\n%d\n%%%%EOF\n" % (number, buffer.getvalue(), start))


def object_stream(objects: list[tuple[int, bytes]]) -> bytes:
    """A compressed object stream holding the objects (number, serialized body), as written in a PDF."""
    offsets, at = [], 0
    for packed, body in objects:
        offsets.append(b"%d %d" % (packed, at))
        at += len(body) + 1
    head = b" ".join(offsets) + b"\n"
    stream = StreamObject()
    stream._data = zlib.compress(head + b"\n".join(body for _n, body in objects))
    stream.update({
        NameObject("/Type"): NameObject("/ObjStm"), NameObject("/N"): NumberObject(len(objects)),
        NameObject("/First"): NumberObject(len(head)), NameObject("/Filter"): NameObject("/FlateDecode"),
    })
    buffer = _Buffer()
    stream.write_to_stream(buffer)
    return buffer.getvalue()


REFERENCE = re.compile(rb"(\d+) 0 R\b")  # in an object's bytes (with no literal string in it)


class _Buffer:
    """What pypdf's write_to_stream needs of a stream: write(), collected in memory."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._parts.append(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


class Copier:
    """The objects of one input PDF (a pdf_read.PdfIn), copied into `out` on demand under new numbers.

    `known` maps input object numbers to references already given in the output
    (a page written elsewhere, a font replaced by the one shared font).
    """

    def __init__(self, source, out: PdfOut, known: dict[int, IndirectObject] | None = None):
        self.source = source
        self.out = out
        self.known: dict[int, IndirectObject] = dict(known or {})
        self._todo: deque[tuple[int, IndirectObject]] = deque()
        self._taken: set[int] = set()  # queued, then taken by the caller (`take`): left out when the queue is copied
        self._reference: dict[int, bytes] = {}  # input number -> « n 0 R » of its output reference (REFERENCE)

    def ref(self, idnum: int) -> IndirectObject:
        """The output reference of an input object, copied at the next `flush()`."""
        if idnum not in self.known:
            self.known[idnum] = self.out.reserve()
            self._todo.append((idnum, self.known[idnum]))
        return self.known[idnum]

    def claim(self, idnum: int) -> IndirectObject:
        """The output reference of an input object the caller writes itself (it is not copied)."""
        if idnum in self.known:
            raise ValueError(f"object {idnum} is already copied")
        self.known[idnum] = self.out.reserve()
        return self.known[idnum]

    def take(self, idnum: int) -> IndirectObject:
        """As `claim`, but an object already referred to (queued to be copied at the next `flush()`) is
        taken out of the queue: the caller writes it under the reference it was given."""
        ref = self.known.get(idnum)
        if ref is None:
            return self.claim(idnum)
        if idnum in self._taken or (idnum, ref) not in self._todo:
            raise ValueError(f"object {idnum} is not queued")
        self._taken.add(idnum)
        return ref

    def convert(self, obj, skip: tuple[str, ...] = ()):
        """A copy of `obj` whose references are output references (dictionary keys in `skip` left out)."""
        if isinstance(obj, IndirectObject):
            return self.ref(obj.idnum)
        if isinstance(obj, StreamObject):
            copy = StreamObject()
            copy._data = obj._data  # the encoded bytes, as read
            for key, value in obj.items():
                if key not in skip and key != "/Length":
                    copy[NameObject(key)] = self.convert(value)
            return copy
        if isinstance(obj, DictionaryObject):
            return DictionaryObject({NameObject(k): self.convert(v) for k, v in obj.items() if k not in skip})
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.convert(v) for v in obj)
        return obj

    def flush(self) -> None:
        """Copy every object referred to so far, and those they refer to.

        An object of an object stream with no literal string in it (where text could look like a
        reference) is copied as its bytes, its references renumbered, without being parsed."""
        todo, taken = self._todo, self._taken
        serialized = getattr(self.source, "serialized", None)
        write_serialized, renumber = self.out.write_serialized, self.renumber
        while todo:
            idnum, ref = todo.popleft()
            if idnum in taken:
                taken.discard(idnum)
                continue
            body = serialized(idnum) if serialized is not None else None
            if body is not None and b"(" not in body and b"%" not in body:
                write_serialized(renumber(body), ref)
            else:
                self.out.write(self.convert(self.source.get(idnum)), ref)

    def renumber(self, body: bytes) -> bytes:
        """An object's bytes (with no literal string in it) with every reference renumbered for the output,
        as `REFERENCE.sub(self.renumbered, body)` gives them."""
        pieces = REFERENCE.split(body)
        if len(pieces) == 1:
            return body
        known, ref = self._reference, self._reference_bytes
        pieces[1::2] = [known.get(n) or ref(n) for n in pieces[1::2]]
        return b"".join(pieces)

    def _reference_bytes(self, number: bytes) -> bytes:
        found = self._reference[number] = b"%d 0 R" % self.ref(int(number)).idnum
        return found

    def renumbered(self, match) -> bytes:
        """A reference found in an object's bytes (REFERENCE), renumbered for the output."""
        return self._reference.get(match[1]) or self._reference_bytes(match[1])
