"""How a long document is cut into parts: runs of blocs, decided by the number of blocs only."""

from __future__ import annotations

from dossier.documents import livret, referentiel
from dossier.documents.parts import PART_RUNS, bloc_runs


def test_bloc_runs_keep_the_order_and_cover_every_bloc():
    for n in (0, 1, 4, 15, 16, 17, 39, 40, 41, 80, 81, 200):
        codes = [f"BC{i:02d}" for i in range(n)]
        runs = bloc_runs(codes)
        assert [c for run in runs for c in run] == codes
        assert len(runs) <= PART_RUNS
        assert all(run for run in runs)
        if runs:
            assert len({len(run) for run in runs[:-1]}) <= 1 and len(runs[-1]) <= len(runs[0])


def test_bloc_runs_at_the_examples_size_and_at_twenty_times():
    assert bloc_runs(["a", "b", "c", "d"]) == [["a"], ["b"], ["c"], ["d"]]
    assert [len(r) for r in bloc_runs([str(i) for i in range(80)])] == [2] * 40
    assert [len(r) for r in bloc_runs([str(i) for i in range(200)])] == [5] * 40


def test_referentiel_parts_put_the_title_with_the_first_run(example_cert):
    view = referentiel.referentiel(example_cert)
    parts = referentiel.parts(view)
    assert len(parts) == 5 and "titre" in parts[0].sections and all("titre" not in p.sections for p in parts[1:])
    # a run of blocs a part, then the annex (the coverage matrix) on pages of its own
    annex = ["annexe", *(f"annexe:BC0{i}" for i in range(1, 5))]
    assert [sorted(p.sections - {"titre"}) for p in parts] == [[f"bloc:BC0{i}"] for i in range(1, 5)] + [annex]


def test_a_continuous_referentiel_is_one_part(example_cert):
    from dataclasses import replace

    view = replace(referentiel.referentiel(example_cert), bloc_par_page=False)
    assert len(referentiel.parts(view)) == 1


def test_livret_parts(example_cert):
    parts = livret.parts(livret.livret(example_cert))
    assert [p.folio for p in parts][:2] == [False, True] and parts[1].numbered
    assert {"corps", "regles"} == parts[-1].sections
