"""Shared test helpers: a valid minimal project to break one way at a time, and the example built once.

The tests mirror the stages of the package (sources/, checks/, documents/,
render/, pipeline/, importers/, cli/). The example's full build is made once
per test session (`example_build`) and shared; tests that lay out PDFs of
their own, drive LibreOffice or Chromium, or install the wheel are marked
`slow`: `pytest -m "not slow"` is the quick loop, `make test` runs everything.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dossier.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
EXAMPLE = ROOT / "sources"
PACKAGE_TEMPLATES = ROOT / "dossier" / "templates"
EPOCH = "1790000000"

# Dates in the documents come from here, as under `make test`: the same sources give the same bytes.
os.environ.setdefault("SOURCE_DATE_EPOCH", EPOCH)


TOOLS = ("soffice", "pdftotext", "pdftoppm", "chromium")


def pytest_sessionstart(session):
    """Under `make test` (DOSSIER_REQUIRE_TOOLS=1), a missing system tool fails the run instead of skipping
    the tests that need it: a green run must not hide a missing install step."""
    if os.environ.get("DOSSIER_REQUIRE_TOOLS") == "1":
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise pytest.UsageError(f"outils manquants : {', '.join(missing)} (make test les installe avec apt-get)")


def example_sources(target: Path, display: str) -> Path:
    """A copy of the example's sources at target, `display` (« key: value ») added to its `affichage:` settings."""
    shutil.copytree(EXAMPLE, target)
    return with_display(target, display)


def with_display(sources: Path, display: str) -> Path:
    """The sources folder, `display` (« key: value ») added to its `affichage:` settings."""
    yaml = sources / "certification.yaml"
    text = yaml.read_text(encoding="utf-8")
    assert "\naffichage:\n" in text
    yaml.write_text(text.replace("\naffichage:\n", f"\naffichage:\n  {display}\n", 1), encoding="utf-8")
    return sources


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Path:
    """The example built once, everything in every format (read it, never change it)."""
    import dossier

    out = tmp_path_factory.mktemp("example-build")
    dossier.build(EXAMPLE, out)
    return out


@pytest.fixture(scope="session")
def example_cert():
    from dossier.checks import check

    return check(EXAMPLE).certification


@pytest.fixture(scope="session")
def cert(example_cert):
    """The example's model (the name the document tests use)."""
    return example_cert


@pytest.fixture
def project(tmp_path: Path):
    """A copy of the minimal project; call it with {relative path: new text or None}."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        dest = tmp_path / "proj"
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(MINIMAL, dest)
        for rel, content in (files or {}).items():
            path = dest / rel
            if content is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return dest

    return make


def run(*args: str, cwd: Path | None = None):
    """Run the CLI like a user, in `cwd` so that paths print relative to it."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, list(args), catch_exceptions=False, prog_name="dossier")
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, list(args), catch_exceptions=False, prog_name="dossier")
    finally:
        os.chdir(old)
