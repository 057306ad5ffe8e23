"""The tool as a user installs it: a wheel in a fresh virtual environment, used from elsewhere.

An editable install (`make dossier`) reads the package from the checkout and
hides what the wheel leaves out — a subpackage missing from the package list,
templates missing from the package data. Here the wheel is built, installed
into a new virtual environment with its dependencies borrowed from the test
environment (no download), and every command a user starts with is run from a
folder outside the checkout.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import EXAMPLE, FIXTURES, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtual environment holding only the built wheel."""
    work = tmp_path_factory.mktemp("wheel")
    wheels = work / "wheels"
    # from a copy: setuptools leaves build/lib/ in the tree it builds, and a stale one would fill the wheel
    tree = work / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", "-w", str(wheels), str(tree)],
        check=True, capture_output=True,
    )
    (wheel,) = wheels.glob("dossier-*.whl")
    env_dir = work / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    purelib = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True, capture_output=True, text=True,
    ).stdout.strip())
    # the dependencies, from this test environment; a path added by a .pth file does not run that
    # folder's own .pth files, so the checkout's editable install stays out of reach
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    (purelib / "zz-test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True, capture_output=True,
    )
    return env_dir / "bin"


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["SOURCE_DATE_EPOCH"] = "1790000000"
    return subprocess.run([str(bin_dir / "dossier"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_wheel_is_what_runs(installed, tmp_path):
    probe = subprocess.run(
        [str(installed / "python"), "-c", "import dossier; print(dossier.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    )
    assert str(installed.parent) in probe.stdout, probe.stdout  # not the checkout's copy
    version = run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and "dossier" in version.stdout


def test_every_first_command_works_from_the_wheel(installed, tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(EXAMPLE, sources)
    checked = run(installed, "check", "sources", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Sources conformes" in checked.stdout

    built = run(installed, "build", "sources", "--out", "build", cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    for folder in ("referentiel", "livret", "grilles", "site", "dossier"):
        assert any((tmp_path / "build" / folder).iterdir()), folder
    (docx,) = (tmp_path / "build" / "referentiel").glob("*.docx")

    imported = run(installed, "import", "docx", str(docx), "--out", "depuis-word", cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert len(list((tmp_path / "depuis-word" / "blocs").glob("*.yaml"))) == 4

    export = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_sample.xml"
    rncp = run(installed, "import", "rncp", str(export), "--fiche", "RNCP37488", "--out", "depuis-rncp", cwd=tmp_path)
    assert rncp.returncode == 0, rncp.stdout + rncp.stderr
    assert (tmp_path / "depuis-rncp" / "certification.yaml").is_file()


def test_signing_works_from_the_wheel(installed, tmp_path):
    """The JSON-LD contexts travel in the wheel: a badge is signed and verified without the checkout (nor the network)."""
    shutil.copytree(EXAMPLE, tmp_path / "sources")
    key = run(installed, "badges", "cle", "cle.pem", cwd=tmp_path)
    assert key.returncode == 0, key.stdout + key.stderr
    issued = run(installed, "badges", "emettre", "sources", "--bloc", "BC02", "--nom", "Martin", "--date", "2026-10-01",
                 "--cle", "cle.pem", "--out", "badge.json", cwd=tmp_path)
    assert issued.returncode == 0, issued.stdout + issued.stderr
    verified = run(installed, "badges", "verifier", "badge.json", cwd=tmp_path)
    assert verified.returncode == 0 and "signature valide" in verified.stdout, verified.stdout + verified.stderr
    exported = run(installed, "export", "case", "sources", "--out", "case.json", cwd=tmp_path)
    assert exported.returncode == 0 and (tmp_path / "case.json").is_file(), exported.stdout + exported.stderr
