"""Laying out one part of a long PDF, and the overlay that numbers its pages (in a worker process).

See pdf_parts.py for how a document is cut and why. `layout()` lays out one
part and notes what the assembly needs (its pages, anchors, bookmarks, the
places a table of contents keeps for page numbers, the files it loaded, the
full fonts its fonts come from); `folio_html()` is the overlay that draws the
folio « page X / Y » and the contents' page numbers; `pdf_assemble.put_together()` lays the
overlay out if it is not kept, and has the parts assembled (pdf_assemble.py).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

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


CACHE_FORMAT = 6  # what a part's metadata holds, and how a part is laid out: change it when they change


def _version(module: str, distribution: str) -> str:
    """A library's version, read from its source rather than imported (importing WeasyPrint takes half a second)."""
    import importlib.util
    import re

    spec = importlib.util.find_spec(module)
    try:
        found = re.search(r"""__version__\s*=\s*['"]([^'"]+)['"]""", Path(spec.origin).read_text("utf-8"))
    except (AttributeError, OSError, TypeError, ValueError):
        found = None
    if found:
        return found.group(1)
    from importlib.metadata import version

    return version(distribution)


@lru_cache(maxsize=1)
def _versions() -> str:
    """Everything besides the HTML that shapes a part's bytes."""
    from ..version import __version__

    libraries = (("weasyprint", "weasyprint"), ("pydyf", "pydyf"), ("fontTools", "fonttools"), ("pypdf", "pypdf"))
    return f"{CACHE_FORMAT} dossier {__version__} " + " ".join(f"{d} {_version(m, d)}" for m, d in libraries)


def part_key(html: str, tagged: bool = False) -> str:
    """A part's name in the cache: its HTML (styles inlined) and the versions that lay it out.

    The files the layout loads (a logo, an image or font named in the styles) are
    not known before it; the layout lists them with their hashes, checked before a
    kept part is used again (`fetched_unchanged`).
    """
    digest = hashlib.sha256()
    for piece in (_versions(), PART_CSS, "tagged" if tagged else "", html):
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


def layout(
    html: str, base_url: str, known_fonts: frozenset[str] = frozenset(), overlay: bool = False, tagged: bool = False,
    pdf_a: bool = False,
) -> tuple[bytes, dict, dict]:
    """One part's PDF, what the assembly needs (its pages, anchors and bookmarks in PDF points, its
    fonts' sources), and the full font files it uses that are not among `known_fonts` (by SHA-256).

    The overlay (`overlay`) keeps its folio: it is laid out without the parts' style sheet, and never
    tagged (the assembly draws it as an artifact). A part is tagged PDF/UA-1 when `tagged` (pdf_tags.py),
    PDF/A-3b (tagged or not) when `pdf_a`: the procès-verbal's parts, the assembly keeping the first part's
    XMP metadata and output intent (pdf_assemble.py).
    """
    from .pdf import fewer_collections

    with fewer_collections():  # many short-lived objects (pdf.py)
        return _layout(html, base_url, known_fonts, overlay, tagged, pdf_a)


def _layout(html: str, base_url: str, known_fonts: frozenset[str], overlay: bool, tagged: bool, pdf_a: bool = False) -> tuple[bytes, dict, dict]:
    from . import pdf_tags
    from .pdf import collector_paused, light_object_streams, merge_leaders, safe_fetcher
    from .pdf import document as laid_out
    from .pdf_fonts import sources

    fetched: dict[str, str | None] = {}
    safe = safe_fetcher(base_url)

    class Recording(type(safe)):  # the safe fetcher, noting each file it reads
        def fetch(self, url, headers=None):
            response = super().fetch(url, headers)
            if not url.startswith("data:"):
                fetched[url] = _file_hash(url)
            return response

    loaded: list[str] = []  # read when the style sheets were parsed (maybe by an earlier part)
    document = laid_out(html, base_url, *(() if overlay else (PART_CSS,)), url_fetcher=Recording(allowed_protocols=("data", "file")), loaded=loaded)
    for url in loaded:
        if not url.startswith("data:"):
            fetched.setdefault(url, _file_hash(url))
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
    merge_leaders(document)  # after _placeholders: they read the leaders' dots
    pdf_tags.prepare(document, tagged)
    with light_object_streams(), collector_paused():  # the assembly compresses the objects again; the boxes stay alive (pdf.py)
        data = document.write_pdf(**pdf_tags.options(pdf_a, tagged))
    fonts, files = sources(document)
    meta = {
        "pages": len(document.pages), "anchors": anchors, "bookmarks": bookmarks, "numbers": numbers,
        "fetched": {url: digest for url, digest in sorted(fetched.items()) if digest is not None},
        "fonts": {name: source.as_json() for name, source in sorted(fonts.items())},
    }
    return data, meta, {sha: file for sha, file in files.items() if sha not in known_fonts}


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
