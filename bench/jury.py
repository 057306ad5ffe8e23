"""Section « jury »: a jury session's documents, stamped, against laying each one out from scratch.

Ours: `dossier jury` on a synthetic session (every candidate sits every bloc; most
validate, some miss a criterion), at N/10 and N candidates (peak memory of the
process tree: flat within 1.10×; and apart, the peak RSS of the main process and
of the largest worker, which tell which side grows). The naive way: each candidate's documents
(fiche de synthèse per bloc, relevé, attestations, parchemin) laid out from scratch
by WeasyPrint, timed on a sample and scaled to N.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from dossier import check

from .measure import Settings, dossier_executable, log, measure
from .paths import EXAMPLE, OUT, ROOT
from .report import mebibytes, number, plural, ratio

RUNS = OUT / "runs" / "jury"
NAIVE_SAMPLE = 6  # candidates laid out from scratch
GOAL_RATIO = 10.0
GOAL_FLAT = 1.10
SURNAMES = ("Lefèvre", "Gérard", "Bélanger", "Côté", "Dupré", "Noël", "Éluard", "N'Diaye", "Müller")
FIRST_NAMES = ("Éloïse", "Hélène", "Jérôme", "François", "Agnès", "Loïc", "Zoé", "Noémie", "Maël")


def write_session(folder: Path, count: int) -> Path:
    """A session of `count` candidates sitting every bloc, with every result (one in 7 misses a criterion)."""
    cert = check(EXAMPLE).certification
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "session.yaml").write_text((ROOT / "exemples" / "session" / "session.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    blocs = " ".join(b.code for b in cert.blocs)
    with open(folder / "candidats.csv", "w", encoding="utf-8") as people, open(folder / "resultats.csv", "w", encoding="utf-8") as results:
        people.write("nom;prénom;numéro;blocs;date de naissance;lieu de naissance;sexe\n")
        results.write("numero;epreuve;competence;critere;valeur;observations\n")
        for i in range(count):
            numero = f"{i + 1:05d}"
            people.write(f"{SURNAMES[i % len(SURNAMES)]}-{i};{FIRST_NAMES[i % len(FIRST_NAMES)]};{numero};{blocs};"
                         f"{1 + i % 28:02d}/{1 + i % 12:02d}/{1980 + i % 25};Lyon;{'MF'[i % 2]}\n")
            for b_index, b in enumerate(cert.blocs):
                for m in b.modalites:
                    for n, crit in enumerate(b.criteres_de(m)):
                        missed = i % 7 == 3 and b_index == i % len(cert.blocs) and n == 0
                        results.write(f"{numero};{m.id};;{crit.id};{'non acquis' if missed else 'acquis'};\n")
    return folder


def naive_seconds(session: Path, count: int) -> float:
    """Seconds to lay out `count` candidates' documents each from scratch (PDF), in this process."""
    from dossier.documents import jury as views
    from dossier.documents.deliberation import decide
    from dossier.pipeline.jury_outputs import session_env
    from dossier.render.formats import html_page
    from dossier.render.pdf import from_html
    from dossier.sources.session import read_session

    cert = check(EXAMPLE).certification
    parsed = read_session(session, cert)
    env = session_env(cert, EXAMPLE, parsed.info)
    specs = views.SESSION_DOCUMENTS
    people = parsed.candidats[:count]
    start = time.perf_counter()
    for c in people:
        d = decide(cert, c, parsed.resultats.of(c.numero), {})
        pages = [(specs["releves"], replace(views.releve(cert, parsed.info), valeurs=views.valeurs_releve(d)))]
        for b in d.blocs:
            pages.append((specs["syntheses"], replace(views.synthese(cert, parsed.info, b.bloc), valeurs=views.valeurs_synthese(b, c))))
            if b.valide:
                pages.append((specs["attestations"], replace(views.attestation(cert, parsed.info, b.bloc), valeurs=views.identite(c))))
        if d.certifie:
            pages.append((specs["parchemins"], replace(views.attestation(cert, parsed.info, None), valeurs=views.identite(c))))
        for spec, view in pages:
            from_html(html_page(spec, view, env), env.templates.folders[0])
    return time.perf_counter() - start


def run(settings: Settings) -> str:
    dossier = dossier_executable()
    big = settings.candidates
    small = max(1, big // 10)
    once = replace(settings, runs=1, warmup=0)
    samples = {}
    for count in (small, big):
        session = write_session(RUNS / f"session-{count}", count)
        command = lambda out, session=session: [str(dossier), "-q", "jury", str(EXAMPLE), str(session), "--out", str(out), "--format", "pdf", "--jobs", str(os.cpu_count() or 1)]  # noqa: E731
        log(f"  dossier jury, {count} candidats…")
        samples[count] = measure(command, RUNS / f"out-{count}", ROOT, once, tree=True)
    log(f"  la manière naïve, {NAIVE_SAMPLE} candidats…")
    naive = naive_seconds(RUNS / f"session-{small}", min(NAIVE_SAMPLE, small)) / min(NAIVE_SAMPLE, small) * big
    ours = samples[big].seconds
    flat = samples[big].tree.peak_pss_kib / max(1, samples[small].tree.peak_pss_kib)
    main = samples[big].tree.top_hwm_kib / max(1, samples[small].tree.top_hwm_kib)
    worker = samples[big].tree.child_hwm_kib / max(1, samples[small].tree.child_hwm_kib)
    rows = [
        f"| {plural(n, 'candidat')} × 4 blocs (PDF) | {number(s.seconds)} s | {mebibytes(s.tree.peak_pss_kib)} "
        f"| {mebibytes(s.tree.top_hwm_kib)} | {mebibytes(s.tree.child_hwm_kib)} "
        f"| {number(s.tree.top_cpu_seconds)} s | {number(s.tree.workers_cpu_seconds)} s |"
        for n, s in samples.items()
    ]
    return "\n".join([
        "## Session de jury : `dossier jury`, face à la méthode naïve",
        "",
        f"Mesuré sur une machine partagée (charge {os.getloadavg()[0]:.1f} sur {os.cpu_count()} cœurs au départ) : "
        "les durées dépendent de la charge des autres travaux ; les pics de mémoire, non, et les temps CPU peu.",
        "",
        "Une session de jury : décisions, fiches de synthèse, relevés, attestations, parchemins et procès-verbal (PDF).",
        "",
        "| Session | Durée | Mémoire (pic PSS, arbre de processus) | Processus principal (pic RSS) "
        "| Processus de travail (pic RSS, le plus haut) | CPU, processus principal | CPU, processus de travail (somme) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"- La manière naïve (chaque document mis en page seul, estimée sur {NAIVE_SAMPLE} candidats) : "
        f"{number(naive)} s pour {big} candidats ; la nôtre : {number(ours)} s, soit {ratio(naive / ours)} plus vite "
        f"(objectif : {GOAL_RATIO:g}×).",
        f"- Mémoire de {small} à {big} candidats : × {flat:.2f} (objectif : ≤ {GOAL_FLAT:.2f}) ; "
        f"processus principal × {main:.2f}, processus de travail × {worker:.2f}.",
    ])

