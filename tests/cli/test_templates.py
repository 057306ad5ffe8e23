"""`dossier gabarits`: the defaults live in the package only; a user copies one into the project to restyle it."""

from __future__ import annotations

from conftest import PACKAGE_TEMPLATES, run


def test_list_names_every_default_and_marks_the_projects_own(project):
    folder = project({"templates/html/referentiel.css": "/* maison */\n"})
    result = run("gabarits", "liste", str(folder))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for name in ("html/referentiel.html", "html/site/index.html", "docx/livret.docx"):
        assert name in lines
    assert "html/referentiel.css  (remplacé par le projet)" in lines


def test_copy_puts_the_default_in_the_project_and_never_overwrites_silently(project):
    folder = project()
    result = run("gabarits", "copier", "referentiel.html", str(folder))
    assert result.exit_code == 0, result.output
    copied = folder / "templates" / "html" / "referentiel.html"
    assert copied.read_bytes() == (PACKAGE_TEMPLATES / "html" / "referentiel.html").read_bytes()
    copied.write_text("mon gabarit", encoding="utf-8")
    again = run("gabarits", "copier", "html/referentiel.html", str(folder))
    assert again.exit_code == 1 and "existe déjà" in again.stderr
    assert copied.read_text(encoding="utf-8") == "mon gabarit"
    assert run("gabarits", "copier", "referentiel.html", str(folder), "--force").exit_code == 0
    assert copied.read_bytes() == (PACKAGE_TEMPLATES / "html" / "referentiel.html").read_bytes()


def test_copy_of_a_word_template_and_of_a_site_page(project):
    folder = project()
    assert run("gabarits", "copier", "livret.docx", str(folder)).exit_code == 0
    assert (folder / "templates" / "docx" / "livret.docx").is_file()
    assert run("gabarits", "copier", "site/index.html", str(folder)).exit_code == 0
    assert (folder / "templates" / "html" / "site" / "index.html").is_file()


def test_unknown_or_ambiguous_names_say_what_to_do(project):
    folder = project()
    unknown = run("gabarits", "copier", "parchemin.html", str(folder))
    assert unknown.exit_code == 1 and "gabarit « parchemin.html » inconnu" in unknown.stderr
    ambiguous = run("gabarits", "copier", "index.html", str(folder))  # only site/index.html today: not ambiguous
    assert ambiguous.exit_code == 0
    two = run("gabarits", "copier", "referentiel", str(folder))
    assert two.exit_code == 1 and "inconnu" in two.stderr
