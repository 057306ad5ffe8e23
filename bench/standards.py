"""The `standards` section: the CASE export, and signing and verifying Open Badges credentials.

`dossier export case` is measured as a user runs it (a child process) on the
example and the 20× référentiel, with the package's size. Signing is measured
in process, per credential (what a jury session would do for each validated
bloc): unsigned, signed (eddsa-rdfc-2022: two URDNA2015 canonicalisations and
an Ed25519 signature), verified — and the projection for 20,000 credentials
(5,000 holders × 4 blocs), on one core.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import statistics
import time

from . import report
from .measure import Settings, dossier_executable, log, measure
from .paths import OUT, ROOT
from .synthetic import multiply, verify

SESSION = 20_000  # credentials of a session of 5,000 holders × 4 blocs
ABOUT = (
    "`dossier export case` est mesuré comme un utilisateur le lance (un sous-processus : démarrage, lecture, vérification "
    "et export compris) sur l'exemple et le référentiel synthétique de 20× ses blocs : médiane des exécutions après une "
    "d'échauffement, mémoire = pic `ru_maxrss`. Les badges sont mesurés dans le processus, un par un, comme une session de "
    "jury les délivrerait (un par bloc validé et par titulaire) : non signé, signé (eddsa-rdfc-2022 : mise sous forme "
    "canonique URDNA2015 et signature Ed25519), vérifié ; médiane par badge, et projection pour 20 000 badges "
    "(5 000 titulaires × 4 blocs) sur un cœur."
)


def _corpus(factor: int):
    if factor == 1:
        return ROOT / "sources"
    dest = OUT / f"standards-sources-x{factor}"
    shutil.rmtree(dest, ignore_errors=True)
    multiply(ROOT / "sources", factor, dest)
    verify(dossier_executable(), dest, ROOT)
    return dest


def _per_call(func, runs: int) -> float:
    """Median seconds of one call, over `runs` calls after one not counted."""
    func(0)
    times = []
    for i in range(1, runs + 1):
        start = time.perf_counter()
        func(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(settings: Settings) -> str:
    from dossier.checks import check
    from dossier.exporters import badges, integrity

    start_load = report.load_average()
    factors = sorted({1, max(settings.sizes)})
    rows = []
    for factor in factors:
        sources = _corpus(factor)
        log(f"standards : export CASE à {factor}×…")
        sample = measure(lambda out, s=sources: [str(dossier_executable()), "-q", "export", "case", str(s), "--out", str(out / "case.json")],
                         OUT / "standards-out", ROOT, settings)
        package = json.loads((OUT / "standards-out" / "case.json").read_text(encoding="utf-8"))
        size = (OUT / "standards-out" / "case.json").stat().st_size
        rows.append((report.size_label(factor), str(len(check(sources).certification.competences)), str(len(package["CFItems"])),
                     str(len(package["CFAssociations"])), f"{size / 1024:.0f} Ko", report.seconds(sample), report.memory(sample)))

    cert = check(ROOT / "sources").certification
    achievement = badges.achievement(cert, cert.blocs[0])
    key = integrity.Ed25519PrivateKey.generate()
    day = dt.date(2026, 10, 1)
    calls = max(30, settings.runs * 10)
    log("standards : badges signés…")
    unsigned = _per_call(lambda i: badges.credential(badges.Holder("Dupont", numero=f"A{i}"), achievement, day), calls)
    signed_doc = {}
    signed = _per_call(lambda i: signed_doc.update(d=badges.credential(badges.Holder("Dupont", numero=f"A{i}"), achievement, day, key)), calls)
    verified = _per_call(lambda i: integrity.verify(signed_doc["d"]), calls)
    end_load = report.load_average()

    def ms(value: float) -> str:
        return f"{report.number(value * 1000, 1)} ms"

    return "\n\n".join([
        "## Formats ouverts : export CASE, badges signés",
        ABOUT,
        f"Machine : {report.machine()} ; {report.load(start_load, end_load)}.",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        f"Commande : `make bench` (ici `--runs {settings.runs}`).",
        report.table(
            ("taille", "compétences", "éléments CASE", "associations", "taille du fichier", "temps (médiane)", "mémoire (pic)"), rows),
        report.table(
            ("badge du bloc BC01 de l'exemple", "par badge (médiane)", f"{SESSION:,} badges sur 1 cœur".replace(",", "\u202f")),
            [("non signé", ms(unsigned), f"{report.number(unsigned * SESSION, 1)} s"),
             ("signé (eddsa-rdfc-2022)", ms(signed), f"{report.number(signed * SESSION / 60, 1)} min"),
             ("vérifié", ms(verified), f"{report.number(verified * SESSION / 60, 1)} min")]),
        "La signature coûte surtout la mise sous forme canonique (pyld, JSON-LD → RDF, URDNA2015) du badge, faite une fois ; "
        "celle des options de la preuve est gardée d'un badge à l'autre (même jour, même clé). Ed25519 lui-même ne compte pas "
        "(quelques dizaines de microsecondes). Une session peut répartir la signature de ses badges sur tous les cœurs (pool de processus).",
    ])
