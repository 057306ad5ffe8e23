"""Section « edition »: the PDF of the référentiel and of the handbook, cold and after an edit, against LibreOffice.

For each document and each size (the example, and the largest synthetic one):
LibreOffice converting our own DOCX of the same content, our cold build of the
PDF (`--jobs 2`, an empty output folder), our rebuild after one competence
of the second bloc is edited (its kept parts reused), and the same edit seen
by `dossier suivre`, the process that stays running (from the save to its
line saying the PDF is written: the polling delay included). The four are
taken in turns, run after run, so that a busy spell of the shared machine
weighs on all of them. Goals from issue 21: the edit at most 0.5x LibreOffice at 20x (1x
at the example's size); cold at most 1.2x at 20x on 2 cores; CPU per page
halved from the figure measured before (BASELINE).
"""

from __future__ import annotations

import os
import shutil
import statistics
from dataclasses import dataclass
from pathlib import Path

from . import report, synthetic
from .build import toggle
from .measure import (
    BenchError,
    Resident,
    Run,
    Sample,
    Settings,
    dossier_executable,
    log,
    only_file,
    pdf_pages,
    run_once,
    tool_version,
)
from .paths import EXAMPLE, OUT, ROOT

DOCUMENTS = ("referentiel", "livret")
LABELS = {"referentiel": "référentiel", "livret": "livret du candidat"}
EPOCH = "1790000000"
# CPU time per page of the cold build (--jobs 2, ms), measured by this section on the code before
# issue 21 (`bench/run.py --avant 4e727c2 --only edition`, section edition-avant of BENCHMARKS.md).
BASELINE = {("referentiel", 20): 118.0, ("livret", 20): 74.0, ("referentiel", 1): 339.0, ("livret", 1): 126.0}
BASELINE_COMMIT = "4e727c2"


@dataclass(frozen=True)
class Row:
    document: str
    factor: int
    pages: int
    their_pages: int | None
    libreoffice: Sample
    cold: Sample
    edit: Sample
    size_kib: float
    warm: Sample  # the same edit, seen by `dossier suivre`
    warm_rss_mib: tuple[float, float]  # its resident memory after its first build, and after the last edit

    @property
    def cpu_per_page_ms(self) -> float:
        return 1000 * _cpu(self.cold) / self.pages


def _cpu(sample: Sample) -> float:
    """Median CPU time (user + system, the process and the workers it waited for)."""
    return statistics.median(run.cpu_seconds for run in sample.runs)


def sources(factor: int) -> Path:
    folder = EXAMPLE if factor == 1 else synthetic.multiply(EXAMPLE, factor, OUT / f"sources-x{factor}")
    synthetic.verify(dossier_executable(), folder, ROOT)
    return folder


def _dossier(source: Path, out: Path, document: str, fmt: str) -> list[str]:
    return ["env", f"SOURCE_DATE_EPOCH={EPOCH}", str(dossier_executable()), "-q", "build", str(source),
            "--only", document, "--format", fmt, "--jobs", "2", "--out", str(out)]


def _follow(source: Path, out: Path, document: str) -> list[str]:
    return ["env", f"SOURCE_DATE_EPOCH={EPOCH}", str(dossier_executable()), "suivre", str(source),
            "--only", document, "--format", "pdf", "--jobs", "2", "--out", str(out)]


DONE = r"^\d\d:\d\d:\d\d — "  # `dossier suivre`'s line after each rebuild


def _libreoffice(soffice: str, docx: Path, out: Path) -> list[str]:
    profile = (OUT / "libreoffice-profile").as_uri()  # our own: a LibreOffice running elsewhere would take the job
    return [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)]


def measure(document: str, factor: int, folder: Path, soffice: str, settings: Settings) -> Row:
    runs = OUT / "runs" / "edition" / f"{document}-x{factor}"
    shutil.rmtree(runs, ignore_errors=True)
    docx_out, lo_out, cold_out, edit_out = runs / "docx", runs / "libreoffice", runs / "cold", runs / "edit"
    run_once(_dossier(folder, docx_out, document, "docx"), ROOT)
    docx = only_file(docx_out, "docx")
    edited, followed, warm_out = runs / "sources", runs / "sources-suivre", runs / "suivre"
    shutil.copytree(folder, edited)
    run_once(_dossier(edited, edit_out, document, "pdf"), ROOT)  # the build being edited
    shutil.copytree(folder, followed)  # its own copy: the loop rebuilds on its edits only
    shutil.copytree(edit_out, warm_out)
    found: dict[str, list[Run]] = {"lo": [], "cold": [], "edit": [], "warm": []}
    total = settings.warmup + settings.runs
    resident = Resident(_follow(followed, warm_out, document), ROOT, DONE)
    try:
        resident.wait_line()  # its first build (the kept parts: nothing to lay out)
        rss_start = resident.rss_kib() / 1024
        for index in range(total):
            counted = index >= settings.warmup
            log(f"  {document} {factor}× : LibreOffice, à froid, après une modification, suivre — exécution {index + 1}/{total}")
            for key, out in (("lo", lo_out), ("cold", cold_out)):
                shutil.rmtree(out, ignore_errors=True)
                out.mkdir(parents=True)
                run = run_once(_libreoffice(soffice, docx, out) if key == "lo" else _dossier(folder, out, document, "pdf"), ROOT)
                if counted:
                    found[key].append(run)
            toggle(edited, index)
            run = run_once(_dossier(edited, edit_out, document, "pdf"), ROOT)
            if counted:
                found["edit"].append(run)
            run = resident.round(lambda index=index: toggle(followed, index), "refait en")
            if counted:
                found["warm"].append(run)
        rss_end = resident.rss_kib() / 1024
    finally:
        resident.close()
    ours = only_file(cold_out, "pdf")
    for other in (only_file(edit_out, "pdf"), only_file(warm_out, "pdf")):
        if pdf_pages(other) != pdf_pages(ours):
            raise BenchError(f"{other} : pas le même nombre de pages qu'à froid")
    if only_file(warm_out, "pdf").read_bytes() != only_file(edit_out, "pdf").read_bytes():
        raise BenchError("suivre et la commande, après la même modification, ne donnent pas le même PDF")
    return Row(
        document, factor, pdf_pages(ours) or 0, pdf_pages(only_file(lo_out, "pdf")),
        Sample(tuple(found["lo"])), Sample(tuple(found["cold"])), Sample(tuple(found["edit"])), ours.stat().st_size / 1024,
        Sample(tuple(found["warm"])), (rss_start, rss_end),
    )


def _verdict(ok: bool) -> str:
    return "atteint" if ok else "**non atteint**"


def goals(rows: list[Row]) -> list[str]:
    lines = []
    for row in rows:
        edit = row.edit.seconds / row.libreoffice.seconds
        limit = 0.5 if row.factor > 1 else 1.0
        lines.append(
            f"- {LABELS[row.document]}, {report.size_label(row.factor)}, après une modification ≤ {report.number(limit, 1)}× "
            f"LibreOffice : {report.ratio(edit, 2)} — {_verdict(edit <= limit)} (en temps CPU : "
            f"{report.ratio(_cpu(row.edit) / _cpu(row.libreoffice), 2)})"
        )
        warm = row.warm.seconds / row.libreoffice.seconds
        lines.append(
            f"- {LABELS[row.document]}, {report.size_label(row.factor)}, `dossier suivre`, de l'enregistrement au PDF "
            f"≤ {report.number(limit, 1)}× LibreOffice : {report.ratio(warm, 2)} — {_verdict(warm <= limit)} (en temps CPU : "
            f"{report.ratio(_cpu(row.warm) / _cpu(row.libreoffice), 2)})"
        )
        if row.factor > 1:
            cold = row.cold.seconds / row.libreoffice.seconds
            lines.append(
                f"- {LABELS[row.document]}, {row.factor}×, à froid sur 2 cœurs ≤ 1,2× LibreOffice : {report.ratio(cold, 2)} — "
                f"{_verdict(cold <= 1.2)}"
            )
        before = BASELINE.get((row.document, row.factor))
        if before:
            lines.append(
                f"- {LABELS[row.document]}, {report.size_label(row.factor)}, CPU par page à froid divisé par 2 "
                f"(avant : {report.number(before, 0)} ms, `{BASELINE_COMMIT}`) : {report.number(row.cpu_per_page_ms, 0)} ms, "
                f"{report.ratio(before / row.cpu_per_page_ms, 2)} de moins — {_verdict(row.cpu_per_page_ms <= before / 2)}"
            )
    return lines


def section(rows: list[Row], settings: Settings, soffice: str, start_load: float) -> str:
    table = report.table(
        ("document", "taille", "pages (nous / LibreOffice)", "LibreOffice docx → pdf (CPU)", "à froid, 2 cœurs (CPU)",
         "à froid / LibreOffice", "CPU par page à froid", "après une modification (CPU)", "modification / LibreOffice (en CPU)",
         "fichier", "suivre : enregistrement → PDF (CPU)", "suivre / LibreOffice (en CPU)", "suivre : mémoire"),
        [
            (
                LABELS[r.document], report.size_label(r.factor), f"{r.pages} / {r.their_pages or '—'}",
                f"{report.seconds(r.libreoffice)} ({report.number(_cpu(r.libreoffice), 1)} s)",
                f"{report.seconds(r.cold)} ({report.number(_cpu(r.cold), 1)} s)",
                report.ratio(r.cold.seconds / r.libreoffice.seconds, 2), f"{report.number(r.cpu_per_page_ms, 0)} ms",
                f"{report.seconds(r.edit)} ({report.number(_cpu(r.edit), 1)} s)",
                f"{report.ratio(r.edit.seconds / r.libreoffice.seconds, 2)} ({report.ratio(_cpu(r.edit) / _cpu(r.libreoffice), 2)})",
                f"{r.size_kib:.0f} Ko",
                f"{report.seconds(r.warm)} ({report.number(_cpu(r.warm), 2)} s)",
                f"{report.ratio(r.warm.seconds / r.libreoffice.seconds, 2)} ({report.ratio(_cpu(r.warm) / _cpu(r.libreoffice), 2)})",
                f"{r.warm_rss_mib[0]:.0f} → {r.warm_rss_mib[1]:.0f} Mo",
            )
            for r in rows
        ],
    )
    spread = max(max(s.spread / s.seconds for s in (r.libreoffice, r.cold, r.edit, r.warm)) for r in rows)
    return "\n\n".join([
        "## Le PDF, à froid et après une modification, face à LibreOffice",
        "Pour le référentiel et le livret, à la taille de l'exemple et à la plus grande taille synthétique : "
        "LibreOffice convertissant notre DOCX du même document (`soffice --headless --convert-to pdf`), notre PDF "
        "à froid (`dossier build DOSSIER --only DOC --format pdf --jobs 2` dans un dossier de sortie vidé), et notre PDF "
        "après la modification d'une compétence du deuxième bloc (la même commande sur la sortie précédente : seules les "
        "parties touchées sont remises en page), et la même modification vue par `dossier suivre` (le processus resté "
        "en mémoire, qui surveille les sources : de l'enregistrement du fichier à sa ligne disant le PDF écrit, attente de "
        "la surveillance comprise, toutes les 0,1 s ; CPU du processus et des ouvriers qu'il a attendus ; mémoire : "
        "résidente après sa première construction, puis après la dernière modification). Les quatre sont lancés à tour "
        "de rôle, exécution après exécution ; "
        f"médianes de {settings.runs} exécutions après {settings.warmup} d'échauffement. CPU : temps utilisateur + "
        "système du processus et de ses ouvriers (`wait4`), médiane, entre parenthèses ; par page : divisé par les pages de "
        "notre PDF. Sur une machine partagée, chargée par d'autres, un calcul à deux processus (nous) souffre plus de la "
        "concurrence qu'un seul (LibreOffice) : le rapport des temps CPU est moins bruité que celui des durées. "
        "LibreOffice ne pagine pas comme nous (colonnes plus larges) : la comparaison porte sur le même contenu.",
        f"Machine : {report.machine()} ; {tool_version([soffice, '--version']).split(' (')[0]} ; "
        f"{report.load(start_load, report.load_average())}.",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        f"Commande : `make bench` (ici `--only edition --runs {settings.runs}`).",
        table,
        *(() if os.environ.get(report.REVISION_VARIABLE) else ("Objectifs (issue 21) :\n\n" + "\n".join(goals(rows)),)),
        f"Dispersion des exécutions (max − min) : jusqu'à {spread * 100:.0f} % de la médiane.",
    ])


def run(settings: Settings) -> str:
    soffice = shutil.which("soffice")
    if soffice is None:
        raise BenchError("LibreOffice (soffice) absent : la section « edition » se mesure contre lui.")
    start = report.load_average()
    rows = []
    for factor in sorted({1, max(settings.sizes)}):
        log(f"Édition {factor}× : préparation…")
        folder = sources(factor)
        rows += [measure(document, factor, folder, soffice, settings) for document in DOCUMENTS]
    return section(rows, settings, soffice, start)
