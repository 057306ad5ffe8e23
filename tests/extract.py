"""Read documents back the way a reader would: text by column, by page, by structure."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html

from dossier.typography import plain

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def flat(text: str) -> str:
    """Words and punctuation as typed: spaces collapsed, French typography undone (so that a document's
    text compares with its sources; tests/foundation/test_typography.py checks the typography itself)."""
    return " ".join(plain(dehyphenate(text)).split())


# --- DOCX ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocxCell:
    column: int
    span: int
    vmerge: str | None  # "restart", "continue" or None
    text: str  # paragraphs joined by spaces
    paragraphs: tuple[tuple[str, str], ...]  # (style id, text)


def docx_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(part))


def docx_tables(path: Path) -> list[list[tuple[bool, list[DocxCell]]]]:
    """Every table as rows of (is repeated header, cells), from the XML itself.

    python-docx's row.cells repeats a vertically merged cell on every row it
    spans; reading w:tc directly shows what Word stores: one cell and its
    vMerge continuations.
    """
    root = docx_xml(path)
    tables = []
    for tbl in root.iter(f"{W}tbl"):
        rows = []
        for tr in tbl.findall(f"{W}tr"):
            header = tr.find(f"{W}trPr/{W}tblHeader") is not None
            cells, column = [], 0
            for tc in tr.findall(f"{W}tc"):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(f"{W}val")) if span_el is not None else 1
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                vmerge = None if vm is None else (vm.get(f"{W}val") or "continue")
                paras = []
                for p in tc.findall(f"{W}p"):
                    style = p.find(f"{W}pPr/{W}pStyle")
                    text = "".join(
                        t.text or "" if t.tag == f"{W}t" else "\n" for t in p.iter(f"{W}t", f"{W}br")
                    )
                    paras.append((style.get(f"{W}val") if style is not None else "", text))
                cells.append(DocxCell(column, span, vmerge, flat(" ".join(t for _, t in paras)), tuple(paras)))
                column += span
            rows.append((header, cells))
        tables.append(rows)
    return tables


def docx_text(path: Path, part: str = "word/document.xml") -> str:
    root = docx_xml(path, part)
    return flat(" ".join(t.text or "" for t in root.iter(f"{W}t")))


def docx_columns(path: Path) -> dict[int, str]:
    """The référentiel table's body text, column by column (bloc title rows left out)."""
    table = docx_tables(path)[0]
    columns: dict[int, list[str]] = {}
    for header, cells in table:
        if header or len(cells) == 1:
            continue
        for cell in cells:
            columns.setdefault(cell.column, []).append(cell.text)
    return {k: " | ".join(v) for k, v in columns.items()}


# --- HTML ---------------------------------------------------------------------------


def html_tree(path_or_bytes) -> html.HtmlElement:
    data = Path(path_or_bytes).read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return html.fromstring(data)


def html_columns(tree: html.HtmlElement) -> dict[str, str]:
    out = {}
    for cls in ("activites", "competence", "modalites", "criteres"):
        cells = tree.xpath(f".//td[contains(concat(' ',@class,' '),' {cls} ')]")
        out[cls] = " | ".join(flat(c.text_content()) for c in cells)
    return out


# --- PDF ----------------------------------------------------------------------------


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdftotext, form feeds between pages)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_text(path: Path, raw: bool = False) -> str:
    """The PDF's text on one line; `raw` keeps the drawing order (each table cell's text together)."""
    args = ["pdftotext", *(["-raw"] if raw else []), str(path), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return flat(out)


@dataclass(frozen=True)
class Word:
    page: int
    x: float
    y: float
    text: str


def pdf_words(path: Path) -> tuple[list[Word], float]:
    """Every word of the page bodies (footer left out) with its page and position, and the page width."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    words, width = [], 0.0
    for number, page in enumerate(root.iterfind(".//x:page", ns), start=1):
        width, height = float(page.get("width")), float(page.get("height"))
        for w in page.iterfind("x:word", ns):
            middle = (float(w.get("yMin")) + float(w.get("yMax"))) / 2
            if middle > height - 14 * 72 / 25.4:
                continue  # the running footer, in the bottom margin
            words.append(Word(number, float(w.get("xMin")), middle, w.text or ""))
    return words, width


def pdf_columns(path: Path, bounds: tuple[float, ...], title=re.compile(r"^BC\d\d$")) -> list[list[str]]:
    """Body text per bloc and column: words placed by x between `bounds` (page coordinates).

    The repeated header rows are left out. A bloc starts at its title row (a word matching `title`, the bloc code, at
    the left of the table); that row itself and everything before the first
    bloc are left out. Within a column, words are read line by line.
    """
    words, _ = pdf_words(path)
    # the header rows, repeated at the top of each page, end with « CRITÈRES D'ÉVALUATION »
    header_end = {w.page: w.y + 4 for w in words if w.text == "CRITÈRES"}
    # pages without the table's header (the annex after it) are not the table
    words = [w for w in words if w.page in header_end and w.y > header_end[w.page]]
    starts = sorted((w.page, w.y) for w in words if title.match(w.text) and w.x < bounds[1])
    segments: list[list[list[Word]]] = [[[] for _ in range(len(bounds) - 1)] for _ in starts]
    for w in words:
        seg = sum(1 for s in starts if (w.page, w.y) > (s[0], s[1] + 3)) - 1
        if seg < 0 or any(w.page == s[0] and abs(w.y - s[1]) <= 3 for s in starts):
            continue
        for i in range(len(bounds) - 1):
            if bounds[i] <= w.x < bounds[i + 1]:
                segments[seg][i].append(w)
    return [[_read(col) for col in seg] for seg in segments]


def _read(words: list[Word]) -> str:
    """Words of one column in reading order: lines (a few points of height apart), left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.page, w.y)):
        if lines and lines[-1][-1].page == w.page and w.y - lines[-1][-1].y < 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    return flat(" ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.x)))


def dehyphenate(text: str) -> str:
    """A word hyphenated at a line's end (WeasyPrint's hyphen U+2010, then the line break) made whole again."""
    return re.sub("\u2010\\s+", "", text)


MM = 72 / 25.4
_CONTENT = 297 - 2 * 12  # mm between the margins of the landscape page
# Column edges of the référentiel table, in points: WeasyPrint's (from referentiel.css)
# and the Word template's (from its grid, as LibreOffice lays it out).
WEASYPRINT_BOUNDS = tuple(x * MM for x in (12, 12 + 0.22 * _CONTENT, 12 + 0.50 * _CONTENT, 12 + 0.74 * _CONTENT, 285.1))
WORD_BOUNDS = tuple(x * MM for x in (12, 72, 148.5, 214, 285.1))


def libreoffice_pdf(docx: Path, outdir: Path) -> Path:
    """Convert a DOCX with LibreOffice, as a user opening it would."""
    profile = outdir / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(docx)],
        capture_output=True, check=True, timeout=180,
    )
    return outdir / (docx.stem + ".pdf")


def count(haystack: str, needle: str) -> int:
    return haystack.count(flat(needle))


# --- page fill ------------------------------------------------------------------------

_BBOX_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.DOTALL)
_BBOX_WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">')


def page_fill(pdf: Path, footer: float = 40.0) -> list[float]:
    """How full each page is: the height its text spans, from the top of the highest word to the bottom of
    the lowest (the running footer, in the page's last `footer` points, left out), over the height
    between the first page's top text and the footer — from `pdftotext -bbox`."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for _width, height, body in _BBOX_PAGE.findall(out):
        limit = float(height) - footer
        spans = [(float(a), float(b)) for a, b in _BBOX_WORD.findall(body) if float(b) < limit]
        pages.append((limit, spans))
    top = min((s[0][0] for _, s in pages if s), default=0.0)
    return [
        round((max(b for _, b in spans) - top) / (limit - top), 3) if spans else 0.0
        for limit, spans in pages
    ]
