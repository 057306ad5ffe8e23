"""The bloc files kept parsed between two reads of one folder (`dossier suivre`): the same model and
diagnostics as a fresh read, an edited file parsed again, and the safe reader still run on every file."""

from __future__ import annotations

import shutil

from conftest import EXAMPLE, MINIMAL
from dossier.sources import load as loading
from dossier.sources.load import load


def _counting(monkeypatch) -> list[str]:
    composed: list[str] = []
    real = loading.compose_yaml

    def compose(text, path, display, report):
        composed.append(path.name)
        return real(text, path, display, report)

    monkeypatch.setattr(loading, "compose_yaml", compose)
    return composed


def test_kept_blocs_give_what_a_fresh_read_gives(tmp_path, monkeypatch):
    folder = tmp_path / "src"
    shutil.copytree(EXAMPLE, folder)
    composed = _counting(monkeypatch)
    kept: dict = {}
    first = load(folder, tmp_path, kept)
    assert len(composed) == 4 and len(kept) == 4  # the example's four blocs
    bloc = folder / "blocs" / "bc02.yaml"
    text = bloc.read_text(encoding="utf-8")
    end = text.index("\n", text.index("texte:"))
    bloc.write_text(text[:end] + " (revu)" + text[end:], encoding="utf-8")
    composed.clear()
    again = load(folder, tmp_path, kept)
    assert composed == ["bc02.yaml"]  # the three others were not parsed again
    fresh = load(folder, tmp_path)
    assert again.certification == fresh.certification != first.certification
    assert again.report.sorted() == fresh.report.sorted()
    assert [b.code for b in again.certification.blocs] == [b.code for b in fresh.certification.blocs]


def test_a_kept_bloc_with_errors_says_them_again(tmp_path, monkeypatch):
    folder = tmp_path / "src"
    shutil.copytree(MINIMAL, folder)
    bloc = folder / "blocs" / "bc01.yaml"
    bloc.write_text(bloc.read_text(encoding="utf-8").replace("competences:\n", "competences:\n  - id: [C1.1\n", 1), encoding="utf-8")
    kept: dict = {}
    first = load(folder, tmp_path, kept)
    composed = _counting(monkeypatch)
    again = load(folder, tmp_path, kept)
    assert composed == [] and first.report.errors >= 1
    assert again.report.sorted() == first.report.sorted() == load(folder, tmp_path).report.sorted()


def test_a_kept_bloc_that_became_a_link_out_of_the_folder_is_refused(tmp_path):
    folder = tmp_path / "src"
    shutil.copytree(MINIMAL, folder)
    kept: dict = {}
    assert load(folder, tmp_path, kept).report.errors == 0
    bloc = folder / "blocs" / "bc01.yaml"
    outside = tmp_path / "ailleurs.yaml"
    outside.write_bytes(bloc.read_bytes())  # the same text, kept: the reader must still refuse the link
    bloc.unlink()
    bloc.symlink_to(outside)
    again = load(folder, tmp_path, kept)
    assert again.report.errors >= 1
    assert [d.rule for d in again.report.sorted() if "bc01.yaml" in d.loc.file] == [d.rule for d in load(folder, tmp_path).report.sorted() if "bc01.yaml" in d.loc.file]
    assert not again.certification or not again.certification.blocs
