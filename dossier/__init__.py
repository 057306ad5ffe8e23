"""dossier: a certification's référentiel, from checked sources to every document.

The Python API, for scripts and other tools (the `dossier` command is a thin
layer over it)::

    import dossier

    checked = dossier.check("sources")          # every diagnostic, never an exception
    for diag in checked.report.sorted():
        print(diag.format())
    result = dossier.build("sources", "build", only=("referentiel",), formats=("pdf",))
    print(result.written)

The stages, each a package: sources/ (files → model + diagnostics), checks/
(rules), documents/ (model → views), exporters/ (CASE, Open Badges, schema.org),
render/ (views → bytes), pipeline/
(plan, incremental state, process pool, writing), importers/, cli/.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .version import __version__

if TYPE_CHECKING:
    from .checks import Checked
    from .pipeline.build import BuildResult

__all__ = ["__version__", "build", "check"]


def check(folder: str | Path = "sources") -> Checked:
    """Read and check a sources folder: the model (None if unreadable) and every diagnostic (those of the
    correspondances with the previous version too, when renouvellement.version_precedente names one)."""
    from .checks import check as check_folder
    from .importers.versions import check_with_previous

    checked = check_folder(Path(folder))
    check_with_previous(checked)
    return checked


def build(
    folder: str | Path = "sources",
    out: str | Path = "build",
    *,
    only: tuple[str, ...] = (),
    formats: tuple[str, ...] = (),
    brouillon: bool = False,
    bloc: str = "",
    strict: bool = False,
    jobs: int | None = None,
    force: bool = False,
    gros_caracteres: bool = False,
) -> BuildResult:
    """Check the sources and build what changed into `out`; raises DossierError if the sources have
    errors (or warnings, with strict) and brouillon is not set — the diagnostics are in `check()`."""
    from .errors import SourceError
    from .pipeline.build import build as run
    from .pipeline.options import BuildOptions

    options = BuildOptions(tuple(only), tuple(formats), brouillon, bloc, strict, jobs, force, gros_caracteres)
    result = run(Path(folder), Path(out), options)
    if result.refused:
        report = result.checked.report
        raise SourceError(f"sources non conformes : {report.errors} erreur(s), {report.warnings} avertissement(s)")
    return result
