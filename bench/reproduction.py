"""The `reproduction` section: `dossier check --rncp` on synthetic exports of 100 MB and 1 GB.

Goals from issue 17: at least 20 MB of export per second on one core for the
first check (which streams the export and builds the index), memory flat
(within 1.10×) from the 100 MB to the 1 GB export, a second check against the
same export under 2 s (the index comes from the cache). Every run is checked:
each competence of the example planted in the export is found in its fiche,
and nothing else is found.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
from pathlib import Path

from . import report
from .measure import BenchError, Run, Settings, dossier_executable, log, run_once
from .paths import EXAMPLE, OUT, ROOT
from .rncp_export import VERSION, Plant, synthesize

GOAL_SPEED = 20.0  # MB/s
GOAL_MEMORY = 1.10
GOAL_SECOND = 2.0  # s


def planted_texts() -> list[tuple[str, str]]:
    """The example's competences long enough to count (a passage counts from 12 words), as (where, text)."""
    from dossier.checks import check
    from dossier.text import word_list

    cert = check(EXAMPLE).certification
    out = []
    for bloc in cert.blocs:
        for comp in bloc.competences:
            if len(word_list(comp.texte)) >= 16:
                loc, path = comp.src.at("texte")
                out.append((f"{Path(loc.file).name}:{path}", comp.texte))
    return out


def export(megabytes: int) -> tuple[Path, list[Plant]]:
    """The synthetic export of this size, made once (kept in bench/out/ with its planted passages)."""
    dest = OUT / "rncp" / f"export-{megabytes}mo.xml"
    meta = dest.with_suffix(".json")
    texts = planted_texts()
    try:
        kept = json.loads(meta.read_text("utf-8"))
        if kept["version"] == VERSION and [tuple(t) for t in kept["texts"]] == texts and dest.stat().st_size == kept["size"]:
            return dest, [Plant(**p) for p in kept["plants"]]
    except (OSError, ValueError, KeyError):
        pass
    log(f"  export synthétique de {megabytes} Mo…")
    dest.parent.mkdir(parents=True, exist_ok=True)
    plants = synthesize(dest, megabytes, texts)
    meta.write_text(json.dumps({
        "version": VERSION, "texts": texts, "size": dest.stat().st_size, "plants": [p.__dict__ for p in plants],
    }, ensure_ascii=False), "utf-8")
    return dest, plants


def command(xml: Path, cache: Path, out: Path, *extra: str) -> list[str]:
    return [str(dossier_executable()), "check", str(EXAMPLE), "--rncp", str(xml), "--cache", str(cache), "--out", str(out), *extra]


def verify(xml: Path, cache: Path, plants: list[Plant]) -> int:
    """Run once more in JSON: every planted text found in its fiche and nowhere else, nothing else found."""
    done = subprocess.run(command(xml, cache, OUT / "rncp" / "build", "--format", "json"), capture_output=True, text=True, cwd=ROOT)
    payload = json.loads(done.stdout)
    found = {}
    for d in payload["diagnostics"]:
        if d["rule"].startswith("reproduction"):
            found[f"{Path(d['file']).name}:{d['keypath']}"] = d["message"]
    expected = {p.keypath: p.fiche for p in plants}
    missing = [k for k in expected if k not in found or f"la fiche {expected[k]} " not in found[k]]
    extra = [k for k in found if k not in expected]
    elsewhere = [k for k in expected if k in found and "(et dans " in found[k]]
    if missing or extra or elsewhere:
        raise BenchError(f"{xml.name} : planté non trouvé {missing}, trouvé en trop {extra}, trouvé ailleurs aussi {elsewhere}")
    return len(found)


def run(settings: Settings) -> str:
    sizes = (100, 1000)
    rows, colds, warms = [], {}, {}
    load_start = report.load_average()
    for megabytes in sizes:
        xml, plants = export(megabytes)
        cache = OUT / "rncp" / f"cache-{megabytes}"
        size_mb = xml.stat().st_size / 1e6
        cold, warm = [], []
        for index in range(settings.runs):
            shutil.rmtree(cache, ignore_errors=True)
            log(f"  {megabytes} Mo : premier check {index + 1}/{settings.runs}…")
            cold.append(run_once(command(xml, cache, OUT / "rncp" / "build"), ROOT))
            log(f"  {megabytes} Mo : second check {index + 1}/{settings.runs}…")
            warm.append(run_once(command(xml, cache, OUT / "rncp" / "build"), ROOT))
        found = verify(xml, cache, plants)
        index_meta = json.loads(next(p for p in (cache / "rncp-index").iterdir() if p.is_dir()).joinpath("meta.json").read_text("utf-8"))
        colds[megabytes], warms[megabytes] = cold, warm
        rows.append((megabytes, size_mb, index_meta, cold, warm, found, len(plants)))
    return _body(rows, settings, report.load(load_start, report.load_average()))


def _median(runs: list[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def _cpu(runs: list[Run]) -> float:
    return statistics.median(r.cpu_seconds for r in runs)


def _peak(runs: list[Run]) -> float:
    return max(r.max_rss_kib for r in runs) / 1024


def ok(good: bool) -> str:
    return "atteint" if good else "**manqué**"


def _body(rows, settings: Settings, load: str) -> str:
    table_rows = []
    for _megabytes, size_mb, meta, cold, warm, found, planted in rows:
        table_rows.append((
            f"{report.number(size_mb, 0)} Mo", f"{meta['fiches']:,}".replace(",", " "), f"{meta['blocs']:,}".replace(",", " "),
            f"{meta['empreintes']:,}".replace(",", " "),
            f"{report.number(_median(cold))} s", f"{report.number(_cpu(cold))} s",
            f"{report.number(size_mb / _median(cold), 1)} Mo/s", f"{report.number(size_mb / _cpu(cold), 1)} Mo/s",
            f"{_peak(cold):.0f} Mo", f"{report.number(_median(warm))} s", f"{report.number(_cpu(warm))} s", f"{_peak(warm):.0f} Mo",
            f"{found} / {planted}",
        ))
    (small, big) = rows[0], rows[-1]
    speed = min(r[1] / _cpu(r[3]) for r in rows)
    wall_speed = min(r[1] / _median(r[3]) for r in rows)
    memory = _peak(big[3]) / _peak(small[3])
    second = max(_cpu(r[4]) for r in rows)
    second_wall = max(_median(r[4]) for r in rows)
    return "\n".join([
        "## Reproduction littérale : `dossier check --rncp`, sur un export de 100 Mo et de 1 Go",
        "",
        "Chaque mesure lance `dossier check sources --rncp EXPORT --cache CACHE` comme sous-processus (démarrage de Python, "
        "lecture et vérification des sources comprises). « Premier check » : le cache vidé, l'export est lu en entier et "
        "son index construit ; « second check » : le même export, l'index pris dans le cache. Médiane de "
        f"{settings.runs} exécutions de chaque ; mémoire = pic `ru_maxrss` du processus, le plus haut des exécutions ; "
        "débit = taille de l'export / temps du premier check. La commande est un seul processus, sans fil "
        "de calcul : elle occupe un cœur au plus ; sur cette machine partagée, où d'autres travaux tournent en même "
        "temps, son temps écoulé dépend surtout de leur charge. Le débit **par seconde de calcul** (temps CPU du "
        "processus, `ru_utime + ru_stime`) est ce que fait un cœur qui lui serait réservé : c'est lui qui est "
        "comparé à l'objectif ; le temps écoulé est donné à côté.",
        "",
        "Les exports sont synthétiques (`bench/rncp_export.py`, dans `bench/out/rncp/`) : les 12 fiches réelles de "
        "l'échantillon, copiées sous de nouveaux numéros, les mots de leurs blocs variés (un sur cinq remplacé par un autre "
        "mot de l'échantillon, tirage à graine fixe), le reste de chaque fiche (partenaires, jurys) tel quel. Dans des "
        "fiches réparties sur tout le fichier, chacune des compétences de l'exemple d'au moins 16 mots est ajoutée à la "
        "liste d'un bloc ; après les mesures, une exécution en `--format json` vérifie que chacune est trouvée, dans sa "
        "fiche et nulle part ailleurs, et que rien d'autre ne l'est (dernière colonne).",
        "",
        f"Machine : {report.machine()} ; {load}.",
        "",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        "",
        report.table(
            ("export", "fiches", "blocs", "empreintes indexées", "premier check : temps écoulé", "temps CPU",
             "débit (écoulé)", "débit par seconde de CPU", "mémoire (pic)", "second check : temps écoulé", "temps CPU",
             "mémoire (pic)", "passages plantés trouvés"),
            table_rows,
        ),
        "",
        f"- Débit du premier check par seconde de CPU, au plus bas : {report.number(speed, 1)} Mo/s (objectif ≥ {GOAL_SPEED:g} Mo/s "
        f"sur un cœur) : {ok(speed >= GOAL_SPEED)} ; en temps écoulé, sur la machine chargée : {report.number(wall_speed, 1)} Mo/s.",
        f"- Mémoire, 1 Go / 100 Mo : {report.ratio(memory, 2)} (objectif ≤ {report.number(GOAL_MEMORY)}×) : {ok(memory <= GOAL_MEMORY)}.",
        f"- Second check, au plus lent : {report.number(second)} s de CPU (objectif < {GOAL_SECOND:g} s) : {ok(second < GOAL_SECOND)} ; "
        f"en temps écoulé : {report.number(second_wall)} s.",
    ])
