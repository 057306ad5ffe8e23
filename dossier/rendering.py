"""Planning and rendering the documents' files, on every core.

`plan()` lists the files a build can make, each with the view it is made
from; `render()` turns a list of them into bytes — in this process for a few,
over a process pool otherwise — and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import jinja2

from . import documents
from .errors import DossierError
from .model import Certification
from .render.templates import TemplatePath

if TYPE_CHECKING:
    from .render.pdf_parts import PartedPdf


@dataclass(frozen=True)
class Output:
    document: str
    format: str
    path: Path  # relative to the build folder
    view: object = field(compare=False, repr=False, default=None)

    @property
    def page_key(self) -> tuple[str, str]:
        return (self.document, self.path.stem)


@dataclass(frozen=True)
class RenderEnv:
    """What every renderer may use besides the view."""

    templates: TemplatePath
    when: dt.datetime  # the documents' date: SOURCE_DATE_EPOCH, else the version date
    pdf_a: bool


def document_date(cert: Certification) -> dt.datetime:
    epoch = documents.source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    day = cert.date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def render_env(cert: Certification, folder: Path) -> RenderEnv:
    return RenderEnv(TemplatePath.for_project(Path(folder)), document_date(cert), cert.affichage.pdf_a)


def plan(
    cert: Certification,
    only: tuple[str, ...] = (),
    formats: tuple[str, ...] = (),
    options: documents.ViewOptions = documents.ViewOptions(),
) -> list[Output]:
    """The outputs to make, each with its view; with a bloc, only the documents made per bloc."""
    outputs = []
    for name, spec in documents.DOCUMENTS.items():
        if (only and name not in only) or (options.bloc and not spec.per_bloc):
            continue
        for stem, view in spec.items(cert, options):
            for fmt in spec.formats:
                if formats and fmt not in formats:
                    continue
                outputs.append(Output(name, fmt, Path(spec.folder) / f"{stem}.{fmt}", view))
    return outputs


# --- one file -------------------------------------------------------------------------


def html_page(spec: documents.DocumentSpec, view, env: RenderEnv, part=None, numeros=None) -> str:
    from .render import html as html_render

    return html_render.render_page(
        env.templates, f"{spec.template}.html", view, part=part, numeros=numeros, meta_date=env.when.isoformat()
    )


CACHE_DIR = ".dossier-cache"  # under the build folder: the parts of PDFs laid out in parts


def parted_pdf(out: Output, env: RenderEnv, cache: Path | None) -> PartedPdf | None:
    """The PDF of a long document, laid out in parts (see render/pdf_parts.py); None: in one piece."""
    from .render.pdf_parts import PartedPdf

    spec = documents.DOCUMENTS[out.document]
    if out.format != "pdf" or spec.parts is None or env.pdf_a:
        return None
    parts = spec.parts(out.view)
    if len(parts) < 2 or not _shows_parts(spec, out.view, env, parts):
        return None

    def page(sections, numeros):
        with template_errors(out.document):
            return html_page(spec, out.view, env, part=sections, numeros=numeros)

    folder = None if cache is None else cache_folder(Path(cache), out)
    return PartedPdf(parts, page, env.templates.folders[0], folder)


class _Asked(frozenset):
    """A `part` for the template that shows everything and notes which sections it was asked about."""

    def __new__(cls):
        instance = super().__new__(cls)
        instance.asked = set()
        return instance

    def __contains__(self, name) -> bool:
        self.asked.add(name)
        return True


def _shows_parts(spec, view, env: RenderEnv, parts) -> bool:
    """Does the template show its sections through `montrer()`? One copied from an older version, or
    written without it, would give the whole document in every part: it is laid out in one piece."""
    asked = _Asked()
    with template_errors(spec.name):
        html_page(spec, view, env, part=asked)
    return all(part.sections <= asked.asked for part in parts)


def cache_folder(cache: Path, out: Output) -> Path:
    """Where the parts of one output are kept (each output forgets its own old parts)."""
    return cache / out.path.with_suffix("").as_posix().replace("/", "--")


def prune_cache(cache: Path, outputs: list[Output]) -> None:
    """Forget the parts of outputs a full build no longer makes (a renamed certification…)."""
    if not cache.is_dir():
        return
    keep = {cache_folder(cache, o).name for o in outputs}
    for folder in cache.iterdir():
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def _render_html(spec, view, env: RenderEnv, page: str) -> bytes:
    return page.encode("utf-8")


def _render_pdf(spec, view, env: RenderEnv, page: str) -> bytes:
    from .render import pdf as pdf_render

    return pdf_render.render(page, env.templates.folders[0], pdf_a=env.pdf_a)


def _render_docx(spec, view, env: RenderEnv, page: str) -> bytes:
    from .render import docx_pages, docx_referentiel

    builders = {
        "referentiel": docx_referentiel.render_referentiel,
        "livret": docx_pages.render_livret,
        "grilles": docx_pages.render_grille,
    }
    template = env.templates.find(f"docx/{spec.template}.docx")
    return builders[spec.name](template, view, env.when, page)


RENDERERS: dict[str, Callable] = {"html": _render_html, "pdf": _render_pdf, "docx": _render_docx}
COST = {"pdf": 0, "docx": 1, "html": 2}  # heaviest first, so the pool ends together


@contextmanager
def template_errors(what: str):
    """A broken template is the user's error: say which file and line, no traceback."""
    from .render.docx_common import TemplateShapeError

    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise DossierError(f"{exc.filename or exc.name}:{exc.lineno}: gabarit invalide : {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise DossierError(f"gabarit {what} : {exc}") from exc
    except TemplateShapeError as exc:
        raise DossierError(f"gabarit Word de « {what} » : {exc}") from exc


def _in_this_process(parted: PartedPdf) -> bytes:
    calls = parted.start()
    while calls:
        call = calls.pop(0)
        calls += parted.feed(call, call.run())
    return parted.result


def render_one(out: Output, env: RenderEnv, pages: dict, cache: Path | None = None) -> bytes:
    """One file's bytes."""
    parted = parted_pdf(out, env, cache)
    if parted is not None:
        return _in_this_process(parted)
    return _render_whole(out, env, pages)


def _render_whole(out: Output, env: RenderEnv, pages: dict) -> bytes:
    spec = documents.DOCUMENTS[out.document]
    with template_errors(out.document):
        if out.page_key not in pages:
            pages[out.page_key] = html_page(spec, out.view, env)
        return RENDERERS[out.format](spec, out.view, env, pages[out.page_key])


# --- many files, on every core -----------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What a worker needs to rebuild the same plan: the sources and the options."""

    folder: Path
    options: documents.ViewOptions
    formats: tuple[str, ...]
    cache: Path | None = None  # where the parts of long PDFs are kept between builds


class _Worker:
    def __init__(self, job: Job):
        from .build import check

        cert = check(job.folder).certification
        self.env = render_env(cert, job.folder)
        self.outputs = {o.path: o for o in plan(cert, (), (), job.options)}  # every file it may be asked for
        self.pages: dict = {}

    def render(self, path: Path) -> tuple[Path, bytes]:
        return path, _render_whole(self.outputs[path], self.env, self.pages)  # the parent sends only what is made whole


_worker: _Worker | None = None  # one per worker process, set by the pool's initializer


def _init(job: Job) -> None:
    global _worker
    _worker = _Worker(job)


def _task(path: Path) -> tuple[Path, bytes]:
    return _worker.render(path)


def render(
    outputs: list[Output],
    env: RenderEnv,
    job: Job,
    jobs: int | None = None,
    progress: Callable[[Output], None] | None = None,
) -> list[tuple[Output, bytes]]:
    """Render every output (heaviest first) and return the bytes; nothing is written.

    On a pool, a PDF in parts is many tasks (its parts, then their assembly),
    so that one long document keeps every core busy.
    """
    from .render.pdf_parts import Call

    ordered = sorted(outputs, key=lambda o: COST[o.format])
    parted = {o.path: parted_pdf(o, env, job.cache) for o in ordered}
    tasks_at_least = len(outputs) + sum(len(p.parts) - 1 for p in parted.values() if p is not None)
    workers = min(jobs or os.cpu_count() or 1, tasks_at_least)
    if workers <= 1:
        pages: dict = {}
        rendered = []
        for out in ordered:  # whether in parts was decided above: not asked of the template again
            whole = parted[out.path]
            rendered.append((out, _in_this_process(whole) if whole is not None else _render_whole(out, env, pages)))
            if progress:
                progress(out)
        return rendered
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # only with a pool: ~15 ms to import

    results: dict[Path, bytes] = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=_init, initargs=(job,)) as pool:
        tasks: dict = {}  # future -> (output, its PartedPdf or None, the call)

        def submit(out: Output, whole, call: Call) -> None:
            tasks[pool.submit(call.fn, *call.args)] = (out, whole, call)

        try:
            for out in ordered:  # the parts of long PDFs first: the heaviest work
                if parted[out.path] is not None:
                    for call in parted[out.path].start():
                        submit(out, parted[out.path], call)
            for out in ordered:
                if parted[out.path] is None:
                    submit(out, None, Call(_task, (out.path,)))
            while tasks:
                done, _ = wait(tasks, return_when=FIRST_COMPLETED)
                for future in done:
                    out, whole, call = tasks.pop(future)
                    value = future.result()
                    if whole is None:
                        results[out.path] = value[1]
                    else:
                        for more in whole.feed(call, value):
                            submit(out, whole, more)
                        if whole.result is None:
                            continue
                        results[out.path] = whole.result
                    if progress:
                        progress(out)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)  # what has not started never will
            raise
    return [(o, results[o.path]) for o in outputs]
