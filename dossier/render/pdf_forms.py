"""Drawing one PDF page onto another, as a Form XObject: no content stream is parsed or rewritten.

Used to stamp a candidate's header over a grid laid out once (stamp.py); the
page numbers of a document laid out in parts are drawn the same way, by
pdf_assemble.py, which writes its file object by object.
"""

from __future__ import annotations

from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject


def as_form(page: PageObject, writer: PdfWriter) -> IndirectObject:
    """The page's drawing as a Form XObject of the writer (its resources cloned there)."""
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data() if page.get_contents() is not None else b"")
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): page.mediabox.clone(writer),
        NameObject("/Resources"): (page["/Resources"].clone(writer) if "/Resources" in page else DictionaryObject()),
    })
    return writer._add_object(form)


def draw_form(sheet: PageObject, name: str, form: IndirectObject, writer: PdfWriter, below: bool) -> None:
    """Draw the form on a page of the writer, below or above what the page draws.

    The name goes into the page's resources, which pages often share: give
    each form drawn on such pages its own name.
    """
    resources = sheet["/Resources"].get_object()
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
    xobjects[NameObject(name)] = form
    resources[NameObject("/XObject")] = xobjects
    call = DecodedStreamObject()
    call.set_data(f"q {name} Do Q\n".encode())
    contents = sheet.raw_get("/Contents")  # the reference: a stream may not sit in an array directly
    resolved = contents.get_object()
    old = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    if not below:  # isolate the page's own graphics state from the stamp
        push, pop = DecodedStreamObject(), DecodedStreamObject()
        push.set_data(b"q\n")
        pop.set_data(b"\nQ\n")
        old = [writer._add_object(push), *old, writer._add_object(pop)]
    added = writer._add_object(call)
    sheet[NameObject("/Contents")] = ArrayObject([added, *old] if below else [*old, added])
