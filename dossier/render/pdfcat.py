"""Concatenate PDF files into one, in memory bounded by the largest input, not by their total.

pypdf's writer keeps every page object until it writes; for the merged
printout of a large session that grows with the number of candidates. Here
each input is read, its pages' objects are written out at once under new
numbers (the input's number plus an offset), and only the page numbers and
file offsets are kept until the final page tree, cross-reference table and
trailer are written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

CATALOG, PAGES, INFO = 1, 2, 3  # the objects written last, numbered first


def _renumbered(obj, offset: int, parent: IndirectObject, found: list[int]):
    """A copy of obj whose references point to the new numbers; found gets the inputs' ids it refers to."""
    if isinstance(obj, IndirectObject):
        found.append(obj.idnum)
        return IndirectObject(obj.idnum + offset, 0, None)  # type: ignore[arg-type]
    if isinstance(obj, StreamObject):
        copy = obj.__class__()
        copy._data = obj._data  # the encoded bytes, as read
        for key, value in obj.items():
            copy[NameObject(key)] = _renumbered(value, offset, parent, found)
        return copy
    if isinstance(obj, DictionaryObject):
        copy = DictionaryObject()
        for key, value in obj.items():
            copy[NameObject(key)] = parent if key == "/Parent" else _renumbered(value, offset, parent, found)
        return copy
    if isinstance(obj, ArrayObject):
        return ArrayObject(_renumbered(v, offset, parent, found) for v in obj)
    return obj


def concatenate(inputs: list[Path], out: BinaryIO, title: str = "") -> int:
    """Write the inputs' pages, in order, as one PDF (titled `title`); return the number of pages."""
    offsets: list[int] = [0, 0, 0, 0]  # file offset of each object; 0 and the three reserved ones
    kids: list[int] = []
    parent = IndirectObject(PAGES, 0, None)  # type: ignore[arg-type]
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    base = 4  # next free object number
    for path in inputs:
        reader = PdfReader(path)
        offset = base
        written: set[int] = set()
        highest = 0
        for page in reader.pages:
            ref = page.indirect_reference
            todo = [ref.idnum]
            kids.append(ref.idnum + offset)
            while todo:
                idnum = todo.pop()
                if idnum in written:
                    continue
                written.add(idnum)
                highest = max(highest, idnum)
                found: list[int] = []
                obj = _renumbered(reader.get_object(idnum), offset, parent, found)
                todo.extend(found)
                number = idnum + offset
                while len(offsets) <= number:
                    offsets.append(0)
                offsets[number] = out.tell()
                out.write(f"{number} 0 obj\n".encode())
                obj.write_to_stream(out)
                out.write(b"\nendobj\n")
        base = offset + highest + 1
        # A reader and its objects refer to each other: free them now, not at the next
        # collection, or a session's memory grows with its number of batches.
        reader = page = obj = None  # type: ignore[assignment]
        gc.collect()
    pages = DictionaryObject({
        NameObject("/Type"): NameObject("/Pages"),
        NameObject("/Kids"): ArrayObject(IndirectObject(k, 0, None) for k in kids),  # type: ignore[arg-type]
        NameObject("/Count"): NumberObject(len(kids)),
    })
    catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): parent})
    info = DictionaryObject({NameObject("/Title"): TextStringObject(title), NameObject("/Producer"): TextStringObject("dossier")})
    for number, obj in ((PAGES, pages), (CATALOG, catalog), (INFO, info)):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(out)
        out.write(b"\nendobj\n")
    while len(offsets) < base:
        offsets.append(0)
    xref = out.tell()
    out.write(f"xref\n0 {len(offsets)}\n".encode())
    out.write(b"0000000000 65535 f \n")
    for position in offsets[1:]:
        out.write(f"{position:010d} 00000 n \n".encode() if position else b"0000000000 65535 f \n")
    out.write(f"trailer\n<< /Size {len(offsets)} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return len(kids)


def concatenating(inputs: list[Path], title: str = "") -> Callable[[BinaryIO], int]:
    """`concatenate` waiting for its output file (for pipeline.write.write_atomic_with)."""
    return lambda out: concatenate(inputs, out, title)
