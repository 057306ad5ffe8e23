"""PDF: WeasyPrint lays out the same HTML as the HTML renderer, with its print stylesheet."""

from __future__ import annotations

import logging
from pathlib import Path

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


def document(html: str, base_url: Path | str, *css: str, url_fetcher=None):
    """WeasyPrint's laid-out document, with this process's fonts and any extra style sheets."""
    import weasyprint

    fetch = {"url_fetcher": url_fetcher} if url_fetcher is not None else {}
    sheets = [weasyprint.CSS(string=text, font_config=fonts(), **fetch) for text in css]
    return weasyprint.HTML(string=html, base_url=str(base_url), **fetch).render(stylesheets=sheets, font_config=fonts())


def from_html(html: str, base_url: Path, pdf_a: bool = False) -> bytes:
    """A PDF in one piece (PDF/A-3b for archiving when asked)."""
    options = {"pdf_variant": "pdf/a-3b"} if pdf_a else {}
    return document(html, base_url).write_pdf(**options)
