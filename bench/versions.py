"""The `versions` section: `dossier diff` between two versions of a référentiel, 1×, 5× and 20× the example.

The old version is the synthetic référentiel (synthetic.py) with an RNCP code; the new one is a copy
in which one competence in ten is rewritten: half of them keep their identifier (found by it, with a
lower score), the other half also get a new identifier (C1.2 → C1.12, every reference following) and
must be found by their text. The synthetic référentiel repeats each of the example's texts once per
copy of its blocs (only « (variante n) » tells them apart): the hard case for a text index, where many
texts share most of their words.

Measured: `dossier diff OLD NEW --format json` end to end (a child process: Python's start, reading
both versions, matching, the changes, the JSON), and with the changelog in HTML, PDF and DOCX too;
in process, the comparison alone (`versions.compare`), and the pairs of texts it scored, against the
n × n a full comparison would score. Every rewritten competence must be found again, under its
identifier or by its text, and nothing else may change: the bench stops otherwise.
"""

from __future__ import annotations

import json
import shutil
import statistics
import time
from pathlib import Path

import yaml

from . import report
from .measure import BenchError, Settings, dossier_executable, log, measure
from .paths import EXAMPLE, OUT, ROOT
from .synthetic import multiply, verify

CODE = "RNCP39999"
ABOUT = (
    "La version précédente est le référentiel synthétique (l'exemple aux blocs copiés N fois, code RNCP39999) ; la "
    "nouvelle en est une copie où une compétence sur dix est réécrite (trois mots changés, une fin de phrase ajoutée) : "
    "la moitié garde son identifiant, l'autre en reçoit un nouveau (C1.2 → C1.12, références comprises) et doit être "
    "retrouvée par son texte. Le référentiel synthétique répète chaque texte de l'exemple une fois par copie de ses "
    "blocs (seul « (variante n) » les distingue) : le cas difficile pour un index, où beaucoup de textes partagent "
    "presque tous leurs mots. `dossier diff ANCIENNE NOUVELLE --format json` est mesuré comme un utilisateur le lance "
    "(sous-processus : démarrage de Python, lecture des deux versions, rapprochement, changements, JSON), puis avec "
    "les évolutions en HTML, PDF et DOCX ; médiane des exécutions après une d'échauffement (le temps CPU, processus et "
    "enfants, compte peu la charge de la machine partagée). Dans le processus, en temps CPU : la comparaison seule "
    "(`versions.compare`, médiane de 5), et les paires de textes de compétences évaluées par "
    "l'index, face aux n × n d'une comparaison complète. Chaque compétence réécrite doit être retrouvée (par son "
    "identifiant ou par son texte) et rien d'autre ne doit changer : sinon le banc s'arrête."
)
REWORDS = (("afin de", "dans le but de"), ("et", "ainsi que"), ("des", "de nouvelles"), ("la", "cette"), ("les", "ces"))


def rewrite(text: str) -> str:
    """A light rewrite: a few words changed, an end added."""
    for old, new in REWORDS[:3]:
        text = text.replace(f" {old} ", f" {new} ", 1)
    return text.rstrip(".") + ", en tenant compte des évolutions du secteur."


def _renumber(bloc: dict, old: str, new: str) -> None:
    for section in ("modalites", "criteres"):
        for item in bloc.get(section) or ():
            item["competences"] = [new if ref == old else ref for ref in item.get("competences") or ()]


def new_version(old: Path, dest: Path) -> dict[str, tuple[str, str]]:
    """Copy old into dest with one competence in ten rewritten; returns {old id: (new id, how it must be found)}."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(old, dest)
    cert = yaml.safe_load((dest / "certification.yaml").read_text(encoding="utf-8"))
    named = {c for d in (cert.get("dimensions") or {}).values() for c in (d or {}).get("competences") or ()}  # kept as they are
    expected: dict[str, tuple[str, str]] = {}
    n = 0
    for path in sorted((dest / "blocs").glob("*.yaml")):
        bloc = yaml.safe_load(path.read_text(encoding="utf-8"))
        count = len(bloc["competences"])
        for comp in bloc["competences"]:
            n += 1
            if n % 10:
                continue
            comp["texte"] = rewrite(comp["texte"])
            if (n // 10) % 2 and comp["id"] not in named:
                new_id = f"{comp['id'].split('.')[0]}.{int(comp['id'].split('.')[1]) + count + 10}"
                _renumber(bloc, comp["id"], new_id)
                expected[comp["id"]] = (new_id, "texte")
                comp["id"] = new_id
            else:
                expected[comp["id"]] = (comp["id"], "identifiant")
        path.write_text(yaml.safe_dump(bloc, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    return expected


def _versions(factor: int) -> tuple[Path, Path, dict]:
    old = OUT / f"versions-x{factor}-v1"
    if factor == 1:
        shutil.rmtree(old, ignore_errors=True)
        shutil.copytree(EXAMPLE, old)
    else:
        multiply(EXAMPLE, factor, old)
    cert = old / "certification.yaml"
    cert.write_text(cert.read_text(encoding="utf-8").replace("niveau: 6\n", f"niveau: 6\ncode_rncp: {CODE}\n", 1), encoding="utf-8")
    new = OUT / f"versions-x{factor}-v2"
    expected = new_version(old, new)
    for folder in (old, new):
        verify(dossier_executable(), folder, ROOT)
    return old, new, expected


def _verify(data: dict, expected: dict, total: int) -> None:
    """Every rewritten competence found again as expected; every other one unchanged, by its identifier."""
    links = {lk["ancienne"]: lk for lk in data["competences"]}
    for old, (new, via) in expected.items():
        lk = links.get(old)
        if lk is None or lk["nouvelle"] != new or lk["par"] != via:
            raise BenchError(f"{old} : attendue {new} ({via}), trouvée {lk}")
    others = [lk for old, lk in links.items() if old not in expected]
    if len(links) != total or any(lk["score"] != 1.0 or lk["ancienne"] != lk["nouvelle"] for lk in others):
        raise BenchError(f"rapprochement inattendu : {len(links)} liens pour {total} compétences")
    if data["competences_ajoutees"] or data["competences_supprimees"]:
        raise BenchError("des compétences ajoutées ou supprimées, alors qu'aucune ne l'est")


def _letters(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(ord("a") + r) + out
        if not n:
            return out
        n -= 1


def distinct(text: str, copy: int) -> str:
    """The text with a vocabulary of its own copy: each word of four letters or more prefixed by the copy's letters."""
    mark = _letters(copy)
    return " ".join(f"{mark}{w}" if len(w) >= 4 else w for w in text.split())


def _index_stress(cert, distinct_texts: bool) -> tuple[float, int, int]:
    """Every identifier changed: each competence must be found by its text. (seconds, pairs scored, links)."""
    from dossier.versions.match import Entry, match

    old, new = [], []
    for n, bloc in enumerate(cert.blocs):
        for c in bloc.competences:
            text = distinct(c.texte, n) if distinct_texts else c.texte
            old.append(Entry(c.id, bloc.code, text))
            new.append(Entry(f"K{c.id}", bloc.code, rewrite(text)))
    times = []
    for _ in range(5):
        begin = time.process_time()  # CPU time: the machine is shared, a busy neighbour does not count
        m = match(old, new)
        times.append(time.process_time() - begin)
    right = sum(1 for lk in m.links if lk.new == f"K{lk.old}")
    return statistics.median(times), m.compared, right


def run(settings: Settings) -> str:
    from dossier.checks import check
    from dossier.versions.compare import compare

    start_load = report.load_average()
    rows, growth, stress = [], [], []
    exe = str(dossier_executable())
    for factor in settings.sizes:
        log(f"versions : {factor}×…")
        old, new, expected = _versions(factor)
        out = OUT / "versions-out"
        json_only = measure(lambda o, a=old, b=new: [exe, "-q", "diff", str(a), str(b), "--format", "json", "--out", str(o)], out, ROOT, settings)
        data = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
        a, b = check(old).certification, check(new).certification
        _verify(data, expected, len(a.competences))
        documents = measure(lambda o, a=old, b=new: [exe, "-q", "diff", str(a), str(b), "--out", str(o)], out, ROOT, settings)
        times = []
        for _ in range(5):
            begin = time.process_time()
            comparison = compare(a, b)
            times.append(time.process_time() - begin)
        inside = statistics.median(times)
        n = len(a.competences)
        compared = comparison.competences.compared
        cpu = statistics.median(r.cpu_seconds for r in json_only.runs)
        rows.append((report.size_label(factor), str(n), str(len(expected)), report.seconds(json_only), f"{report.number(cpu)} s",
                     report.memory(json_only),
                     report.seconds(documents), f"{report.number(inside * 1000, 1)} ms", f"{compared:,}".replace(",", "\u202f"),
                     f"{n * n:,}".replace(",", "\u202f"), f"{report.number(100 * compared / (n * n), 1)} %"))
        growth.append((factor, n, inside, compared))
        for label, flag in (("textes distincts", True), ("textes répétés (synthétique brut)", False)):
            seconds, pairs, right = _index_stress(a, flag)
            if right != n:
                raise BenchError(f"index, {label}, {factor}× : {right} compétences retrouvées sur {n}")
            stress.append((report.size_label(factor), label, str(n), f"{report.number(seconds * 1000, 1)} ms",
                           f"{report.number(seconds * 1e6 / n, 0)} µs", f"{pairs:,}".replace(",", "\u202f"), report.number(pairs / n, 1)))
    end_load = report.load_average()
    return "\n\n".join([
        "## Versions : `dossier diff` entre deux versions d'un référentiel",
        ABOUT,
        f"Machine : {report.machine()} ; {report.load(start_load, end_load)}.",
        f"Code mesuré : `{report.revision(ROOT)}`.",
        f"Commande : `make bench` (ici `--runs {settings.runs} --sizes {','.join(map(str, settings.sizes))}`).",
        report.table(("taille", "compétences (chaque version)", "réécrites", "diff, JSON : temps", "temps CPU", "mémoire (pic)",
                      "diff, JSON + HTML, PDF, DOCX : temps", "comparaison seule", "paires évaluées", "n × n", "part de n × n"), rows),
        _growth(growth),
        "Index seul (temps CPU, médiane de 5), tous les identifiants changés (C1.1 → KC1.1, chaque texte légèrement réécrit) : chaque compétence doit "
        "être retrouvée par son texte (le banc le vérifie). « Textes distincts » : le synthétique où chaque copie de bloc a "
        "son propre vocabulaire (chaque mot préfixé par les lettres de la copie), comme dans un vrai référentiel ; « textes "
        "répétés » : le synthétique brut, où chaque texte a une copie presque identique par copie de bloc.",
        report.table(("taille", "corpus", "compétences", "rapprochement", "par compétence", "paires évaluées", "paires par compétence"),
                     stress),
        "Les paires évaluées sont celles qui partagent au moins la moitié (le seuil) du poids de leurs mots : sur des textes "
        "distincts, un nombre constant par compétence, d'où une croissance linéaire ; sur le synthétique brut, chaque texte "
        "ressemble vraiment à ses N copies, et les paires croissent comme le nombre de copies au carré : c'est la taille de "
        "la réponse, pas celle de l'index (une comparaison complète évaluerait toujours n × n paires).",
    ])


def _growth(growth: list[tuple[int, int, float, int]]) -> str:
    """Per competence, at each size: the comparison's time and the pairs scored; flat means linear."""
    rows = [(report.size_label(f), str(n), f"{report.number(t * 1e6 / n, 0)} µs", report.number(c / n, 1)) for f, n, t, c in growth]
    first, last = growth[0], growth[-1]
    scale = last[1] / first[1]
    time_ratio = last[2] / first[2]
    text = report.table(("taille", "compétences", "comparaison, par compétence", "paires évaluées, par compétence"), rows)
    return text + "\n\n" + (
        f"De {report.size_label(first[0])} à {report.size_label(last[0])}, {report.number(scale, 0)} fois plus de compétences : "
        f"la comparaison prend {report.ratio(time_ratio)} plus de temps (linéaire : {report.ratio(scale, 0)} ; quadratique : "
        f"{report.ratio(scale * scale, 0)}) et évalue {report.ratio(last[3] / first[3])} plus de paires."
    )
