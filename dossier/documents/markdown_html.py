"""Markdown prose to safe HTML, the one form every renderer starts from.

Raw HTML is refused by the checks (`prose-html`); if some reaches this point
anyway (a draft build), it is escaped, never passed through: the Markdown
parser's HTML handling is switched off. Links may only point to the web,
mail or an anchor, read as a browser reads them (text.safe_link); images are
replaced by their text (no outside resources). Text nested deeper than the
checks allow (`prose-imbrication`; a draft build goes on despite it) is shown
as plain text, never parsed: parsing and rendering it would recurse until the
build crashes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import markdown
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from ..sources.prose import too_deep
from ..text import anchor, safe_link


class _Shape(Treeprocessor):
    """Shift heading levels, give headings prefixed ids, make links and images safe."""

    def __init__(self, md, shift: int, prefix: str):
        super().__init__(md)
        self.shift = shift
        self.prefix = prefix

    def run(self, root: ET.Element) -> None:
        seen: set[str] = set()
        for el in root.iter():
            if re.fullmatch(r"h[1-6]", el.tag):
                level = min(6, int(el.tag[1]) + self.shift)
                el.tag = f"h{level}"
                base = f"{self.prefix}-{anchor(''.join(el.itertext()))}" if self.prefix else anchor("".join(el.itertext()))
                ident, n = base, 2
                while ident in seen:
                    ident, n = f"{base}-{n}", n + 1
                seen.add(ident)
                el.set("id", ident)
            elif el.tag == "a" and "href" in el.attrib:
                href = safe_link(el.get("href", ""))
                if href is None:
                    el.attrib.pop("href")
                else:
                    el.set("href", href)
            elif el.tag == "img":
                alt = el.get("alt", "")
                el.tag = "span"
                el.attrib.clear()
                el.text = alt


class _Extension(markdown.Extension):
    def __init__(self, shift: int, prefix: str):
        super().__init__()
        self.shift = shift
        self.prefix = prefix

    def extendMarkdown(self, md):  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Shape(md, self.shift, self.prefix), "dossier_shape", 0)


def to_html(text: str, shift: int = 0, prefix: str = "") -> Markup:
    """Render Markdown (tables, lists, footnotes) to an HTML fragment safe to embed."""
    if too_deep(text) is not None:  # refused by the checks; a draft shows it as it was written
        return Markup("\n".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n") if p.strip()))
    md = markdown.Markdown(
        extensions=[
            "tables",
            "sane_lists",
            "footnotes",
            _Extension(shift, prefix),
        ],
        extension_configs={
            "footnotes": {
                "BACKLINK_TEXT": "↩",
                "BACKLINK_TITLE": "Retour au texte (note %d)",
                "SUPERSCRIPT_TEXT": "{}",
                "SEPARATOR": "-",
            }
        },
        output_format="html",
    )
    html = md.convert(text)
    if prefix:  # footnote ids are per document: make them unique on a page that joins several
        html = html.replace('id="fn-', f'id="{prefix}-fn-').replace('href="#fn-', f'href="#{prefix}-fn-')
        html = html.replace('id="fnref-', f'id="{prefix}-fnref-').replace('href="#fnref-', f'href="#{prefix}-fnref-')
    return Markup(html)
