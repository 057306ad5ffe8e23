"""HTML: Jinja templates with autoescape; the same page feeds the PDF and DOCX renderers."""

from __future__ import annotations

from ..typography import typeset_html
from .templates import TemplatePath


def _everything(name: str) -> bool:
    return True


def page(
    templates: TemplatePath,
    template: str,
    view,
    part: frozenset[str] | None = None,
    numeros: dict[str, int] | None = None,
    **extra,
) -> str:
    """The page; with `part`, only the sections it names (`montrer(name)` in the template), for a PDF in parts."""
    env = templates.html_environment()
    montrer = _everything if part is None else part.__contains__
    out = env.get_template(template).render(view=view, h=view.header, montrer=montrer, numeros=numeros, **extra)
    return typeset_html(out) if getattr(view.header, "typographie", True) else out
