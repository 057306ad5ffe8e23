"""HTML: Jinja templates with autoescape; the same page feeds the PDF renderer."""

from __future__ import annotations

import jinja2

from ..documents import COLONNES, SOUS_COLONNES
from .templates import TemplatePath


def _everything(name: str) -> bool:
    return True


def render_page(
    templates: TemplatePath,
    template: str,
    view,
    part: frozenset[str] | None = None,
    numeros: dict[str, int] | None = None,
    **extra,
) -> str:
    """The page; with `part`, only the sections it names (`montrer(name)` in the template), for a PDF in parts."""
    env = templates.html_environment()
    page = env.get_template(template)
    montrer = _everything if part is None else part.__contains__
    return page.render(
        view=view, h=view.header, colonnes=COLONNES, sous_colonnes=SOUS_COLONNES,
        montrer=montrer, numeros=numeros, **extra,
    )


def render(templates: TemplatePath, template: str, view, **extra) -> bytes:
    return render_page(templates, template, view, **extra).encode("utf-8")


TemplateError = jinja2.TemplateError
