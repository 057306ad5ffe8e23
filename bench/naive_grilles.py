"""A session's grids the naive way, for the benchmark: each one laid out from scratch.

    python -m bench.naive_grilles SOURCES CSV FORMAT COUNT OUT

Reads the CSV as `dossier grilles` does, keeps its first COUNT candidates, and
writes into OUT each grid that naive() yields (one per candidate × épreuve:
PDF through a full WeasyPrint layout, DOCX through a full docxtpl render).
Run from the project's root, with the project's Python.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from dossier.checks import check
from dossier.documents.grilles import for_candidate
from dossier.pipeline.session import Job, _Worker, epreuves_of
from dossier.render import docx_pages
from dossier.render.pdf import from_html
from dossier.sources import candidats
from dossier.sources.candidats import Candidat

SESSION = "Bench"


def naive(folder: Path, people: list[Candidat], session: str, fmt: str) -> Iterator[bytes]:
    """The way without stamping: every grid laid out from scratch, in this process."""
    worker = _Worker(Job(Path(folder), session, (fmt,)))
    for stem, sitting in epreuves_of(worker.views, people).items():
        for c in sitting:
            view = for_candidate(worker.views[stem], c, session)
            page = worker.page(view)
            if fmt == "pdf":
                yield from_html(page, worker.env.templates.folders[0])
            else:
                template = worker.env.templates.find(f"docx/{worker.spec.template}.docx")
                yield docx_pages.render(template, view, worker.env.when, page)


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    folder, csv_path, fmt, count, out = Path(argv[0]), Path(argv[1]), argv[2], int(argv[3]), Path(argv[4])
    cert = check(folder).certification
    parsed = candidats.read(csv_path, str(csv_path), cert)
    if cert is None or parsed.report.errors:
        print(f"{csv_path} ou {folder} illisible", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for written, data in enumerate(naive(folder, parsed.candidats[:count], SESSION, fmt), 1):
        (out / f"{written:05d}.{fmt}").write_bytes(data)
    print(f"{written} grilles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
