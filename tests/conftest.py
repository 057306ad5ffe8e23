"""Shared test helpers: a valid minimal project to break one way at a time."""

from __future__ import annotations

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
