"""Read a tagged PDF's structure back (pypdf): its tree, its parent tree, what each page's content is marked as."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject

PAINTING = {b"Tj", b"TJ", b"'", b'"', b"Do", b"BI"}


@dataclass
class Tagged:
    reader: PdfReader
    catalog: DictionaryObject
    elements: list[tuple[int, str, DictionaryObject]] = field(default_factory=list)  # depth, /S, element
    _texts: dict = field(default_factory=dict)

    def kinds(self, *names: str) -> list[tuple[str, DictionaryObject]]:
        return [(s, e) for _d, s, e in self.elements if s in names]

    def text(self, element: DictionaryObject) -> str:
        """The text of an element's marked content (its MCIDs, on their pages), read as pypdf reads a page."""
        found = []

        def walk(node, page):
            node = node.get_object() if isinstance(node, IndirectObject) else node
            if isinstance(node, int):
                found.append(self.mcid_texts(page).get(int(node), ""))
            elif isinstance(node, ArrayObject):
                for kid in node:
                    walk(kid, page)
            elif isinstance(node, DictionaryObject):
                here = node.raw_get("/Pg").idnum if "/Pg" in node else page
                if "/MCID" in node:
                    found.append(self.mcid_texts(here).get(int(node["/MCID"]), ""))
                elif "/S" in node:
                    walk(node.get("/K"), here)

        walk(element, None)
        return " ".join("".join(found).split())

    def mcid_texts(self, page_ref: int) -> dict[int, str]:
        if page_ref not in self._texts:
            number = next(i for i, p in enumerate(self.reader.pages) if p.indirect_reference.idnum == page_ref)
            self._texts[page_ref] = mcid_texts(self.reader, number)
        return self._texts[page_ref]


def mcid_texts(reader: PdfReader, number: int) -> dict[int | None, str]:
    """Page `number`'s text by the MCID it is marked with (None: not marked, or an artifact)."""
    stack: list[int | None] = []
    texts: dict[int | None, str] = {}

    def before(op, args, cm, tm):
        if op in (b"BDC", b"BMC"):
            props = args[1] if len(args) > 1 else None
            stack.append(int(props["/MCID"]) if isinstance(props, DictionaryObject) and "/MCID" in props else None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(t, cm, tm, font, size):
        mcid = next((m for m in reversed(stack) if m is not None), None)
        texts[mcid] = texts.get(mcid, "") + t

    reader.pages[number].extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def read(path: Path) -> Tagged:
    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    tagged = Tagged(reader, catalog)
    root = catalog.get("/StructTreeRoot")
    if root is None:
        return tagged
    stack = [(0, k) for k in reversed(_kids(root))]
    while stack:
        depth, node = stack.pop()
        node = node.get_object()
        if isinstance(node, DictionaryObject) and "/S" in node:
            tagged.elements.append((depth, str(node["/S"]), node))
            stack.extend((depth + 1, k) for k in reversed(_kids(node)))
    return tagged


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    kids = kids.get_object()
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def loose_content(reader: PdfReader, number: int) -> list[str]:
    """Page `number`'s text and image operators that are neither in an MCID's marked content nor
    an artifact (the forms drawn on the page are read too)."""
    page = reader.pages[number]
    loose: list[str] = []

    def scan(content, resources, stack):
        for operands, op in ContentStream(content, reader).operations:
            if op in (b"BDC", b"BMC"):
                tag = str(operands[0])
                props = operands[1] if len(operands) > 1 else None
                mcid = int(props["/MCID"]) if isinstance(props, DictionaryObject) and "/MCID" in props else None
                stack.append((tag, mcid))
            elif op == b"EMC":
                stack.pop()
            elif op in PAINTING:
                inside = any(tag == "/Artifact" or mcid is not None for tag, mcid in stack)
                xobject = None
                if op == b"Do" and resources is not None:
                    xobject = resources.get("/XObject", {}).get(str(operands[0]))
                    xobject = xobject.get_object() if xobject is not None else None
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    scan(xobject, xobject.get("/Resources"), stack)
                elif not inside:
                    loose.append(op.decode())

    scan(page.get_contents(), page.get("/Resources"), [])
    return loose


def parent_tree(root: DictionaryObject) -> dict[int, object]:
    """The parent tree, flattened: key -> value."""
    found: dict[int, object] = {}
    stack = [root["/ParentTree"].get_object()]
    while stack:
        node = stack.pop()
        if "/Nums" in node:
            nums = node["/Nums"]
            for i in range(0, len(nums), 2):
                found[int(nums[i])] = nums[i + 1].get_object()
        stack.extend(k.get_object() for k in node.get("/Kids", []))
    return found


def actual_texts(tagged: Tagged) -> list[str]:
    """The /ActualText of the tree's elements, in the tree's (reading) order; each checked against the
    text of the element's marked content (what the page draws there)."""
    found = [(str(e["/ActualText"]), tagged.text(e)) for _d, _s, e in tagged.elements if "/ActualText" in e]
    for actual, drawn in found:
        assert " ".join(actual.split()) == drawn, (actual, drawn)
    return [actual for actual, _drawn in found]
