"""An import never deletes what it did not write, refuses output folders that would cost the user's
files, and reads a Word file defensively (zip bombs, malformed cells, control characters)."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document

from conftest import FIXTURES, run

OLD = FIXTURES / "rncp" / "ancien-export.xml"  # one fiche, RNCP12345, one bloc


def two_blocs(path: Path) -> Path:
    """The same fiche with a second bloc."""
    text = OLD.read_text(encoding="utf-8")
    start, end = text.index("<BLOC_COMPETENCES>"), text.index("</BLOC_COMPETENCES>") + len("</BLOC_COMPETENCES>")
    second = text[start:end].replace("<CODE>01</CODE>", "<CODE>02</CODE>")
    path.write_text(text[:end] + second + text[end:], encoding="utf-8")
    return path
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def imported(export: Path, out: str | Path, *extra: str, cwd: Path | None = None):
    result = run("import", "rncp", str(export), "--fiche", "RNCP12345", "--out", str(out), *extra, cwd=cwd)
    assert "Erreur interne" not in result.output and "Traceback" not in result.output
    return result


# --- output folders --------------------------------------------------------------------------

def test_force_never_deletes_the_input_it_refuses_an_out_that_holds_it(tmp_path):
    folder = tmp_path / "travail"
    folder.mkdir()
    export = folder / "export.xml"
    shutil.copy(OLD, export)
    (folder / "notes.txt").write_text("à moi")
    before = tree(tmp_path)
    for out, cwd in ((folder, None), (".", folder), (tmp_path, None), ("..", folder / ".."), (folder.parent.parent, None)):
        result = imported(export, out, "--force", cwd=cwd)
        assert result.exit_code == 1, (out, result.output)
        assert f"--out {out} : le dossier de sortie contiendrait le fichier importé ({export})" in result.stderr, result.stderr
    assert tree(tmp_path) == before  # the input, and everything beside it, untouched; no stray folder


def test_root_home_and_a_folder_holding_sources_are_refused(tmp_path, monkeypatch):
    home = tmp_path / "maison"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    projects = tmp_path / "projets"
    (projects / "mon-certif").mkdir(parents=True)
    (projects / "mon-certif" / "certification.yaml").write_text("intitule: x\n")
    cases = {
        "/": "--out / : la racine du disque ne peut pas servir de dossier de sortie",
        str(home): f"--out {home} : le dossier personnel ne peut pas servir de dossier de sortie",
        str(projects): f"--out {projects} : ce dossier contient déjà le dossier de sources mon-certif/ ; importez dans un dossier à part",
    }
    for out, message in cases.items():
        result = imported(OLD, out, "--force")
        assert result.exit_code == 1 and message in result.stderr, (out, result.stderr)
    assert not any(home.iterdir()) and sorted(p.name for p in projects.iterdir()) == ["mon-certif"]


def test_force_replaces_only_what_an_import_wrote(tmp_path):
    out = tmp_path / "paie"
    assert imported(two_blocs(tmp_path / "deux-blocs.xml"), out).exit_code == 0
    assert sorted(tree(out)) == [".dossier-import", "IMPORT.md", "blocs/bc01.yaml", "blocs/bc02.yaml", "certification.yaml"]
    (out / "livret").mkdir()
    (out / "livret" / "01-regles.md").write_text("# Règles\n\nÀ moi.\n")
    (out / "logo.png").write_bytes(b"png")
    (out / "certification.yaml").write_text((out / "certification.yaml").read_text() + "# retouché\n")
    result = imported(OLD, out, "--force")  # one bloc now: the second bloc's file was the import's, it goes
    assert result.exit_code == 0, result.output
    files = tree(out)
    assert sorted(files) == [".dossier-import", "IMPORT.md", "blocs/bc01.yaml", "certification.yaml", "livret/01-regles.md", "logo.png"]
    assert files["livret/01-regles.md"] == "# Règles\n\nÀ moi.\n".encode() and files["logo.png"] == b"png"
    assert b"# retouch" not in files["certification.yaml"]  # its own file: replaced, as asked
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deux-blocs.xml", "paie"]  # nothing left beside it


def test_force_refuses_to_overwrite_a_file_no_import_wrote(tmp_path):
    out = tmp_path / "mien"
    (out / "blocs").mkdir(parents=True)
    (out / "blocs" / "bc01.yaml").write_text("code: BC01\n# à moi\n")
    result = imported(OLD, out, "--force")
    assert result.exit_code == 1
    assert f"{out / 'blocs/bc01.yaml'} n'a pas été écrit par un import : --force ne remplace que ce qu'un import a écrit" in result.stderr
    assert tree(out) == {"blocs/bc01.yaml": b"code: BC01\n# \xc3\xa0 moi\n"}


def test_an_import_made_before_the_list_is_recognised_by_its_mark(tmp_path):
    out = tmp_path / "paie"
    assert imported(OLD, out).exit_code == 0
    (out / ".dossier-import").unlink()
    (out / "notes.md").write_text("à moi")
    assert imported(OLD, out, "--force").exit_code == 0
    assert (out / "notes.md").read_text() == "à moi" and (out / ".dossier-import").exists()


def test_an_imported_folder_follows_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        assert imported(OLD, tmp_path / "paie").exit_code == 0
    finally:
        os.umask(old)
    assert (tmp_path / "paie").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "paie" / "blocs").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "paie" / "certification.yaml").stat().st_mode & 0o777 == 0o644


def test_force_into_the_current_folder(tmp_path):
    out = tmp_path / "paie"
    assert imported(OLD, out).exit_code == 0
    assert imported(OLD, ".", "--force", cwd=out).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paie"]  # no stray staging folder
    assert yaml.safe_load((out / "certification.yaml").read_text(encoding="utf-8"))["code_rncp"] == "RNCP12345"


# --- reading a Word file defensively ----------------------------------------------------------

def word(path: Path, cells=("Activités", "Compétences", "Modalités", "Critères")) -> Path:
    doc = Document()
    table = doc.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ("Référentiel d'activités", "Référentiel de compétences", "Modalités d'évaluation", "Critères d'évaluation")):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, cells):
        cell.text = text
    doc.save(path)
    return path


def rewrite(path: Path, change) -> Path:
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["word/document.xml"] = change(parts["word/document.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("span", ["abc", "0", "-1", "99999", "", "2.5"])
def test_a_malformed_grid_span_is_a_damaged_document(tmp_path, span):
    source = rewrite(word(tmp_path / "ref.docx"), lambda xml: xml.replace(b"<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{span}"/>'.encode(), 1))
    assert f'w:val="{span}"'.encode() in zipfile.ZipFile(source).read("word/document.xml")
    result = run("import", "docx", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Erreur : {source} : document Word abîmé (une cellule s'étend sur « {span} » colonnes)\n"
    assert not (tmp_path / "out").exists()


def _bomb(path: Path, size: int, declared: int | None = None) -> Path:
    """A Word file whose document.xml inflates to `size` bytes (its headers may say `declared`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document>" + b" " * size + b"</w:document>")
    data = bytearray(buffer.getvalue())
    if declared is not None:  # lie in both headers: the local one and the central directory's
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = 0
            while (at := data.find(signature, at)) != -1:
                name_at = at + (30 if signature == b"PK\x03\x04" else 46)
                if data[name_at:name_at + 17] == b"word/document.xml":
                    data[at + offset:at + offset + 4] = declared.to_bytes(4, "little")
                at += 4
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("case, expected", [
    ("ratio", "« word/document.xml » se décompresse"),
    # headers that lie: nothing is inflated past what they declare (zipfile stops there, then the
    # checksum fails), and read_member would stop at 64 Mo besides
    ("mensonge", "n'est pas un fichier Word (.docx) lisible"),
])
def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path, case, expected):
    source = _bomb(tmp_path / "bombe.docx", 8 * 2**20, declared=None if case == "ratio" else 2000)
    assert source.stat().st_size < 2**20
    result = run("import", "docx", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert expected in result.stderr and "Erreur interne" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_control_characters_in_a_word_file_never_reach_the_sources(tmp_path):
    source = rewrite(word(tmp_path / "ref.docx", ("Vente", "Accueillir\u0085 le client\u009b[31m afin de vendre", "Étude de cas", "Le client est accueilli.\x7f")),
                     lambda xml: xml)
    result = run("import", "docx", str(source), "--out", str(tmp_path / "src"))
    assert result.exit_code == 0, result.output
    for path in (tmp_path / "src").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
        assert "\\x" not in text and "\\u" not in text  # nor as YAML escapes
    assert "3 caractère(s) de contrôle invisible(s) retiré(s) du texte importé." in (tmp_path / "src" / "IMPORT.md").read_text(encoding="utf-8")
    assert run("check", str(tmp_path / "src")).stdout.count("caractere-controle") == 0


def test_control_characters_in_an_open_data_export_never_reach_the_sources(tmp_path):
    export = tmp_path / "export.xml"
    text = OLD.read_text(encoding="utf-8")
    start = text.index("<INTITULE>") + len("<INTITULE>")
    # C1 controls and DEL are legal raw in XML 1.0; C0 ones, escaped twice as old exports do, are dropped by the decoding
    export.write_text(text[:start] + "\x9b[31m&amp;#1;\x7f" + text[start:], encoding="utf-8")
    result = imported(export, tmp_path / "paie")
    assert result.exit_code == 0, result.output
    cert = (tmp_path / "paie" / "certification.yaml").read_text(encoding="utf-8")
    assert "\\x" not in cert and "\\e" not in cert and not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", cert)
    assert yaml.safe_load(cert)["intitule"].startswith("[31mGestionnaire de paie")
    assert "2 caractère(s) de contrôle invisible(s) retiré(s)" in (tmp_path / "paie" / "IMPORT.md").read_text(encoding="utf-8")
