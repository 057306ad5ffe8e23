"""Section « profil »: where the time of a cold référentiel PDF at 20x goes, in one process (cProfile).

The same command before and after a change (`bench/run.py --avant REV --only profil` measures
an earlier commit): the top lines by cumulative time, then by own time.
"""

from __future__ import annotations

import os
import pstats
import shutil
import subprocess
import sys
from pathlib import Path

from . import report
from .edition import EPOCH, sources
from .measure import BenchError, dossier_executable, log, pdf_pages
from .paths import OUT, ROOT

FACTOR = 20
SKIPPED = ("click/", "<built-in method builtins.exec>", "<module>", "dossier/cli/")


def _where(key: tuple[str, int, str]) -> str:
    file, line, name = key
    if file.startswith("~") or file.startswith("<"):
        return name
    for marker in ("site-packages/", "/dossier/"):
        if marker in file:
            file = ("" if marker == "site-packages/" else "dossier/") + file.split(marker, 1)[1]
            break
    return f"{file}:{line} {name}"


def top_lines(stats: pstats.Stats, total: float, sort: str, count: int, only: str = "") -> list[tuple[str, ...]]:
    entries = []
    for key, (_cc, calls, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = _where(key)
        if any(skip in key[0] or skip == key[2] or skip in where for skip in SKIPPED) or only not in where:
            continue
        entries.append((cumulative if sort == "cumulative" else own, cumulative, own, calls, where))
    entries.sort(key=lambda e: -e[0])
    return [
        (f"{report.number(c, 2)} s", f"{100 * c / total:.0f} %", f"{report.number(o, 2)} s", str(n), f"`{w}`")
        for _, c, o, n, w in entries[:count]
    ]


def run(settings) -> str:
    folder = sources(FACTOR)
    out = OUT / "runs" / "profil"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    data = OUT / f"profil-{report.revision(ROOT)}.pstats"
    command = [
        sys.executable, "-m", "cProfile", "-o", str(data), str(dossier_executable()), "-q", "build", str(folder),
        "--only", "referentiel", "--format", "pdf", "--jobs", "1", "--out", str(out),
    ]
    log(f"Profil : {FACTOR}× à froid, un processus…")
    # not from the project's root: `python -m` puts the current folder first on the path, before PYTHONPATH (--avant)
    result = subprocess.run(command, cwd=out, env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH}, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"profil : la construction a échoué :\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    stats = pstats.Stats(str(data))
    total = stats.total_tt  # type: ignore[attr-defined]
    pages = pdf_pages(next(Path(out).rglob("*.pdf")))
    headers = ("cumulé", "part", "propre", "appels", "fonction")
    return "\n\n".join([
        "## Profil : le PDF du référentiel à 20× à froid, dans un seul processus",
        f"`python -m cProfile -o profil.pstats .venv/bin/dossier -q build bench/out/sources-x{FACTOR} --only referentiel "
        f"--format pdf --jobs 1 --out VIDE` ({pages} pages). Le profileur ralentit tout, et inégalement : les parts "
        "comptent, pas les secondes. Les lignes de click et de la couche CLI sont omises.",
        f"Machine : {report.machine()}. Code mesuré : `{report.revision(ROOT)}`. Total : {report.number(total, 1)} s sous le profileur.",
        "Par temps cumulé (la fonction et ce qu'elle appelle) :",
        report.table(headers, top_lines(stats, total, "cumulative", 25)),
        "Par temps propre :",
        report.table(headers, top_lines(stats, total, "own", 12)),
        "Les fonctions de dossier (ce qui entoure WeasyPrint : vérifier, planifier, réunir les parties) :",
        report.table(headers, top_lines(stats, total, "cumulative", 16, only="dossier/")),
    ])
