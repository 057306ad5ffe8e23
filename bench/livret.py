"""Section « livret »: the candidate handbook in each format, for the example and the largest size."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from dossier import check

from . import report, synthetic
from .measure import BenchError, Command, Sample, Settings, dossier_executable, log, measure, only_file, pdf_pages
from .paths import EXAMPLE, OUT, ROOT
from .report import memory, plural, seconds, size_label

FORMATS = ("html", "pdf", "docx")


@dataclass(frozen=True)
class Corpus:
    factor: int
    folder: Path
    competences: int
    prose_titles: tuple[str, ...]  # the first heading of each livret/*.md


@dataclass(frozen=True)
class Row:
    corpus: Corpus
    format: str
    sample: Sample
    pages: int | None


def sizes(settings: Settings) -> tuple[int, ...]:
    """The example and the largest synthetic size asked for."""
    return tuple(sorted({1, max(settings.sizes)}))


# --- the corpora --------------------------------------------------------------------


def prose_title(markdown: Path) -> str:
    for line in markdown.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise BenchError(f"{markdown} : pas de titre de niveau 1")


def prepare(factor: int, dossier: Path) -> Corpus:
    """The example (1×) or a synthetic copy, checked, with the example's prose."""
    folder = EXAMPLE if factor == 1 else synthetic.multiply(EXAMPLE, factor, OUT / f"sources-x{factor}")
    synthetic.verify(dossier, folder, ROOT)
    prose = synthetic.verify_prose(EXAMPLE, folder)
    cert = check(folder).certification
    if cert is None:
        raise BenchError(f"{folder} : certification illisible")
    return Corpus(factor, folder, len(cert.competences), tuple(prose_title(p) for p in prose))


def verify_handbook(page: Path, corpus: Corpus) -> None:
    """The HTML handbook must carry every prose file's title: the prose was read."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))).split())
    missing = [title for title in corpus.prose_titles if " ".join(title.split()) not in text]
    if missing:
        raise BenchError(f"{page} : textes du livret absents : {', '.join(missing)}")


# --- measuring ----------------------------------------------------------------------


def command(dossier: Path, corpus: Corpus, fmt: str) -> Command:
    return lambda out: [str(dossier), "-q", "build", str(corpus.folder), "--only", "livret", "--format", fmt, "--out", str(out)]


def measure_corpus(corpus: Corpus, dossier: Path, settings: Settings) -> list[Row]:
    runs = OUT / "runs" / f"livret-x{corpus.factor}"
    rows = []
    for fmt in FORMATS:
        log(f"  livret {corpus.factor}× {fmt}…")
        sample = measure(command(dossier, corpus, fmt), runs / fmt, ROOT, settings)
        written = only_file(runs / fmt, fmt)
        if fmt == "html":
            verify_handbook(written, corpus)
        rows.append(Row(corpus, fmt, sample, pdf_pages(written) if fmt == "pdf" else None))
    return rows


# --- the table ----------------------------------------------------------------------


def versus_example(row: Row, rows: list[Row]) -> tuple[str, str]:
    """Time and memory of this row over the example's, same format."""
    first = next(r for r in rows if r.format == row.format and r.corpus.factor == 1)
    if row is first:
        return "—", "—"
    return report.ratio(row.sample.seconds / first.sample.seconds), report.ratio(row.sample.max_rss_mib / first.sample.max_rss_mib)


def results_table(rows: list[Row]) -> str:
    headers = ("taille", "compétences", "textes `livret/*.md`", "format", "temps (médiane)", "dispersion",
               "mémoire (pic)", "pages", "temps / exemple", "mémoire / exemple")
    lines = [
        (
            size_label(row.corpus.factor), str(row.corpus.competences), str(len(row.corpus.prose_titles)),
            row.format.upper(), seconds(row.sample), f"{report.number(row.sample.spread)} s", memory(row.sample),
            str(row.pages) if row.pages else "—", *versus_example(row, rows),
        )
        for row in rows
    ]
    return report.table(headers, lines)


def section(rows: list[Row], settings: Settings, load: tuple[float, float]) -> str:
    synthetic_sizes = [f for f in sizes(settings) if f != 1]
    corpus_phrase = "l'exemple `sources/`" + (
        f" et le référentiel synthétique de {synthetic_sizes[0]}× ses blocs (généré comme pour le référentiel, "
        "dans `bench/out/`), vérifié par `dossier check` ; ses textes `livret/*.md` sont ceux de l'exemple, copiés "
        "octet pour octet (vérifié : `dossier check` ne le dirait pas, un référentiel sans textes étant valide)"
        if synthetic_sizes else ""
    )
    return "\n\n".join([
        "## Livret du candidat : `dossier build --only livret`",
        "Chaque mesure lance `dossier build DOSSIER --only livret --format F --out VIDE` comme sous-processus "
        "(démarrage de Python, lecture, vérification et rendu compris) : médiane de "
        f"{plural(settings.runs, 'exécution')} après {settings.warmup} d'échauffement, dans un dossier de "
        "sortie vidé ; dispersion = plus lente − plus rapide ; mémoire = pic `ru_maxrss` du processus (un seul : "
        "un fichier unique se construit sans pool de processus), le plus haut des exécutions ; pages du PDF "
        f"comptées par `pdfinfo`. Tailles : {corpus_phrase}. Le livret HTML "
        "produit est relu : il doit contenir le titre de chaque texte `livret/*.md`. Les deux dernières "
        "colonnes rapportent la taille synthétique à l'exemple, même format.",
        f"Machine : {report.machine()} ; {report.load(*load)}.",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        f"Commande : `make bench` (ici `--runs {settings.runs} --sizes {','.join(map(str, settings.sizes))}` : "
        f"l'exemple et la plus grande taille, {max(sizes(settings))}×).",
        results_table(rows),
    ])


def run(settings: Settings) -> str:
    """Measure the handbook at each size and return the section's Markdown."""
    dossier = dossier_executable()
    load_before = report.load_average()
    rows: list[Row] = []
    for factor in sizes(settings):
        log(f"Livret {factor}× : préparation…")
        rows += measure_corpus(prepare(factor, dossier), dossier, settings)
    return section(rows, settings, (load_before, report.load_average()))
