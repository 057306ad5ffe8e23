"""Outputs never outlive their sources: a run removes what an earlier run wrote and it no longer
makes, in the folders it manages — never a file it did not write, never anything elsewhere — and
refuses an output folder where a mistake would cost the user's files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from conftest import MINIMAL, run
from extract import html_tree

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
OLD, NEW = "certification-minimale", "certification-renommee"


def files(root: Path) -> list[str]:
    """Every file below `root` but the build's own state and cache, relative to it."""
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.is_file() and ".dossier-cache" not in p.parts and p.name != ".dossier-state.json"
    )


def build(folder: Path, out: Path, *args: str):
    result = run("build", str(folder), "--out", str(out), *args)
    assert "Erreur interne" not in result.output
    return result


@pytest.mark.slow
def test_a_renamed_certification_leaves_no_old_document_anywhere(project, tmp_path):
    folder, out = project(), tmp_path / "out"
    assert build(folder, out).exit_code == 0
    (out / "site" / "CNAME").write_text("referentiel.exemple.fr")  # the user's own files stay
    (out / "notes.txt").write_text("à moi")
    (out / "referentiel" / f".{OLD}-referentiel.pdf.x1y2.tmp").write_bytes(b"%PDF-1.7 half")  # a killed build's leftover
    (folder / "certification.yaml").write_text(CERT.replace("Certification minimale", "Certification renommée"), encoding="utf-8")
    (folder / "blocs" / "bc01.yaml").write_text(BLOC.replace("M1.1", "M1.3"), encoding="utf-8")

    result = build(folder, out)
    assert result.exit_code == 0, result.output
    assert ", 18 anciens supprimés, dans" in result.stdout  # 9 documents, 2 in the bundle, 6 downloads, 1 leftover
    assert not [f for f in files(out) if OLD in f or "m1-1" in f or f.endswith(".tmp")]
    assert files(out / "dossier") == sorted([
        "MANIFEST.sha256", "blocs.csv", "fiche-rncp.xml", "teleprocedure.txt", f"{NEW}-referentiel.docx", f"{NEW}-referentiel.pdf"])
    manifest = (out / "dossier" / "MANIFEST.sha256").read_text().splitlines()
    listed = {line.split("  ")[1]: line.split("  ")[0] for line in manifest}
    assert sorted(listed) == [f for f in files(out / "dossier") if f != "MANIFEST.sha256"]  # exactly what is there
    for name, digest in listed.items():
        assert hashlib.sha256((out / "dossier" / name).read_bytes()).hexdigest() == digest
    downloads = html_tree(out / "site" / "index.html").xpath("//a[@download]/@href")
    assert sorted(downloads) == sorted(f"telechargements/{f}" for f in files(out / "site" / "telechargements"))
    assert all(NEW in d or "m1-3" in d for d in downloads)
    assert (out / "site" / "CNAME").read_text() == "referentiel.exemple.fr" and (out / "notes.txt").read_text() == "à moi"
    again = build(folder, out)
    assert again.exit_code == 0 and again.stdout.startswith("Rien à refaire")  # the incremental state holds


@pytest.mark.slow
def test_a_file_dossier_did_not_write_in_the_bundle_is_kept_and_said(project, tmp_path):
    folder, out = project(), tmp_path / "out"
    assert build(folder, out).exit_code == 0
    (out / "dossier" / "lettre.pdf").write_bytes(b"%PDF mine")
    (folder / "blocs" / "bc01.yaml").write_text(BLOC.replace("Vendre", "Vendre mieux"), encoding="utf-8")
    result = build(folder, out)
    assert result.exit_code == 0
    assert (out / "dossier" / "lettre.pdf").read_bytes() == b"%PDF mine"
    assert f"Attention : {out / 'dossier' / 'lettre.pdf'} n'a pas été écrit par dossier et n'est pas dans MANIFEST.sha256" in result.stderr


@pytest.mark.slow
def test_a_partial_build_removes_nothing_but_its_site_offers_only_current_files(project, tmp_path):
    folder, out = project(), tmp_path / "out"
    assert build(folder, out, "--format", "pdf").exit_code == 0
    (folder / "certification.yaml").write_text(CERT.replace("Certification minimale", "Certification renommée"), encoding="utf-8")
    assert build(folder, out, "--only", "referentiel", "--format", "pdf").exit_code == 0
    assert (out / "livret" / f"{OLD}-livret.pdf").exists()  # the livret's folder is not this build's to clear
    assert run("site", str(folder), "--out", str(out)).exit_code == 0
    downloads = html_tree(out / "site" / "index.html").xpath("//a[@download]/@href")
    assert downloads and not [d for d in downloads if OLD in d]
    assert sorted(downloads) == sorted(f"telechargements/{f}" for f in files(out / "site" / "telechargements"))


@pytest.mark.slow
def test_one_bloc_handbooks_stay_while_current_and_go_once_stale(project, tmp_path):
    """--bloc handbooks are kept by a full build as long as they are exactly what --bloc would make."""
    folder, out = project(), tmp_path / "out"
    assert build(folder, out).exit_code == 0
    assert build(folder, out, "--only", "livret", "--bloc", "BC01").exit_code == 0
    assert build(folder, out, "--force").exit_code == 0
    assert files(out / "livret") == sorted(f"{OLD}-livret{b}.{f}" for b in ("", "-bc01") for f in ("docx", "html", "pdf"))
    assert f"telechargements/livret/{OLD}-livret-bc01.docx" in html_tree(out / "site" / "index.html").xpath("//a/@href")
    (folder / "blocs" / "bc01.yaml").write_text(BLOC.replace("Vendre", "Vendre mieux"), encoding="utf-8")
    assert build(folder, out).exit_code == 0
    assert files(out / "livret") == sorted(f"{OLD}-livret.{f}" for f in ("docx", "html", "pdf"))
    assert not [h for h in html_tree(out / "site" / "index.html").xpath("//a/@href") if "bc01" in h and "livret" in h]


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("nom;numero;blocs\n" + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def test_a_session_run_removes_what_its_earlier_runs_wrote_and_only_that(project, tmp_path):
    folder, out = project(), tmp_path / "out"
    first = _csv(tmp_path / "juin.csv", ["Dupont;1;BC01", "Martin;2;BC01", "Durand;3;BC01"])
    result = run("grilles", str(folder), "--candidats", str(first), "--out", str(out), "--format", "html")
    assert result.exit_code == 0, result.output
    session = out / "sessions" / "juin"
    assert len(files(session / "bc01-m1-1")) == 3
    (session / "pv-signe.pdf").write_bytes(b"%PDF scan")  # the jury's own file
    (session / ".bc01-m1-1.part00000.pdf").write_bytes(b"%PDF part")  # left by a killed run
    (session / "bc01-m1-1" / ".1-dupont.html.abcd.tmp").write_bytes(b"<html")
    assert (session / ".dossier-session.json").stat().st_mode & 0o777 == 0o600  # it names the candidates
    second = _csv(tmp_path / "juin.csv", ["Martin;2;BC01"])
    result = run("grilles", str(folder), "--candidats", str(second), "--out", str(out), "--format", "html")
    assert result.exit_code == 0, result.output
    assert "(1 fichier, 0 PDF à imprimer, 4 anciens supprimés)" in result.stdout
    assert files(session) == [".dossier-session.json", "bc01-m1-1/2-martin.html", "pv-signe.pdf"]


# --- output folders that are refused --------------------------------------------------------

def test_out_folders_that_would_cost_the_users_files_are_refused(project, tmp_path, monkeypatch):
    folder = project()
    home = tmp_path / "maison"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    nested = tmp_path / "proj2"
    nested.mkdir()
    (nested / "site").mkdir()
    os.rename(folder, nested / "site" / "sources")  # sources that live where the site would go
    cases = {
        "/": "--out / : la racine du disque ne peut pas servir de dossier de sortie",
        str(home): f"--out {home} : le dossier personnel ne peut pas servir de dossier de sortie",
        str(nested / "site" / "sources"): "le dossier de sortie ne peut pas être dans le dossier des sources",
        str(nested / "site" / "sources" / "build"): "le dossier de sortie ne peut pas être dans le dossier des sources",
        str(nested): f"{nested / 'site'} contiendrait les sources",
    }
    before = files(nested)
    for out, message in cases.items():
        for command in (["build", str(nested / "site" / "sources"), "--out", out], ["site", str(nested / "site" / "sources"), "--out", out]):
            result = run(*command)
            assert result.exit_code == 1, (out, result.output)
            assert message in result.stderr, (out, result.stderr)
            assert "Erreur interne" not in result.output
    assert files(nested) == before  # nothing written, nothing removed
    assert not (home / "site").exists()


@pytest.mark.parametrize("sub", ["referentiel", "site", "dossier"])
def test_a_file_where_an_output_folder_should_be_is_said_before_anything_is_made(project, tmp_path, sub):
    folder, out = project(), tmp_path / "out"
    out.mkdir()
    (out / sub).write_text("un fichier")
    result = build(folder, out)
    assert result.exit_code == 1
    assert result.stderr == f"Erreur : {out / sub} est un fichier là où la construction range ses documents : déplacez-le ou supprimez-le\n"
    assert files(out) == [sub]
