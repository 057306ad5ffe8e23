"""`dossier suivre`: one process rebuilds the asked documents at each save; a broken source is said
and the last good file stays; Ctrl-C and SIGTERM stop it cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import EPOCH, EXAMPLE, MINIMAL
from extract import pdf_text

BROKEN = "competences:\n  - id: [C1.1\n"  # an unclosed flow sequence


class Following:
    """The loop in a thread, polling every 20 ms, with what it said."""

    def __init__(self, folder: Path, out: Path, only: tuple[str, ...], formats: tuple[str, ...]):
        from dossier.pipeline.options import BuildOptions
        from dossier.pipeline.watch import Follower

        self.diagnostics: list[str] = []
        self.follower = Follower(folder, out, BuildOptions(only, formats, jobs=1),
                                 lambda checked, n: self.diagnostics.extend(d.format() for d in checked.report.sorted()))
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.follower.follow, args=(lambda done: None, self.stop, 0.02), daemon=True)
        self.thread.start()
        self.wait(1)

    def wait(self, rounds: int):
        deadline = time.time() + 60
        while len(self.follower.rounds) < rounds:
            assert time.time() < deadline, f"{len(self.follower.rounds)} reconstructions, {rounds} attendues"
            time.sleep(0.02)
        return self.follower.rounds[rounds - 1]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_edit_is_rebuilt_a_broken_source_keeps_the_last_good_file(tmp_path):
    folder, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(MINIMAL, folder)
    bloc = folder / "blocs" / "bc01.yaml"
    good = bloc.read_text(encoding="utf-8")
    following = Following(folder, out, ("referentiel",), ("html",))
    try:
        first = following.wait(1)
        assert not first.problem and not first.refused
        (page,) = [p for p in first.written if p.suffix == ".html"]
        assert "Accueillir le client" in page.read_text(encoding="utf-8")

        _edit(bloc, "Accueillir le client", "Recevoir le visiteur")
        edited = following.wait(2)
        assert edited.written == [page] and edited.saved is not None
        assert "Recevoir le visiteur" in page.read_text(encoding="utf-8")
        assert "Accueillir le client" not in page.read_text(encoding="utf-8")

        before = page.read_bytes()
        bloc.write_text(good.replace("competences:\n", BROKEN, 1), encoding="utf-8")
        broken = following.wait(3)
        assert broken.refused and broken.written == [] and broken.counts[0] >= 1
        assert any("bc01.yaml:" in d and "[erreur yaml-syntaxe]" in d for d in following.diagnostics), following.diagnostics
        assert page.read_bytes() == before  # the last good file stays
        assert not [p for p in page.parent.iterdir() if p.name.endswith(".tmp")]  # nothing half-written

        bloc.write_text(good.replace("Accueillir le client", "Saluer le client"), encoding="utf-8")
        fixed = following.wait(4)
        assert fixed.written == [page]
        assert "Saluer le client" in page.read_text(encoding="utf-8")
    finally:
        following.close()


def test_a_save_that_changes_nothing_rebuilds_nothing(tmp_path):
    folder, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(MINIMAL, folder)
    following = Following(folder, out, ("referentiel",), ("html",))
    try:
        page = following.wait(1).written[0]
        written = page.stat().st_mtime_ns
        time.sleep(0.05)
        bloc = folder / "blocs" / "bc01.yaml"
        bloc.write_text(bloc.read_text(encoding="utf-8") + "# une remarque\n", encoding="utf-8")  # no change to any document
        again = following.wait(2)
        assert again.written == [] and again.up_to_date == 1
        assert page.stat().st_mtime_ns == written
    finally:
        following.close()


def test_an_editor_s_own_files_start_no_rebuild(tmp_path):
    folder, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(MINIMAL, folder)
    following = Following(folder, out, ("referentiel",), ("html",))
    try:
        following.wait(1)
        for name in (".bc01.yaml.swp", "bc01.yaml~", "#bc01.yaml#", ".~lock.bc01.yaml#"):
            (folder / "blocs" / name).write_text("brouillon de l'éditeur", encoding="utf-8")
        (folder / ".git").mkdir()
        (folder / ".git" / "index").write_text("un commit", encoding="utf-8")
        time.sleep(0.3)  # fifteen looks
        assert len(following.follower.rounds) == 1
        _edit(folder / "blocs" / "bc01.yaml", "Accueillir le client", "Recevoir le visiteur")
        assert following.wait(2).written
    finally:
        following.close()


def test_a_bug_in_a_rebuild_is_said_and_the_loop_goes_on(tmp_path, monkeypatch):
    from dossier.pipeline import watch

    folder, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(MINIMAL, folder)
    following = Following(folder, out, ("referentiel",), ("html",))
    try:
        calls = []

        def crash(*args, **kwargs):
            calls.append(args)
            raise RuntimeError("panne")

        real = watch.build
        monkeypatch.setattr(watch, "build", crash)
        _edit(folder / "blocs" / "bc01.yaml", "Accueillir le client", "Recevoir le visiteur")
        crashed = following.wait(2)
        assert crashed.written == [] and crashed.problem == "RuntimeError: panne"
        monkeypatch.setattr(watch, "build", real)
        _edit(folder / "blocs" / "bc01.yaml", "Recevoir le visiteur", "Saluer le client")
        assert "Saluer le client" in following.wait(3).written[0].read_text(encoding="utf-8")
    finally:
        following.close()


@pytest.mark.slow
def test_the_pdf_is_rebuilt_with_the_new_text_only_the_edited_part_laid_out(tmp_path, monkeypatch):
    """The example's référentiel is laid out in parts: an edit of one bloc lays out that part alone,
    in this process, and the PDF has the new text."""
    from dossier.render import pdf_parts

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(EXAMPLE, folder)
    following = Following(folder, out, ("referentiel",), ("pdf",))
    try:
        (pdf,) = following.wait(1).written
        pages = pdf_text(pdf).count("\f")
        laid: list[str] = []
        real = pdf_parts.layout
        monkeypatch.setattr(pdf_parts, "layout", lambda html, *a, **k: laid.append(html) or real(html, *a, **k))
        bloc = sorted((folder / "blocs").glob("*.yaml"))[1]
        text = bloc.read_text(encoding="utf-8")
        start = text.index("texte:") + len("texte:")
        end = text.index("\n", start)
        bloc.write_text(text[:end] + " (révision suivie)" + text[end:], encoding="utf-8")
        edited = following.wait(2)
        assert edited.written == [pdf]
        assert "révision suivie" in pdf_text(pdf)
        assert pdf_text(pdf).count("\f") == pages
        assert len(laid) == 1 and "révision suivie" in laid[0]  # one part laid out again, not the document
    finally:
        following.close()


def _start(folder: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", "from dossier.cli import main; main()", "suivre", str(folder), "--out", str(out),
         "--format", "html"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )


def _read_until(process: subprocess.Popen, marker: str) -> list[str]:
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"« {marker} » attendu : {lines}")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_the_command_prints_one_line_per_rebuild_and_stops_on_a_signal(tmp_path, sig):
    folder, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(MINIMAL, folder)
    process = _start(folder, out)
    try:
        head = _read_until(process, "refait en")
        assert "Ctrl-C pour arrêter" in head[0]
        _edit(folder / "blocs" / "bc01.yaml", "Accueillir le client", "Recevoir le visiteur")
        line = _read_until(process, "refait en")[-1]
        assert "referentiel/" in line and ".html" in line
        bloc = folder / "blocs" / "bc01.yaml"
        bloc.write_text(bloc.read_text(encoding="utf-8").replace("competences:\n", BROKEN, 1), encoding="utf-8")
        said = "".join(_read_until(process, "sources non conformes"))
        assert "bc01.yaml:" in said and "[erreur yaml-syntaxe]" in said and "Traceback" not in said
        process.send_signal(sig)
        rest = process.communicate(timeout=30)[0]
        assert process.returncode == 0, rest
        assert rest.strip().endswith("Arrêt.") and "Traceback" not in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_loop_holds_no_earlier_round(tmp_path):
    """A long session of saves keeps memory flat: no round's model is kept, nor the YAML nodes PyYAML's
    constructor used to remember (~0.4 MB per rebuild of the example before)."""
    import gc
    import weakref

    from dossier.sources import spec

    folder, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(MINIMAL, folder)
    following = Following(folder, out, ("referentiel",), ("html",))
    try:
        seen = []
        real = spec._scalar_value

        def noting(node, path, ctx):
            seen.append(weakref.ref(node))
            return real(node, path, ctx)

        spec._scalar_value = noting
        try:
            _edit(folder / "blocs" / "bc01.yaml", "Accueillir le client", "Recevoir le visiteur")
            following.wait(2)
        finally:
            spec._scalar_value = real
        _edit(folder / "blocs" / "bc01.yaml", "Recevoir le visiteur", "Saluer le client")
        following.wait(3)
        gc.collect()
        assert seen and not [ref for ref in seen if ref() is not None]  # round 2's YAML is gone
        assert not spec._constructor.constructed_objects
    finally:
        following.close()


def test_a_folder_no_build_could_use_is_refused_at_once(tmp_path):
    from conftest import run

    folder = tmp_path / "src"
    shutil.copytree(MINIMAL, folder)
    inside = run("suivre", str(folder), "--out", str(folder / "build"))
    assert inside.exit_code == 1 and "ne peut pas être dans le dossier des sources" in inside.output
    missing = run("suivre", str(tmp_path / "absent"), "--out", str(tmp_path / "out"))
    assert missing.exit_code == 1 and "dossier de sources introuvable" in missing.output
    assert not (tmp_path / "out").exists() and not (folder / "build").exists()
