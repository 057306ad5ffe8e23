"""HTML: Jinja templates with autoescape; the same page feeds the PDF renderer."""

from __future__ import annotations

import jinja2

from ..documents import COLONNES, SOUS_COLONNES
from .templates import TemplatePath


def render_page(templates: TemplatePath, template: str, view, **extra) -> str:
    env = templates.html_environment()
    page = env.get_template(template)
    return page.render(view=view, h=view.header, colonnes=COLONNES, sous_colonnes=SOUS_COLONNES, **extra)


def render(templates: TemplatePath, template: str, view, **extra) -> bytes:
    return render_page(templates, template, view, **extra).encode("utf-8")


TemplateError = jinja2.TemplateError
