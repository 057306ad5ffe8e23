"""The jury's Word grids, ticked, read back with `dossier jury lire`, give the session the same decisions as its CSV."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from importers.test_grilles_docx import fill, tags

from conftest import ROOT, run

pytestmark = pytest.mark.slow
SESSION = ROOT / "exemples" / "session"


def _decisions(path: Path) -> list[tuple[str, ...]]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
    assert rows, path
    return [(r["numero"], r["bloc"], r["decision"]) for r in rows]


def test_ticked_word_grids_give_the_decisions_of_the_csv(tmp_path):
    grids = tmp_path / "grilles"
    result = run("grilles", str(ROOT / "sources"), "--candidats", str(SESSION / "candidats.csv"), "--session", "Juin 2027",
                 "--out", str(grids), "--format", "docx", "--jobs", "1")
    assert result.exit_code == 0, result.output
    folder = grids / "sessions" / "juin-2027"
    # tick, in each candidate's grid, what the example's resultats.csv says
    wanted: dict[Path, list[str]] = {}
    with open(SESSION / "resultats.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter=";"):
            grid = next(folder.glob(f"*-{r['epreuve'].lower().replace('.', '-')}/{r['numero']}-*.docx"))
            kind, what = ("critere", r["critere"]) if r["critere"] else ("competence", "")
            tag = next(t for t in tags(grid) if t.startswith(f"{kind}|{r['epreuve']}|") and t.endswith(f"|{what}|{r['valeur']}")
                       and (r["critere"] or f"|{r['competence']}|" in t))
            wanted.setdefault(grid, []).append(tag)
    filled = tmp_path / "remplies"
    for n, (grid, ticks) in enumerate(sorted(wanted.items())):
        fill(grid, filled / f"{n:02d}-{grid.name}", ticks)
    session = tmp_path / "session"
    shutil.copytree(SESSION, session)
    result = run("jury", "lire", str(filled), "--out", str(session / "resultats.csv"))
    assert result.exit_code == 0, result.output
    # the same decisions, bloc by bloc, from the CSV and from the Word grids
    decided = {}
    for name, folder_ in (("csv", SESSION), ("word", session)):
        out = tmp_path / f"jury-{name}"
        result = run("jury", str(ROOT / "sources"), str(folder_), "--out", str(out), "--format", "html", "--jobs", "1")
        assert result.exit_code == 0, result.output
        decided[name] = _decisions(out / "decisions.csv")
    assert decided["word"] == decided["csv"]
    assert {d for _n, _b, d in decided["csv"]} >= {"validé", "non validé"}, "the example decides both ways"
