"""The merged grids of a session (`dossier grilles --candidats`): tagged like the jury's print files.

Each batch of stamped grids goes whole into the épreuve's printout (pdf_increment.Printout): one
structure tree, one Document, each candidate's elements on their own pages, every drawing tagged or
an artifact; veraPDF's PDF/UA-1 profile passes. Batches of two candidates here, so that the file
holds several batches, the last one shorter.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, run
from tests.extract import pdf_info, pdf_pages

pytestmark = pytest.mark.slow
PEOPLE = [("Dupont", "Marie", "12", "12/06/2027", "Paris"), ("Martin", "Léa", "13", "", "Lyon"),
          ("Durand", "Paul", "14", "13/06/2027", "Lille"), ("Nguyễn", "Ana", "15", "", ""),
          ("Wiśniewski", "Łukasz", "16", "14/06/2027", "Lille")]


def _grids(tmp: Path, project: Path) -> Path:
    from dossier.pipeline import session

    csv = tmp / "juin.csv"
    csv.write_text("Nom;Prénom;N°;Blocs;Date;Lieu\n" + "".join(f"{n};{p};{k};BC01;{d};{w}\n" for n, p, k, d, w in PEOPLE),
                   encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session, "BATCH", 2)  # three batches: 2, 2 and 1 candidates
        result = run("grilles", str(project), "--candidats", str(csv), "--session", "Juin 2027", "--out", str(tmp / "out"),
                     "--jobs", "2", "--format", "pdf")
    assert result.exit_code == 0, result.output
    return tmp / "out" / "sessions" / "juin-2027"


@pytest.fixture(scope="module")
def grids(tmp_path_factory) -> Path:
    return _grids(tmp_path_factory.mktemp("grids"), EXAMPLE)


def _spoken(n: str, p: str, k: str, d: str, w: str) -> str:
    said = [f"Candidat : {n} {p}", f"n° : {k}"] + [f"{label} : {v}" for label, v in (("date", d), ("lieu", w)) if v]
    return " ; ".join(said)


def test_merged_grids_have_one_structure_tree(grids):
    """One tree (each candidate's stamped fields read on that candidate's pages, IDs unique, one parent-tree
    key per page, every drawing marked or an artifact, pdfua and veraPDF pass: test_jury's checks) and one Document."""
    from tests.pipeline import test_jury
    from tests.tagged_pdf import read

    merged = grids / "bc01-m1-1.pdf"
    single = len(pdf_pages(grids / "bc01-m1-1" / "12-dupont-marie.pdf"))
    pages = pdf_pages(merged)
    assert len(pages) == len(PEOPLE) * single
    assert [next(n for n, *_ in PEOPLE if n in pages[i * single]) for i in range(len(PEOPLE))] == [n for n, *_ in PEOPLE]
    test_jury.test_merged_print_pdfs_have_one_structure_tree(grids.parent.parent, f"sessions/juin-2027/{merged.name}",
                                                            [_spoken(*person) for person in PEOPLE])
    tree = read(merged)
    assert [s for depth, s, _e in tree.elements if depth == 0] == ["/Document"]
    assert tree.catalog["/Lang"] == "fr-FR" and tree.catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    headings = [tree.text(e) for _d, s, e in tree.elements if s == "/H1"]
    assert len(headings) == len(PEOPLE) and len(set(headings)) == 1  # each candidate's grid in the tree, in order
    assert pdf_info(merged)["Title"].strip() == "Grilles d'évaluation BC01-M1-1 — Juin 2027"
    ids = [str(e["/ID"]) for _d, _s, e in tree.elements if "/ID" in e]
    named = {str(h) for _d, _s, e in tree.elements if "/A" in e and "/Headers" in e["/A"] for h in e["/A"]["/Headers"]}
    assert named and named <= set(ids)  # the data cells name their own copy's header cells
    assert {i.split("-")[1] for i in ids if i.startswith("c0-")} == {"p1", "p2"}  # a batch's candidates: their own prefix


def test_untagged_setting_gives_untagged_merged_grids(tmp_path):
    project = tmp_path / "src"
    shutil.copytree(EXAMPLE, project)
    yaml = project / "certification.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("affichage:\n", "affichage:\n  pdf_accessible: false\n"), encoding="utf-8")
    merged = _grids(tmp_path, project) / "bc01-m1-1.pdf"
    assert pdf_info(merged)["Tagged"].strip() == "no"
    assert "/StructTreeRoot" not in pdf_info(merged) and b"/StructTreeRoot" not in merged.read_bytes()
    assert len(pdf_pages(merged)) == len(PEOPLE) * len(pdf_pages(merged.parent / "bc01-m1-1" / "12-dupont-marie.pdf"))
