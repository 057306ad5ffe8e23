"""One document's view → the bytes of one of its formats, and what every renderer may use besides the view."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jinja2

from ..errors import DossierError
from . import html
from .templates import TemplatePath

if TYPE_CHECKING:
    from ..documents import DocumentSpec


@dataclass(frozen=True)
class RenderEnv:
    """What every renderer may use besides the view."""

    templates: TemplatePath
    when: dt.datetime  # the documents' date: SOURCE_DATE_EPOCH, else the version date
    pdf_a: bool
    pdf_ua: bool = True  # tagged PDF/UA-1 (affichage.pdf_accessible)


def html_page(spec: DocumentSpec, view, env: RenderEnv, part=None, numeros=None) -> str:
    """The document's HTML page (or, with `part`, the sections of one part of its PDF); in large print
    for a view that asks for it (render/large_print.py)."""
    page = html.page(env.templates, f"{spec.template}.html", view, part=part, numeros=numeros, meta_date=env.when.isoformat())
    if getattr(view, "gros_caracteres", False):
        from .large_print import large_print

        page = large_print(page)
    return page


def _word(kind: str):
    """The DOCX builders, by the name a document's registry entry gives (imported only when used)."""
    if kind == "tableau":
        from .docx_referentiel import render
    elif kind == "page":
        from .docx_pages import render
    else:
        raise ValueError(f"unknown Word builder {kind!r}")
    return render


def file_bytes(spec: DocumentSpec, fmt: str, view, env: RenderEnv, page: str) -> bytes:
    """One format of a document, in one piece, from its view and its HTML page."""
    if fmt == "html":
        return page.encode("utf-8")
    if fmt == "pdf":
        from .pdf import from_html

        return from_html(page, env.templates.folders[0], pdf_a=env.pdf_a, tagged=env.pdf_ua)
    if fmt == "docx":
        return _word(spec.word)(env.templates.find(f"docx/{spec.template}.docx"), view, env.when, page)
    raise ValueError(f"unknown format {fmt!r}")


@contextmanager
def template_errors(what: str):
    """A broken template is the user's error: say which file and line, no traceback."""
    from .docx_common import TemplateShapeError

    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        raise DossierError(f"{exc.filename or exc.name}:{exc.lineno}: gabarit invalide : {exc.message}") from exc
    except jinja2.exceptions.SecurityError as exc:  # the sandbox (render/templates.py) said no
        raise DossierError(
            f"gabarit {what} : accès refusé ({exc}) ; un gabarit montre la vue, il n'atteint pas les rouages de Python"
        ) from exc
    except jinja2.TemplateError as exc:
        raise DossierError(f"gabarit {what} : {exc}") from exc
    except TemplateShapeError as exc:
        raise DossierError(f"gabarit Word de « {what} » : {exc}") from exc
