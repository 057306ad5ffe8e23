"""Pre-filled grids for a session: one per candidate and épreuve, fast and in bounded memory.

Only the header differs between two candidates' grids, so each épreuve's grid
is laid out once (the *base*), then each candidate's name, number, date and
place are stamped onto it:

- PDF: WeasyPrint lays out the base once and tells where its fields are; a
  small overlay page per candidate (laid out in batches) is drawn over the
  base pages (render/pdf_stamp.py). Each batch's overlay is kept aside, and
  the épreuve's merged PDF made of them at the end, the base written once
  (pdf_stamp.Printout; tagged when the grids are).
- DOCX and HTML: the base is rendered with markers in the fields; each
  candidate's file is the base with the markers replaced (escaped).

Work is spread over every core with a process pool; the parent writes each
result as it arrives, so memory does not grow with the number of candidates.

The session's folder belongs to its runs: a hidden list (mode 0600: it names the
candidates) records what a run wrote, and the next run removes what it no
longer makes — last run's candidates, a removed épreuve's grids — and the parts
of merged PDFs a killed run left. A file the tool did not write stays.
"""

from __future__ import annotations

import html as html_lib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import check
from ..documents import DOCUMENTS
from ..documents.grilles import GrilleView, Membre, for_candidate, grilles
from ..errors import DossierError
from ..render import docx_pages, pdf_tags
from ..render.formats import html_page
from ..render.stamp import Base, DocxStamp, field_boxes, marker, stamp_pdf, values
from ..sources.candidats import Candidat
from ..text import slug
from .owned import prepare_out, prune, refuse_out, written_before
from .plan import render_env
from .pool import chunks, process_pool, workers
from .write import write_atomic, write_atomic_with

BATCH = 25  # candidates per task: large enough to amortise a layout, small enough to stream
PX_TO_PT = 0.75
WRITTEN = ".dossier-session.json"  # in the session's folder: what its last run wrote


@dataclass(frozen=True)
class Job:
    folder: Path
    session: str
    formats: tuple[str, ...]
    jury: tuple[Membre, ...] = ()  # the session's jury: one signature row each (else blank rows)


# --- worker side ------------------------------------------------------------------------


class _Worker:
    """What a worker process loads once: the certification, its templates, the views."""

    def __init__(self, job: Job):
        checked = check(job.folder)
        if checked.certification is None:
            raise RuntimeError("sources illisibles")
        self.job = job
        self.cert = checked.certification
        self.env = render_env(self.cert, job.folder)
        self.views = {v.stem: v for v in grilles(self.cert)}
        self.spec = DOCUMENTS["grilles"]

    def page(self, view: GrilleView) -> str:
        return html_page(self.spec, view, self.env)

    def base(self, stem: str) -> Base:
        from ..render.pdf import document as laid_out

        view = for_candidate(self.views[stem], None, self.job.session, self.job.jury)
        pdf, pages, size, fields = b"", 0, (0.0, 0.0), {}
        if "pdf" in self.job.formats:  # laid out only when stamped: Word and HTML need no layout
            document = laid_out(self.page(view), self.env.templates.folders[0])
            fields, pages, size = field_boxes(document), len(document.pages), (document.pages[0].width, document.pages[0].height)
            pdf_tags.prepare(document, self.env.pdf_ua)
            pdf = document.write_pdf(**pdf_tags.options(False, self.env.pdf_ua))
        marked = for_candidate(
            view, Candidat(marker("candidat"), "", marker("numero"), marker("date"), marker("lieu")), self.job.session, self.job.jury
        )
        marked_page = self.page(marked)
        docx = b""
        if "docx" in self.job.formats:
            template = self.env.templates.find(f"docx/{self.spec.template}.docx")
            docx = docx_pages.render(template, marked, self.env.when, marked_page)
        return Base(stem, pdf, pages, size, fields, docx, marked_page)

    def batch(self, base: Base, candidats: list[Candidat]) -> list[tuple[str, bytes]]:
        """Each candidate's files, and the batch's part of the merged PDF (path ''; `_printed`)."""
        out: list[tuple[str, bytes]] = []
        if "pdf" in self.job.formats:
            pdfs, (overlay, texts) = stamp_pdf(base, candidats, self.env.templates.folders[0])
            out.extend((f"{c.stem}.pdf", data) for c, data in zip(candidats, pdfs))
            out.append(("", _printed(overlay, texts)))
        docx = DocxStamp(base.docx) if "docx" in self.job.formats else None
        for c in candidats:
            if docx is not None:
                out.append((f"{c.stem}.docx", docx.stamp(values(c))))
            if "html" in self.job.formats:
                page = base.html
                for name, value in values(c).items():
                    page = page.replace(marker(name), html_lib.escape(value))
                out.append((f"{c.stem}.html", page.encode("utf-8")))
        return out


def _printed(overlay: bytes, texts: list[str]) -> bytes:
    """A batch's part of the merged PDF, kept aside until the end: what its stamps read as, then its overlay."""
    said = json.dumps(texts, ensure_ascii=False).encode("utf-8")
    return b"%d\n" % len(said) + said + overlay


def _read_printed(data: bytes) -> tuple[bytes, list[str]]:
    size, rest = data.split(b"\n", 1)
    return rest[int(size):], json.loads(rest[: int(size)])


_worker: _Worker | None = None  # one per process, set by the pool's initializer


def _init(job: Job) -> None:
    global _worker
    _worker = _Worker(job)


def _base_task(stem: str) -> Base:
    return _worker.base(stem)


def _batch_task(base: Base, index: int, candidats: list[Candidat]) -> tuple[str, int, int, list[tuple[str, bytes]]]:
    return base.stem, index, len(candidats), _worker.batch(base, candidats)


# --- parent side ------------------------------------------------------------------------


@dataclass
class SessionResult:
    grids: int = 0  # candidate × épreuve
    files: list[Path] = field(default_factory=list)
    merged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # what the session's earlier runs wrote and this one did not


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
    jury: tuple[Membre, ...] = (),
) -> SessionResult:
    """Write every candidate's grids under out_dir/sessions/<session>/, and one merged PDF per épreuve.

    With the session's jury, each grid has a signature row per member, named; else blank rows.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, wait

    from ..render.pdf_stamp import printing

    write = write or write_atomic
    job = Job(Path(folder), session, formats, tuple(jury))
    cert = check(job.folder).certification
    work = epreuves_of({v.stem: v for v in grilles(cert)}, candidats)
    root = Path(out_dir) / "sessions" / slug(session)
    refuse_out(out_dir, sources=job.folder, managed=("sessions",))
    _one_file_each(work)
    prepare_out(root, ())
    earlier = written_before(root / WRITTEN)
    result = SessionResult()
    count = workers(jobs, 10**9)
    merged_parts: dict[str, list[Path]] = {}
    with process_pool(count, _init, (job,)) as pool:
        bases = {stem: pool.submit(_base_task, stem) for stem in work}
        tasks = ((stem, i, chunk) for stem, people in work.items() for i, chunk in enumerate(chunks(people, BATCH)))
        pending: set[Future] = set()
        limit = 2 * count  # results in flight: memory stays bounded
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
        title = f"Grilles d'évaluation {stem.upper()} — {session}"
        batches = (_read_printed(p.read_bytes()) for p in sorted(parts))  # one batch in memory at a time
        write_atomic_with(merged, printing(bases[stem].result().pdf, batches, title))
        for p in parts:
            p.unlink()
        result.merged.append(merged)
    result.grids = sum(len(p) for p in work.values())
    made = {p.relative_to(root) for p in result.files + result.merged}
    result.removed = [root / rel for rel in prune(root, made, earlier)]
    listing = json.dumps(sorted(p.as_posix() for p in made), ensure_ascii=False, indent=0)
    write_atomic(root / WRITTEN, listing.encode("utf-8"), mode=0o600)
    return result


def _one_file_each(work: dict[str, list[Candidat]]) -> None:
    """Every file name is known before anything is written: two candidates' grids never share one."""
    for stem, people in work.items():
        seen: dict[str, Candidat] = {}
        for c in people:
            other = seen.setdefault(c.stem, c)
            if other is not c:
                raise DossierError(
                    f"les grilles des candidats des lignes {other.line} et {c.line} auraient le même nom de fichier "
                    f"({stem}/{c.stem}) : donnez-leur des numéros distincts"
                )


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
