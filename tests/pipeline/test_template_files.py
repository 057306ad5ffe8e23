"""The templates an output depends on, kept between two asks while their folders are unchanged."""

from __future__ import annotations

import shutil

from conftest import MINIMAL, PACKAGE_TEMPLATES
from dossier.pipeline.state import template_files
from dossier.render.templates import TemplatePath


def test_an_include_added_to_a_project_template_is_seen(tmp_path):
    project = tmp_path / "src"
    shutil.copytree(MINIMAL, project)
    templates = TemplatePath.for_project(project)
    before = template_files(templates, "referentiel.html")
    assert before == template_files(templates, "referentiel.html")  # asked again: the same
    assert all(p.is_relative_to(PACKAGE_TEMPLATES) for p in before)

    own = project / "templates" / "html"
    own.mkdir(parents=True)
    shutil.copy(PACKAGE_TEMPLATES / "html" / "referentiel.html", own / "referentiel.html")
    templates = TemplatePath.for_project(project)
    copied = template_files(templates, "referentiel.html")
    assert own / "referentiel.html" in copied

    (own / "_note.html").write_text("<p>note</p>", encoding="utf-8")
    page = own / "referentiel.html"
    page.write_text(page.read_text(encoding="utf-8") + '{% include "_note.html" %}\n', encoding="utf-8")
    assert own / "_note.html" in template_files(templates, "referentiel.html")
