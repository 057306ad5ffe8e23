"""A tagged base (PDF/UA-1) filled by incremental updates (pdf_increment.py): the values as tagged content.

The base is laid out tagged, each field's element titled with its id (pdf_tags.py).
Here, once per base: those elements are found (their titles taken away), and
templates kept of what each copy writes again: each field's element, and the
parent tree. In each copy, a field's drawing is marked content with the next
MCID of its page (`/Span <</MCID n>> BDC … EMC`); its element gets that MCID as
its content, the value as its /ActualText, and the parent tree maps the MCID
back to it: a screen reader reads the value where the field stands.
"""

from __future__ import annotations

import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Tags:
    fields: tuple[tuple[int, str, bytes], ...]  # element number, field, dictionary with %ACTUAL% %K% %PG%
    pages: tuple[tuple[int, int], ...]  # per page: its object number, its first free MCID
    parent_tree: tuple[int, bytes]  # number, dictionary with « %Pn% » at the end of page n's array
    untagged: tuple[int, bytes]  # the catalog without its tree, for the printouts (pages only)

    def marks(self, boxes: dict, values: dict[str, str]) -> dict[str, tuple[int, int]]:
        """Each field with a value: its page and MCID."""
        following = [mcid for _number, mcid in self.pages]
        found = {}
        for _element, name, _template in self.fields:
            if values.get(name) and name in boxes:
                page = boxes[name][0]
                found[name] = (page, following[page])
                following[page] += 1
        return found

    def write(self, update, values: dict[str, str], marks: dict[str, tuple[int, int]]) -> None:
        added: dict[int, list[bytes]] = {}
        for element, name, template in self.fields:
            if name in marks:
                page, mcid = marks[name]
                update.add(element, template.replace(b"%ACTUAL%", text_string(values[name]))
                           .replace(b"%K%", b"[ %d ]" % mcid).replace(b"%PG%", b"%d 0 R" % self.pages[page][0]))
                added.setdefault(page, []).append(b"%d 0 R" % element)
        number, tree = self.parent_tree
        for page in range(len(self.pages)):
            tree = tree.replace(b"%%P%d%%" % page, b" ".join(added.get(page, [])))
        update.add(number, tree)


def text_string(text: str) -> bytes:
    """A PDF text string (UTF-16BE, any character)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _serial(obj) -> bytes:
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def field_elements(catalog) -> list[tuple[int, str, object]]:
    """The structure elements titled as fields (pdf_tags.py): their numbers, fields, and dictionaries
    without that title (for the base to be written again with)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    from .pdf_tags import FIELD

    root = catalog.get("/StructTreeRoot")
    if root is None or "/K" not in root.get_object():
        return []
    found, stack = [], [root.get_object().raw_get("/K")]
    while stack:
        node = stack.pop()
        obj = node.get_object() if isinstance(node, IndirectObject) else node
        if isinstance(obj, ArrayObject):
            stack.extend(reversed(list(obj)))
        elif isinstance(obj, DictionaryObject) and "/S" in obj:
            title = str(obj.get("/T", ""))
            if isinstance(node, IndirectObject) and title.startswith(FIELD):
                untitled = DictionaryObject({k: v for k, v in obj.items() if k != "/T"})
                found.append((node.idnum, title[len(FIELD):], untitled))
            if "/K" in obj:
                stack.append(obj.raw_get("/K"))
    return found


def templates(reader, found: list[tuple[int, str, object]]) -> Tags | None:
    """What each copy writes again, read from the normalised base (the numbers `found` in it)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    catalog = reader.trailer["/Root"]
    root = catalog.get("/StructTreeRoot")
    if not found or root is None or "/ParentTree" not in root:
        return None
    fields = []
    for number, name, _untitled in found:
        element = DictionaryObject(reader.get_object(number))
        for key, mark in (("/ActualText", "/ACTUALMARK"), ("/K", "/KMARK"), ("/Pg", "/PGMARK")):
            element[NameObject(key)] = NameObject(mark)
        text = _serial(element)
        for mark, placeholder in ((b"/ACTUALMARK", b"%ACTUAL%"), (b"/KMARK", b"%K%"), (b"/PGMARK", b"%PG%")):
            text = text.replace(mark, placeholder)
        fields.append((number, name, text))
    tree_ref = root.raw_get("/ParentTree")
    tree = DictionaryObject(tree_ref.get_object())
    if "/Nums" not in tree:  # a tree of several nodes: not what WeasyPrint writes
        return None
    nums = list(tree["/Nums"])
    arrays = {int(nums[i]): list(nums[i + 1].get_object()) for i in range(0, len(nums), 2)}
    pages = []
    new_nums = ArrayObject()
    keys = {}
    for index, page in enumerate(reader.pages):
        key = page.get("/StructParents")
        if key is None or int(key) not in arrays:
            return None
        keys[int(key)] = index
        pages.append((page.indirect_reference.idnum, len(arrays[int(key)])))
    for key, kids in arrays.items():
        marked = [*kids, NameObject(f"/PAGEMARK{keys[key]}")] if key in keys else kids
        new_nums.extend([NumberObject(key), ArrayObject(marked)])
    tree[NameObject("/Nums")] = new_nums
    text = _serial(tree)
    for index in range(len(pages)):
        text = text.replace(b"/PAGEMARK%d" % index, b"%%P%d%%" % index)
    untagged = DictionaryObject(catalog)
    for key in ("/StructTreeRoot", "/MarkInfo", "/Metadata"):  # untagged, it does not claim PDF/UA-1 (XMP pdfuaid)
        untagged.pop(key, None)
    return Tags(tuple(fields), tuple(pages), (tree_ref.idnum, text), (reader.trailer.raw_get("/Root").idnum, _serial(untagged)))
