"""Tables as Markdown, the machine's description, and BENCHMARKS.md's sections."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .measure import Sample

INTRO = """\
# Mesures

Produites par `make bench`, c'est-à-dire `.venv/bin/python bench/run.py` (sections
`referentiel`, `livret`, `grilles`, `build`, `edition`, `profil`, `reproduction`, `standards`, `versions`, `accessibilite`) ; pour un essai rapide :
`.venv/bin/python bench/run.py --runs 3 --sizes 1,5 --candidats 50 --no-write` (`--only NOM`
pour une seule section ; `--avant REV` mesure le code d'un commit antérieur, écrit sous
`NOM-avant`). Chaque section est réécrite entre ses marqueurs
`<!-- bench:NOM:start -->` et `<!-- bench:NOM:end -->` ; le reste du fichier est conservé.
La machine est partagée et bruitée : seuls les médianes et les rapports ont un sens, pas
les durées absolues.
"""


def number(value: float, digits: int = 2) -> str:
    """French decimal comma: 1,25."""
    return f"{round(value, digits) + 0.0:.{digits}f}".replace(".", ",")  # + 0.0: no « -0,0 »


def seconds(sample: Sample | None) -> str:
    return f"{number(sample.seconds)} s" if sample else "—"


def memory(sample: Sample | None) -> str:
    return f"{sample.max_rss_mib:.0f} Mo" if sample else "—"


def mebibytes(kib: float) -> str:
    return f"{kib / 1024:.0f} Mo"


def ratio(value: float, digits: int = 1) -> str:
    return f"{number(value, digits)}×"


def size_label(factor: int) -> str:
    return "1× (exemple)" if factor == 1 else f"{factor}×"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> str:
    """One line: date, processors available (as `nproc`), Python, system."""
    return (
        f"{dt.date.today().isoformat()} ; {len(os.sched_getaffinity(0))} processeurs (`nproc`) ; "
        f"Python {platform.python_version()} ; {platform.system()} {platform.release()}"
    )


def load_average() -> float:
    """The machine's load average over the last minute: how busy it was kept."""
    return os.getloadavg()[0]


def load(start: float, end: float) -> str:
    return f"charge moyenne sur 1 min (`uptime`) : {number(start, 1)} au début de la section, {number(end, 1)} à la fin"


REVISION_VARIABLE = "DOSSIER_BENCH_REVISION"  # set when an earlier commit is measured (run.py --avant)


def revision(root: Path) -> str:
    """The commit measured, `-dirty` when the working tree has changes."""
    if os.environ.get(REVISION_VARIABLE):
        return os.environ[REVISION_VARIABLE]
    result = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=root, capture_output=True, text=True)
    return result.stdout.strip() or "?"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def replace_section(text: str, name: str, body: str) -> str:
    """text with the section `name` replaced by body, or body appended."""
    start, end = markers(name)
    section = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _: section, text, count=1)
    return f"{text.rstrip()}\n\n{section}\n"


def update(path: Path, name: str, body: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else INTRO
    path.write_text(replace_section(text, name, body), encoding="utf-8")
