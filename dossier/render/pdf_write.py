"""Writing a PDF object by object, from pieces of other PDFs, with no content stream decoded.

`PdfOut` numbers and writes objects as they come and keeps only their offsets;
`Copier` copies objects of one input PDF under new numbers, following the
references of what it copies, streams as their encoded bytes. The numbers are
given in the order objects are first met, so the same inputs always give the
same file.
"""

from __future__ import annotations

import hashlib
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
    def __init__(self, out: BinaryIO, version: str = "1.7"):
        self._out = out
        self._digest = hashlib.md5(usedforsecurity=False)
        self._offsets: dict[int, int] = {}
        self._position = 0
        self._next = 1
        self._emit(f"%PDF-{version}\n".encode() + b"%\xe2\xe3\xcf\xd3\n")

    def _emit(self, data: bytes) -> None:
        self._out.write(data)
        self._digest.update(data)
        self._position += len(data)

    def reserve(self) -> IndirectObject:
        """A number for an object written later."""
        ref = IndirectObject(self._next, 0, None)  # type: ignore[arg-type]
        self._next += 1
        return ref

    def write(self, obj, ref: IndirectObject | None = None) -> IndirectObject:
        """Write `obj` (under `ref`, reserved earlier, or a new number); return its reference."""
        ref = ref or self.reserve()
        self._offsets[ref.idnum] = self._position
        buffer = _Buffer()
        buffer.write(f"{ref.idnum} 0 obj\n".encode())
        obj.write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self._emit(buffer.getvalue())
        return ref

    def finish(self, root: IndirectObject, info: IndirectObject | None) -> None:
        """The cross-reference table and the trailer (its /ID: a digest of everything written)."""
        identifier = self._digest.hexdigest()
        xref = self._position
        lines = [f"xref\n0 {self._next}\n".encode(), b"0000000000 65535 f \n"]
        for number in range(1, self._next):
            offset = self._offsets.get(number)
            lines.append(f"{offset:010d} 00000 n \n".encode() if offset is not None else b"0000000000 65535 f \n")
        trailer = DictionaryObject({
            NameObject("/Size"): NumberObject(self._next),
            NameObject("/Root"): root,
            NameObject("/ID"): ArrayObject([ByteStringObject(bytes.fromhex(identifier))] * 2),
        })
        if info is not None:
            trailer[NameObject("/Info")] = info
        buffer = _Buffer()
        buffer.write(b"trailer\n")
        trailer.write_to_stream(buffer)
        buffer.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
        self._emit(b"".join(lines) + buffer.getvalue())


class _Buffer:
    """What pypdf's write_to_stream needs of a stream: write(), collected in memory."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self._parts.append(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


class Copier:
    """The objects of one input PDF, copied into `out` on demand under new numbers.

    `known` maps input object numbers to references already given in the output
    (a page written elsewhere, a font replaced by the one shared font).
    """

    def __init__(self, reader, out: PdfOut, known: dict[int, IndirectObject] | None = None):
        self.reader = reader
        self.out = out
        self.known: dict[int, IndirectObject] = dict(known or {})
        self._todo: list[tuple[int, IndirectObject]] = []

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
        """Copy every object referred to so far, and those they refer to."""
        while self._todo:
            idnum, ref = self._todo.pop(0)
            self.out.write(self.convert(self.reader.get_object(idnum)), ref)
