"""Section « grilles »: a session's pre-filled grids, against laying each one out from scratch."""

from __future__ import annotations

import csv
import os
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from dossier import check
from dossier.pipeline.session import WRITTEN

from . import report
from .measure import BenchError, Command, Sample, Settings, dossier_executable, log, measure, measure_rounds, pdf_pages
from .paths import EXAMPLE, OUT, ROOT
from .report import mebibytes, memory, plural, ratio, seconds

FORMATS = ("pdf", "docx")
JOBS = (1, 2)
SESSION = "Bench"
OURS_RUNS = 3  # at most: a 4,000-grid run is long
NAIVE_SAMPLE = {"pdf": 10, "docx": 25}  # candidates; the naive way costs about 0.2 s per PDF grid
NAIVE_PROBE = 1  # candidates of the second naive run, to estimate its start-up
RUNS = OUT / "runs" / "grilles"

GOAL_RATIO = 10.0  # ours at least this many times faster than the naive way
GOAL_FLAT = 1.10  # peak memory at N candidates over at N / 10, at most: 10× the grids, 10 % more memory
GOAL_SPEEDUP = 1.5  # 2 processes over 1, at least

SURNAMES = ("Lefèvre", "Gérard", "Bélanger", "Côté", "Dupré", "Noël", "Éluard", "Fournié",
            "Lemaître", "Hébert", "Ménard", "Besançon", "Dubœuf", "N'Diaye", "Saint-Exupéry", "Müller")
FIRST_NAMES = ("Éloïse", "Hélène", "Jérôme", "François", "Agnès", "Loïc", "Zoé", "Noémie",
               "Gaëlle", "Benoît", "Maël", "Anaïs", "Joël", "Léa", "Cécile", "Aurélien", "Chloé")


@dataclass(frozen=True)
class Plan:
    """What the example's session implies: every candidate sits every bloc."""

    blocs: tuple[str, ...]
    epreuves: int


@dataclass(frozen=True)
class Config:
    fmt: str
    jobs: int
    candidates: int

    def describe(self) -> str:
        return f"dossier grilles {self.fmt.upper()} --jobs {self.jobs}, {self.candidates} candidats"


@dataclass(frozen=True)
class Output:
    """What one run wrote: grids (one file per candidate × épreuve) and merged PDFs."""

    grids: int
    merged: int
    merged_pages: int | None = None  # without pdfinfo, or for DOCX: None


@dataclass(frozen=True)
class Naive:
    fmt: str
    candidates: int
    grids: int
    sample: Sample


# --- the session --------------------------------------------------------------------


def example_plan() -> Plan:
    cert = check(EXAMPLE).certification
    if cert is None:
        raise BenchError(f"{EXAMPLE} : certification illisible")
    return Plan(tuple(b.code for b in cert.blocs), sum(len(b.modalites) for b in cert.blocs))


def candidate(index: int) -> tuple[str, str]:
    """A surname and first name, accents included; homonyms happen, numbers stay unique."""
    return SURNAMES[index % len(SURNAMES)], FIRST_NAMES[(index // len(SURNAMES)) % len(FIRST_NAMES)]


def write_candidates(path: Path, count: int, blocs: tuple[str, ...]) -> Path:
    """A session's CSV as Excel exports it: UTF-8, `;`, every candidate sitting every bloc."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(("Nom", "Prénom", "N°", "Blocs"))
        for index in range(count):
            writer.writerow((*candidate(index), f"{index + 1:04d}", " ".join(blocs)))
    return path


# --- the commands -------------------------------------------------------------------


def ours(dossier: Path, candidates_csv: Path, config: Config) -> Command:
    return lambda out: [
        str(dossier), "-q", "grilles", str(EXAMPLE), "--candidats", str(candidates_csv), "--session", SESSION,
        "--out", str(out), "--format", config.fmt, "--jobs", str(config.jobs),
    ]


def naive(candidates_csv: Path, fmt: str, count: int) -> Command:
    return lambda out: [sys.executable, "-m", "bench.naive_grilles", str(EXAMPLE), str(candidates_csv), fmt, str(count), str(out)]


def out_dir(config: Config) -> Path:
    return RUNS / f"{config.fmt}-j{config.jobs}-n{config.candidates}"


# --- checking the work was done -----------------------------------------------------


def session_output(out: Path, config: Config, plan: Plan) -> Output:
    """Count what a run wrote under out/sessions/<session>/; anything unexpected is an error."""
    roots = list((out / "sessions").iterdir()) if (out / "sessions").is_dir() else []
    if len(roots) != 1:
        raise BenchError(f"{out}/sessions : un dossier de session attendu, {len(roots)} trouvé(s)")
    grids = merged = 0
    strays = []
    for path in roots[0].rglob("*"):
        if path.is_dir():
            continue
        if path.name == WRITTEN and path.parent == roots[0]:  # the run's list of what it wrote
            continue
        if path.name.startswith("."):  # a temporary file or a part of a merged PDF, left over
            strays.append(path)
        elif path.parent == roots[0] and path.suffix == ".pdf":
            merged += 1
        elif path.parent.parent == roots[0] and path.suffix == f".{config.fmt}":
            grids += 1
        else:
            strays.append(path)
    expected = Output(config.candidates * plan.epreuves, plan.epreuves if config.fmt == "pdf" else 0)
    if strays or Output(grids, merged) != expected:
        raise BenchError(
            f"{out} : {expected.grids} grilles et {expected.merged} PDF regroupés attendus, "
            f"{grids} et {merged} trouvés ; autres fichiers : {', '.join(p.name for p in strays[:5]) or 'aucun'}"
        )
    return replace(expected, merged_pages=merged_pages(roots[0], config.candidates) if merged else None)


def merged_pages(root: Path, candidates: int) -> int | None:
    """Pages of the merged PDFs, each checked to hold every candidate's grid of its épreuve.

    Per épreuve, one candidate's grid gives the pages per candidate: the merged
    PDF must have exactly candidates × that many. None without pdfinfo.
    """
    if shutil.which("pdfinfo") is None:
        return None
    total = 0
    for merged in sorted(root.glob("[!.]*.pdf")):
        one = pdf_pages(next((root / merged.stem).glob("*.pdf")))
        found = pdf_pages(merged)
        if found != candidates * one:
            raise BenchError(f"{merged} : {candidates} × {one} pages attendues, {found} trouvées")
        total += found
    return total


def naive_output(out: Path, fmt: str, count: int, plan: Plan) -> int:
    found = len(list(out.glob(f"*.{fmt}")))
    if found != count * plan.epreuves:
        raise BenchError(f"{out} : {count * plan.epreuves} grilles naïves attendues, {found} trouvées")
    return found


# --- measuring ----------------------------------------------------------------------


def measure_ours(dossier: Path, plan: Plan, settings: Settings) -> tuple[dict[Config, Sample], dict[Config, Output]]:
    """The small session first (with warm-up: it warms the machine for the rest), then the
    full session's four configurations in turns."""
    big = settings.candidates
    small = max(1, big // 10)
    csvs = {n: write_candidates(OUT / "grilles" / f"candidats-{n}.csv", n, plan.blocs) for n in {small, big}}
    runs = replace(settings, runs=min(settings.runs, OURS_RUNS))
    first = Config("pdf", 2, small)
    configs = [Config(fmt, jobs, big) for fmt in FORMATS for jobs in JOBS]
    samples = measure_rounds({first: (ours(dossier, csvs[small], first), out_dir(first))}, ROOT, runs, True, Config.describe)
    commands = {c: (ours(dossier, csvs[big], c), out_dir(c)) for c in configs}
    samples |= measure_rounds(commands, ROOT, replace(runs, warmup=0), True, Config.describe)
    outputs = {config: session_output(out_dir(config), config, plan) for config in samples}
    return samples, outputs


def measure_naive(plan: Plan, settings: Settings) -> dict[str, tuple[Naive, Naive]]:
    """Per format, one run on the sample, one on a single candidate (to estimate the start-up)."""
    found = {}
    once = replace(settings, runs=1, warmup=0)
    candidates_csv = OUT / "grilles" / f"candidats-{settings.candidates}.csv"
    for fmt in FORMATS:
        pair = []
        for count in (min(NAIVE_SAMPLE[fmt], settings.candidates), NAIVE_PROBE):
            log(f"  naïf {fmt}, {count} candidat(s)…")
            out = RUNS / f"naive-{fmt}-n{count}"
            sample = measure(naive(candidates_csv, fmt, count), out, ROOT, once, tree=True)
            pair.append(Naive(fmt, count, naive_output(out, fmt, count, plan), sample))
        found[fmt] = (pair[0], pair[1])
    return found


# --- the tables ---------------------------------------------------------------------


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def rate(grids: int, sample: Sample) -> float:
    return grids / sample.seconds


def rate_cell(grids: int, sample: Sample) -> str:
    return f"{report.number(sample.seconds, 1)} s — {report.number(rate(grids, sample), 1)} grilles/s"


@dataclass(frozen=True)
class Results:
    plan: Plan
    samples: dict[Config, Sample]
    outputs: dict[Config, Output]
    naive: dict[str, tuple[Naive, Naive]]
    candidates: int
    load: tuple[float, float]  # the machine's load average, before and after

    def ours(self, fmt: str, jobs: int, candidates: int | None = None) -> tuple[Sample, Output]:
        config = Config(fmt, jobs, candidates or self.candidates)
        return self.samples[config], self.outputs[config]

    def speedup(self, fmt: str) -> float:
        return self.ours(fmt, 1)[0].seconds / self.ours(fmt, 2)[0].seconds

    def versus_naive(self, fmt: str, jobs: int) -> float:
        sample, output = self.ours(fmt, jobs)
        sampled = self.naive[fmt][0]
        return rate(output.grids, sample) / rate(sampled.grids, sampled.sample)


def written_cell(output: Output) -> str:
    pages = f" ({thousands(output.merged_pages)} pages)" if output.merged_pages else ""
    merged = f" + {output.merged} PDF regroupés{pages}" if output.merged else ""
    return f"{thousands(output.grids)} grilles{merged}"


def throughput_table(results: Results) -> str:
    headers = ("format", "fichiers écrits (par exécution)", "nous, `--jobs 1`", "nous, `--jobs 2`",
               "accélération 1 → 2", "naïf, 1 processus (échantillon)", "nous `--jobs 1` / naïf",
               "nous `--jobs 2` / naïf")
    lines = []
    for fmt in FORMATS:
        (one, output), (two, _) = results.ours(fmt, 1), results.ours(fmt, 2)
        sampled = results.naive[fmt][0]
        lines.append((
            fmt.upper(), written_cell(output), rate_cell(output.grids, one), rate_cell(output.grids, two),
            ratio(results.speedup(fmt), 2), f"{sampled.grids} grilles : " + rate_cell(sampled.grids, sampled.sample),
            ratio(results.versus_naive(fmt, 1)), ratio(results.versus_naive(fmt, 2)),
        ))
    return report.table(headers, lines)


def ordered(samples: dict[Config, Sample]) -> list[tuple[Config, Sample]]:
    return sorted(samples.items(), key=lambda item: (FORMATS.index(item[0].fmt), item[0].candidates, item[0].jobs))


def work_table(results: Results) -> str:
    """Where the CPU time goes: the parent, the workers, and how many cores that kept busy."""
    headers = ("mesure", "candidats", "temps écoulé", "CPU du parent", "CPU des travailleurs (somme)", "cœurs occupés")
    lines = [
        (
            f"nous, {config.fmt.upper()}, `--jobs {config.jobs}`", str(config.candidates), seconds(sample),
            f"{report.number(sample.tree.top_cpu_seconds, 1)} s", f"{report.number(sample.tree.workers_cpu_seconds, 1)} s",
            report.number(sample.cores, 2),
        )
        for config, sample in ordered(results.samples)
    ]
    return report.table(headers, lines)


def memory_row(label: str, candidates: int, grids: int, sample: Sample) -> tuple[str, ...]:
    tree = sample.tree
    return (
        label, str(candidates), thousands(grids), f"1 + {tree.workers}", memory(sample),
        mebibytes(tree.top_hwm_kib), mebibytes(tree.child_hwm_kib) if tree.child_hwm_kib else "—",
        mebibytes(tree.peak_pss_kib),
    )


def memory_table(results: Results) -> str:
    headers = ("mesure", "candidats", "grilles", "processus : parent + travailleurs", "`ru_maxrss` (wait4)",
               "pic du parent seul", "pic du plus gros descendant", "pic de la somme des PSS (tous les processus)")
    lines = []
    for config, sample in ordered(results.samples):
        label = f"nous, {config.fmt.upper()}, `--jobs {config.jobs}`"
        lines.append(memory_row(label, config.candidates, results.outputs[config].grids, sample))
    for fmt in FORMATS:
        sampled = results.naive[fmt][0]
        lines.append(memory_row(f"naïf, {fmt.upper()}", sampled.candidates, sampled.grids, sampled.sample))
    return report.table(headers, lines)


# --- the prose ----------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "**atteint**" if ok else "**non atteint**"


def goal_ratio(results: Results) -> str:
    cells = [
        f"{fmt.upper()} {ratio(results.versus_naive(fmt, 1))} (`--jobs 1`) et {ratio(results.versus_naive(fmt, 2))} (`--jobs 2`)"
        for fmt in FORMATS
    ]
    ok = all(results.versus_naive(fmt, 1) >= GOAL_RATIO for fmt in FORMATS)
    return f"- au moins {GOAL_RATIO:.0f}× plus rapide que la méthode naïve, dès `--jobs 1` : {' ; '.join(cells)} — {verdict(ok)}."


def growth(label: str, before_kib: float, after_kib: float) -> str:
    return f"{label} {mebibytes(before_kib)} → {mebibytes(after_kib)} ({ratio(after_kib / before_kib, 2)})"


def goal_flat(results: Results) -> str:
    """ru_maxrss, sum of PSS, parent alone: the full session against the small one (PDF, --jobs 2)."""
    small = min(c.candidates for c in results.samples)
    a, b = results.ours("pdf", 2, small)[0], results.ours("pdf", 2)[0]
    rss = (a.max_rss_mib * 1024, b.max_rss_mib * 1024)
    pss = (a.tree.peak_pss_kib, b.tree.peak_pss_kib)
    parent = (a.tree.top_hwm_kib, b.tree.top_hwm_kib)
    flat = max(rss[1] / rss[0], pss[1] / pss[0]) <= GOAL_FLAT
    per_thousand = (pss[1] - pss[0]) / (results.candidates - small) * 1000
    slope = "" if flat else (
        f" Si la croissance est linéaire, 1 000 candidats de plus ajoutent ≈ {mebibytes(per_thousand)} à la somme des PSS."
    )
    return (
        f"- mémoire plate (PDF, `--jobs 2`, de {small} à {results.candidates} candidats, "
        f"{ratio(results.candidates / small, 0)} de grilles ; plate si la hausse ne dépasse pas {ratio(GOAL_FLAT, 2)}) : "
        f"{growth('`ru_maxrss`', *rss)}, {growth('somme des PSS', *pss)}, {growth('parent seul', *parent)} — "
        f"{verdict(flat)}.{slope}"
    )


def goal_speedup(results: Results) -> str:
    cells = [
        f"{fmt.upper()} {ratio(results.speedup(fmt), 2)} ({report.number(results.ours(fmt, 2)[0].cores, 2)} cœurs occupés)"
        for fmt in FORMATS
    ]
    ok = all(results.speedup(fmt) >= GOAL_SPEEDUP for fmt in FORMATS)
    return (
        f"- les deux cœurs servent (accélération de `--jobs 1` à `--jobs 2` d'au moins {ratio(GOAL_SPEEDUP, 1)}) : "
        f"{' ; '.join(cells)} — {verdict(ok)}. Une machine occupée par ailleurs (charge au début de la section : "
        f"{report.number(results.load[0], 1)} pour {len(os.sched_getaffinity(0))} processeurs) prive d'abord "
        "`--jobs 2` de son second cœur : voir « Répartition du travail »."
    )


def maxrss_explanation(results: Results) -> str:
    """What ru_maxrss covers, shown on the full PDF session with --jobs 2."""
    sample = results.ours("pdf", 2)[0]
    tree = sample.tree
    top, child, maxrss = tree.top_hwm_kib / 1024, tree.child_hwm_kib / 1024, sample.max_rss_mib
    if child > top and maxrss >= 0.95 * child:
        seen = "`ru_maxrss` vaut donc le pic du plus gros travailleur : il comprend bien les travailleurs"
    else:
        seen = "le plus gros travailleur ne dépasse pas ici le parent : cette mesure ne le départage pas"
    return (
        "Ce que vaut `ru_maxrss` : sous Linux, `os.wait4` rend le pic de mémoire du processus attendu *et des "
        "descendants qu'il a lui-même attendus* ; les travailleurs du pool sont des enfants du processus "
        "`dossier` (démarrage `fork`), qui les attend en fermant le pool. Mais c'est le pic du plus gros "
        f"processus, non une somme. Mesuré (PDF, `--jobs 2`, {results.candidates} candidats) : parent seul "
        f"{top:.0f} Mo, plus gros travailleur {child:.0f} Mo (`VmHWM` de `/proc/PID/status`), `ru_maxrss` "
        f"{maxrss:.0f} Mo ; {seen}, sans les additionner. Des différences de "
        "`getrusage(RUSAGE_CHILDREN)` n'y changeraient rien : leur `ru_maxrss` est lui aussi un maximum, sur "
        "tous les enfants attendus depuis le début du banc, qui ne se soustrait pas. D'où la dernière "
        "colonne : l'empreinte de l'ensemble, somme des PSS de tous les processus de l'arbre, lue dans "
        "`/proc/PID/smaps_rollup` toutes les 50 ms (une page partagée par n processus, comme après un `fork`, "
        "compte pour 1/n dans chacun : rien n'est compté deux fois) ; échantillonnée, elle peut manquer un pic "
        "plus bref. Le nombre de travailleurs est celui des descendants qui exécutent le programme du parent."
    )


def naive_note(results: Results) -> str:
    parts = []
    for fmt in FORMATS:
        sampled, probe = results.naive[fmt]
        marginal = (sampled.sample.seconds - probe.sample.seconds) / (sampled.grids - probe.grids)
        if marginal <= 0:
            parts.append(f"{fmt.upper()} : non estimable (l'exécution courte n'a pas été plus rapide)")
            continue
        startup = probe.sample.seconds - probe.grids * marginal
        sample, output = results.ours(fmt, 1)
        parts.append(
            f"{fmt.upper()} : {report.number(marginal, 3)} s par grille, démarrage ≈ {report.number(startup, 1)} s "
            f"({probe.grids} grilles en {report.number(probe.sample.seconds, 1)} s) ; nous, `--jobs 1`, "
            f"{ratio(rate(output.grids, sample) * marginal)} plus rapide que ce coût marginal"
        )
    return (
        "La méthode naïve (`dossier.session.naive`, via `bench/naive_grilles.py`) met en page chaque grille "
        "depuis zéro : PDF par une mise en page WeasyPrint complète, DOCX par un rendu docxtpl complet. Elle "
        "tourne dans un seul processus, une fois, sur un échantillon : les "
        f"{results.naive['pdf'][0].candidates} premiers candidats du CSV en PDF, les "
        f"{results.naive['docx'][0].candidates} premiers en DOCX, chacun avec ses {len(results.plan.blocs)} "
        "blocs. Son temps comprend le démarrage (Python, lecture et vérification des sources, "
        "chargement de WeasyPrint ou docxtpl), rien n'est retranché — comme pour nous, mais sur bien moins de "
        "grilles, ce qui flatte un peu nos rapports. Pour en juger, une seconde exécution naïve sur "
        f"{plural(NAIVE_PROBE, 'candidat')} donne le coût marginal d'une grille naïve, "
        "(temps de l'échantillon − temps court) / (grilles de l'échantillon − grilles du temps court) : "
        + " ; ".join(parts) + "."
    )


def noise_note(results: Results) -> str:
    worst_config, worst = max(results.samples.items(), key=lambda item: item[1].spread / item[1].seconds)
    return (
        f"Dispersion des exécutions (max − min) : jusqu'à {100 * worst.spread / worst.seconds:.0f} % de la "
        f"médiane ({worst_config.describe()})."
    )


def work_note() -> str:
    return (
        "Même avec `--jobs 1` il y a trois processus : le parent (qui lit le CSV et distribue le travail), un "
        "travailleur (qui met en page la grille de chaque épreuve, la remplit pour chaque candidat et écrit ses "
        "fichiers) et, en PDF, l'imprimeur (qui écrit les PDF regroupés, copie après copie), compté parmi les "
        "travailleurs. "
        "Temps CPU du parent et des travailleurs : `utime` + `stime` de `/proc/PID/stat`, au dernier "
        "échantillon (médiane des exécutions) ; cœurs occupés = temps CPU total (`ru_utime` + `ru_stime` de "
        "`wait4`, descendants attendus compris) / temps écoulé, médiane. Avec `--jobs 2`, une valeur "
        "nettement sous 2 veut dire que d'autres occupaient la machine, ou qu'une part du travail attend un "
        "seul processus — le parent, si son temps CPU approche le temps écoulé, ou l'imprimeur."
    )


def section(results: Results, settings: Settings) -> str:
    runs = min(settings.runs, OURS_RUNS)
    small = min(c.candidates for c in results.samples)
    return "\n\n".join([
        "## Grilles d'une session : `dossier grilles --candidats`, face à la méthode naïve",
        f"Une session de {results.candidates} candidats qui passent chacun les {len(results.plan.blocs)} blocs de "
        f"l'exemple ({', '.join(results.plan.blocs)}), {results.plan.epreuves} épreuves en tout : "
        f"{thousands(results.candidates * results.plan.epreuves)} grilles par format. Le CSV (UTF-8, `;`, "
        "colonnes `Nom;Prénom;N°;Blocs`, noms accentués) est généré dans `bench/out/grilles/`. Chaque mesure "
        f"lance `dossier -q grilles sources --candidats CSV --session \"{SESSION}\" --out VIDE --format F "
        "--jobs J` comme sous-processus (démarrage compris) ; médiane de "
        f"{plural(runs, 'exécution')}. D'abord la session de {small} candidats (PDF, `--jobs 2`), après "
        f"{settings.warmup} d'échauffement ; puis les quatre configurations de la session complète, sans "
        "échauffement propre, prises à tour de rôle (PDF `--jobs 1`, PDF `--jobs 2`, DOCX `--jobs 1`, "
        "DOCX `--jobs 2`, puis on recommence) : un passage chargé de la machine les touche toutes. Après la "
        "dernière exécution de chacune, les fichiers écrits sont comptés : une grille par candidat et par "
        "épreuve, plus un PDF regroupé par épreuve en PDF, et rien d'autre (ni fichier temporaire ni morceau "
        "de PDF) ; chaque PDF regroupé doit avoir autant de pages que la grille d'un candidat, fois le nombre "
        "de candidats (`pdfinfo`) ; le banc s'arrête sinon. Les sorties sont ensuite effacées.",
        f"Machine : {report.machine()} ; {report.load(*results.load)}.",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        f"Commande : `make bench` (ici `--runs {settings.runs} --candidats {settings.candidates}`).",
        "Objectifs :",
        "\n".join([goal_ratio(results), goal_flat(results), goal_speedup(results)]),
        "### Débit",
        throughput_table(results),
        naive_note(results),
        "### Répartition du travail",
        work_table(results),
        work_note(),
        "### Mémoire",
        memory_table(results),
        maxrss_explanation(results),
        noise_note(results),
    ])


def run(settings: Settings) -> str:
    """Measure the session's grids, ours and the naive way; return the section's Markdown."""
    dossier = dossier_executable()
    plan = example_plan()
    log(f"Grilles : {settings.candidates} candidats × {plan.epreuves} épreuves…")
    load_before = report.load_average()
    try:
        samples, outputs = measure_ours(dossier, plan, settings)
        naive_runs = measure_naive(plan, settings)
    finally:
        shutil.rmtree(RUNS, ignore_errors=True)  # thousands of files, hundreds of Mo
    results = Results(plan, samples, outputs, naive_runs, settings.candidates, (load_before, report.load_average()))
    return section(results, settings)
