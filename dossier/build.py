"""The orchestrator: load → check → plan → render → write.

Everything is read, checked and rendered in memory before the first file is
written, so a failure anywhere leaves the previous outputs untouched.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from . import checks, documents, schema
from .diagnostics import Report, Severity
from .errors import DossierError
from .model import Certification
from .render import docx_referentiel as docx_render
from .render import docx_pages
from .render.docx_common import TemplateShapeError
from .render import html as html_render
from .render import pdf as pdf_render
from .render.templates import TemplatePath
from .write import write_atomic


@dataclass(frozen=True)
class Checked:
    """The sources of one certification, read and checked."""

    folder: Path
    certification: Certification | None
    report: Report
    files: tuple[Path, ...]

    @property
    def ok(self) -> bool:
        return self.certification is not None and self.report.errors == 0

    def failed(self, strict: bool) -> bool:
        return not self.ok or (strict and self.report.warnings > 0)


def check(folder: Path, display_root: Path | None = None) -> Checked:
    """Read every source file, validate it and apply the coherence rules."""
    loaded = schema.load(Path(folder), display_root)
    if loaded.certification is not None:
        checks.run(loaded.certification, loaded.report)
    return Checked(Path(folder), loaded.certification, loaded.report, loaded.files)


def summary_counts(cert: Certification) -> dict[str, int]:
    return {
        "blocs": len(cert.blocs),
        "activites": len(cert.activites),
        "competences": len(cert.competences),
        "modalites": len(cert.modalites),
        "criteres": len(cert.criteres),
    }


def severity_counts(report: Report) -> dict[str, int]:
    return {s.label: report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}


# --- planning and rendering -----------------------------------------------------


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


def _html_page(spec: documents.DocumentSpec, view, env: RenderEnv) -> str:
    return html_render.render_page(env.templates, f"{spec.template}.html", view, meta_date=env.when.isoformat())


def _render_html(spec, view, env: RenderEnv, page: str) -> bytes:
    return page.encode("utf-8")


def _render_pdf(spec, view, env: RenderEnv, page: str) -> bytes:
    return pdf_render.render(page, env.templates.folders[0], pdf_a=env.pdf_a)


def _render_docx(spec, view, env: RenderEnv, page: str) -> bytes:
    template = env.templates.find(f"docx/{spec.template}.docx")
    return DOCX_BUILDERS[spec.name](template, view, env.when, page)


DOCX_BUILDERS: dict[str, Callable] = {
    "referentiel": docx_render.render_referentiel,
    "livret": docx_pages.render_livret,
    "grilles": docx_pages.render_grille,
}
RENDERERS: dict[str, Callable] = {"html": _render_html, "pdf": _render_pdf, "docx": _render_docx}


SITE = "site"
TARGETS = (*documents.DOCUMENTS, SITE)  # what --only may name


def site_outputs(cert: Certification, rendered: list[tuple[Output, bytes]], out_dir: Path, env: RenderEnv, brouillon: bool) -> list[tuple[Output, bytes]]:
    """The site's files, with copies of the PDF and DOCX built now or earlier (kept in out_dir)."""
    from . import site

    built = {(o.document, o.path.stem, o.format): data for o, data in rendered if o.format in ("pdf", "docx")}
    for name in site.DOWNLOADABLE:
        folder = Path(out_dir) / documents.DOCUMENTS[name].folder
        for path in sorted(folder.glob("*.pdf")) + sorted(folder.glob("*.docx")) if folder.is_dir() else []:
            built.setdefault((name, path.stem, path.suffix[1:]), path.read_bytes())
    copies, links = site.downloads_from([(*key, data) for key, data in built.items()], cert)
    view = site.site_view(cert, links, brouillon)
    try:
        files = site.render_site(view, env.templates) + copies
    except jinja2.TemplateSyntaxError as exc:
        raise DossierError(f"{exc.filename or exc.name}:{exc.lineno}: gabarit invalide : {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise DossierError(f"gabarit du site : {exc}") from exc
    return [(Output(SITE, Path(rel).suffix[1:], Path(site.SITE_DIR) / rel), data) for rel, data in files]


@dataclass
class BuildResult:
    checked: Checked
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def render_outputs(outputs: list[Output], env: RenderEnv) -> list[tuple[Output, bytes]]:
    pages: dict[tuple[str, str], str] = {}  # the HTML page of each file: the HTML, and the source of the PDF and DOCX
    rendered = []
    for out in outputs:
        spec = documents.DOCUMENTS[out.document]
        try:
            if out.page_key not in pages:
                pages[out.page_key] = _html_page(spec, out.view, env)
            data = RENDERERS[out.format](spec, out.view, env, pages[out.page_key])
        except jinja2.TemplateSyntaxError as exc:
            raise DossierError(f"{exc.filename or exc.name}:{exc.lineno}: gabarit invalide : {exc.message}") from exc
        except jinja2.TemplateError as exc:
            raise DossierError(f"gabarit {out.document} ({out.format}) : {exc}") from exc
        except TemplateShapeError as exc:
            raise DossierError(f"gabarit Word de « {out.document} » : {exc}") from exc
        rendered.append((out, data))
    return rendered


def build(
    folder: Path,
    out_dir: Path,
    only: tuple[str, ...] = (),
    formats: tuple[str, ...] = (),
    draft: bool = False,
    checked: Checked | None = None,
    bloc: str = "",
) -> BuildResult:
    """Check the sources, render every planned output in memory, then write them all."""
    start = time.perf_counter()
    checked = checked or check(folder)
    result = BuildResult(checked)
    cert = checked.certification
    if cert is None or (not checked.ok and not draft):
        return result
    env = RenderEnv(TemplatePath.for_project(Path(folder)), document_date(cert), cert.affichage.pdf_a)
    if bloc and bloc not in {b.code for b in cert.blocs}:
        raise DossierError(f"bloc « {bloc} » inconnu ; blocs : {', '.join(b.code for b in cert.blocs)}")
    options = documents.ViewOptions(brouillon=draft or not checked.ok, bloc=bloc, folder=Path(folder))
    named = tuple(o for o in only if o != SITE)
    rendered = render_outputs(plan(cert, named, formats, options), env) if named or not only else []
    if (not only or SITE in only) and not bloc:
        rendered += site_outputs(cert, rendered, Path(out_dir), env, options.brouillon)
    for out, data in rendered:
        result.written.append(write_atomic(Path(out_dir) / out.path, data))
    result.seconds = time.perf_counter() - start
    return result
