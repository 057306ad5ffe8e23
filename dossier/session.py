"""Pre-filled grids for a session: one per candidate and épreuve, fast and in bounded memory.

Only the header differs between two candidates' grids, so each épreuve's grid
is laid out once (the *base*), then each candidate's name, number, date and
place are stamped onto it:

- PDF: WeasyPrint lays out the base once and tells where its fields are; a
  small overlay page per candidate (laid out in batches) is merged onto the
  base pages with pypdf.
- DOCX and HTML: the base is rendered with markers in the fields; each
  candidate's file is the base with the markers replaced (escaped).

Work is spread over every core with a process pool; the parent writes each
result as it arrives, so memory does not grow with the number of candidates.
"""

from __future__ import annotations

import html as html_lib
import io
import os
import zipfile
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator
from xml.sax.saxutils import escape as xml_escape

from . import build as build_mod
from .documents import DOCUMENTS, slugify
from .grilles import Candidat, GrilleView, for_candidate, grilles
from .render import docx_pages, html as html_render
from .render.docx_common import FIXED_ZIP_TIME
from .render.templates import TemplatePath

FIELDS = ("candidat", "numero", "date", "lieu")
MARK = "\u27e6{}\u27e7"  # ⟦candidat⟧: a marker no source text contains
BATCH = 25  # candidates per task: large enough to amortise a layout, small enough to stream
PX_TO_PT = 0.75


def marker(name: str) -> str:
    return MARK.format(name)


def values(c: Candidat) -> dict[str, str]:
    return {"candidat": c.nom_complet, "numero": c.numero, "date": c.date, "lieu": c.lieu}


@dataclass(frozen=True)
class Base:
    """One épreuve's grid, laid out once, with the places of its candidate fields."""

    stem: str
    pdf: bytes
    pages: int
    page_size: tuple[float, float]  # CSS px
    fields: dict[str, tuple[float, float, float, float]]  # name -> x, y, width, height on page 1 (CSS px)
    docx: bytes  # with markers
    html: str  # with markers


@dataclass(frozen=True)
class Job:
    folder: Path
    session: str
    formats: tuple[str, ...]


# --- worker side ------------------------------------------------------------------------


class _Worker:
    """What a worker process loads once: the certification, its templates, the views."""

    def __init__(self, job: Job):
        checked = build_mod.check(job.folder)
        if checked.certification is None:
            raise RuntimeError("sources illisibles")
        self.job = job
        self.cert = checked.certification
        self.env = build_mod.RenderEnv(
            TemplatePath.for_project(job.folder), build_mod.document_date(self.cert), self.cert.affichage.pdf_a
        )
        self.views = {v.stem: v for v in grilles(self.cert)}
        self.spec = DOCUMENTS["grilles"]

    def page(self, view: GrilleView) -> str:
        return html_render.render_page(self.env.templates, "grille.html", view, meta_date=self.env.when.isoformat())

    def base(self, stem: str) -> Base:
        import weasyprint

        view = for_candidate(self.views[stem], None, self.job.session)
        document = weasyprint.HTML(string=self.page(view), base_url=str(self.env.templates.folders[0])).render()
        fields = _field_boxes(document)
        page = document.pages[0]
        marked = for_candidate(view, Candidat(marker("candidat"), "", marker("numero"), marker("date"), marker("lieu")), self.job.session)
        marked_page = self.page(marked)
        docx = b""
        if "docx" in self.job.formats:
            template = self.env.templates.find("docx/grille.docx")
            docx = docx_pages.render_grille(template, marked, self.env.when, marked_page)
        return Base(stem, document.write_pdf(), len(document.pages), (page.width, page.height), fields, docx, marked_page)

    def batch(self, base: Base, candidats: list[Candidat]) -> list[tuple[str, bytes]]:
        """Each candidate's files, and the batch's pages for the merged PDF (path '')."""
        out: list[tuple[str, bytes]] = []
        if "pdf" in self.job.formats:
            pdfs, together = _stamp_pdf(base, candidats, self.env.templates.folders[0])
            out.extend((f"{file_stem(c)}.pdf", data) for c, data in zip(candidats, pdfs))
            out.append(("", together))
        docx = _DocxStamp(base.docx) if "docx" in self.job.formats else None
        for c in candidats:
            if docx is not None:
                out.append((f"{file_stem(c)}.docx", docx.stamp(values(c))))
            if "html" in self.job.formats:
                page = base.html
                for name, value in values(c).items():
                    page = page.replace(marker(name), html_lib.escape(value))
                out.append((f"{file_stem(c)}.html", page.encode("utf-8")))
        return out


_worker: _Worker | None = None  # one per process, set by the pool's initializer


def _init(job: Job) -> None:
    global _worker
    _worker = _Worker(job)


def _base_task(stem: str) -> Base:
    return _worker.base(stem)


def _batch_task(base: Base, index: int, candidats: list[Candidat]) -> tuple[str, int, int, list[tuple[str, bytes]]]:
    return base.stem, index, len(candidats), _worker.batch(base, candidats)


# --- stamping ---------------------------------------------------------------------------


def _field_boxes(document) -> dict[str, tuple[float, float, float, float]]:
    found = {}
    stack = [document.pages[0]._page_box]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        ident = element.get("id") if element is not None else None
        if ident and ident.startswith("champ-") and ident[6:] in FIELDS and ident[6:] not in found:
            found[ident[6:]] = (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())
        stack.extend(getattr(box, "children", ()) or ())
    return found


def _overlay_html(base: Base, candidats: list[Candidat]) -> str:
    width, height = base.page_size
    parts = [
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><style>",
        f"@page {{ size: {width}px {height}px; margin: 0; }}",
        "body { margin: 0; font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; }",
        f".p {{ position: relative; width: {width}px; height: {height}px; break-after: page; overflow: hidden; }}",
        ".f { position: absolute; white-space: nowrap; overflow: hidden; font-size: 9pt; color: #000; }",
        # the candidate on every page, in the empty top margin, so that pages never get mixed up
        f".s {{ position: absolute; top: 18px; left: 45px; width: {width - 90:.0f}px; text-align: right; font-size: 7.5pt; color: #333; }}",
        "</style></head><body>",
    ]
    for c in candidats:
        for page in range(base.pages):
            parts.append("<div class='p'>")
            if page == 0:
                for name, value in values(c).items():
                    if name in base.fields and value:
                        x, y, w, h = base.fields[name]
                        parts.append(
                            f"<div class='f' style='left:{x + 3:.2f}px; top:{y:.2f}px; width:{w - 6:.2f}px; "
                            f"height:{h:.2f}px; line-height:{h:.2f}px'>{html_lib.escape(value)}</div>"
                        )
            label = "Candidat : " + c.nom_complet + (f" — n° {c.numero}" if c.numero else "")
            parts.append(f"<div class='s'>{html_lib.escape(label)}</div></div>")
    parts.append("</body></html>")
    return "".join(parts)


def _stamp_pdf(base: Base, candidats: list[Candidat], base_url: Path) -> tuple[list[bytes], bytes]:
    """Each candidate's PDF, and all of them as one PDF (for the merged printout).

    Each base page becomes a Form XObject, drawn under each candidate's overlay
    page: one copy of the grid per batch, referenced by every page, and no
    re-parsing of content streams.
    """
    import weasyprint
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    overlay = PdfReader(io.BytesIO(weasyprint.HTML(string=_overlay_html(base, candidats), base_url=str(base_url)).write_pdf()))
    reader = PdfReader(io.BytesIO(base.pdf))
    together = PdfWriter()
    forms = []
    for n, page in enumerate(reader.pages):
        form = DecodedStreamObject()
        form.set_data(page.get_contents().get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): page.mediabox.clone(together),
            NameObject("/Resources"): page["/Resources"].clone(together),
        })
        forms.append(together._add_object(form))
    for i in range(len(candidats)):
        for n in range(base.pages):
            sheet = together.add_page(overlay.pages[i * base.pages + n])
            resources = sheet["/Resources"].get_object()
            xobjects = resources.get("/XObject")
            xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
            xobjects[NameObject(f"/DossierGrille{n}")] = forms[n]
            resources[NameObject("/XObject")] = xobjects
            under = DecodedStreamObject()
            under.set_data(f"q /DossierGrille{n} Do Q\n".encode())
            contents = sheet.raw_get("/Contents")  # the reference: a stream may not sit in an array directly
            resolved = contents.get_object()
            old = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
            sheet[NameObject("/Contents")] = ArrayObject([together._add_object(under), *old])
    together.add_metadata(reader.metadata or {})
    merged = PdfReader(io.BytesIO(_bytes(together)))
    results = []
    for i in range(len(candidats)):
        writer = PdfWriter()
        for n in range(base.pages):
            writer.add_page(merged.pages[i * base.pages + n])
        writer.add_metadata(reader.metadata or {})
        results.append(_bytes(writer))
    return results, _bytes(together)


def _bytes(writer) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _concatenate(pdfs: list[bytes]) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in pdfs:
        writer.append(io.BytesIO(data))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class _DocxStamp:
    """The base DOCX prepared once: every part but word/document.xml already zipped.

    A candidate's file is that zip, copied, with its own document.xml appended:
    only one part is compressed per candidate.
    """

    PART = "word/document.xml"

    def __init__(self, base: bytes):
        source = zipfile.ZipFile(io.BytesIO(base))
        self.document = source.read(self.PART).decode("utf-8")
        self.info = source.getinfo(self.PART)
        rest = io.BytesIO()
        with zipfile.ZipFile(rest, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename != self.PART:
                    target.writestr(_entry(info.filename, info.external_attr), source.read(info.filename))
        self.rest = rest.getvalue()

    def stamp(self, fields: dict[str, str]) -> bytes:
        text = self.document
        for name, value in fields.items():
            text = text.replace(marker(name), xml_escape(value))
        out = io.BytesIO(self.rest)
        out.seek(0, io.SEEK_END)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as target:
            target.writestr(_entry(self.PART, self.info.external_attr), text.encode("utf-8"))
        return out.getvalue()


def _entry(name: str, attributes: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = attributes
    return entry


def file_stem(c: Candidat) -> str:
    number = slugify(c.numero) if c.numero else f"l{c.line:04d}"
    return f"{number}-{slugify(c.nom_complet)}"


# --- parent side ------------------------------------------------------------------------


@dataclass
class SessionResult:
    grids: int = 0  # candidate × épreuve
    files: list[Path] = field(default_factory=list)
    merged: list[Path] = field(default_factory=list)


def epreuves_of(view_stems: dict[str, GrilleView], candidats: list[Candidat]) -> dict[str, list[Candidat]]:
    """Each épreuve's stem and the candidates who sit it, in CSV order."""
    by_bloc: dict[str, list[str]] = {}
    for stem, view in view_stems.items():
        by_bloc.setdefault(view.bloc.code, []).append(stem)
    out: dict[str, list[Candidat]] = {}
    for c in candidats:
        for code in c.blocs:
            for stem in by_bloc.get(code, []):
                out.setdefault(stem, []).append(c)
    return out


def generate(
    folder: Path,
    candidats: list[Candidat],
    out_dir: Path,
    session: str,
    formats: tuple[str, ...] = ("pdf", "docx"),
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    write: Callable[[Path, bytes], Path] | None = None,
) -> SessionResult:
    """Write every candidate's grids under out_dir/sessions/<session>/, and one merged PDF per épreuve."""
    from .write import write_atomic

    write = write or write_atomic
    job = Job(Path(folder), session, formats)
    cert = build_mod.check(job.folder).certification
    work = epreuves_of({v.stem: v for v in grilles(cert)}, candidats)
    root = Path(out_dir) / "sessions" / slugify(session)
    result = SessionResult()
    workers = max(1, jobs or os.cpu_count() or 1)
    merged_parts: dict[str, list[Path]] = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(job,)) as pool:
        bases = {stem: pool.submit(_base_task, stem) for stem in work}
        tasks = ((stem, i, chunk) for stem, people in work.items() for i, chunk in enumerate(_chunks(people, BATCH)))
        pending: set[Future] = set()
        limit = 2 * workers  # results in flight: memory stays bounded
        for stem, index, chunk in tasks:
            pending.add(pool.submit(_batch_task, bases[stem].result(), index, chunk))
            if len(pending) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                _collect(done, root, result, merged_parts, write, progress)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            _collect(done, root, result, merged_parts, write, progress)
    for stem, parts in merged_parts.items():
        merged = root / f"{stem}.pdf"
        write(merged, _concatenate([p.read_bytes() for p in sorted(parts)]))
        for p in parts:
            p.unlink()
        result.merged.append(merged)
    result.grids = sum(len(p) for p in work.values())
    return result


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _collect(done, root: Path, result: SessionResult, merged_parts, write, progress) -> None:
    for future in done:
        stem, index, count, files = future.result()
        for name, data in files:
            if name == "":  # this batch's pages of the merged PDF, kept aside until the end
                part = root / f".{stem}.part{index:05d}.pdf"
                merged_parts.setdefault(stem, []).append(write(part, data))
            else:
                result.files.append(write(root / stem / name, data))
        if progress:
            progress(count)


def naive(folder: Path, candidats: list[Candidat], session: str, fmt: str) -> Iterator[bytes]:
    """The way without stamping, for the benchmark: every grid laid out from scratch."""
    worker = _Worker(Job(Path(folder), session, (fmt,)))
    work = epreuves_of(worker.views, candidats)
    for stem, people in work.items():
        for c in people:
            view = for_candidate(worker.views[stem], c, session)
            page = worker.page(view)
            if fmt == "pdf":
                from .render import pdf as pdf_render

                yield pdf_render.render(page, worker.env.templates.folders[0])
            else:
                yield docx_pages.render_grille(worker.env.templates.find("docx/grille.docx"), view, worker.env.when, page)
