"""Drawing one PDF page onto another, as a Form XObject: no content stream is parsed or rewritten.

The page numbers of a document laid out in parts are drawn this way over its
pages (pdf_assemble.py), writing the file object by object (pdf_write.py); so
are a copy's values that its base's fonts lack, laid out apart and drawn over
the base (pdf_increment.fill_forms).
"""

from __future__ import annotations

from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from .pdf_read import raw
from .pdf_write import Copier


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def page_form(page: DictionaryObject, copier: Copier) -> StreamObject:
    """An overlay page as a form: its content stream as read, its resources and box."""
    source = copier.source
    contents = source.resolve(raw(page, "/Contents"))
    if isinstance(contents, ArrayObject):  # not what WeasyPrint writes: join the decoded streams
        form = _stream(b"\n".join(source.resolve(c).get_data() for c in contents))
    else:
        form = copier.convert(contents)
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = copier.convert(source.resolve(raw(page, "/MediaBox")))
    resources = raw(page, "/Resources")
    form[NameObject("/Resources")] = copier.convert(resources) if resources is not None else DictionaryObject()
    return form


def add_form(resources: DictionaryObject, name: str, form: IndirectObject) -> None:
    xobjects = raw(resources, "/XObject")
    xobjects = DictionaryObject(xobjects.items()) if isinstance(xobjects, DictionaryObject) else DictionaryObject()
    xobjects[NameObject(name)] = form
    resources[NameObject("/XObject")] = xobjects
