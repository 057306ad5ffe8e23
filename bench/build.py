"""The `build` section: `dossier build` as `make dossier` runs it — cold, no-op, one bloc edited.

For the example and the 20× référentiel: the cold build of everything (on 1
and on 2 cores: the speed-up), the no-op rebuild (nothing changed), and the
rebuild after one competence of one bloc is edited — each as median wall
time and peak memory. Goals from the issue: no-op under 0.5 s at 20×, a
one-bloc change under a third of the cold build, a cold speed-up ≥ 1.6×.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from . import report
from .measure import Run, Sample, Settings, dossier_executable, log, run_once
from .paths import OUT, ROOT
from .synthetic import multiply, verify

EPOCH = "1790000000"
WHY_ONE_BLOC = (
    "Ce que refait « un bloc modifié » : le référentiel et le livret contiennent tous les blocs, mais leurs PDF sont "
    "mis en page par parties (des séries de blocs, au plus 40 séries, chacune commençant une page ; la couverture, "
    "le sommaire et les textes du livret à part), gardées dans `build/.dossier-cache/` sous l'empreinte de leur HTML. "
    "Un bloc modifié ne remet en page que la série qui le contient (à 20×, 2 blocs) ; les parties sont ensuite "
    "réassemblées, les numéros « page X / Y » posés par-dessus, les liens, signets et numéros du sommaire recalculés. "
    "Sont refaits en entier, car ils sont rapides : le HTML et le DOCX de ces deux documents ; et pour le bloc touché "
    "seulement : ses grilles, les pages du site, le dossier de dépôt."
)


@dataclass(frozen=True)
class Row:
    factor: int
    competences: int
    cold: dict[int, Sample]  # jobs -> sample
    noop: Sample
    one_bloc: Sample


def corpus(factor: int) -> Path:
    if factor == 1:
        return ROOT / "sources"
    dest = OUT / f"build-sources-x{factor}"
    shutil.rmtree(dest, ignore_errors=True)
    multiply(ROOT / "sources", factor, dest)
    verify(dossier_executable(), dest, ROOT)
    return dest


def editable(factor: int) -> Path:
    """A private copy to edit (the example itself is never touched)."""
    dest = OUT / f"build-edit-x{factor}"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(corpus(factor), dest)
    return dest


def command(sources: Path, out: Path, *extra: str) -> list[str]:
    return ["env", f"SOURCE_DATE_EPOCH={EPOCH}", str(dossier_executable()), "-q", "build", str(sources), "--out", str(out), *extra]


def cold(sources: Path, out: Path, jobs: int) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    return run_once(command(sources, out, "--jobs", str(jobs)), ROOT, tree=True)


def toggle(sources: Path, step: int) -> None:
    """Edit one competence of the second bloc, differently each time."""
    bloc = sorted((sources / "blocs").glob("*.yaml"))[1]
    text = bloc.read_text(encoding="utf-8")
    marks = (" (révision A)", " (révision B)")
    for mark in marks:
        text = text.replace(mark, "")
    first = text.index("texte:") + len("texte:")
    end = text.index("\n", first)
    bloc.write_text(text[:end] + marks[step % 2] + text[end:], encoding="utf-8")


def measure_factor(factor: int, settings: Settings) -> Row:
    sources = editable(factor)
    out = OUT / "runs" / "build" / f"x{factor}"
    cold_runs: dict[int, list[Run]] = {1: [], 2: []}
    noop_runs: list[Run] = []
    edit_runs: list[Run] = []
    for index in range(settings.warmup + settings.runs):
        counted = index >= settings.warmup
        for jobs in (1, 2):
            log(f"  build {factor}× : à froid sur {jobs} cœur(s), exécution {index + 1}")
            run = cold(sources, out, jobs)
            if counted:
                cold_runs[jobs].append(run)
        log(f"  build {factor}× : sans changement, puis un bloc modifié, exécution {index + 1}")
        noop = run_once(command(sources, out), ROOT)
        toggle(sources, index)
        edited = run_once(command(sources, out), ROOT, tree=True)
        if counted:
            noop_runs.append(noop)
            edit_runs.append(edited)
    return Row(factor, _competences(sources), {j: Sample(tuple(r)) for j, r in cold_runs.items()}, Sample(tuple(noop_runs)), Sample(tuple(edit_runs)))


def _competences(sources: Path) -> int:
    import yaml

    return sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))["competences"]) for p in (sources / "blocs").glob("*.yaml"))


def _memory(sample: Sample) -> str:
    peaks = [r.tree.peak_pss_kib for r in sample.runs if r.tree is not None]
    return report.mebibytes(max(peaks)) if peaks else report.memory(sample)


def section(rows: list[Row], settings: Settings) -> str:
    table_rows = []
    for row in rows:
        c1, c2 = row.cold[1], row.cold[2]
        table_rows.append((
            report.size_label(row.factor), str(row.competences),
            report.seconds(c1), report.seconds(c2), report.ratio(c1.seconds / c2.seconds, 2),
            _memory(c2),
            report.seconds(row.noop), report.seconds(row.one_bloc),
            report.ratio(row.one_bloc.seconds / c2.seconds, 2),
        ))
    big = rows[-1]
    goals = [
        f"- sans changement sous 0,5 s à {big.factor}× : {report.number(big.noop.seconds)} s — "
        + ("atteint" if big.noop.seconds < 0.5 else "**non atteint**"),
        f"- un bloc modifié à moins d'un tiers de la construction à froid (2 cœurs) : "
        f"{report.ratio(big.one_bloc.seconds / big.cold[2].seconds, 2)} — "
        + ("atteint" if big.one_bloc.seconds < big.cold[2].seconds / 3 else "**non atteint**"),
        f"- accélération de 1 à 2 cœurs ≥ 1,6× : {report.ratio(big.cold[1].seconds / big.cold[2].seconds, 2)} — "
        + ("atteint" if big.cold[1].seconds / big.cold[2].seconds >= 1.6 else "**non atteint**"),
    ]
    return "\n".join([
        "## Construction complète : `dossier build` (ce que lance `make dossier`)",
        "",
        "Tout : référentiel, livret, grilles vierges, site et dossier de dépôt, en HTML, PDF et DOCX. "
        "À froid : dossier de sortie vidé, `--jobs 1` puis `--jobs 2` (tour à tour). Sans changement : la même "
        "commande relancée aussitôt. Un bloc modifié : une compétence du deuxième bloc réécrite, puis la même commande "
        "(ne refait que ce qui contient ce bloc). Chaque mesure est un sous-processus (démarrage de Python compris), "
        f"médiane de {settings.runs} exécutions après {settings.warmup} d'échauffement ; mémoire : pic de la somme des "
        "PSS de l'arbre de processus (le processus et ses ouvriers).",
        "",
        f"Machine : {report.machine()}",
        "",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        "",
        report.table(
            ("taille", "compétences", "à froid, 1 cœur", "à froid, 2 cœurs", "accélération", "mémoire (2 cœurs)",
             "sans changement", "un bloc modifié", "un bloc / à froid"),
            table_rows,
        ),
        "",
        "Objectifs :",
        "",
        *goals,
        "",
        WHY_ONE_BLOC,
    ])


def run(settings: Settings) -> str:
    factors = [1] + [f for f in settings.sizes if f != 1][-1:]
    return section([measure_factor(f, settings) for f in factors], settings)
