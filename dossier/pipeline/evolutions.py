"""`dossier diff`'s files: the changelog « Évolutions du référentiel » in HTML, PDF and DOCX, and its JSON.

All made in memory from one view (documents/evolutions.py), with the project's templates first, then
written at once: a failure leaves the previous files as they were. Dates come from
SOURCE_DATE_EPOCH, else the new version's date: the same two versions give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from ..documents.evolutions import EVOLUTIONS, evolutions
from ..render.formats import RenderEnv, file_bytes, html_page, template_errors
from ..render.templates import TemplatePath
from ..sources.model import Certification
from ..text import slug
from ..versions.compare import Comparison
from ..versions.export import comparison_json
from .owned import refuse_out
from .plan import document_date
from .write import write_all

FORMATS = ("html", "pdf", "docx", "json")


def changelog_files(comparison: Comparison, new: Certification, templates: TemplatePath, formats=FORMATS) -> list[tuple[str, bytes]]:
    """(file name, bytes) of each format asked for."""
    stem = f"{slug(new.intitule)}-evolutions"
    out = []
    documents = [f for f in ("html", "pdf", "docx") if f in formats]
    if documents:
        view = evolutions(comparison, new)
        # the new version's display settings, as every PDF of its build: PDF/A-3b when asked, tagged unless turned off
        env = RenderEnv(templates, document_date(new), new.affichage.pdf_a, new.affichage.pdf_accessible)
        with template_errors(EVOLUTIONS.name):
            page = html_page(EVOLUTIONS, view, env)
            out += [(f"{stem}.{fmt}", file_bytes(EVOLUTIONS, fmt, view, env, page)) for fmt in documents]
    if "json" in formats:
        out.append((f"{stem}.json", comparison_json(comparison)))
    return out


def write_changelog(comparison: Comparison, new: Certification, out_dir: Path, project: Path | None, formats=FORMATS) -> list[Path]:
    """Make the changelog's files, then write them all into out_dir (or none)."""
    refuse_out(Path(out_dir), sources=project)
    files = changelog_files(comparison, new, TemplatePath.for_project(project), formats)
    return write_all([(Path(out_dir) / name, data) for name, data in files])
