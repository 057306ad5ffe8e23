"""Pre-filled grids for a session: one per candidate and épreuve, fast and in bounded memory.

Only the header differs between two candidates' grids, so each épreuve's grid
is laid out once (the *base*), then each candidate's name, number, date and
place are filled in:

- PDF: WeasyPrint lays out the base once, its fields empty, and tells where
  they are; each candidate's values are appended to it, drawn in the grid's
  own font (render/stamp.py, render/overlay.py: as the jury's documents), and
  to the épreuve's merged PDF, written as batches arrive, in order
  (pdf_increment.Printout; tagged when the grids are).
- DOCX and HTML: the base is rendered with markers in the fields; each
  candidate's file is the base with the markers replaced (escaped).

Work is spread over every core with a process pool; each worker writes its
candidates' files (0600, in folders 0700: they name the candidates), and a
process of its own (the printer) appends each batch's pages to the merged PDFs
as the parent hands them on, in order, so memory does not grow with the number
of candidates.

The session's folder belongs to its runs: a hidden list (mode 0600: it names the
candidates) records what a run wrote, and the next run removes what it no
longer makes — last run's candidates, a removed épreuve's grids — and the parts
of merged PDFs a killed run left. The list names what a run is to write before
it writes anything, so a run stopped halfway leaves nothing unknown to the next.
A file the tool did not write stays.
"""

from __future__ import annotations

import html as html_lib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import check
from ..documents import DOCUMENTS
from ..documents.grilles import GrilleView, Membre, for_candidate, grilles
from ..errors import DossierError
from ..render import docx_pages
from ..render.formats import html_page
from ..render.stamp import Base, DocxStamp, grid_values, marker, values, with_header
from ..sources.candidats import Candidat
from ..text import slug
from .owned import prepare_out, prune, refuse_out, written_before
from .plan import render_env
from .pool import chunks, process_pool, workers
from .write import write_atomic

BATCH = 25  # candidates per task: large enough to amortise a layout, small enough to stream
PX_TO_PT = 0.75
WRITTEN = ".dossier-session.json"  # in the session's folder: what its last run wrote (or, stopped, was writing)
FILE_MODE, DIR_MODE = 0o600, 0o700  # the grids name the candidates: the owner's only


@dataclass(frozen=True)
class Job:
    folder: Path
    session: str
    formats: tuple[str, ...]
    jury: tuple[Membre, ...] = ()  # the session's jury: one signature row each (else blank rows)
    out: Path | None = None  # the session's folder, where the workers write the candidates' files


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
        from ..render.overlay import lay_out

        view = for_candidate(self.views[stem], None, self.job.session, self.job.jury)
        marked = for_candidate(
            view, Candidat(marker("candidat"), "", marker("numero"), marker("date"), marker("lieu")), self.job.session, self.job.jury
        )
        marked_page = self.page(marked)
        laid = None
        if "pdf" in self.job.formats:  # laid out only when filled: Word and HTML need no layout
            laid = with_header(lay_out(self.page(view), "", b"", self.env.templates.folders[0],
                                       tagged=self.env.pdf_ua, pdf_a=self.env.pdf_a))
        docx = b""
        if "docx" in self.job.formats:
            template = self.env.templates.find(f"docx/{self.spec.template}.docx")
            docx = docx_pages.render(template, marked, self.env.when, marked_page)
        return Base(stem, laid, docx, marked_page)

    def batch(self, base: Base, candidats: list[Candidat]) -> tuple[list[tuple[str, bytes]], tuple | None]:
        """Each candidate's files, and the batch's part of the merged PDF: each copy's pages (or the copy
        made whole) and, tagged, each copy's values and marks (pdf_increment.Printout.add)."""
        from ..render.overlay import stamp

        out: list[tuple[str, bytes]] = []
        printed = None
        if "pdf" in self.job.formats:
            laid = base.laid
            records = [grid_values(c, laid.pages) for c in candidats]
            pdfs, copies = stamp(laid, records, self.env.templates.folders[0], self.env.pdf_a)
            out.extend((f"{c.stem}.pdf", data) for c, data in zip(candidats, pdfs))
            tags = laid.prepared.tags
            printed = (copies, [(r, tags.marks(laid.boxes, r)) for r in records] if tags is not None else None)
        docx = DocxStamp(base.docx) if "docx" in self.job.formats else None
        for c in candidats:
            if docx is not None:
                out.append((f"{c.stem}.docx", docx.stamp(values(c))))
            if "html" in self.job.formats:
                page = base.html
                for name, value in values(c).items():
                    page = page.replace(marker(name), html_lib.escape(value))
                out.append((f"{c.stem}.html", page.encode("utf-8")))
        return out, printed


_worker: _Worker | None = None  # one per process, set by the pool's initializer


def _init(job: Job) -> None:
    global _worker
    _worker = _Worker(job)


def _base_task(stem: str) -> Base:
    return _worker.base(stem)


def _batch_task(base: Base, index: int, candidats: list[Candidat]) -> tuple[str, int, int, list[str], tuple | None]:
    """A batch's files, written here (the parent gets their names, not their bytes), and its printout's part."""
    files, printed = _worker.batch(base, candidats)
    folder = _worker.job.out / base.stem
    folder.mkdir(mode=DIR_MODE, exist_ok=True)  # the session's folder exists (generate): workers make its épreuves'
    names = [write_atomic(folder / name, data, mode=FILE_MODE).name for name, data in files]
    return base.stem, index, len(candidats), names, printed


# --- printer side: the merged PDFs, in a process of their own ----------------------------

_printouts = None  # the printer's jury_outputs.Printouts


def _init_printer(root: Path) -> None:
    global _printouts
    from .jury_outputs import Printouts

    _printouts = Printouts(root, FILE_MODE)


def _print_task(stem: str, index: int, prepared, copies: list, filled: list | None) -> None:
    """A batch's copies appended to its épreuve's merged PDF (`prepared`: the grid, with the épreuve's first batch)."""
    _printouts.add(stem, index, prepared, copies, filled)


def _print_finish(root: Path) -> list[Path]:
    return _printouts.finish(lambda stem: root / f"{stem}.pdf")


def _print_abandon() -> None:
    _printouts.abandon()


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
    jury: tuple[Membre, ...] = (),
) -> SessionResult:
    """Write every candidate's grids under out_dir/sessions/<session>/, and one merged PDF per épreuve.

    With the session's jury, each grid has a signature row per member, named; else blank rows.
    """
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, Future, wait

    root = Path(out_dir) / "sessions" / slug(session)
    job = Job(Path(folder), session, formats, tuple(jury), root)
    cert = check(job.folder).certification
    work = epreuves_of({v.stem: v for v in grilles(cert)}, candidats)
    refuse_out(out_dir, sources=job.folder, managed=("sessions",))
    _one_file_each(work)
    prepare_out(root, ())
    earlier = written_before(root / WRITTEN)
    result = SessionResult()
    count = workers(jobs, 10**9)
    orders: dict[Future, int] = {}  # each task's place in the order they were given
    ready: dict[int, tuple[str, int, tuple]] = {}  # batches' pages come before their turn (a printout takes them in order)
    turn = 0
    sent: set[str] = set()  # the épreuves whose grid went to the printer
    printing: deque[Future] = deque()  # the printer's tasks, in order: bounded, their errors raised here

    def collect(done) -> None:
        nonlocal turn
        for future in done:
            order, (stem, index, size, files, printed) = orders.pop(future), future.result()
            result.files += [root / stem / name for name in files]
            ready[order] = (stem, index, printed)
            if progress:
                progress(size)
        while turn in ready:  # in task order, whatever order they came in: the same bytes on every run
            stem, index, printed = ready.pop(turn)
            if printed is not None:
                prepared = bases[stem].result().laid.prepared if stem not in sent else None
                sent.add(stem)
                printing.append(printer.submit(_print_task, stem, index, prepared, *printed))
                while len(printing) > limit or (printing and printing[0].done()):
                    printing.popleft().result()
            turn += 1

    limit = 2 * count  # results in flight or waiting for their turn, batches waiting for the printer: memory stays bounded
    root.mkdir(parents=True, mode=DIR_MODE, exist_ok=True)
    os.chmod(root, DIR_MODE)  # its files name the candidates: nobody else lists them
    # before anything is written, the listing names what this run is to write too and is not there yet (a file
    # there is the earlier run's, listed, or not the tool's): a run stopped halfway (interrupted, killed) leaves
    # no file the next run would not know to remove (a candidate taken off the CSV); its own end removes only
    # what the earlier run wrote
    planned = {f"{stem}/{c.stem}.{fmt}" for stem, people in work.items() for c in people for fmt in formats}
    planned |= {f"{stem}.pdf" for stem in work} if "pdf" in formats else set()
    _list(root, sorted({*earlier, *(name for name in planned if not os.path.lexists(root / name))}))
    # the merged PDFs are written by a process of their own, as the batches come: the parent only hands them on
    printer = process_pool(1, _init_printer, (root,)) if "pdf" in formats else None
    pool = process_pool(count, _init, (job,))
    try:
        bases = {stem: pool.submit(_base_task, stem) for stem in work}
        tasks = ((stem, i, chunk) for stem, people in work.items() for i, chunk in enumerate(chunks(people, BATCH)))
        pending: set[Future] = set()
        for order, (stem, index, chunk) in enumerate(tasks):
            future = pool.submit(_batch_task, bases[stem].result(), index, chunk)
            orders[future] = order
            pending.add(future)
            while pending and len(pending) + len(ready) >= limit:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                collect(done)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            collect(done)
        while printing:
            printing.popleft().result()
        if printer is not None:
            result.merged = printer.submit(_print_finish, root).result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # no batch begins after an error (what was written is not listed: see prune)
        for future in printing:
            future.cancel()
        try:  # the merged PDFs begun: their temporary files removed (unless the printer itself is gone)
            if printer is not None:
                printer.submit(_print_abandon).result()
        except Exception:
            pass
        raise
    finally:
        pool.shutdown()
        if printer is not None:
            printer.shutdown()
    result.grids = sum(len(p) for p in work.values())
    made = {p.relative_to(root) for p in result.files + result.merged}
    result.removed = [root / rel for rel in prune(root, made, earlier)]
    _list(root, sorted(p.as_posix() for p in made))
    return result


def _list(root: Path, names: list[str]) -> None:
    write_atomic(root / WRITTEN, json.dumps(names, ensure_ascii=False, indent=0).encode("utf-8"), mode=FILE_MODE)


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
