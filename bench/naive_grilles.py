"""A session's grids the naive way, for the benchmark: each one laid out from scratch.

    python -m bench.naive_grilles SOURCES CSV FORMAT COUNT OUT

Reads the CSV as `dossier grilles` does, keeps its first COUNT candidates, and
writes into OUT each grid that dossier.session.naive() yields (one per
candidate × épreuve: PDF through a full WeasyPrint layout, DOCX through a full
docxtpl render). Run from the project's root, with the project's Python.
"""

from __future__ import annotations

import sys
from pathlib import Path

from dossier import build, candidats, session

SESSION = "Bench"


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    folder, csv_path, fmt, count, out = Path(argv[0]), Path(argv[1]), argv[2], int(argv[3]), Path(argv[4])
    cert = build.check(folder).certification
    parsed = candidats.read(csv_path, str(csv_path), cert)
    if cert is None or parsed.report.errors:
        print(f"{csv_path} ou {folder} illisible", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for written, data in enumerate(session.naive(folder, parsed.candidats[:count], SESSION, fmt), 1):
        (out / f"{written:05d}.{fmt}").write_bytes(data)
    print(f"{written} grilles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
