"""PDF: WeasyPrint lays out the same HTML as the HTML renderer, with its print stylesheet.

What a layout may load is bounded: `data:` URLs, and regular files inside the
templates' folders (read through sources/read.py's one safe reader), never the
network nor any other file. What a PDF may link to is bounded too: anchors in
the document, http, https and mailto (text.safe_link); a link WeasyPrint
resolved against the build machine's folders (`file:`), `javascript:` or any
other is dropped, and so is every attachment.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..sources.read import UnreadableError, read_bytes
from ..text import safe_link
from .templates import PACKAGE_TEMPLATES

# WeasyPrint warns on stderr about CSS it ignores; keep the user's terminal for our messages.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


_fonts = None


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


MAX_ASSET_BYTES = 20 * 2**20  # an image or font a template loads


def safe_fetcher(base_url: Path | str):
    """WeasyPrint's fetcher, allowed only `data:` URLs and the files of the templates' folders."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    folders = tuple(Path(f).resolve() for f in (base_url, PACKAGE_TEMPLATES))

    class SafeFetcher(URLFetcher):
        def fetch(self, url, headers=None):
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


def document(html: str, base_url: Path | str, *css: str, url_fetcher=None):
    """WeasyPrint's laid-out document, with this process's fonts and any extra style sheets; it loads
    only what `safe_fetcher` allows (or what the given `url_fetcher`, built on it, does) and links only
    where `safe_link` allows."""
    import weasyprint

    fetch = {"url_fetcher": url_fetcher if url_fetcher is not None else safe_fetcher(base_url)}
    sheets = [weasyprint.CSS(string=text, font_config=fonts(), **fetch) for text in css]
    laid = weasyprint.HTML(string=html, base_url=str(base_url), **fetch).render(stylesheets=sheets, font_config=fonts())
    for page in laid.pages:
        page.links = _safe_links(page.links)
    return laid


def from_html(html: str, base_url: Path, pdf_a: bool = False) -> bytes:
    """A PDF in one piece (PDF/A-3b for archiving when asked)."""
    options = {"pdf_variant": "pdf/a-3b"} if pdf_a else {}
    return document(html, base_url).write_pdf(**options)
