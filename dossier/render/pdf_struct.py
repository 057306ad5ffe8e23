"""One structure tree for a tagged PDF put together from tagged parts (see pdf_assemble.py).

Each part is a tagged WeasyPrint PDF: a /StructTreeRoot holding one /Document
element, a parent tree keyed by each page's /StructParents (its marked
contents' ids, MCIDs, in order) and each link's /StructParent, and header
cells (TH) named by an /ID that the data cells' /Headers give. Put together:

- the parts' Document elements become one: their children are concatenated,
  in the parts' order, under one Document (every child's /P points to it);
- the keys of each part's parent tree are shifted by the keys of the parts
  before it, and so are its pages' /StructParents and its links' /StructParent;
  MCIDs belong to their page, and a page is copied whole: they stay as they are;
- the IDs are made unique by a prefix per part (`p3-`), in the TH cells and in
  the /Headers that name them, and listed in the tree's /IDTree;
- the role maps are merged (WeasyPrint writes none, but a part may);
- a table continued from the part before (its caption and header row drawn again as artifacts, its
  Table named by the part's Document: pdf_tags.py) is one table: its Table's kids (TBody) go on in the
  Table it continues (the last Table of the part before, or the one that one continues), and its
  cells' /Headers (« suite-row-column ») name that table's header cells.

Elements are copied as they are, by the part's Copier, after the pages (their
/Pg and the links' /OBJR then point to the pages and annotations written).
"""

from __future__ import annotations

import re

from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject, TextStringObject

from .pdf_read import PdfIn, raw
from .pdf_tags import SUITE, SUITE_KEY
from .pdf_write import REFERENCE, Copier, PdfOut


def _numbers(source: PdfIn, node) -> list[tuple[int, object]]:
    """A parent tree's (key, value) pairs, in key order: as WeasyPrint writes it (one node, its values
    arrays of references or references, no string), each value as its bytes, read without parsing
    (tens of thousands of references in a long document); else as pypdf objects (`_flat_numbers`)."""
    body = source.serialized(node.idnum) if isinstance(node, IndirectObject) else None
    if body is None or b"(" in body or b"/Kids" in body or b"/Nums" not in body:
        return _flat_numbers(source, node)
    inside = body[body.index(b"[", body.index(b"/Nums")) + 1 : body.rindex(b"]")]
    found = [(int(m[1]), m[2]) for m in _NUMS.finditer(inside)]
    if _NUMS.sub(b"", inside).strip():  # something else in it: read it the slow way
        return _flat_numbers(source, node)
    return sorted(found, key=lambda item: item[0])


_NUMS = re.compile(rb"(\d+)\s*(\[[^\]]*\]|\d+\s+\d+\s+R)")  # a key, then an array of references or a reference


def _flat_numbers(source: PdfIn, node) -> list[tuple[int, object]]:
    """A number tree's (key, value as written) pairs, in key order."""
    found, stack = [], [source.resolve(node)]
    while stack:
        node = stack.pop()
        nums = source.resolve(raw(node, "/Nums"))
        if nums is not None:
            found += [(int(source.resolve(nums[i])), nums[i + 1]) for i in range(0, len(nums), 2)]
        stack.extend(source.resolve(k) for k in source.resolve(raw(node, "/Kids", ArrayObject())))
    return sorted(found, key=lambda item: item[0])


class StructMerge:
    """The parts' structure trees, merged; inactive (`active` false) unless every part is tagged and a tree is `wanted`."""

    def __init__(self, sources: list[PdfIn], copiers: list[Copier | None], out: PdfOut, wanted: bool = True):
        """With the parts' `sources`, every part opened at once (`open`). A caller putting the parts together one
        at a time gives no source, says in `wanted` whether every part is tagged, and has `copiers` (a list it
        fills as it goes, one item per part) opened, written and released one part after another."""
        self.copiers, self.out = copiers, out
        self.active = wanted and all(isinstance(_tree(source), DictionaryObject) for source in sources)
        self.roots: list = []
        self.offsets: list[int] = []
        self.next_key = 0
        if not self.active:
            return
        self.document = out.reserve()
        self.documents: list[list] = []  # per part: its Document elements (references)
        self.numbers: list[list[tuple[int, object]]] = []
        self._suites: dict[int, _Suite] = {}  # part -> its table continuing another
        self._tables: dict[tuple[int, int], _Continued] = {}  # (part, element's number) -> a table continued
        self._through: dict[int, set[int]] = {}  # part -> elements claimed here that its IDs' walk goes through
        self._kids, self._nums, self._ids, self._roles = ArrayObject(), [], [], DictionaryObject()  # what `write_part` gathers
        self._root: IndirectObject | None = None  # the tree's, numbered before the first part's elements
        for part in range(len(sources)):
            self.open(part)

    def open(self, part: int) -> None:
        """Read the next part's tree (its copier's source): its Document, parent tree, and whether its table
        continues one of the part before (which must not be written yet)."""
        if not self.active:
            return
        source, copier = self.copiers[part].source, self.copiers[part]
        root = _tree(source)
        self.roots.append(root)
        documents = _as_list(source.resolve(raw(root, "/K")))
        self.documents.append(documents)
        for document in documents:
            if isinstance(document, IndirectObject):
                copier.known[document.idnum] = self.document  # the kids' /P: the one Document
        numbers = _numbers(source, raw(root, "/ParentTree"))
        self.numbers.append(numbers)
        self.offsets.append(self.next_key)
        self.next_key += max((key for key, _value in numbers), default=-1) + 1
        for document in documents if part else ():
            suite = raw(source.resolve(document), "/" + SUITE_KEY)
            if isinstance(suite, IndirectObject) and part not in self._suites:
                self._continue(part, suite)

    def _continue(self, part: int, suite: IndirectObject) -> None:
        """Note that the part's Table `suite` continues the last table of the parts before (see the module's
        docstring); if there is none, or it has no header cells, the part's table stays as it is."""
        source = self.copiers[part].source
        element = source.resolve(suite)
        target = self._last_table(part - 1)
        parent = raw(element, "/P")
        if target is None or not isinstance(parent, IndirectObject):
            return
        table = self._tables.get(target)
        if table is None:
            table = self._tables[target] = _Continued(self._claim(*target), self._head_ids(*target))
        self._suites[part] = _Suite(suite.idnum, parent.idnum, target)
        self.copiers[part].known[suite.idnum] = table.ref  # its kids' /P: the table continued
        self._through.setdefault(part, set()).add(suite.idnum)
        if not any(parent.idnum == d.idnum for d in self.documents[part] if isinstance(d, IndirectObject)):
            self._claim(part, parent.idnum)  # its parent is written without it

    def _claim(self, part: int, idnum: int) -> IndirectObject:
        self._through.setdefault(part, set()).add(idnum)
        return self.copiers[part].known.get(idnum) or self.copiers[part].claim(idnum)

    def _last_table(self, part: int) -> tuple[int, int] | None:
        """The last Table of a part's tree (or the table it continues, if it is the part's own continuation)."""
        source = self.copiers[part].source
        stack = [ref for d in self.documents[part] for ref in _as_list(source.resolve(raw(source.resolve(d), "/K")))]
        while stack:
            ref = stack.pop()
            element = source.resolve(ref) if isinstance(ref, IndirectObject) else None
            if not isinstance(element, DictionaryObject) or "/S" not in element:
                continue
            if element["/S"] == "/Table":
                suite = self._suites.get(part)
                return suite.target if suite and suite.idnum == ref.idnum else (part, ref.idnum)
            stack += _as_list(source.resolve(raw(element, "/K")))
        return None

    def _head_ids(self, part: int, idnum: int) -> dict[bytes, bytes]:
        """A table's header cells in its THead, « row-column » -> their ID in the whole."""
        source, ids = self.copiers[part].source, {}
        stack = [ref for ref in _as_list(source.resolve(raw(source.get(idnum), "/K")))]
        while stack:
            element = source.resolve(stack.pop())
            if isinstance(element, DictionaryObject) and element.get("/S") in ("/THead", "/TR", "/TH"):
                if "/ID" in element:
                    owner, place = str(element["/ID"]).split("-", 1)
                    ids[place.encode()] = f"p{part + 1}-{owner}-{place}".encode()
                stack += _as_list(source.resolve(raw(element, "/K")))
        return ids

    def _join(self, part: int, copier: Copier) -> None:
        """After the part's IDs are written: the kids of the tables continued, those of the part's continuation
        (in the table it continues), and the continuation's parent, written without it."""
        source = copier.source
        for (owner, idnum), table in self._tables.items():
            if owner == part:
                element = source.get(idnum)
                table.element = copier.convert(element, skip=("/K",))
                table.kids += [copier.convert(kid) for kid in _as_list(source.resolve(raw(element, "/K")))]
        suite = self._suites.get(part)
        if suite is None:
            return
        self._tables[suite.target].kids += [copier.convert(kid) for kid in _as_list(source.resolve(raw(source.get(suite.idnum), "/K")))]
        if suite.parent in copier.known and suite.parent in self._through[part]:
            parent = source.get(suite.parent)
            kept = [kid for kid in _as_list(source.resolve(raw(parent, "/K"))) if getattr(kid, "idnum", None) != suite.idnum]
            new = copier.convert(parent, skip=("/K",))
            new[NameObject("/K")] = ArrayObject(copier.convert(kid) for kid in kept)
            self.out.write(new, copier.known[suite.parent])

    def shift(self, part: int, dictionary: DictionaryObject, key: str) -> None:
        """A page's /StructParents or an annotation's /StructParent, as numbered in the whole."""
        if self.active and key in dictionary:
            dictionary[NameObject(key)] = NumberObject(int(dictionary[key]) + self.offsets[part])

    def write(self) -> IndirectObject | None:
        """The whole's /StructTreeRoot (after the pages are written), or None if a part is not tagged."""
        if not self.active:
            return None
        for part in range(len(self.copiers)):
            self.write_part(part)
        return self.finish()

    def write_part(self, part: int) -> None:
        """A part's elements (after its pages, and after the next part is opened: its table may continue one of
        this part), and what the whole's tree takes of it; `release` may then forget the part."""
        if not self.active:
            return
        if self._root is None:
            self._root = self.out.reserve()
        copier = self.copiers[part]
        documents = self.documents[part]
        if len(self.copiers) > 1:  # one part's IDs are unique already: copied as they are
            self._ids += self._prefix_ids(part, copier)
        suite = self._suites.get(part)
        for document in documents:
            self._kids += [copier.convert(kid) for kid in _as_list(copier.source.resolve(raw(copier.source.resolve(document), "/K")))
                           if not (suite and getattr(kid, "idnum", None) == suite.idnum)]
        self._join(part, copier)
        for key, value in self.numbers[part]:
            if isinstance(value, bytes):  # as read: its references renumbered
                value = REFERENCE.sub(copier.renumbered, value)
            else:
                value = copier.convert(value)
                value = _serialized(value)
            self._nums.append(b"%d %s" % (key + self.offsets[part], value))
        for name, role in copier.source.resolve(raw(self.roots[part], "/RoleMap", DictionaryObject())).items():
            self._roles.setdefault(NameObject(name), copier.convert(role))
        copier.flush()

    def release(self, part: int) -> None:
        """Forget what was read of a part once written (the caller drops its copier)."""
        if self.active:
            self.roots[part] = self.documents[part] = self.numbers[part] = None  # type: ignore[call-overload]

    def finish(self) -> IndirectObject | None:
        """The tables continued across parts, the one Document and the /StructTreeRoot, after every part is written."""
        if not self.active:
            return None
        root = self._root or self.out.reserve()
        kids, nums, ids, roles = self._kids, self._nums, self._ids, self._roles
        for table in self._tables.values():
            table.element[NameObject("/K")] = ArrayObject(table.kids)
            self.out.write(table.element, table.ref)
        self.out.write(DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Document"),
            NameObject("/P"): root, NameObject("/K"): kids,
        }), self.document)
        tree = DictionaryObject({
            NameObject("/Type"): NameObject("/StructTreeRoot"), NameObject("/K"): ArrayObject([self.document]),
            NameObject("/ParentTree"): self._write_bytes(b"<< /Nums [ " + b" ".join(nums) + b" ] >>"),
            NameObject("/ParentTreeNextKey"): NumberObject(self.next_key),
        })
        if ids:
            names = ArrayObject()
            for name, ref in sorted(ids, key=lambda item: item[0]):
                names += [TextStringObject(name), ref]
            tree[NameObject("/IDTree")] = self.out.write(DictionaryObject({NameObject("/Names"): names}))
        if roles:
            tree[NameObject("/RoleMap")] = roles
        return self.out.write(tree, root)

    def _write_bytes(self, body: bytes) -> IndirectObject:
        ref = self.out.reserve()
        self.out.write_serialized(body, ref)
        return ref

    def _prefix_ids(self, part: int, copier: Copier) -> list[tuple[str, IndirectObject]]:
        """Write the part's elements that carry an /ID or name /Headers, with the part's prefix; return the IDs."""
        source, prefix = copier.source, f"p{part + 1}-"
        found: list[tuple[str, IndirectObject]] = []
        stack = _numbers_of([ref for document in self.documents[part] for ref in _as_list(source.resolve(raw(source.resolve(document), "/K")))])
        seen: set[int] = set()
        before = set(copier.known) - self._through.get(part, set())  # what the walk refers to is still walked
        suite = self._suites.get(part)
        names = self._tables[suite.target].ids if suite else {}  # a continuation's header cells: those it continues
        serialized = source.serialized
        while stack:
            idnum = stack.pop()
            if idnum in seen or idnum in before:
                continue  # a page, annotation or Document the whole has already (direct kids, MCIDs, are not stacked)
            seen.add(idnum)
            body = serialized(idnum)
            if body is not None and b"/ID" not in body and b"/Headers" not in body:
                stack += map(int, REFERENCE.findall(body))  # read unparsed
                continue
            if body is not None and body.count(b"(") == len(_WEASYPRINT_ID.findall(body)) + len(_SUITE_ID.findall(body)):
                stack += map(int, REFERENCE.findall(body))  # strings: only IDs
                target = copier.take(idnum)
                prefixed = _WEASYPRINT_ID.sub(lambda m: b"(" + prefix.encode() + m[1] + b")", body)
                prefixed = _SUITE_ID.sub(lambda m: b"(" + names[m[1]] + b")" if m[1] in names else b"", prefixed)
                self.out.write_serialized(REFERENCE.sub(copier.renumbered, prefixed), target)
                found += [(prefix + name.decode(), target) for name in _OWN_ID.findall(body)]
                continue
            element = source.get(idnum)
            if not isinstance(element, DictionaryObject) or "/S" not in element:
                continue
            stack += _numbers_of(_as_list(source.resolve(raw(element, "/K"))))
            attributes = source.resolve(raw(element, "/A"))
            headers = _as_list(source.resolve(raw(attributes, "/Headers"))) if isinstance(attributes, DictionaryObject) else []
            if "/ID" not in element and not headers:
                continue
            new = copier.convert(element, skip=("/A",))
            if attributes is not None:
                new[NameObject("/A")] = copier.convert(attributes, skip=("/Headers",))
                if headers:
                    named = [_header(prefix, str(source.resolve(h)), names) for h in headers]
                    new["/A"][NameObject("/Headers")] = ArrayObject(TextStringObject(h) for h in named if h)
            target = copier.take(idnum)
            if "/ID" in element:
                name = prefix + str(source.resolve(raw(element, "/ID")))
                new[NameObject("/ID")] = TextStringObject(name)
                found.append((name, target))
            self.out.write(new, target)
        return found


class _Suite:
    """A part's Table continuing a table of the parts before: its number, its parent's, the table continued."""

    def __init__(self, idnum: int, parent: int, target: tuple[int, int]):
        self.idnum, self.parent, self.target = idnum, parent, target


class _Continued:
    """A table continued in later parts: its reference in the whole, its header cells' IDs (`_head_ids`),
    its element (converted, without /K) and its kids and those of its continuations."""

    def __init__(self, ref: IndirectObject, ids: dict[bytes, bytes]):
        self.ref, self.ids = ref, ids
        self.element: DictionaryObject | None = None
        self.kids: list = []


def _header(prefix: str, name: str, names: dict[bytes, bytes]) -> str:
    """A header cell's ID named by a cell, in the whole ('' if a continuation's names none of those it continues)."""
    if name.startswith(SUITE + "-"):
        return names.get(name[len(SUITE) + 1 :].encode(), b"").decode()
    return prefix + name


_WEASYPRINT_ID = re.compile(rb"\((\d+-\d+-\d+)\)")  # a header cell's ID, as WeasyPrint writes it: (table-row-column)
_OWN_ID = re.compile(rb"/ID\s*\((\d+-\d+-\d+)\)")
_SUITE_ID = re.compile(rb"\(" + SUITE.encode() + rb"-(\d+-\d+)\)")  # a continuation's header cell, named by a cell


def _serialized(obj) -> bytes:
    from .pdf_write import _Buffer

    buffer = _Buffer()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def _tree(source: PdfIn):
    return source.resolve(raw(source.catalog(), "/StructTreeRoot"))


def _numbers_of(values: list) -> list[int]:
    """The object numbers of the references among `values` (a direct kid, an MCID, is left out)."""
    return [value.idnum for value in values if isinstance(value, IndirectObject)]


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, ArrayObject) else [value]
