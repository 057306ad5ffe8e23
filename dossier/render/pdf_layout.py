"""Laying out one part of a long PDF, and putting the parts together (in a worker process).

See pdf_parts.py for how a document is cut and why. `layout()` lays out one
part and notes what the assembly needs (its pages, anchors, bookmarks, the
places a table of contents keeps for page numbers, the files it loaded);
`assemble()` joins the parts' pages and settles what no part could know: the
folio « page X / Y », links and bookmarks across parts, one outline, the
contents' page numbers.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from ..errors import DossierError

# the parts leave the folio out; the overlay draws only the folio (and no background)
PART_CSS = "@page { @bottom-right { content: none !important; } }"
_BOXES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right-corner",
    "left-top", "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom",
)
FOLIO_CSS = (
    "html, body { background: none !important; margin: 0 !important; }\n"
    ".folio { break-after: page; height: 1px; position: relative; }\n"
    ".numero { position: absolute; text-align: right; white-space: nowrap; }\n"
    ".folio:last-child { break-after: auto; }\n"
    ".sans-folio { page: sans-folio; }\n"
    "@page sans-folio { @bottom-right { content: none !important; } }\n"
    "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in _BOXES) + " }\n"
)
PLACEHOLDER = "000"  # as wide as the page numbers of a long document: the space a table of contents keeps for each
SCALE = 0.75  # PDF points per CSS pixel


CACHE_FORMAT = 3  # what a part's metadata holds, and how a part is laid out: change it when they change


@lru_cache(maxsize=1)
def _versions() -> str:
    """Everything besides the HTML that shapes a part's bytes."""
    import fontTools
    import pydyf
    import weasyprint

    from ..version import __version__

    return f"{CACHE_FORMAT} dossier {__version__} weasyprint {weasyprint.__version__} pydyf {pydyf.__version__} fonttools {fontTools.version}"


def part_key(html: str) -> str:
    """A part's name in the cache: its HTML (styles inlined) and the versions that lay it out.

    The files the layout loads (a logo, an image or font named in the styles) are
    not known before it; the layout lists them with their hashes, checked before a
    kept part is used again (`fetched_unchanged`).
    """
    digest = hashlib.sha256()
    for piece in (_versions(), PART_CSS, html):
        digest.update(piece.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _file_hash(url: str) -> str | None:
    from urllib.parse import unquote, urlsplit

    from ..sources.read import UnreadableError, read_bytes
    from .pdf import MAX_ASSET_BYTES

    parts = urlsplit(url)
    if parts.scheme != "file":
        return None
    try:
        return hashlib.sha256(read_bytes(Path(unquote(parts.path)), limit=MAX_ASSET_BYTES)).hexdigest()
    except UnreadableError:
        return "-"


def fetched_unchanged(meta: dict) -> bool:
    return all(_file_hash(url) == digest for url, digest in meta.get("fetched", {}).items())


# --- in a worker: one part, then the whole -------------------------------------------------


def layout(html: str, base_url: str) -> tuple[bytes, dict]:
    """One part's PDF, and what the assembly needs: its pages, anchors and bookmarks (PDF points)."""
    from .pdf import document as laid_out
    from .pdf import safe_fetcher

    fetched: dict[str, str | None] = {}
    safe = safe_fetcher(base_url)

    class Recording(type(safe)):  # the safe fetcher, noting each file it reads
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            if not url.startswith("data:"):
                fetched[url] = _file_hash(url)
            return response

    document = laid_out(html, base_url, PART_CSS, url_fetcher=Recording(allowed_protocols=("data", "file")))
    own = {name for page in document.pages for name in page.anchors}
    anchors: dict[str, list] = {}
    bookmarks: list[list] = []
    numbers: list[list] = []
    for n, page in enumerate(document.pages):
        numbers += [[n, *place] for place in _placeholders(page)]
        height = page.height
        for name, (x, y, *_rest) in page.anchors.items():
            anchors.setdefault(name, [n, x * SCALE, (height - y) * SCALE])
        for level, label, (x, y), state in page.bookmarks:
            bookmarks.append([level, label, n, x * SCALE, (height - y) * SCALE, state])
        # WeasyPrint drops a link to an anchor it cannot see; one in another part is kept as « #name »
        page.links = [
            ("external", "#" + target, rect, box) if kind == "internal" and target not in own else (kind, target, rect, box)
            for kind, target, rect, box in page.links
        ]
    meta = {
        "pages": len(document.pages), "anchors": anchors, "bookmarks": bookmarks, "numbers": numbers,
        "fetched": {url: digest for url, digest in sorted(fetched.items()) if digest is not None},
    }
    return document.write_pdf(), meta


def _placeholders(page) -> list[list]:
    """Where a table of contents keeps room for page numbers: the `::after` box of an element with
    `data-page`, the anchor its link points to, in CSS px from the page's content box, its font size
    and weight; and where the leader before it ends, with the width of one of its dots."""
    root = page._page_box
    origin_x, origin_y = root.content_box_x(), root.content_box_y()
    found, stack = [], [(root, None)]
    while stack:
        box, line = stack.pop()
        element = getattr(box, "element", None)
        if (
            element is not None
            and getattr(box, "element_tag", "").endswith("::after")
            and element.get("data-page") is not None
            and hasattr(box, "children")
        ):
            link = next((a.get("href", "") for a in element.iter("a")), "")
            if link.startswith("#"):
                dots = _leader_dots(line, box)
                end, dot = (dots[-1].position_x + dots[-1].width - origin_x, dots[-1].width) if dots else (0.0, 0.0)
                found.append([
                    link[1:], box.content_box_x() - origin_x, box.content_box_y() - origin_y, box.width, box.height,
                    box.style["font_size"], box.style["font_weight"], end, dot,
                ])
            continue
        inner_line = box if type(box).__name__ == "LineBox" else line
        stack.extend((child, inner_line) for child in getattr(box, "children", ()) or ())
    return sorted(found, key=lambda f: (f[2], f[1]))


def _leader_dots(line, placeholder) -> list:
    """The text boxes of the leader drawn before the placeholder, on its line, left to right."""
    dots, stack = [], list(getattr(line, "children", ()) or ())
    while stack:
        box = stack.pop()
        if type(box).__name__ == "TextBox" and getattr(box, "element_tag", "").endswith("::after") and box.text.strip() == ".":
            if box.position_x < placeholder.position_x:
                dots.append(box)
        stack.extend(getattr(box, "children", ()) or ())
    return sorted(dots, key=lambda b: b.position_x)


def folio_html(page_html: str, folios: list[bool], numbers: dict[int, list[tuple]] | None = None) -> str:
    """The overlay: the document's own head (its @page rules), one empty page per page, with the
    folio in @bottom-right and, where a table of contents kept room, its page numbers."""
    import html as html_lib

    head = page_html[: page_html.index("</head>")] if "</head>" in page_html else "<html><head>"
    def spans(text, x, y, w, h, size, weight, leader_end=0.0, dot=0.0) -> str:
        box = f"top:{y:.3f}px; height:{h:.3f}px; line-height:{h:.3f}px; font-size:{size:.3f}px; font-weight:{weight}"
        out = f'<span class="numero" style="left:{x:.3f}px; width:{w:.3f}px; {box}">{html_lib.escape(text)}</span>'
        # the leader stopped before the widest number's room: continue it up to this number, leaving one dot's gap
        start = x + w - w * len(text) / len(PLACEHOLDER)
        more = int((start - dot - leader_end) // dot) if dot > 0 and leader_end > 0 else 0
        if more > 0:
            out += f'<span class="numero" style="left:{leader_end:.3f}px; text-align:left; {box}">{"." * more}</span>'
        return out

    pages = []
    for n, on in enumerate(folios):
        drawn = "".join(spans(*number) for number in (numbers or {}).get(n, ()))
        pages.append(f'<div class="folio{"" if on else " sans-folio"}">{drawn}</div>')
    return f"{head}<style>{FOLIO_CSS}</style></head><body class=\"folio-calque\">{''.join(pages)}</body></html>"


def assemble(parts: list[tuple[bytes | str, dict, bool]], folio_page: str, base_url: str) -> bytes:
    """The parts' pages in order, with the folio stamped, links and bookmarks across parts, one outline."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, Fit, FloatObject, NameObject, NumberObject, TextStringObject

    from .pdf import document as laid_out
    from .pdf_forms import as_form, draw_form

    writer = PdfWriter()
    starts, folios, first = [], [], None
    for source, _meta, folio in parts:
        reader = PdfReader(io.BytesIO(source) if isinstance(source, bytes) else source)
        first = first or reader
        starts.append(len(writer.pages))
        for page in reader.pages:
            writer.add_page(page)
        folios += [folio] * len(reader.pages)
    pages = writer.pages
    dests: dict[str, tuple[int, float, float]] = {}
    for start, (_, meta, _) in zip(starts, parts):
        for name, (n, x, y) in meta["anchors"].items():
            dests.setdefault(name, (start + n, x, y))  # the first wins, as in one document
    names = ArrayObject()
    for name in sorted(dests):
        n, x, y = dests[name]
        names += [TextStringObject(name), ArrayObject([pages[n].indirect_reference, NameObject("/XYZ"), FloatObject(x), FloatObject(y), NumberObject(0)])]
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): writer._add_object(DictionaryObject({NameObject("/Names"): names}))})
    for page in pages:  # links across parts: « #name » back to a destination
        for annotation in page.get("/Annots", None) or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if isinstance(uri, str) and uri.startswith("#"):
                del annotation["/A"]
                if uri[1:] in dests:
                    annotation[NameObject("/Dest")] = TextStringObject(uri[1:])
    numbers: dict[int, list[tuple]] = {}  # page -> the table of contents' numbers to draw there
    for start, (_, meta, _) in zip(starts, parts):
        for n, target, *place in meta.get("numbers", ()):
            if target in dests:
                numbers.setdefault(start + n, []).append((str(dests[target][0] + 1), *place))
    stack: list[tuple[int, object]] = []
    for start, (_, meta, _) in zip(starts, parts):
        for level, label, n, x, y, state in meta["bookmarks"]:
            while stack and stack[-1][0] >= level:
                stack.pop()
            item = writer.add_outline_item(
                title=label, page_number=start + n, parent=stack[-1][1] if stack else None,
                fit=Fit.xyz(x, y, 0), is_open=state != "closed",
            )
            stack.append((level, item))
    overlay = PdfReader(io.BytesIO(laid_out(folio_html(folio_page, folios, numbers), base_url).write_pdf()))
    if len(overlay.pages) != len(pages):
        raise DossierError(
            f"calque de pagination : {len(overlay.pages)} pages pour {len(pages)} ; les règles @page du gabarit "
            "donnent-elles des tailles de page différentes selon la page ?"
        )
    for n, (page, stamp, on) in enumerate(zip(pages, overlay.pages, folios)):
        if on or n in numbers:  # a name per page: the pages of a part share one resource dictionary
            draw_form(page, f"/DossierFolio{n}", as_form(stamp, writer), writer, below=False)
    writer.add_metadata(dict(first.metadata or {}))
    catalog = first.trailer["/Root"]
    for key in ("/Lang", "/PageMode", "/ViewerPreferences", "/MarkInfo"):
        if key in catalog:
            writer._root_object[NameObject(key)] = catalog[key].clone(writer) if hasattr(catalog[key], "clone") else catalog[key]
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
