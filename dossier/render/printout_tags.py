"""The structure tree of a merged print PDF (pdf_increment.Printout): one tree, the base's elements once per copy.

A tagged base's pages draw marked content that its structure elements own through the parent tree
(a page's /StructParents → the elements of its MCIDs). In a printout every copy's pages draw the
base's content again, so each copy gets its own copy of the base's elements: the same
dictionaries, renumbered (/K, /P and /Pg point to the copy's elements and pages; /ID and the
/Headers that name them prefixed per copy), its values' elements filled as in a single copy
(increment_tags.Tags: the value's MCID, its /ActualText), its pages their own /StructParents, and
one parent-tree array per page. Every copy's elements sit under one Document (the base's, written
again at the end), each copy's own Document left empty (null). A copy's elements and arrays are written
in one compressed object stream (pdf_increment.Printout); what the root's /K and the parent tree list is
spooled to temporary files as copies come, and written at the end.

What every copy writes is made smaller once, in the template (`_slimmed`, `_compact`): the plain Spans
WeasyPrint wraps each run of text in are folded into their cell, heading or paragraph, the optional /Pg
left out where an element has no content of its own, no spaces between entries. Each copy's object stream
is then mostly one join of pieces (`Packed`): its numbers' digits give each element's place in it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from .increment_tags import text_string

REF = re.compile(rb"(\d+) 0 R")
ID_MARK = "DOSSIERIDPREFIX"
PLAIN = re.compile(r"[A-Za-z0-9 ._:-]*")  # a text string written as it is, in parentheses


@dataclass(frozen=True)
class TreeTemplate:
    elements: tuple[tuple, ...]  # per element, in tree order: its serialisation as literals and slots
    filled: dict  # element index → (field, serialisation with %ACTUAL%, %K% and its page slot)
    tops: tuple[int, ...]  # the indices of the root's children
    arrays: tuple[tuple[int, ...], ...]  # per page: its MCIDs' element indices, in order
    keys: tuple[bytes, ...]  # per page: « /StructParents n » as in the page template
    root: tuple[int, bytes, bytes]  # the root's number, its dictionary before and after its /K array
    parent_tree: int  # the parent tree's number (written again, for every page of the printout)
    # the base's one Document: its number, index, its children's indices, its dictionary before and after its
    # /K array; the printout's one Document, every copy's children under it (None: a copy's tops as they are)
    document: tuple[int, int, tuple[int, ...], bytes, bytes] | None = None
    # a copy's object stream: its elements' order in it (those formatted together, then those filled per copy or
    # shared), then its parent-tree arrays; the xref rows of its objects by number, as the pieces the stream's
    # number (4 bytes) joins
    order: tuple[int, ...] = ()
    rows: tuple[bytes, ...] = ()
    packed: Packed | None = None  # the elements formatted together (`_packed`): None, each formatted on its own


@dataclass(frozen=True)
class Packed:
    """The elements every copy writes the same way but for its numbers and ID prefix, one per line, as pieces:
    a copy's values (`literals`, then its elements' numbers, its pages' numbers, its ID prefix) picked in
    order; each element's place in the object stream computed from how many digits those numbers have."""

    literals: tuple[bytes, ...]
    picks: tuple[int, ...]  # indices into the copy's values, in order
    before: tuple[tuple[int, int, int, int], ...]  # per element: literal bytes, element, page and ID slots before it
    cache: dict = field(default_factory=dict, compare=False)  # (digits of elements, of pages, prefix length) → head

    def pick(self):
        if "pick" not in self.cache:
            from operator import itemgetter

            self.cache["pick"] = itemgetter(*self.picks) if len(self.picks) > 1 else lambda values: (values[self.picks[0]],)
        return self.cache["pick"]


def _serial(obj) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def _slots(text: bytes, elements: dict[int, int], pages: dict[int, int]) -> tuple:
    """Literal bytes, ("e", index) for an element, ("p", index) for a page, ("id",) for the copy's ID prefix."""
    out: list = []
    last = 0
    for match in REF.finditer(text):
        number = int(match.group(1))
        if number in elements or number in pages:
            out += [text[last:match.start()], ("e", elements[number]) if number in elements else ("p", pages[number])]
            last = match.end()
    out.append(text[last:])
    flat: list = []
    for piece in out:
        if isinstance(piece, bytes) and ID_MARK.encode() in piece:
            for i, part in enumerate(piece.split(ID_MARK.encode())):
                flat += [("id",), part] if i else [part]
        else:
            flat.append(piece)
    return tuple(p for p in flat if p != b"")


def template(data: bytes, tags) -> TreeTemplate | None:
    """The base's tree as templates, or None when a printout cannot be tagged this way (links, several roots)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    root_ref = catalog.raw_get("/StructTreeRoot")
    if tags is None or not isinstance(root_ref, IndirectObject) or any("/Annots" in p for p in reader.pages):
        return None
    root = root_ref.get_object()
    numbers: list[int] = []
    stack = [root.raw_get("/K")]
    while stack:  # the elements, depth first in reading order
        node = stack.pop()
        if isinstance(node, ArrayObject):
            stack.extend(reversed(list(node)))
        elif isinstance(node, IndirectObject):
            obj = node.get_object()
            if isinstance(obj, DictionaryObject) and "/S" in obj and node.idnum not in numbers:
                numbers.append(node.idnum)
                if "/K" in obj:
                    stack.append(obj.raw_get("/K"))
        elif isinstance(node, DictionaryObject) and node.get("/Type") == "/OBJR":
            return None
    pages = {p.indirect_reference.idnum: j for j, p in enumerate(reader.pages)}
    fields = {number: name for number, name, _ in tags.fields}

    def prefixed(obj: DictionaryObject) -> DictionaryObject:
        obj = prefix_ids(obj, ID_MARK)
        obj.pop("/Type", None)  # optional (ISO 32000-1, table 323): a sixth of what each copy formats and compresses
        return obj

    objects = [prefixed(reader.get_object(number)) for number in numbers]
    owner = _slimmed(numbers, objects, {t.idnum for t in _as_refs(root.raw_get("/K"))} | set(fields))
    kept = [number for number in numbers if number not in owner]
    elements = {n: i for i, n in enumerate(kept)}
    serialised, filled = [], {}
    for number, obj in zip(numbers, objects):
        if number in owner:
            continue
        serialised.append(_slots(_compact(obj), elements, pages))
        if number in fields:
            for key, mark in (("/ActualText", "/ACTUALMARK"), ("/K", "/KMARK"), ("/Pg", "/PGMARK")):
                obj[NameObject(key)] = NameObject(mark)
            text = _compact(obj).replace(b"/ACTUALMARK", b"%ACTUAL%").replace(b"/KMARK", b"%K%").replace(b"/PGMARK", b"%PG%")
            filled[elements[number]] = (fields[number], _slots(text, elements, pages))
    tree = root["/ParentTree"]
    if "/Nums" not in tree:
        return None
    nums = list(tree["/Nums"])
    by_key = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    arrays, keys = [], []
    for page in reader.pages:
        key = int(page["/StructParents"])
        arrays.append(tuple(elements[owner.get(ref.idnum, ref.idnum)] for ref in by_key[key]))
        keys.append(b"/StructParents %d" % key)
    rest = DictionaryObject(root)
    rest[NameObject("/K")] = NameObject("/KIDSMARK")
    rest[NameObject("/ParentTreeNextKey")] = NameObject("/NEXTMARK")
    before, after = _serial(rest).split(b"/KIDSMARK")
    tops = root.raw_get("/K")
    tops = [tops] if not isinstance(tops, ArrayObject) else list(tops)
    document = _document(tops, elements)
    return TreeTemplate(
        tuple(serialised), filled, tuple(elements[t.idnum] for t in tops), tuple(arrays), tuple(keys),
        (root_ref.idnum, before + b"[", b"]" + after), root.raw_get("/ParentTree").idnum, document,
        *_stream(serialised, {document[1]: document[0]} if document is not None else {}, set(filled), len(arrays)),
    )


# a plain Span's parents that may hold its marked content themselves (text-level and heading elements, cells)
HOLDERS = {"/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/TD", "/TH", "/Lbl", "/LBody", "/Caption", "/Span"}


def _as_refs(node) -> list:
    from pypdf.generic import ArrayObject, IndirectObject

    return [k for k in (node if isinstance(node, ArrayObject) else [node]) if isinstance(k, IndirectObject)]


def _slimmed(numbers: list[int], objects: list, keep: set[int]) -> dict[int, int]:
    """The copies' elements made fewer and shorter (in place; each copy formats and compresses them all):

    - a plain Span (no attribute: /S /K /Pg /P only) whose children are all marked content, on its parent's
      page, is folded into its parent, if a text-level element, a heading or a cell: the parent holds those
      MCIDs where the Span stood, and the parent tree names the parent for them (WeasyPrint wraps each run
      of text in one: ~40 % of a grid's elements);
    - an element without marked content of its own loses /Pg (optional: the page of its own content).

    Not folded: the elements in `keep` (the root's children, the fields), nor into them. The folded Spans → their
    parent."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject

    by_number = dict(zip(numbers, objects))
    owner: dict[int, int] = {}
    for number, obj in reversed(list(zip(numbers, objects))):  # children first: a Span of Spans may fold in turn
        kids = _kids(obj)
        parent = obj.raw_get("/P") if "/P" in obj else None
        if number in keep or obj.get("/S") != "/Span" or set(obj) - {"/S", "/K", "/Pg", "/P"} \
                or not all(isinstance(k, int) for k in kids) or not isinstance(parent, IndirectObject):
            continue
        holder = by_number.get(parent.idnum)  # not an element filled per copy: its content is replaced
        if holder is None or parent.idnum in keep or holder.get("/S") not in HOLDERS or "/Pg" not in obj and kids:
            continue
        held = _kids(holder)
        at = next((i for i, k in enumerate(held) if isinstance(k, IndirectObject) and k.idnum == number), None)
        if at is None:
            continue
        if kids and "/Pg" not in holder and not any(isinstance(k, int) for k in held):
            holder[NameObject("/Pg")] = obj.raw_get("/Pg")  # a cell with no content of its own: now the Span's
        elif kids and not _same_page(holder, obj):
            continue
        held[at:at + 1] = [NumberObject(k) for k in kids]  # an empty Span (a box to tick, drawn) is dropped
        if held:
            holder[NameObject("/K")] = ArrayObject(held)
        else:
            del holder["/K"]
        owner[number] = parent.idnum
    for number in owner:  # a Span folded into a Span folded in turn: its MCIDs belong to where they ended
        while owner[number] in owner:
            owner[number] = owner[owner[number]]
    for number, obj in zip(numbers, objects):
        kids = _kids(obj)
        if number not in keep and number not in owner and "/Pg" in obj \
                and not any(isinstance(k, int) or (isinstance(k, DictionaryObject) and "/MCID" in k) for k in kids):
            del obj["/Pg"]
    return owner


def _kids(obj) -> list:
    """An element's /K as a list (raw: references unresolved)."""
    from pypdf.generic import ArrayObject

    if "/K" not in obj:
        return []
    kids = obj.raw_get("/K")
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def _same_page(one, other) -> bool:
    from pypdf.generic import IndirectObject

    pages = [e.raw_get("/Pg") if "/Pg" in e else None for e in (one, other)]
    return all(isinstance(p, IndirectObject) for p in pages) and pages[0].idnum == pages[1].idnum


def _compact(obj) -> bytes:
    """An object serialised without the spaces and line breaks pypdf puts around its entries (a third of a
    structure element's bytes)."""
    from pypdf.generic import ArrayObject, DictionaryObject, TextStringObject

    if isinstance(obj, DictionaryObject):
        return b"<<" + b"".join(_serial(key) + b" " + _compact(value) for key, value in obj.items()) + b">>"
    if isinstance(obj, ArrayObject):
        return b"[" + b" ".join(_compact(item) for item in obj) + b"]"
    if isinstance(obj, TextStringObject) and PLAIN.fullmatch(str(obj)):
        return b"(" + str(obj).encode("ascii") + b")"  # an ID as it reads (pypdf writes « - » as « \055 »)
    return _serial(obj)


def prefix_ids(element, prefix: str):
    """A copy of a structure element with its /ID, and the IDs its /Headers name (its own, or in its attributes
    /A, where WeasyPrint puts a cell's), prefixed: a copy's header cells and the cells naming them."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def headers(owner: DictionaryObject) -> None:
        if "/Headers" in owner:
            owner[NameObject("/Headers")] = ArrayObject(TextStringObject(prefix + str(h)) for h in owner["/Headers"])

    element = DictionaryObject(element)
    if "/ID" in element:
        element[NameObject("/ID")] = TextStringObject(prefix + str(element["/ID"]))
    headers(element)
    if "/A" in element:
        attributes = element["/A"]
        many = isinstance(attributes, ArrayObject)
        attributes = [DictionaryObject(a) if isinstance(a, DictionaryObject) else a for a in (attributes if many else [attributes])]
        for a in attributes:
            if isinstance(a, DictionaryObject):
                headers(a)
        element[NameObject("/A")] = ArrayObject(attributes) if many else attributes[0]
    return element


def _stream(elements: list[tuple], fixed: dict[int, int], apart: set[int], pages: int) -> tuple[tuple, tuple, Packed | None]:
    """A copy's object stream: the order of its elements in it (first those formatted together, then those
    filled per copy (`apart`) and the ones every copy shares (`fixed`: index → number), written "null"), then
    its pages' arrays; the xref rows of its objects, by number; the elements formatted together."""
    import struct

    together = [i for i in range(len(elements)) if i not in apart and i not in fixed]
    order = (*together, *(i for i in range(len(elements)) if i in apart or i in fixed))
    place = {index: at for at, index in enumerate(order)}
    places = [struct.pack(">H", place.get(n, n)) for n in range(len(elements) + pages)]  # (/W [ 1 4 2 ], type 2)
    rows = (b"\x02", *(at + b"\x02" for at in places[:-1]), places[-1])
    return order, rows, _packed(elements, together, fixed, pages)


def _packed(elements: list[tuple], together: list[int], fixed: dict[int, int], pages: int) -> Packed | None:
    """The elements `together` (their `_slots`), one per line, as pieces picked from a copy's values (`Packed`)."""
    if not together:
        return None
    literals: list[bytes] = []
    picks: list = []  # ("l", literal) or a slot: ("e", element index), ("p", page index), ("id",)
    before = []
    literal, counts = 0, {"e": 0, "p": 0, "id": 0}
    pending = b""
    for index in together:
        before.append((literal, counts["e"], counts["p"], counts["id"]))
        for piece in (*elements[index], b"\n"):
            if isinstance(piece, bytes) or (piece[0] == "e" and piece[1] in fixed):
                piece = piece if isinstance(piece, bytes) else b"%d 0 R" % fixed[piece[1]]
                pending += piece
                literal += len(piece)
                continue
            if pending:
                picks.append(("l", len(literals)))
                literals.append(pending)
            pending = b" 0 R" if piece[0] != "id" else b""
            literal += len(pending)
            picks.append(piece)
            counts[piece[0]] += 1
    if pending[:-1]:  # the last line break left out
        picks.append(("l", len(literals)))
        literals.append(pending[:-1])
    count = len(elements)
    where = {"l": 0, "e": len(literals), "p": len(literals) + count, "id": len(literals) + count + pages}
    return Packed(tuple(literals), tuple(where[p[0]] + (p[1] if len(p) > 1 else 0) for p in picks), tuple(before))


def _document(tops: list, elements: dict[int, int]) -> tuple[int, int, tuple[int, ...], bytes, bytes] | None:
    """The base's Document, when it is the root's one child and its children are all elements (not marked content)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if len(tops) != 1 or not isinstance(tops[0], IndirectObject):
        return None
    document = tops[0].get_object()
    kids = document.raw_get("/K") if "/K" in document else None
    kids = list(kids) if isinstance(kids, ArrayObject) else [kids]
    if document.get("/S") != "/Document" or not all(isinstance(k, IndirectObject) and k.idnum in elements for k in kids):
        return None
    rest = DictionaryObject(document)
    rest[NameObject("/K")] = NameObject("/KIDSMARK")
    before, after = _serial(rest).split(b"/KIDSMARK")
    return tops[0].idnum, elements[tops[0].idnum], tuple(elements[k.idnum] for k in kids), before + b"[", b"]" + after


def render(pieces: tuple, first: int, pages: list[int], prefix: bytes, extra: dict[bytes, bytes] | None = None,
           fixed: dict[int, int] | None = None) -> bytes:
    """An element of a copy: its slots given the copy's first element number and its page numbers
    (`fixed`: elements every copy shares, by index: their numbers)."""
    out = []
    for piece in pieces:
        if isinstance(piece, bytes):
            out.append(piece)
        elif piece[0] == "e":
            out.append(b"%d 0 R" % (fixed[piece[1]] if fixed and piece[1] in fixed else first + piece[1]))
        elif piece[0] == "p":
            out.append(b"%d 0 R" % pages[piece[1]])
        else:
            out.append(prefix)
    text = b"".join(out)
    for mark, value in (extra or {}).items():
        text = text.replace(mark, value)
    return text


def copy_stream(tree: TreeTemplate, first: int, pages: list[int], copy: int, values: dict[str, str],
                marks: dict) -> tuple[bytes, bytes]:
    """A copy's elements then its pages' parent-tree arrays, numbered from `first` in that order, as an object
    stream's head and body: the elements in `tree.order` (most formatted together, `tree.packed`), then the
    arrays. Under the printout's one Document (tree.document), the copy's own Document is left empty (null),
    its children point to that one."""
    prefix = b"c%d-" % copy
    fixed = {tree.document[1]: tree.document[0]} if tree.document is not None else None
    packed, count = tree.packed, len(tree.elements)
    head = _head(packed, tree.order, first, count, pages, len(prefix)) if packed is not None else None
    numbers = [b"%d" % n for n in range(first, first + count)]
    if head is not None:  # the elements formatted together, their places in the stream known: then the others
        lines = [b"".join(packed.pick()((*packed.literals, *numbers, *(b"%d" % n for n in pages), prefix)))]
        head_literals, head_pick = head
        heads = [b"".join(head_pick((*numbers, *head_literals)))]
        rest, start = tree.order[len(packed.before):], len(lines[0]) + 1
    else:  # each on its own (a copy whose numbers change their count of digits)
        lines, heads, rest, start = [], [], tree.order, 0
    extra_mcids: dict[int, list[tuple[int, int]]] = {}  # page → (MCID, element index)
    for index in rest:
        field = tree.filled.get(index)
        if fixed and index in fixed:
            text = b"null"
        elif field is not None and field[0] in marks:
            page, mcid = marks[field[0]]
            text = render(field[1], first, pages, prefix, {
                b"%ACTUAL%": text_string(values[field[0]]), b"%K%": b"[ %d ]" % mcid, b"%PG%": b"%d 0 R" % pages[page]}, fixed)
            extra_mcids.setdefault(page, []).append((mcid, index))
        else:
            text = render(tree.elements[index], first, pages, prefix, fixed=fixed)
        heads.append(b"%d %d" % (first + index, start))
        lines.append(text)
        start += len(text) + 1
    for page, array in enumerate(tree.arrays):
        refs = [*array, *(index for _, index in sorted(extra_mcids.get(page, [])))]
        text = b"[" + b" 0 R ".join([numbers[i] for i in refs]) + b" 0 R]" if refs else b"[]"
        heads.append(b"%d %d" % (first + count + page, start))
        lines.append(text)
        start += len(text) + 1
    return b" ".join(heads) + b"\n", b"\n".join(lines)


def _head(packed: Packed, order: tuple[int, ...], first: int, count: int, pages: list[int], prefix: int) -> tuple | None:
    """The head of the elements formatted together (« number offset » each), as pieces picked from the copy's
    element numbers then the offsets: None when the copy's element numbers or page numbers do not all have
    the same number of digits."""
    digits = len(b"%d" % first)
    widths = {len(b"%d" % page) for page in pages}
    if len(b"%d" % (first + count - 1)) != digits or len(widths) != 1:
        return None
    key = (digits, *widths, prefix)
    head = packed.cache.get(key)
    if head is None:
        from operator import itemgetter

        offsets = [b" %d " % (literal + elements * digits + on_pages * key[1] + ids * prefix)
                   for literal, elements, on_pages, ids in packed.before]
        offsets[-1] = offsets[-1][:-1]
        head = packed.cache[key] = (tuple(offsets), itemgetter(*(i for k, index in enumerate(order[:len(offsets)]) for i in (index, count + k))))
    return head
