"""PDF: WeasyPrint lays out the same HTML as the HTML renderer, with its print stylesheet."""

from __future__ import annotations

import logging
from pathlib import Path

# WeasyPrint warns on stderr about CSS it ignores; keep the user's terminal for our messages.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def render(html: str, base_url: Path, pdf_a: bool = False) -> bytes:
    import weasyprint  # imported late: loading Pango costs time the other formats need not pay

    options = {"pdf_variant": "pdf/a-3b"} if pdf_a else {}
    document = weasyprint.HTML(string=html, base_url=str(base_url)).render()
    return document.write_pdf(**options)
