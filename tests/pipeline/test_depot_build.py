"""No filing bundle while a value is still to adapt: the documents are drafts, marked BROUILLON."""

from __future__ import annotations

import subprocess

import pytest

from conftest import MINIMAL, run
from extract import docx_text

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
MARKED = BLOC.replace("    duree: 30 min\n", "    duree: 30 min\n    a_adapter: conditions supposées par l'import\n")


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_bundle_refused_then_built_then_removed(project, tmp_path):
    folder, out = project({"blocs/bc01.yaml": MARKED}), tmp_path / "build"
    refused = run("build", str(folder), "--out", str(out), "--only", "dossier")
    assert refused.exit_code == 0, refused.output
    assert "BROUILLON : 1 élément à compléter avant dépôt (dossier check --depot les liste)" in refused.stderr
    assert "(BROUILLON)" in refused.stdout
    assert not (out / "dossier").exists()
    [pdf] = (out / "referentiel").glob("*.pdf")
    assert "BROUILLON" in _pdf_text(pdf)
    [docx] = (out / "referentiel").glob("*.docx")
    assert "BROUILLON" in docx_text(docx)
    assert run("site", str(folder), "--out", str(out)).exit_code == 0
    assert "BROUILLON — des éléments restent à compléter" in (out / "site" / "index.html").read_text(encoding="utf-8")

    (folder / "blocs" / "bc01.yaml").write_text(BLOC, encoding="utf-8")  # adapted: the marker removed
    built = run("build", str(folder), "--out", str(out), "--only", "dossier")
    assert built.exit_code == 0 and "BROUILLON" not in built.output
    assert (out / "dossier" / "MANIFEST.sha256").is_file()
    assert "BROUILLON" not in _pdf_text(pdf)

    (folder / "blocs" / "bc01.yaml").write_text(MARKED, encoding="utf-8")  # an older bundle is never left beside drafts
    again = run("build", str(folder), "--out", str(out), "--only", "dossier")
    assert again.exit_code == 0
    assert not any((out / "dossier").glob("*"))
    strict = run("build", str(folder), "--out", str(out), "--strict")
    assert strict.exit_code == 1 and "rien n'a été construit" in strict.stderr


@pytest.mark.slow
def test_the_example_files_only_because_it_accepts_its_markers(example_build, tmp_path):
    import shutil

    import dossier
    from conftest import EXAMPLE

    assert (example_build / "dossier" / "MANIFEST.sha256").is_file()  # accepted (regles: a-adapter: info): filed
    copy = tmp_path / "sources"
    shutil.copytree(EXAMPLE, copy)
    cert = copy / "certification.yaml"
    cert.write_text(cert.read_text(encoding="utf-8").replace("\n  a-adapter: info\n", "\n"), encoding="utf-8")
    result = dossier.build(copy, tmp_path / "build", only=("dossier",))
    assert (result.blocked, result.bundle, result.pending) == (True, False, 31)
    assert not (tmp_path / "build" / "dossier").exists()
    [pdf] = (tmp_path / "build" / "referentiel").glob("*.pdf")
    assert "BROUILLON" in _pdf_text(pdf)
