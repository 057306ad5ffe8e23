"""PDF: WeasyPrint lays out the same HTML as the HTML renderer, with its print stylesheet.

What does not depend on the document is done once per process: the font
configuration, and the parsing of the style sheets a template puts in its
`<style>` elements (the same for every part of a long PDF, and for every
grid of a session).
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
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
    from weasyprint.urls import URLFetcher

    loaded: list[str] = []

    class Noting(URLFetcher):
        def fetch(self, url, headers=None):
            loaded.append(url)
            return super().fetch(url, headers)

    sheet = weasyprint.CSS(string=css, base_url=base_url, font_config=fonts(), url_fetcher=Noting())
    _PARSED[key] = (sheet, tuple(loaded))
    while len(_PARSED) > _PARSED_MAX:
        _PARSED.popitem(last=False)
    return _PARSED[key]


def document(html: str, base_url: Path | str, *css: str, url_fetcher=None, loaded: list | None = None):
    """WeasyPrint's laid-out document, with this process's fonts, its parsed sheets, and any extra style sheets.

    The URLs that parsing the sheets loaded, now or in an earlier document, are added to `loaded`.
    """
    import weasyprint

    base = str(base_url)
    fetch = {"url_fetcher": url_fetcher} if url_fetcher is not None else {}
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
    return weasyprint.HTML(string=html, base_url=base, **fetch).render(stylesheets=sheets, font_config=fonts())


def from_html(html: str, base_url: Path, pdf_a: bool = False) -> bytes:
    """A PDF in one piece (PDF/A-3b for archiving when asked)."""
    options = {"pdf_variant": "pdf/a-3b"} if pdf_a else {}
    return document(html, base_url).write_pdf(**options)
