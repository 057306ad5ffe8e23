"""Section « referentiel »: the référentiel table in each format, beside pandoc and LibreOffice."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from dossier import check

from . import report, synthetic
from .markdown_export import referentiel_markdown
from .measure import BenchError, Command, Sample, Settings, dossier_executable, log, measure, only_file, pdf_pages, tool_version
from .paths import EXAMPLE, OUT, ROOT
from .report import memory, plural, seconds, size_label

FORMATS = ("html", "pdf", "docx")
ALTERNATIVES = {"html": "pandoc md → html", "pdf": "LibreOffice docx → pdf", "docx": "pandoc md → docx"}


@dataclass(frozen=True)
class Tools:
    dossier: Path
    pandoc: str | None
    soffice: str | None
    pdfinfo: str | None

    def notes(self) -> list[str]:
        notes = []
        if not self.pandoc:
            notes.append("pandoc absent : colonnes pandoc (HTML, DOCX) sautées — `apt-get install -y pandoc`.")
        if not self.soffice:
            notes.append("LibreOffice absent : colonne LibreOffice (PDF) et pages du DOCX sautées.")
        if not self.pdfinfo:
            notes.append("pdfinfo absent (poppler-utils) : pages non comptées.")
        return notes

    def versions(self) -> str:
        found = [tool_version([self.pandoc, "--version"])] if self.pandoc else []
        found += [tool_version([self.soffice, "--version"]).split(" (")[0]] if self.soffice else []
        return " ; ".join(found)


@dataclass(frozen=True)
class Corpus:
    factor: int
    folder: Path
    markdown: Path
    competences: int


@dataclass(frozen=True)
class Row:
    corpus: Corpus
    format: str
    ours: Sample
    pages: int | None
    theirs: Sample | None


def find_tools() -> Tools:
    tools = Tools(dossier_executable(), shutil.which("pandoc"), shutil.which("soffice"), shutil.which("pdfinfo"))
    for note in tools.notes():
        log(note)
    return tools


# --- the corpora --------------------------------------------------------------------


def prepare(factor: int, tools: Tools) -> Corpus:
    """The example (1×) or a synthetic copy, checked, with its Markdown version."""
    folder = EXAMPLE if factor == 1 else synthetic.multiply(EXAMPLE, factor, OUT / f"sources-x{factor}")
    synthetic.verify(tools.dossier, folder, ROOT)
    cert = check(folder).certification
    expected = factor * len(list((EXAMPLE / "blocs").glob("*.yaml")))
    if cert is None or len(cert.blocs) != expected:
        raise BenchError(f"{folder} : {expected} blocs attendus")
    markdown = OUT / "markdown" / f"referentiel-x{factor}.md"
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(referentiel_markdown(cert), encoding="utf-8")
    return Corpus(factor, folder, markdown, len(cert.competences))


# --- the commands -------------------------------------------------------------------


def ours(tools: Tools, corpus: Corpus, fmt: str) -> Command:
    return lambda out: [str(tools.dossier), "-q", "build", str(corpus.folder), "--only", "referentiel", "--format", fmt, "--out", str(out)]


def pandoc(tools: Tools, corpus: Corpus, fmt: str) -> Command:
    return lambda out: [tools.pandoc, "--standalone", str(corpus.markdown), "-o", str(out / f"referentiel.{fmt}")]


def libreoffice(tools: Tools, docx: Path) -> Command:
    # A profile of our own: a LibreOffice already running elsewhere would otherwise take the job.
    profile = (OUT / "libreoffice-profile").as_uri()
    return lambda out: [tools.soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)]


# --- measuring ----------------------------------------------------------------------


def measure_corpus(corpus: Corpus, tools: Tools, settings: Settings) -> list[Row]:
    runs = OUT / "runs" / f"x{corpus.factor}"

    def timed(label: str, command: Command, out: Path) -> Sample:
        log(f"  {corpus.factor}× {label}…")
        return measure(command, out, ROOT, settings)

    samples = {fmt: timed(f"dossier {fmt}", ours(tools, corpus, fmt), runs / f"dossier-{fmt}") for fmt in FORMATS}
    our_pdf_pages = pdf_pages(only_file(runs / "dossier-pdf", "pdf")) if tools.pdfinfo else None
    theirs: dict[str, Sample | None] = dict.fromkeys(FORMATS)
    docx_pages = None
    if tools.pandoc:
        for fmt in ("html", "docx"):
            theirs[fmt] = timed(f"pandoc {fmt}", pandoc(tools, corpus, fmt), runs / f"pandoc-{fmt}")
    if tools.soffice:
        docx = only_file(runs / "dossier-docx", "docx")
        theirs["pdf"] = timed("LibreOffice pdf", libreoffice(tools, docx), runs / "libreoffice-pdf")
        docx_pages = pdf_pages(only_file(runs / "libreoffice-pdf", "pdf")) if tools.pdfinfo else None
    pages = {"html": None, "pdf": our_pdf_pages, "docx": docx_pages}
    return [Row(corpus, fmt, samples[fmt], pages[fmt], theirs[fmt]) for fmt in FORMATS]


# --- the tables ---------------------------------------------------------------------


def results_table(rows: list[Row]) -> str:
    headers = ("taille", "compétences", "format", "dossier : temps", "dossier : mémoire", "pages",
               "alternative", "alternative : temps", "alternative : mémoire", "dossier / alternative")
    lines = [
        (
            size_label(row.corpus.factor), str(row.corpus.competences), row.format.upper(),
            seconds(row.ours), memory(row.ours), str(row.pages) if row.pages else "—",
            ALTERNATIVES[row.format], seconds(row.theirs), memory(row.theirs),
            f"{report.number(row.ours.seconds / row.theirs.seconds, 1)}×" if row.theirs else "—",
        )
        for row in rows
    ]
    return report.table(headers, lines)


def growth_label(first: float, last: float) -> str:
    """How the marginal cost per competence moved from the first step to the last.

    The band is wide on purpose: on a shared machine two medians easily differ by
    a third, while a quadratic cost would make this ratio about 4 with sizes 1, 5, 20.
    """
    ratio = last / first
    kind = "≈ linéaire" if 0.5 <= ratio <= 2 else ("surlinéaire" if ratio > 2 else "sous-linéaire")
    return f"{report.number(ratio, 1)}× ({kind})"


@dataclass(frozen=True)
class Step:
    """Going from one size to the next, for one format."""

    before: Row
    after: Row

    @property
    def marginal_ms(self) -> float:
        """Milliseconds per competence added."""
        added = self.after.corpus.competences - self.before.corpus.competences
        return 1000 * (self.after.ours.seconds - self.before.ours.seconds) / added

    @property
    def measurable(self) -> bool:
        """Whether the time added exceeds the runs' own spread."""
        noise = max(self.before.ours.spread, self.after.ours.spread)
        return self.after.ours.seconds - self.before.ours.seconds > noise

    def cell(self) -> str:
        return report.number(self.marginal_ms, 1) + ("" if self.measurable else " (bruit)")


def growth_verdict(steps: list[Step]) -> str:
    if len(steps) < 2:
        return "—"
    if not all(step.measurable for step in steps):
        return "non concluant (écart dans le bruit)"
    return growth_label(steps[0].marginal_ms, steps[-1].marginal_ms)


def growth_table(rows: list[Row]) -> str:
    """Per format: ms per competence at each size, and marginal ms per added competence."""
    factors = sorted({row.corpus.factor for row in rows})
    headers = (
        "format",
        *(f"ms / compétence à {f}×" for f in factors),
        *(f"coût marginal {a}×→{b}× (ms / compétence ajoutée)" for a, b in zip(factors, factors[1:])),
        "coût marginal, dernier / premier palier",
    )
    lines = []
    for fmt in FORMATS:
        by_factor = [next(r for r in rows if r.format == fmt and r.corpus.factor == f) for f in factors]
        per_competence = [1000 * row.ours.seconds / row.corpus.competences for row in by_factor]
        steps = [Step(a, b) for a, b in zip(by_factor, by_factor[1:])]
        lines.append((
            fmt.upper(),
            *(report.number(v, 1) for v in per_competence),
            *(step.cell() for step in steps),
            growth_verdict(steps),
        ))
    return report.table(headers, lines)


def noise_note(rows: list[Row]) -> str:
    worst = max(rows, key=lambda row: row.ours.spread / row.ours.seconds)
    share = 100 * worst.ours.spread / worst.ours.seconds
    return (
        f"Dispersion des exécutions (max − min) : jusqu'à {share:.0f} % de la médiane "
        f"({worst.format.upper()} à {worst.corpus.factor}×). Un coût marginal marqué « bruit » "
        "ajoute moins de temps que cette dispersion : il ne dit rien."
    )


def sizes_phrase(sizes: tuple[int, ...]) -> str:
    parts = ["l'exemple `sources/`"] if 1 in sizes else []
    synthetic_sizes = [f"{f}×" for f in sizes if f != 1]
    if synthetic_sizes:
        listed = ", ".join(synthetic_sizes[:-1]) + (" et " if len(synthetic_sizes) > 1 else "") + synthetic_sizes[-1]
        parts.append(
            f"des référentiels synthétiques de {listed} ses blocs, générés dans `bench/out/` "
            "(non versionné) et vérifiés par `dossier check`"
        )
    return " et ".join(parts)


def section(rows: list[Row], tools: Tools, settings: Settings) -> str:
    parts = [
        "## Référentiel : `dossier build --only referentiel`, face à pandoc et LibreOffice",
        "Chaque mesure lance `dossier build DOSSIER --only referentiel --format F --out VIDE` comme "
        "sous-processus (démarrage de Python, lecture, vérification et rendu compris) : médiane de "
        f"{plural(settings.runs, 'exécution')} après {settings.warmup} d'échauffement, dans un dossier de "
        "sortie vidé ; mémoire = pic `ru_maxrss` du processus, le plus haut des exécutions ; pages "
        "comptées par `pdfinfo` (le DOCX après conversion par LibreOffice). "
        f"Tailles : {sizes_phrase(settings.sizes)}. À côté, sur le même contenu : pandoc sur une version "
        "Markdown du référentiel (un tableau à quatre colonnes par bloc, `bench/out/markdown/`), "
        "LibreOffice convertissant notre DOCX en PDF. Dernière colonne : notre temps divisé par le leur.",
        f"Machine : {report.machine()}" + (f" ; {tools.versions()}" if tools.versions() else "") + ".",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        f"Commande : `make bench` (ici `--runs {settings.runs} --sizes {','.join(map(str, settings.sizes))}`).",
        results_table(rows),
    ]
    if len(settings.sizes) >= 2:
        parts += [
            "Croissance avec la taille : temps par compétence, et coût marginal de chaque compétence "
            "ajoutée entre deux tailles (un coût marginal stable veut dire une croissance linéaire ; le "
            "temps par compétence baisse d'abord parce que le démarrage fixe s'amortit). Dernière "
            "colonne : « ≈ linéaire » entre 0,5× et 2× ; un coût quadratique donnerait environ 4× "
            "avec les tailles 1, 5, 20.",
            growth_table(rows),
            noise_note(rows),
        ]
    parts += [f"*{note}*" for note in tools.notes()]
    return "\n\n".join(parts)


def run(settings: Settings) -> str:
    """Measure every size and return the section's Markdown."""
    tools = find_tools()
    rows: list[Row] = []
    for factor in settings.sizes:
        log(f"Référentiel {factor}× : préparation…")
        rows += measure_corpus(prepare(factor, tools), tools, settings)
    return section(rows, tools, settings)
