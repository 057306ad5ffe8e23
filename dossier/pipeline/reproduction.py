"""`dossier check --rncp`: the sources compared with the national export, as diagnostics and a report.

Top to bottom: the export's index (built once, then taken from the cache) →
the candidates of every text of the sources → word-for-word comparison
(checks/reproduction.py) → diagnostics added to the check's report, and the
HTML report written to build/conformite/reproduction.html.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..checks import Checked, severity
from ..checks.passages import K, WordValues, shingle_hashes, window
from ..checks.reproduction import Result, compare, findings, source_texts
from ..documents.reproduction import reproduction_view
from ..render.html import page
from ..render.templates import TemplatePath
from .rncp_index import default_cache, open_index
from .write import write_atomic

REPORT = Path("conformite") / "reproduction.html"


def reproduction(
    checked: Checked, export: Path, cache: Path | None = None, progress: Callable[[int], None] | None = None
) -> Result:
    """Compare the checked sources with an export (file, .zip or folder); add the findings to the report."""
    cert = checked.certification
    minimum = cert.reproduction.mots_min
    texts = source_texts(cert)
    values = WordValues()
    with open_index(Path(export), Path(cache) if cache else default_cache(), K, window(K, minimum), progress) as index:
        candidates = []
        for text in texts:
            words, blocked = text.tokens.words, text.blocked
            hashes = shingle_hashes(values(words), K)
            wanted = [h for i, h in enumerate(hashes) if not all(blocked[i : i + K])]
            candidates.append(index.lookup(wanted))
        own = index.versions_of({cert.code_rncp, cert.renouvellement.code})
        blocs = compare(cert, texts, candidates, index.bloc, own)
        result = Result(
            tuple(index.meta["fichiers"]), index.fiches, index.blocs, tuple(sorted(own)), minimum,
            cert.reproduction.seuil, tuple(blocs),
        )
    levels = {rule: severity(cert, rule) for rule in ("reproduction", "reproduction-correspondance")}
    for sev, rule, loc, keypath, message in findings(result, levels):
        checked.report.add(sev, rule, loc, keypath, message)
    return result


def write_report(checked: Checked, result: Result, out_dir: Path) -> Path:
    """build/conformite/reproduction.html, with the project's templates first."""
    view = reproduction_view(checked.certification, result)
    html = page(TemplatePath.for_project(checked.folder), "reproduction.html", view)
    return write_atomic(Path(out_dir) / REPORT, html.encode("utf-8"))
