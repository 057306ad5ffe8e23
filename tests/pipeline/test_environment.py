"""The environment is not a bug: what the machine refuses ends as a user error (exit 1) saying what
to do — never « Erreur interne » — and leaves the previous outputs as they were.

The faults are made for real where the machine allows it (a small or read-only tmpfs, when this
runs as root with the right to mount), and mocked at the system call otherwise, so that the table
always runs."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import MINIMAL, run

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}


def built(project, tmp_path) -> tuple[Path, Path, dict]:
    """A project built once in html (fast), then edited: the next build has work to do."""
    folder, out = project(), tmp_path / "out"
    result = run("build", str(folder), "--out", str(out), "--format", "html", "--jobs", "1")
    assert result.exit_code == 0, result.output
    (folder / "blocs" / "bc01.yaml").write_text(BLOC.replace("Vendre", "Vendre mieux"), encoding="utf-8")
    return folder, out, snapshot(out)


def refused(result, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Erreur interne" not in result.output and "Traceback" not in result.output
    for text in expected:
        assert text in result.stderr + result.stdout, (text, result.stderr, result.stdout)


def failing(call, err: int, after: int = 0):
    """`call`, raising OSError(err) from its `after`+1-th call on."""
    calls = []

    def fake(*args, **kwargs):
        calls.append(args)
        if len(calls) > after:
            raise OSError(err, os.strerror(err), str(args[0]) if args else None)
        return call(*args, **kwargs)

    return fake


# --- the table ---------------------------------------------------------------------------------

def _read_only(monkeypatch, folder, out):
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", failing(tempfile.mkstemp, errno.EROFS))
    return ["build", str(folder), "--out", str(out), "--format", "html", "--jobs", "1"], ["le disque est en lecture seule : choisissez un dossier de sortie sur un disque inscriptible (--out)"]


def _no_rights(monkeypatch, folder, out):
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", failing(tempfile.mkstemp, errno.EACCES))
    return ["build", str(folder), "--out", str(out), "--format", "html", "--jobs", "1"], ["droits insuffisants : donnez-vous les droits sur ce dossier, ou choisissez-en un autre (--out)"]


def _disk_full(monkeypatch, folder, out):
    from dossier.pipeline import write

    real = write.os.fdopen

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[:10])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    opened = []

    def fdopen(fd, mode="r", *args, **kwargs):
        handle = real(fd, mode, *args, **kwargs)
        if mode != "wb":
            return handle
        opened.append(fd)
        return Full(handle) if len(opened) > 2 else handle  # two files written, then the disk is full

    monkeypatch.setattr(write.os, "fdopen", fdopen)
    return ["build", str(folder), "--out", str(out), "--format", "html", "--jobs", "1"], ["plus de place sur le disque : libérez-en puis relancez (les fichiers déjà construits sont intacts)"]


def _out_is_a_file(monkeypatch, folder, out):
    target = out.parent / "un-fichier"
    target.write_text("x")
    return ["build", str(folder), "--out", str(target)], [f"Erreur : {target} est un fichier : le dossier de sortie doit être un dossier"]


def _out_below_a_file(monkeypatch, folder, out):
    target = out.parent / "un-fichier"
    target.write_text("x")
    return ["build", str(folder), "--out", str(target / "build")], [f"{target} est un fichier : le dossier de sortie {target / 'build'} ne peut pas y être créé"]


def _state_is_a_folder(monkeypatch, folder, out):
    (out / ".dossier-state.json").unlink()
    (out / ".dossier-state.json").mkdir()
    return ["build", str(folder), "--out", str(out), "--format", "html"], [f"{out / '.dossier-state.json'} est un dossier là où la construction tient son état : supprimez-le (il est refait)"]


def _unreadable_source(monkeypatch, folder, out):
    from dossier.sources import read

    real = read.os.open

    def deny(path, *args, **kwargs):
        if str(path).endswith("bc01.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(read.os, "open", deny)
    return ["build", str(folder), "--out", str(out), "--format", "html"], [
        "bc01.yaml: lecture refusée (droits insuffisants) : donnez-vous le droit de lire ce fichier [erreur fichier-illisible]"]


def _candidates_are_a_folder(monkeypatch, folder, out):
    (out.parent / "juin.csv").mkdir()
    return ["grilles", str(folder), "--candidats", str(out.parent / "juin.csv"), "--out", str(out)], [
        "juin.csv: un fichier est attendu, c'est un dossier [erreur csv-fichier-illisible]"]


def _import_a_fifo(monkeypatch, folder, out):
    os.mkfifo(out.parent / "export.xml")
    return ["import", "rncp", str(out.parent / "export.xml"), "--fiche", "RNCP12345", "--out", str(out.parent / "neuf")], [
        "export.xml : un fichier ordinaire est attendu, c'est un tube nommé (FIFO)"]


def _import_a_folder(monkeypatch, folder, out):
    (out.parent / "referentiel.docx").mkdir()
    return ["import", "docx", str(out.parent / "referentiel.docx"), "--out", str(out.parent / "neuf")], [
        "referentiel.docx : un fichier est attendu, c'est un dossier"]


def _memory(monkeypatch, folder, out):
    from dossier.pipeline import build as build_module

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(build_module, "check", exhausted)
    return ["build", str(folder), "--out", str(out), "--format", "html"], ["mémoire insuffisante : fermez d'autres programmes, ou relancez avec --jobs 1"]


def _worker_killed(monkeypatch, folder, out):
    from concurrent.futures.process import BrokenProcessPool

    from dossier.pipeline import build as build_module

    def killed(*args, **kwargs):
        raise BrokenProcessPool("A process in the process pool was terminated abruptly")

    monkeypatch.setattr(build_module, "make", killed)
    return ["build", str(folder), "--out", str(out), "--format", "html"], ["un processus de construction s'est arrêté brutalement (mémoire insuffisante ?) : relancez avec --jobs 1"]


FAULTS = {
    "dossier-en-lecture-seule": _read_only,
    "droits-insuffisants": _no_rights,
    "disque-plein": _disk_full,
    "sortie-est-un-fichier": _out_is_a_file,
    "sortie-sous-un-fichier": _out_below_a_file,
    "etat-remplace-par-un-dossier": _state_is_a_folder,
    "source-illisible": _unreadable_source,
    "candidats-est-un-dossier": _candidates_are_a_folder,
    "import-d-un-tube": _import_a_fifo,
    "import-d-un-dossier": _import_a_folder,
    "memoire-epuisee": _memory,
    "processus-tue": _worker_killed,
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_environment_faults_are_user_errors_and_keep_the_previous_outputs(project, tmp_path, monkeypatch, fault):
    folder, out, before = built(project, tmp_path)
    if fault == "etat-remplace-par-un-dossier":
        before = {k: v for k, v in before.items() if k != ".dossier-state.json"}
    args, expected = FAULTS[fault](monkeypatch, folder, out)
    refused(run(*args), *expected)
    after = snapshot(out)
    assert after == before, sorted(set(after) ^ set(before)) or "an output changed"
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "a temporary file was left"


def test_a_port_already_taken_is_said_at_once(project, tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        result = run("serve", str(project()), "--out", str(tmp_path / "out"), "--port", str(port))
    finally:
        taken.close()
    refused(result, f"Erreur : port {port} : le port est déjà utilisé par un autre programme : choisissez-en un autre (--port)")
    assert not (tmp_path / "out").exists()  # said before anything is built


# --- for real, where the machine allows it ----------------------------------------------------

@pytest.fixture
def tmpfs(tmp_path):
    """A small file system of our own (needs root and the right to mount; skipped otherwise)."""
    point = tmp_path / "disque"
    point.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("monter un système de fichiers demande root")
    mounted = []

    def mount(size: str) -> Path:
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True)
        if proc.returncode != 0:
            pytest.skip(f"mount refusé : {proc.stderr.decode(errors='replace').strip()}")
        mounted.append(point)
        return point

    yield mount
    for p in mounted:
        subprocess.run(["umount", "-l", str(p)], capture_output=True)


@pytest.mark.slow
def test_a_real_read_only_disk(project, tmp_path, tmpfs):
    disk = tmpfs("8m")
    folder, out = project(), disk / "out"
    assert run("build", str(folder), "--out", str(out), "--format", "html").exit_code == 0
    before = snapshot(out)
    (folder / "blocs" / "bc01.yaml").write_text(BLOC.replace("Vendre", "Vendre mieux"), encoding="utf-8")
    assert subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode == 0
    refused(run("build", str(folder), "--out", str(out), "--format", "html"), "le disque est en lecture seule")
    assert snapshot(out) == before


@pytest.mark.slow
def test_a_really_full_disk(project, tmp_path, tmpfs):
    disk = tmpfs("3m")
    folder, out = project(), disk / "out"
    assert run("build", str(folder), "--out", str(out), "--format", "html,docx").exit_code == 0
    before = snapshot(out)
    filler = disk / "remplissage"
    with open(filler, "wb") as handle:  # fill the disk but for a few kilobytes
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    (folder / "blocs" / "bc01.yaml").write_text(BLOC.replace("Le besoin du client est reformulé.", "Le besoin est reformulé. " * 120), encoding="utf-8")
    refused(run("build", str(folder), "--out", str(out), "--format", "html,docx", "--jobs", "1"), "plus de place sur le disque")
    assert snapshot(out) == before
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
