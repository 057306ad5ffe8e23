"""PDF: WeasyPrint lays out the same HTML as the HTML renderer, with its print stylesheet.

What a layout may load is bounded: `data:` URLs, and regular files inside the
templates' folders (read through sources/read.py's one safe reader), never the
network nor any other file. What a PDF may link to is bounded too: anchors in
the document, http, https and mailto (text.safe_link); a link WeasyPrint
resolved against the build machine's folders (`file:`), `javascript:` or any
other is dropped, and so is every attachment.

What does not depend on the document is done once per process: the font
configuration, and the parsing of the style sheets a template puts in its
`<style>` elements (the same for every part of a long PDF, and for every
grid of a session).

WeasyPrint's default style sheet gives every element of the page six
pseudo-element styles (`::marker`, `::footnote-call`, `::footnote-marker`,
`::note-call`, `::note-marker`, `::note-callback`), computed for each element
though only list items, footnotes and notes use them: nine styles in ten of
those a référentiel's page computes. A page that uses no footnote, note nor list item
other than `li` and `summary` is laid out with that sheet narrowed to what it
uses (`_narrow_ua`): the same PDF, bytes for bytes, for less work.

Laying out and writing a PDF makes and drops boxes by the hundred thousand:
Python's cycle collector, run every 700 allocations, took 12 % of a part's
layout and 17 % of a rebuild after an edit. It runs less often meanwhile
(`fewer_collections`), and not at all while a part is written
(`collector_paused`), for a few more megabytes held at a time — for the parts
of long documents and their assembly only: a process that lays out one-piece
PDFs one after another (`from_html`: a jury session's bases and procès-verbal
parts) kept more and more of WeasyPrint's garbage that way (its workers' peak
×1.30 from 500 to 5,000 candidates, against ×1.02 at Python's default).

A dot leader (a table of contents) is drawn as one run of dots rather than one
text box per dot (`merge_leaders`).

pydyf, which writes WeasyPrint's PDF, serializes each object through one
generic function, a chain of isinstance checks per value, and builds the
tuple of every page's reference each time one page's is asked for (once per
structure element of a tagged PDF). `quicker_pydyf()` gives the common
values (bytes, str, int, pydyf's own objects) their bytes directly and keeps
the tuple until a page is added: the same bytes, less work. A part of a long
document (whose objects the assembly reads and compresses again) has its
object stream compressed at zlib's fastest level (`light_object_streams`):
the assembled PDF is the same, bytes for bytes.
"""

from __future__ import annotations

import gc
import logging
import re
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..sources.read import UnreadableError, read_bytes
from ..text import safe_link
from .templates import PACKAGE_TEMPLATES

# WeasyPrint warns on stderr about CSS it ignores; keep the user's terminal for our messages.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


_fonts = None

COLLECT_AFTER = 20_000  # allocations between two runs of the cycle collector while laying out (Python's: 700)


@contextmanager
def fewer_collections():
    """Run Python's cycle collector less often inside: WeasyPrint and pypdf make many short-lived objects.

    Measured on a 20-fold référentiel's parts, the collector's share of the layout went from 12 % to 4 %,
    for ~10 MB more held at a time; the threshold is put back afterwards."""
    kept = gc.get_threshold()
    gc.set_threshold(max(kept[0], COLLECT_AFTER), *kept[1:])
    try:
        yield
    finally:
        gc.set_threshold(*kept)


_quicker = False
_STOCK: dict = {}  # pydyf's own functions, replaced by quicker_pydyf (the tests compare them)
_object_stream_level: int | None = None  # while a part is written: its object stream's zlib level


def quicker_pydyf() -> None:
    """Faster serialization in pydyf, giving the same bytes (see the module's docstring); once per process."""
    global _quicker
    if _quicker:
        return
    import pydyf

    generic = pydyf._to_bytes
    known = (pydyf.Dictionary, pydyf.Array, pydyf.String, pydyf.Stream, pydyf.Object)

    def to_bytes(item):
        kind = type(item)
        if kind is bytes:
            return item
        if kind is str:
            return item.encode("ascii")  # str(item) is item; a non-ASCII string raises as it did
        if kind is int:
            return b"%d" % item
        if kind in known:
            return item.data
        return generic(item)  # floats, booleans, subclasses: as pydyf does

    def dictionary_data(self):
        return b"<<" + b"".join([b"/" + to_bytes(key) + b" " + to_bytes(value) for key, value in self.items()]) + b">>"

    def array_data(self):
        return b"[" + b" ".join([to_bytes(child) for child in self]) + b"]"

    def page_references(self):
        kids = self.pages["Kids"]
        kept = self.__dict__.get("_dossier_pages")
        if kept is None or kept[0] is not kids or kept[1] != len(kids):
            kept = self._dossier_pages = (kids, len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        return kept[2]

    stream_data = pydyf.Stream.data.fget

    def stream(self):
        if _object_stream_level is None or self.extra.get("Type") != "/ObjStm" or not self.compress:
            return stream_data(self)
        import zlib

        data = zlib.compress(b"\n".join([to_bytes(item) for item in self.stream]), _object_stream_level)
        extra = pydyf.Dictionary({**self.extra, "Filter": "/FlateDecode", "Length": len(data)})
        return b"\n".join((extra.data, b"stream", data, b"endstream"))

    _STOCK.update({
        "_to_bytes": generic, "Dictionary.data": pydyf.Dictionary.data, "Array.data": pydyf.Array.data,
        "PDF.page_references": pydyf.PDF.page_references, "Stream.data": pydyf.Stream.data,
    })
    pydyf._to_bytes = to_bytes
    pydyf.Dictionary.data = property(dictionary_data)
    pydyf.Array.data = property(array_data)
    pydyf.PDF.page_references = property(page_references)
    pydyf.Stream.data = property(stream)
    _quicker = True


@contextmanager
def collector_paused():
    """Inside, Python's cycle collector does not run (a part being written): writing a tagged part makes a
    structure element, its arrays and references for each box, and the full passes this set off went through
    the part's laid-out boxes (hundreds of thousands, all alive until the part is written) again. What the
    writing leaves in cycles is collected afterwards, at the usual pace. (Not `gc.freeze`: the command has
    frozen what its imports made for good, and unfreezing would thaw that too.)"""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def light_object_streams():
    """Inside, the object stream of a PDF WeasyPrint writes is compressed at zlib's fastest level (a part of
    a long document, whose objects the assembly compresses again: see the module's docstring)."""
    global _object_stream_level
    quicker_pydyf()
    kept, _object_stream_level = _object_stream_level, 1
    try:
        yield
    finally:
        _object_stream_level = kept


def fonts():
    """This process's one font configuration.

    A new one for each document (WeasyPrint's default) starts Pango's font
    caches cold, costing ~15 % of a small layout, and leaves memory behind
    that grows with the number of documents a worker lays out.
    """
    global _fonts
    if _fonts is None:
        from weasyprint.text.fonts import FontConfiguration  # imported late: loading Pango costs time

        _fonts = FontConfiguration()
    return _fonts


def warm_up() -> None:
    """Load WeasyPrint and the fonts now (a worker process does it while the parent plans)."""
    import weasyprint  # noqa: F401 (imported for its side effect: the import itself is what costs)

    fonts()


# --- the template's style sheets, parsed once per process --------------------------------------

_STYLE = re.compile(r"<style(?P<attrs>\s[^>]*)?>(?P<css>.*?)</style\s*>", re.S | re.I)
_MEDIA = re.compile(r"""\bmedia\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_TYPE = re.compile(r"""\btype\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
# What would make the sheets behave differently once taken out of the document (WeasyPrint gives
# sheets passed beside a document the "user" origin and their own @layer and @counter-style lists):
# another sheet left in the document, a <base>, an !important in a style attribute, or these at-rules.
_KEEP_INSIDE = re.compile(r"<link\b|<base\b|style\s*=\s*[\"'][^\"']*!\s*important", re.I)
_DOCUMENT_WIDE = re.compile(r"@(?:layer|counter-style|color-profile|import)\b", re.I)
_PARSED: OrderedDict = OrderedDict()  # (css, base_url) -> (CSS object, files its parsing read)
_PARSED_MAX = 32


def _for_print(attrs: str) -> bool:
    kind = _TYPE.search(attrs)
    if kind and (kind.group(1) or kind.group(2) or "").split(";")[0].strip().lower() not in ("", "text/css"):
        return False
    media = _MEDIA.search(attrs)
    wanted = {m.strip().lower() for m in (media.group(1) or media.group(2) or "").split(",")} if media else {""}
    return bool(wanted & {"", "all", "print"})


def split_styles(html: str) -> tuple[str, list[str]] | None:
    """The page without its `<style>` elements, and the CSS of those that apply to print.

    None when taking them out could change a style (see _KEEP_INSIDE): WeasyPrint then reads them.
    """
    if _KEEP_INSIDE.search(html):
        return None
    texts = []
    for match in _STYLE.finditer(html):
        if _DOCUMENT_WIDE.search(match.group("css")):
            return None
        if _for_print(match.group("attrs") or ""):
            texts.append(match.group("css"))
    return _STYLE.sub("", html), texts


def parsed(css: str, base_url: str) -> tuple[object, tuple[str, ...]]:
    """A style sheet parsed once per process, and the URLs its parsing loaded (fonts of @font-face)."""
    key = (css, base_url)
    if key in _PARSED:
        _PARSED.move_to_end(key)
        return _PARSED[key]
    import weasyprint

    loaded: list[str] = []
    sheet = weasyprint.CSS(string=css, base_url=base_url, font_config=fonts(), url_fetcher=safe_fetcher(base_url, loaded))
    _PARSED[key] = (sheet, tuple(loaded))
    while len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)
    return _PARSED[key]


# --- WeasyPrint's default style sheet, narrowed to what our pages use --------------------------

# What the narrowed sheet would style differently: footnotes (`float: footnote`, `::footnote-…`),
# notes (`position: note()`, `::note-…`), markers and list items other than `li` and `summary`.
# Looked for in the whole page and its extra sheets: a false alarm only costs the narrowing.
_WANTS_FULL_UA = re.compile(r"float\s*:\s*footnote|::?footnote|note\s*\(|::?note-|list-item|marker", re.I)
_NOTES = re.compile(r"^::(?:footnote|note)-[a-z]+\s*\{[^}]*\}\s*$", re.M)
_narrow_class = None


def _narrow_ua():
    """weasyprint.HTML laid out with the default sheet's pseudo-element rules kept for the elements that
    use them (the `::marker` of `li` and `summary`, no footnote or note); weasyprint.HTML itself if that
    sheet is not the one expected."""
    global _narrow_class
    if _narrow_class is None:
        import weasyprint
        from weasyprint import html as wp_html

        stock = getattr(wp_html, "UA", "")
        narrowed = _NOTES.sub("", stock.replace("\n::marker {", "\nli::marker, summary::marker {", 1))
        if len(_NOTES.findall(stock)) != 5 or "li::marker" not in narrowed or not hasattr(weasyprint.HTML, "_ua_stylesheets"):
            _narrow_class = weasyprint.HTML
        else:
            sheet = weasyprint.CSS(string=narrowed, counter_style=wp_html.UA_COUNTER_STYLE)

            class NarrowHTML(weasyprint.HTML):
                def _ua_stylesheets(self, forms=False):
                    return [sheet if s is wp_html.UA_STYLESHEET else s for s in super()._ua_stylesheets(forms)]

            _narrow_class = NarrowHTML
    return _narrow_class


MAX_ASSET_BYTES = 20 * 2**20  # an image or font a template loads


def safe_fetcher(base_url: Path | str, noted: list | None = None):
    """WeasyPrint's fetcher, allowed only `data:` URLs and the files of the templates' folders;
    the URLs it loads are added to `noted` when one is given."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    folders = tuple(Path(f).resolve() for f in (base_url, PACKAGE_TEMPLATES))

    class SafeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if noted is not None and not url.startswith("data:"):
                noted.append(url)
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme != "file":
                raise ValueError(f"URL refusée (ni data:, ni fichier des gabarits) : {url[:80]}")
            path = Path(unquote(parts.path))
            inside = next((f for f in folders if f == path.resolve() or f in path.resolve().parents), None)
            if inside is None:
                raise ValueError(f"fichier hors des dossiers de gabarits refusé : {path}")
            try:
                return URLFetcherResponse(url, read_bytes(path, inside=inside, limit=MAX_ASSET_BYTES))
            except UnreadableError as exc:
                raise ValueError(f"{path} : {exc.message}") from exc

    return SafeFetcher(allowed_protocols=("data", "file"))


def _safe_links(links: list) -> list:
    """A page's links, but only to anchors, http, https and mailto (WeasyPrint made the others absolute)."""
    kept = []
    for kind, target, rect, box in links:
        if kind == "internal" or (kind == "external" and safe_link(target) is not None):
            kept.append((kind, target, rect, box))
    return kept


def document(html: str, base_url: Path | str, *css: str, url_fetcher=None, loaded: list | None = None):
    """WeasyPrint's laid-out document, with this process's fonts, its parsed sheets and any extra style sheets;
    it loads only what `safe_fetcher` allows (or what the given `url_fetcher`, built on it, does) and links
    only where `safe_link` allows.

    The URLs that parsing the sheets loaded, now or in an earlier document, are added to `loaded`.
    """
    import weasyprint

    quicker_pydyf()
    base = str(base_url)
    fetch = {"url_fetcher": url_fetcher if url_fetcher is not None else safe_fetcher(base_url)}
    full = _WANTS_FULL_UA.search(html) or any(_WANTS_FULL_UA.search(text) for text in css)  # before the styles are split off
    split = split_styles(html)
    sheets = []
    if split is not None:
        html, own = split
        for text in own:
            sheet, urls = parsed(text, base)
            sheets.append(sheet)
            if loaded is not None:
                loaded.extend(urls)
    sheets += [parsed(text, base)[0] for text in css]
    kind = weasyprint.HTML if full or split is None else _narrow_ua()  # None: a sheet we did not read
    laid = kind(string=html, base_url=base, **fetch).render(stylesheets=sheets, font_config=fonts())
    for page in laid.pages:
        page.links = _safe_links(page.links)
    return laid


def merge_leaders(document) -> None:
    """Each dot leader drawn as one run of text instead of one text box per dot.

    WeasyPrint fills a `leader()` with copies of one text box, each drawn on its own (a Pango layout
    made again per dot): a 20-fold handbook's contents, 34,000 dots on 9 pages, took 2.25 s of CPU,
    as much as 45 pages of text; 1.15 s merged. The dots of a leader sit side by side, one dot's
    width apart: a run of them becomes one box whose text is that many dots, at the first one's
    place, drawn with the same font (the last dot lands within 0.2 pt of where it was, over a full
    line). Call it after reading the boxes' places (pdf_layout._placeholders), before writing."""
    import copy

    stack = [page._page_box for page in document.pages]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", None)
        if not children:
            continue
        if getattr(box, "is_leader", False) and len(children) > 1:
            box.children = _merged_dots(children, copy.copy)
            continue
        stack.extend(children)


def _merged_dots(children, shallow) -> tuple:
    """A leader's text boxes (one per repetition, in any order) as runs of consecutive repetitions."""
    boxes = sorted(children, key=lambda b: b.position_x)
    first = boxes[0]
    text = getattr(first, "text", None)
    layout = getattr(first, "pango_layout", None)
    width = first.width
    same = all(getattr(b, "text", None) == text and getattr(b, "pango_layout", None) is layout for b in boxes)
    if not same or not text or layout is None or getattr(layout, "text", None) != text or not width:
        return tuple(children)
    runs: list[list] = [[first]]
    for b in boxes[1:]:
        if abs(b.position_x - (runs[-1][-1].position_x + width)) < 1e-3 * width:
            runs[-1].append(b)
        else:
            runs.append([b])
    merged = []
    for run in runs:
        box = run[0].copy_with_text(text * len(run))
        box.width = width * len(run)
        box.pango_layout = shallow(layout)  # drawn from its own text: reactivate() sets it again
        box.pango_layout.text = box.text
        merged.append(box)
    return tuple(merged)


def from_html(html: str, base_url: Path, pdf_a: bool = False, tagged: bool = False) -> bytes:
    """A PDF in one piece: tagged PDF/UA-1 when asked (pdf_tags.py), PDF/A-3b for archiving when asked."""
    from . import pdf_tags

    laid = document(html, base_url)  # at the collector's usual pace (see above)
    merge_leaders(laid)
    pdf_tags.prepare(laid, tagged)
    return laid.write_pdf(**pdf_tags.options(pdf_a, tagged))
