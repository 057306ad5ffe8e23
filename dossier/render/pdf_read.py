"""Reading a PDF one object at a time, as the assembly of a long PDF needs it.

WeasyPrint puts every dictionary of a PDF into compressed object streams; pypdf
parses a whole object stream when any object in it is asked for, so reading a
page's dictionary also parses each font's widths and every destination of the
part. `PdfIn` parses only the objects asked for (through pypdf's object
parser); the references in what it gives are resolved with `get`, never with
pypdf's `get_object()`.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, read_object


class PdfIn:
    def __init__(self, source: bytes | str | Path):
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        self.reader = PdfReader(io.BytesIO(data))
        self.header = self.reader.pdf_header
        self._packed: dict[int, tuple[bytes, dict[int, int]]] = {}  # object stream -> its data and offsets
        self._objects: dict[int, object] = {}
        self._spans: dict[int, tuple[bytes, int, int]] = {}  # object -> its object stream's data, where it starts and ends

    def get(self, ref: IndirectObject | int):
        """An object of the file, by reference or number."""
        number = ref.idnum if isinstance(ref, IndirectObject) else ref
        if number not in self._objects:
            where = self.reader.xref_objStm.get(number)
            if where is None:
                self._objects[number] = self.reader.get_object(number)
            else:
                data, offsets = self._stream(where[0])
                self._objects[number] = read_object(io.BytesIO(data[offsets[number] :]), self.reader)
        return self._objects[number]

    def serialized(self, number: int) -> bytes | None:
        """An object's bytes as written in its object stream (never a stream itself), unparsed;
        None for an object outside object streams."""
        found = self._spans.get(number)
        if found is None:
            where = self.reader.xref_objStm.get(number)
            if where is None:
                return None
            data, offsets = self._stream(where[0])
            starts = sorted(offsets.values())
            following = dict(zip(starts, [*starts[1:], len(data)]))
            packed = self.reader.xref_objStm
            for n, start in offsets.items():  # every object of that object stream at once, if it is there still
                if packed.get(n, (None,))[0] == where[0]:
                    self._spans[n] = (data, start, following[start])
            found = self._spans[number]
        data, start, end = found
        return data[start:end]

    def resolve(self, value):
        """`value`, or the object it refers to."""
        return self.get(value) if isinstance(value, IndirectObject) else value

    def _stream(self, number: int) -> tuple[bytes, dict[int, int]]:
        if number not in self._packed:
            stream = self.reader.get_object(number)  # an object stream is never inside another
            data = stream.get_data() if stream.get("/Filter") != "/FlateDecode" else zlib.decompress(stream._data)
            first, count = int(stream["/First"]), int(stream["/N"])
            head = data[:first].split()
            offsets = {int(head[2 * i]): first + int(head[2 * i + 1]) for i in range(count)}
            self._packed[number] = (data, offsets)
        return self._packed[number]

    def close(self) -> None:
        """Forget what was read: pypdf's reader and the objects read through it refer to each other, which only
        the cycle collector would free, late (a long document's parts put together one at a time)."""
        self._objects.clear()
        self._packed.clear()
        self._spans.clear()
        reader = self.reader
        reader.close()
        reader.xref.clear()
        reader.xref_objStm.clear()
        reader.stream.close()  # its BytesIO: the file's bytes

    @property
    def trailer(self) -> DictionaryObject:
        return self.reader.trailer

    def catalog(self) -> DictionaryObject:
        return self.resolve(dict.get(self.trailer, "/Root"))

    def pages(self) -> list[tuple[int, DictionaryObject]]:
        """Every page in order: its object number and dictionary.

        pydyf numbers the page tree 1, before the catalog, which holds every destination of the
        part: when object 1 is the tree's root, the catalog is not parsed.
        """
        first = self.get(1) if self.reader.xref_objStm.get(1) or 1 in self.reader.xref.get(0, {}) else None
        root = IndirectObject(1, 0, self.reader) if _is_root(first) else dict.get(self.catalog(), "/Pages")  # type: ignore[arg-type]
        found: list[tuple[int, DictionaryObject]] = []
        stack = [root]
        while stack:
            ref = stack.pop()
            node = self.resolve(ref)
            if dict.get(node, "/Type") == "/Pages":
                stack.extend(reversed(list(self.resolve(dict.get(node, "/Kids")))))
            else:
                found.append((ref.idnum, node))
        return found


def _is_root(node) -> bool:
    return isinstance(node, DictionaryObject) and dict.get(node, "/Type") == "/Pages" and "/Parent" not in node


def raw(dictionary: DictionaryObject, key: str, default=None):
    """A dictionary's value as written (pypdf's [] resolves references through its own reader)."""
    return dict.get(dictionary, key, default)

