"""Which files a build can make, each with the view it is made from, and how its PDF is laid out."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..documents import DOCUMENTS, ViewOptions
from ..render.formats import RenderEnv, html_page, template_errors
from ..render.templates import TemplatePath
from ..sources.model import Certification
from .cache import MemoryPartCache, part_cache

if TYPE_CHECKING:  # imported where a PDF is parted: it loads pypdf, which a DOCX or HTML build does not need
    from ..render.pdf_parts import PartedPdf


@dataclass(frozen=True)
class Output:
    document: str
    format: str
    path: Path  # relative to the build folder
    view: object = field(compare=False, repr=False, default=None)
    label: str = field(compare=False, default="")  # how a reader calls the file (download links)
    source: str = field(compare=False, default="")  # what in the sources it is made from, for messages

    @property
    def page_key(self) -> tuple[str, str]:
        """The formats of one file share one HTML page."""
        return (self.document, self.path.stem)


def source_date_epoch() -> int | None:
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(value) if value.isdigit() else None


def document_date(cert: Certification) -> dt.datetime:
    """The date the documents carry: SOURCE_DATE_EPOCH, else the version's date — never the clock."""
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.UTC)
    day = cert.date or dt.date(2000, 1, 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def render_env(cert: Certification, folder: Path) -> RenderEnv:
    return RenderEnv(TemplatePath.for_project(Path(folder)), document_date(cert), cert.affichage.pdf_a, cert.affichage.pdf_accessible)


def plan(
    cert: Certification,
    only: tuple[str, ...] = (),
    formats: tuple[str, ...] = (),
    options: ViewOptions = ViewOptions(),
) -> list[Output]:
    """The outputs to make, each with its view; with a bloc, only the documents made per bloc."""
    outputs = []
    for name, spec in DOCUMENTS.items():
        if (only and name not in only) or (options.bloc and not spec.per_bloc):
            continue
        for item in spec.items(cert, options):
            for fmt in spec.formats:
                if formats and fmt not in formats:
                    continue
                outputs.append(Output(name, fmt, Path(spec.folder) / f"{item.stem}.{fmt}", item.view, item.label, item.source))
    return outputs


def parted(out: Output, env: RenderEnv, cache: Path | None) -> PartedPdf | None:
    """The PDF of a long document, laid out in parts (see render/pdf_parts.py); None: in one piece.

    Parts are kept under `cache` between builds, or in memory for this run only. The parts' HTML,
    made here once (their keys need it), tells whether the template shows its sections through
    `montrer()`: one copied from an older version, or written without it, would give the whole
    document in every part, and is laid out in one piece. (A separate page with every section shown
    used to answer that: at 20× the example, a fifth of the HTML an edit's rebuild made.)
    """
    spec = DOCUMENTS[out.document]
    if out.format != "pdf" or spec.parts is None or env.pdf_a:
        return None
    parts = spec.parts(out.view)
    if len(parts) < 2:
        return None
    from ..render.pdf_parts import PartedPdf

    def render(sections, numeros) -> tuple[str, bool]:
        shown = _Shown(sections)
        with template_errors(out.document):
            html = html_page(spec, out.view, env, part=shown, numeros=numeros)
        return html, sections <= shown.asked

    made: dict[frozenset, str] = {}
    for part in parts:
        if not part.numbered:  # a table of contents is made with its placeholders, by PartedPdf
            html, shows = render(part.sections, None)
            if not shows:
                return None
            made[part.sections] = html

    def page(sections, numeros):
        if numeros is None and sections in made:
            return made.pop(sections)  # once: a later call (another build of this PDF) makes it again
        return render(sections, numeros)[0]

    kept = MemoryPartCache() if cache is None else part_cache(cache, out.path)
    return PartedPdf(parts, page, env.templates.folders[0], kept, tagged=env.pdf_ua)


class _Shown(frozenset):
    """A part's sections, for the template's `montrer()`, noting which names it was asked about."""

    def __new__(cls, sections):
        instance = super().__new__(cls, sections)
        instance.asked = set()
        return instance

    def __contains__(self, name) -> bool:
        self.asked.add(name)
        return frozenset.__contains__(self, name)
