"""Making the planned files' bytes, on every core; nothing here writes an output.

In this process for a few files, over the process pool otherwise. A PDF laid
out in parts is many tasks (its parts, then their assembly), so that one long
document keeps every core busy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..documents import DOCUMENTS, ViewOptions
from ..render.formats import RenderEnv, file_bytes, html_page, template_errors
from .plan import Output, parted, plan, render_env
from .pool import process_pool, workers

if TYPE_CHECKING:  # pdf_parts loads pypdf: only a PDF build needs it
    from ..render.pdf_parts import Call

COST = {"pdf": 0, "docx": 1, "html": 2}  # heaviest first, so the pool ends together


def in_one_piece(out: Output, env: RenderEnv, pages: dict) -> bytes:
    """One file's bytes, laid out in one piece; `pages` keeps the HTML page its formats share."""
    spec = DOCUMENTS[out.document]
    with template_errors(out.document):
        if out.page_key not in pages:
            pages[out.page_key] = html_page(spec, out.view, env)
        return file_bytes(spec, out.format, out.view, env, pages[out.page_key])


def make_one(out: Output, env: RenderEnv, pages: dict, cache: Path | None = None) -> bytes:
    """One file's bytes, in parts when its document is laid out in parts (in this process)."""
    whole = parted(out, env, cache)
    return whole.run_here() if whole is not None else in_one_piece(out, env, pages)


@dataclass(frozen=True)
class Job:
    """What a worker needs to plan the same files: the sources and the options."""

    folder: Path
    options: ViewOptions
    cache: Path | None = None  # where the parts of long PDFs are kept between builds


class _Worker:
    def __init__(self, job: Job):
        from ..checks import check

        cert = check(job.folder).certification
        self.job = job
        self.env = render_env(cert, job.folder)
        self.outputs = {o.path: o for o in plan(cert, (), (), job.options)}  # every file it may be asked for
        self.pages: dict = {}

    def make(self, path: Path) -> tuple[Path, bytes]:
        return path, in_one_piece(self.outputs[path], self.env, self.pages)  # the parent sends only what is made whole


_worker: _Worker | None = None  # one per worker process: read and checked the sources when a file made whole is asked


def _init(pdf: bool) -> None:
    if pdf:  # WeasyPrint comes loaded from the parent; the fonts are this process's own
        from ..render.pdf import warm_up

        warm_up()


def _task(job: Job, path: Path) -> tuple[Path, bytes]:
    global _worker
    if _worker is None or _worker.job != job:
        _worker = _Worker(job)
    return _worker.make(path)


def make(
    outputs: list[Output],
    env: RenderEnv,
    job: Job,
    jobs: int | None = None,
    progress: Callable[[Output], None] | None = None,
) -> list[tuple[Output, bytes]]:
    """Every output's bytes (heaviest first), in the order given; nothing is written.

    The pool's size comes from the work there is: the parts of long PDFs still to lay out
    (not those kept from an earlier build) and the files made whole. One such task (an
    edited bloc) is done in this process: a pool would load WeasyPrint in a worker all the
    same, and on a busy machine several processes loading it at once are slower than one.
    """
    ordered = sorted(outputs, key=lambda o: COST[o.format])
    whole = {o.path: parted(o, env, job.cache) for o in ordered}  # decided once, not asked of the template again
    first = {path: p.start() for path, p in whole.items() if p is not None}  # the parts' keys: which are kept
    heavy = sum(p.layouts for p in whole.values() if p is not None) + sum(p is None for p in whole.values())
    count = workers(jobs, heavy)
    if count <= 1:
        return _here(ordered, whole, first, env, progress)
    pdf = any(o.format == "pdf" for o in ordered)
    if pdf:  # loaded once here rather than in every worker (they are forked from this process)
        import weasyprint  # noqa: F401
    with process_pool(count, _init, (pdf,)) as pool:
        return _on_pool(pool, ordered, outputs, whole, first, job, progress)


def _here(ordered, whole, first, env, progress) -> list[tuple[Output, bytes]]:
    pages: dict = {}
    made = []
    for out in ordered:
        parts = whole[out.path]
        made.append((out, parts.run_here(first[out.path]) if parts is not None else in_one_piece(out, env, pages)))
        if progress:
            progress(out)
    return made


def _on_pool(pool, ordered, outputs, whole, first, job: Job, progress) -> list[tuple[Output, bytes]]:
    from concurrent.futures import FIRST_COMPLETED, wait

    from ..render.pdf_parts import Call

    results: dict[Path, bytes] = {}
    tasks: dict = {}  # future -> (output, its PartedPdf or None, the call)

    def submit(out: Output, parts, call: Call) -> None:
        if call.here:  # made here rather than sent to a worker (see Call)
            for more in parts.feed(call, call.run()):
                submit(out, parts, more)
            settle(out, parts)
            return
        tasks[pool.submit(call.fn, *call.args)] = (out, parts, call)

    def settle(out: Output, parts, value=None) -> None:
        """Keep an output's bytes once they are all made."""
        if out.path in results or (parts is not None and parts.result is None):
            return
        results[out.path] = value[1] if parts is None else parts.result
        if progress:
            progress(out)

    try:
        for out in ordered:  # the parts of long PDFs first: the heaviest work
            if whole[out.path] is not None:
                for call in first[out.path]:
                    submit(out, whole[out.path], call)
        for out in ordered:
            if whole[out.path] is None:
                submit(out, None, Call(_task, (job, out.path)))
        if any(parts is not None for parts in whole.values()):  # while the workers lay out: what putting together needs
            from ..render import pdf_assemble  # noqa: F401
        while tasks:
            done, _ = wait(tasks, return_when=FIRST_COMPLETED)
            for future in done:
                out, parts, call = tasks.pop(future)
                value = future.result()
                if parts is not None:
                    for more in parts.feed(call, value):
                        submit(out, parts, more)
                settle(out, parts, value)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)  # what has not started never will
        raise
    return [(o, results[o.path]) for o in outputs]
