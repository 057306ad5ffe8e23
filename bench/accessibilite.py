"""Section « accessibilite »: what tagging the PDFs (PDF/UA-1) costs, per document, against untagged PDFs."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from . import report, synthetic
from .grilles import SESSION, example_plan, write_candidates
from .measure import BenchError, Command, Sample, Settings, dossier_executable, measure_rounds, pdf_pages
from .paths import EXAMPLE, OUT, ROOT
from .report import plural, seconds, size_label


@dataclass(frozen=True)
class Case:
    document: str  # referentiel, livret, grilles
    factor: int  # the size of the sources (the grids: the example, for `candidats` candidates)
    tagged: bool

    def describe(self) -> str:
        return f"{self.document} {size_label(self.factor)} {'balisé' if self.tagged else 'non balisé'}"


def sources(factor: int, tagged: bool, dossier: Path) -> Path:
    """The example (or its synthetic multiple), with `affichage: {pdf_accessible: false}` when untagged."""
    folder = EXAMPLE if factor == 1 else synthetic.multiply(EXAMPLE, factor, OUT / f"sources-x{factor}")
    if factor != 1:
        synthetic.verify(dossier, folder, ROOT)
    if tagged:
        return folder
    untagged = OUT / f"sources-x{factor}-non-balise"
    shutil.rmtree(untagged, ignore_errors=True)
    shutil.copytree(folder, untagged)
    yaml = untagged / "certification.yaml"
    text = yaml.read_text(encoding="utf-8")
    if "affichage:\n" not in text:
        raise BenchError(f"{yaml} : pas de section affichage")
    yaml.write_text(text.replace("affichage:\n", "affichage:\n  pdf_accessible: false\n", 1), encoding="utf-8")
    return untagged


def command(dossier: Path, case: Case, folder: Path, candidates_csv: Path) -> Command:
    if case.document == "grilles":
        return lambda out: [str(dossier), "-q", "grilles", str(folder), "--candidats", str(candidates_csv), "--session", SESSION,
                            "--out", str(out), "--format", "pdf"]
    return lambda out: [str(dossier), "-q", "build", str(folder), "--only", case.document, "--format", "pdf", "--out", str(out)]


def pages(out: Path, case: Case) -> int | None:
    found = sorted(out.rglob("*.pdf"))
    if case.document != "grilles":
        found = [p for p in found if p.parent.name == case.document]
        return pdf_pages(found[0]) if found else None
    return sum(pdf_pages(p) or 0 for p in found if p.parent.name == SESSION.lower()) or None


def run(settings: Settings) -> str:
    dossier = dossier_executable()
    load_before = report.load_average()
    factor = max(settings.sizes)
    candidates_csv = write_candidates(OUT / "accessibilite" / f"candidats-{settings.candidates}.csv", settings.candidates, example_plan().blocs)
    cases = [Case(d, factor if d != "grilles" else 1, tagged) for d in ("referentiel", "livret", "grilles") for tagged in (False, True)]
    commands = {}
    for case in cases:
        folder = sources(case.factor, case.tagged, dossier)
        commands[case] = (command(dossier, case, folder, candidates_csv), OUT / "runs" / "accessibilite" / case.describe().replace(" ", "-"))
    samples = measure_rounds(commands, ROOT, settings, describe=Case.describe)
    rows = []
    for document in ("referentiel", "livret", "grilles"):
        plain, tagged = (samples[c] for c in cases if c.document == document)
        case = next(c for c in cases if c.document == document and c.tagged)
        rows.append(_row(document, case, plain, tagged, pages(commands[case][1], case), settings))
    return section(rows, settings, factor, (load_before, report.load_average()))


def _row(document: str, case: Case, plain: Sample, tagged: Sample, count: int | None, settings: Settings) -> tuple[str, ...]:
    what = f"{size_label(case.factor)}" if document != "grilles" else f"{settings.candidates} candidats"
    cpu_plain = sorted(r.cpu_seconds for r in plain.runs)[len(plain.runs) // 2]
    cpu_tagged = sorted(r.cpu_seconds for r in tagged.runs)[len(tagged.runs) // 2]
    return (
        document, what, str(count or "—"), seconds(plain), seconds(tagged), _percent(tagged.seconds / plain.seconds),
        f"{report.number(cpu_plain, 1)} s", f"{report.number(cpu_tagged, 1)} s", _percent(cpu_tagged / cpu_plain),
    )


def _percent(ratio: float) -> str:
    return f"{'+' if ratio >= 1 else '−'}{abs(ratio - 1) * 100:.0f} %".replace(".", ",")


def section(rows: list[tuple[str, ...]], settings: Settings, factor: int, load: tuple[float, float]) -> str:
    headers = ("document", "taille", "pages", "non balisé (médiane)", "balisé PDF/UA-1", "écart", "CPU non balisé", "CPU balisé", "écart CPU")
    return "\n\n".join([
        "## Accessibilité : ce que coûtent les PDF balisés (PDF/UA-1)",
        "Chaque document est produit en PDF deux fois, des mêmes sources, l'une avec "
        "`affichage: {pdf_accessible: false}` : `dossier build --only DOC --format pdf --out VIDE` (référentiel et "
        f"livret, synthétique de {size_label(factor)}), `dossier grilles --candidats … --format pdf` (grilles "
        f"pré-remplies de l'exemple, {settings.candidates} candidats). Les deux variantes sont lancées en "
        f"alternance, {plural(settings.runs, 'exécution')} chacune après {settings.warmup} d'échauffement : "
        "médianes du temps écoulé et du temps CPU (processus et travailleurs). Balisé, chaque partie d'un long "
        "document est balisée par WeasyPrint, et l'assemblage fusionne leurs arbres de structure ; une grille "
        "pré-remplie garde l'arbre de la grille (ses champs remplis par une mise à jour incrémentale), et le PDF "
        "regroupé d'une épreuve en recopie les éléments pour chaque copie.",
        f"Machine : {report.machine()} ; {report.load(*load)}.",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        report.table(headers, rows),
    ])
