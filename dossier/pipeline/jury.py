"""A jury session, from its sources to its documents: decisions, PV, fiches, relevés, attestations, parchemins.

Every per-candidate document has a fixed layout (a bloc's épreuves and
criteria, the certification's blocs), so each kind is laid out once (a
*base*, with empty fields) and each candidate's values are stamped onto it
(render/overlay.py): in PDF appended to the base (render/pdf_increment.py; a
value the document's font lacks laid out apart and drawn over it), tagged, and
in PDF/A too (the base laid out PDF/A-3b), in DOCX and HTML copies of a marked base.

Workers take batches of candidates (with their results), compute their
decisions and write their files; the parent gets back the files' names, the
decisions' rows (spooled to a temporary SQLite file, jury_decisions.py) and
the pages for the merged print PDFs, appended to them in batch order (batches
that finish early wait for their turn): the same sources give the same bytes
whatever order batches finish in, and memory stays flat with the number of
candidates.

Personal data: everything written here is for the certificateur's eyes only —
files 0600, folders 0700, in the folder given, never the site or the bundle.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..checks import check
from ..checks.session import check_session
from ..documents import jury as views
from ..documents.deliberation import decide
from ..render.formats import file_bytes, html_page
from ..render.overlay import Copies, Laid, centred, lay_out, stamp
from ..render.stamp import marker
from ..sources.candidats import Candidat
from ..sources.session import Acquis, Derogation, Resultat, Session, SessionInfo, read_info, read_session
from . import jury_exports
from .jury_decisions import Decisions
from .jury_outputs import Printouts, refuse_public, rows, session_env, session_files
from .owned import prepare_out, prune, refuse_out, written_before
from .pool import chunks, process_pool, workers
from .write import write_atomic, write_atomic_with

BATCH = 25
FILE_MODE, DIR_MODE = 0o600, 0o700
WRITTEN = ".dossier-jury.json"
PRINT = "imprimer"  # the merged PDFs
SPECS = views.SESSION_DOCUMENTS
PLURALS = {"synthese": "syntheses", "releve": "releves", "attestation": "attestations", "parchemin": "parchemins"}
BY_BLOC, ONCE = ("synthese", "attestation"), ("releve", "parchemin")  # a candidate's documents: one per bloc, or one


@dataclass(frozen=True)
class Job:
    folder: Path
    session: Path
    formats: tuple[str, ...]
    out: Path  # where the workers write the per-candidate files


# --- worker side ------------------------------------------------------------------------


class _Worker:
    def __init__(self, job: Job):
        checked = check(job.folder)
        self.cert = checked.certification
        self.info: SessionInfo = read_info(job.session, self.cert)
        self.job = job
        self.env = session_env(self.cert, job.folder, self.info)
        self.held = set(self.info.epreuves) or None
        self.bases: dict[str, tuple[Laid, Copies]] = {}
        self.sent: set[str] = set()  # the kinds whose prepared base went to the parent (with this process's first batch of it)
        self.fonts_sent: set[str] = set()  # the full fonts (SHA-256) that went to the parent with a long PV's parts

    def base(self, key: str) -> tuple[Laid, Copies]:
        """A kind's base, laid out once in this process: « synthese-BC01 », « releve », « attestation-BC01 », « parchemin »."""
        if key not in self.bases:
            kind, _, code = key.partition("-")
            bloc = next((b for b in self.cert.blocs if b.code == code), None)
            if kind == "synthese":
                view = views.synthese(self.cert, self.info, bloc, self.held)
                names = views.synthese_fields(view)
            elif kind == "releve":
                view = views.releve(self.cert, self.info)
                names = views.releve_fields(view)
            else:
                view = views.attestation(self.cert, self.info, bloc)
                names = views.ATTESTATION_FIELDS
            spec = SPECS[PLURALS[kind]]
            marked = replace(view, valeurs={n: marker(n) for n in names})
            marked_page = html_page(spec, marked, self.env)
            docx = file_bytes(spec, "docx", marked, self.env, marked_page) if "docx" in self.job.formats else b""
            if docx and kind in ("attestation", "parchemin"):
                docx = centred(docx)
            laid = lay_out(html_page(spec, view, self.env), marked_page, docx, self.env.templates.folders[0],
                           tagged=self.env.pdf_ua, pdf_a=self.env.pdf_a)
            self.bases[key] = (laid, Copies(laid))
        return self.bases[key]

    def batch(self, index: int, people: list[tuple[Candidat, list[Resultat], dict[str, Derogation], tuple[Acquis, ...]]]):
        decided = [decide(self.cert, c, results, overrides, self.held, acquis) for c, results, overrides, acquis in people]
        documents: dict[str, list[tuple[str, dict[str, str]]]] = {}  # base key → (file path, values)
        for d in decided:
            c = d.candidat
            for b in d.blocs:
                documents.setdefault(f"synthese-{b.bloc.code}", []).append(
                    (_path("synthese", c.stem, b.bloc.code), views.valeurs_synthese(b, c)))
                if b.valide:
                    documents.setdefault(f"attestation-{b.bloc.code}", []).append(
                        (_path("attestation", c.stem, b.bloc.code), views.identite(c)))
            documents.setdefault("releve", []).append((_path("releve", c.stem), views.valeurs_releve(d)))
            if d.certifie:
                documents.setdefault("parchemin", []).append((_path("parchemin", c.stem), views.identite(c)))
        files: list[str] = []  # written here: the parent gets their names only (no copy of their bytes through the pipe)

        def put(rel: str, data: bytes) -> None:
            path = self.job.out / rel
            _mkdirs(self.job.out, path.parent)
            write_atomic(path, data, mode=FILE_MODE)
            files.append(rel)

        printouts: list[tuple[str, int, object, list]] = []
        for key in sorted(documents):
            laid, copies = self.base(key)
            items = documents[key]
            if "pdf" in self.job.formats:
                pdfs, printed = stamp(laid, [v for _, v in items], self.env.templates.folders[0], self.env.pdf_a)
                for (path, _), data in zip(items, pdfs):
                    put(f"{path}.pdf", data)
                # page streams (or a copy made whole), appended to the kind's printout as they come: batches reach
                # the printout in order, a process's in its order: its first batch of a kind is the first to
                # arrive of those it made
                tags = laid.prepared.tags  # a tagged printout: each copy's values given to its own elements
                filled = [(v, tags.marks(laid.boxes, v)) for _, v in items] if tags is not None else None
                printouts.append((key.lower(), index, None if key in self.sent else laid.prepared, printed, filled))
                self.sent.add(key)
            for path, values in items:
                if "docx" in self.job.formats:
                    put(f"{path}.docx", copies.word(values))
                if "html" in self.job.formats:
                    put(f"{path}.html", copies.html(values))
        return index, len(people), files, rows(decided), printouts


_worker: _Worker | None = None


def _init(job: Job) -> None:
    global _worker
    _worker = _Worker(job)


def _batch_task(index: int, people):
    return _worker.batch(index, people)


def _pdf_task(page: str) -> tuple[bytes, dict, dict]:
    """A part of a long PV, laid out in a worker (jury_outputs.pv_pdf)."""
    from .jury_outputs import pv_part

    env = _worker.env
    data, meta, fonts = pv_part(page, env.templates.folders[0], env.pdf_ua, env.pdf_a, frozenset(_worker.fonts_sent))
    _worker.fonts_sent.update(fonts)  # the parent keeps them for the run (this pool's): each full font sent once
    return data, meta, fonts


# --- parent side ------------------------------------------------------------------------


@dataclass
class JuryResult:
    candidats: int = 0
    decisions: int = 0
    files: int = 0  # written (their names are in the output folder's listing, WRITTEN)
    removed: list[Path] = field(default_factory=list)


def load(folder: Path, session_folder: Path, display: str | None = None) -> tuple[object, Session, list]:
    """The certification, the session, and every diagnostic of both (the caller prints them)."""
    checked = check(folder)
    if checked.certification is None or not checked.ok:
        return checked, Session(Path(session_folder)), checked.report.sorted()
    session = read_session(session_folder, checked.certification, display)
    diagnostics = session.report.sorted()
    if session.info is not None:
        diagnostics += check_session(checked.certification, session).sorted()
        diagnostics += jury_exports.diagnostics(checked.certification, session)
    return checked, session, diagnostics


def generate(folder: Path, session: Session, cert, out_dir: Path, formats: tuple[str, ...] = ("pdf", "docx", "html"),
             jobs: int | None = None, progress: Callable[[int], None] | None = None, key: Path | None = None) -> JuryResult:
    """Write every document of the session under out_dir (0600 files, 0700 folders)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    out_dir = Path(out_dir)
    refuse_out(out_dir, sources=Path(folder))
    refuse_public(out_dir)
    prepare_out(out_dir, ())
    out_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(out_dir, DIR_MODE)
    result = JuryResult(candidats=len(session.candidats))
    job = Job(Path(folder), session.folder, formats, out_dir)
    of = _results_of(session.resultats)  # a candidate's results, read from the session's store as each batch is sent
    overrides: dict[str, dict[str, Derogation]] = {}
    for d in session.derogations:
        overrides.setdefault(d.numero, {})[d.bloc] = d
    earlier: dict[str, tuple[Acquis, ...]] = {}
    for a in session.acquis:
        earlier[a.numero] = (*earlier.get(a.numero, ()), a)
    printouts = Printouts(out_dir / PRINT, FILE_MODE)
    decisions = Decisions(out_dir, FILE_MODE)
    decisions.earlier(written_before(out_dir / WRITTEN))
    # before anything is written, the listing names what this run may write too and is not there yet (a file
    # already there is the earlier run's, listed, or not the tool's): a run stopped halfway leaves no file the
    # next run would not know to remove; its own end removes only what the earlier run wrote
    try:
        decisions.planned(name for name in _planned(cert, session, formats) if not os.path.lexists(out_dir / name))
        write_atomic_with(out_dir / WRITTEN, lambda out: _listing(decisions.listed(), out), mode=FILE_MODE)
    except BaseException:
        decisions.close()
        raise
    ready: dict[int, list] = {}  # the print pages of batches come before their turn (the printouts take batches in order)
    turn = 0

    def write(rel: str, data: bytes) -> None:
        path = out_dir / rel
        _mkdirs(out_dir, path.parent)
        if callable(data):  # too big to hold: written as it is made
            write_atomic_with(path, data, mode=FILE_MODE)
        else:
            write_atomic(path, data, mode=FILE_MODE)
        decisions.wrote([Path(rel).as_posix()])

    def collect(done) -> None:
        nonlocal turn
        for future in done:
            index, count, files, rows_, printed = future.result()
            decisions.wrote(files)  # written by the worker
            decisions.add(index * BATCH, rows_)
            ready[index] = printed
            if progress:
                progress(count)
        while turn in ready:  # in batch order, whatever order they came in: the same bytes on every run
            for key, batch, prepared, streams, filled in ready.pop(turn):
                printouts.add(key, batch, prepared, streams, filled)
            turn += 1

    batches = ((i, [(c, of(c.numero), overrides.get(c.numero, {}), earlier.get(c.numero, ())) for c in chunk])
               for i, chunk in enumerate(chunks(session.candidats, BATCH)))
    count = workers(jobs, 10**9)
    try:
        with process_pool(count, _init, (job,)) as pool:
            pending = set()
            for index, people in batches:
                pending.add(pool.submit(_batch_task, index, people))
                while pending and len(pending) + len(ready) >= 2 * count:  # batches waiting for their turn count too
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    collect(done)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                collect(done)
            session_files(Path(folder), cert, session, out_dir, formats, decisions, result.candidats, write,
                          laid_out=lambda pages: _in_order(pool, _pdf_task, pages, 2 * count), key=key)
    except BaseException:
        printouts.abandon()
        decisions.close()
        raise

    try:
        decisions.wrote(p.relative_to(out_dir).as_posix() for p in printouts.finish(lambda key: out_dir / _printed(key)))
        result.decisions, result.files = len(decisions), decisions.files()
        result.removed = [out_dir / rel for rel in prune(out_dir, (), decisions.gone())]
        write_atomic_with(out_dir / WRITTEN, lambda out: _listing(decisions.written(), out), mode=FILE_MODE)
    finally:
        decisions.close()
    return result


def _planned(cert, session: Session, formats: tuple[str, ...]) -> Iterator[str]:
    """Every file this run may write: each candidate's documents (Worker.batch's names: more than it will, a bloc
    not sat, not validated, no parchemin) and credentials, then the session's own."""
    from ..exporters.badges import Holder, file_names

    codes = [b.code for b in cert.blocs]
    for c in session.candidats:
        paths = [_path(kind, c.stem, code) for kind in BY_BLOC for code in codes] + [_path(kind, c.stem) for kind in ONCE]
        yield from (f"{path}.{fmt}" for fmt in formats for path in paths)
        yield from (f"badges/{name}" for name in file_names(cert, Holder(nom=c.nom, prenom=c.prenom, numero=c.numero)))
    yield from (f"proces-verbal.{fmt}" for fmt in formats)
    yield from ("decisions.csv", "accrochage.xml")
    if "pdf" in formats:
        yield from (_printed(f"{kind}-{code}".lower()) for kind in BY_BLOC for code in codes)
        yield from (_printed(kind) for kind in ONCE)


def _path(kind: str, stem: str, bloc: str = "") -> str:
    """A candidate's document of a kind, without its extension: « releves/STEM », « syntheses/bc01/STEM »."""
    return f"{PLURALS[kind]}/{bloc.lower() + '/' if bloc else ''}{stem}"


def _printed(key: str) -> str:
    """A kind's printout (key: « releve », « synthese-bc01 »), in the output folder."""
    kind, _, code = key.partition("-")
    return f"{PRINT}/{PLURALS[kind]}{'-' + code if code else ''}.pdf"


def _listing(names: Iterator[str], out) -> None:
    """The run's listing, as json.dumps(sorted names, indent=0) would write it, a name at a time."""
    out.write(b"[")
    first = True
    for name in names:
        out.write((b"\n" if first else b",\n") + json.dumps(name).encode())
        first = False
    out.write(b"]" if first else b"\n]")


def _in_order(pool, task, items, window: int) -> Iterator:
    """pool.map, but with at most `window` items sent ahead (pool.map takes them all at once: every
    part of a long PV would sit in memory, in this process and in the pipe)."""
    from collections import deque

    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(task, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _results_of(resultats) -> Callable[[str], list[Resultat]]:
    if hasattr(resultats, "of"):
        return resultats.of
    by_number: dict[str, list[Resultat]] = {}
    for r in resultats:
        by_number.setdefault(r.numero, []).append(r)
    return lambda numero: by_number.pop(numero, [])


def _mkdirs(root: Path, folder: Path) -> None:
    if not folder.exists():
        folder.mkdir(parents=True, mode=DIR_MODE, exist_ok=True)  # workers make folders side by side
        for p in [folder, *folder.parents]:
            if p == root:
                break
            os.chmod(p, DIR_MODE)


