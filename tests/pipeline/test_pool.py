"""The build's pool: started as soon as the sources are checked, and only when PDFs may be laid out."""

from __future__ import annotations

import pytest

import dossier.pipeline.build as build_module
from conftest import MINIMAL
from dossier import build
from dossier.errors import SourceError
from dossier.pipeline.options import BuildOptions

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (BuildOptions(), True),
        (BuildOptions(formats=("pdf",)), True),
        (BuildOptions(only=("livret",), formats=("docx", "pdf")), True),
        (BuildOptions(formats=("html", "docx")), False),
        (BuildOptions(only=("site",)), False),
        (BuildOptions(only=("site", "dossier")), False),
    ],
)
def test_a_pool_is_started_early_only_for_builds_that_may_lay_out_pdfs(options, expected):
    assert build_module._may_make_pdfs(options) is expected


def _counting(monkeypatch) -> list:
    started = []
    real = build_module.start_pool
    monkeypatch.setattr(build_module, "start_pool", lambda jobs: started.append(jobs) or real(jobs))
    return started


def test_a_build_refused_for_errors_starts_no_pool(project, tmp_path, monkeypatch):
    started = _counting(monkeypatch)
    folder = project({"certification.yaml": CERT.replace("niveau: 5", "niveau: 12")})
    with pytest.raises(SourceError):
        build(folder, tmp_path / "out", formats=("pdf",))
    assert started == []


@pytest.mark.slow  # lays out a PDF
def test_an_html_build_starts_no_pool_and_a_pdf_build_does(project, tmp_path, monkeypatch):
    started = _counting(monkeypatch)
    folder = project()
    build(folder, tmp_path / "html", formats=("html",))
    assert started == []
    build(folder, tmp_path / "pdf", only=("referentiel",), formats=("pdf",), jobs=2)
    assert started == [2]
    assert (tmp_path / "pdf" / "referentiel").is_dir()
