"""The build's pool: sized by the work there is, none for one task (an edited bloc)."""

from __future__ import annotations

import shutil

import pytest

import dossier.pipeline.produce as produce
from conftest import EXAMPLE
from dossier import build
from extract import flat, pdf_pages

pytestmark = pytest.mark.slow  # lays out PDFs


def test_one_part_to_lay_out_again_is_laid_out_here_and_many_on_a_pool(tmp_path, monkeypatch):
    pools: list[int] = []
    real = produce.process_pool
    monkeypatch.setattr(produce, "process_pool", lambda count, *rest: pools.append(count) or real(count, *rest))
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    out = tmp_path / "build"
    build(src, out, only=("referentiel",), formats=("pdf",), jobs=2)
    assert pools == [2]  # four parts: two workers
    bloc = sorted((src / "blocs").glob("*.yaml"))[1]
    text = bloc.read_text(encoding="utf-8")
    end = text.index("\n", text.index("texte:"))
    bloc.write_text(text[:end] + " (mot)" + text[end:], encoding="utf-8")
    build(src, out, only=("referentiel",), formats=("pdf",), jobs=2)
    assert pools == [2]  # one part: in this process
    assert "(mot)" in flat(" ".join(pdf_pages(next((out / "referentiel").glob("*.pdf")))))
