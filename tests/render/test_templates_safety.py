"""A project's templates come with its sources: read like them, and run in Jinja's sandbox."""

from __future__ import annotations

from conftest import PACKAGE_TEMPLATES, run


def _with_template(project, text: str):
    folder = project()
    html = folder / "templates" / "html"
    html.mkdir(parents=True)
    page = (PACKAGE_TEMPLATES / "html" / "referentiel.html").read_text(encoding="utf-8")
    (html / "referentiel.html").write_text(page.replace("<main>", f"<main>{text}"), encoding="utf-8")
    return folder


def test_a_template_cannot_reach_python(project, tmp_path):
    for trap in (
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
        "{{ view.__class__.__init__.__globals__ }}",
    ):
        folder = _with_template(project, trap)
        result = run("build", str(folder), "--out", str(tmp_path / "out"), "--only", "referentiel", "--format", "html", cwd=tmp_path)
        assert result.exit_code == 1, result.output
        assert "Erreur interne" not in result.output
        assert result.stderr.startswith("Erreur : gabarit referentiel : accès refusé (access to attribute '__"), result.stderr
        assert result.stderr.rstrip().endswith("un gabarit montre la vue, il n'atteint pas les rouages de Python")
        assert not (tmp_path / "PWNED").exists() and not (tmp_path / "out" / "referentiel").exists()


def test_a_template_linked_out_of_the_project_is_refused(project, tmp_path):
    folder = project()
    outside = tmp_path / "ailleurs.html"
    outside.write_text("{% extends 'base.html' %}", encoding="utf-8")
    (folder / "templates" / "html").mkdir(parents=True)
    (folder / "templates" / "html" / "referentiel.html").symlink_to(outside)
    result = run("build", str(folder), "--out", str(tmp_path / "out"), "--only", "referentiel", "--format", "html")
    assert result.exit_code == 1
    assert "referentiel.html : lien vers un fichier hors du dossier des sources" in result.stderr, result.stderr
