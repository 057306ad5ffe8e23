"""One place defines a document: a new kind is one registry entry, one view and its templates.

The test adds a kind the package does not have — an « attestation » per bloc,
with its own HTML and Word templates in the project — and the build makes it
in every format, fingerprints it, and the site offers it for download, with
no other change anywhere.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

import dossier
from conftest import PACKAGE_TEMPLATES
from dossier.documents import DOCUMENTS, DocumentSpec, Item
from dossier.documents.common import Header, header
from dossier.sources.model import Bloc
from extract import docx_text, html_tree

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ view.titre }}</title></head>
<body><main><h1>{{ view.titre }}</h1><p>{{ view.bloc.code }} — {{ view.bloc.intitule }}</p></main></body></html>
"""


@dataclass(frozen=True)
class AttestationView:
    header: Header
    bloc: Bloc
    titre: str = "Attestation de validation de bloc"


def items(cert, options):
    return [Item(f"attestation-{b.code.lower()}", AttestationView(header(cert, options.brouillon), b), f"Attestation — {b.code}")
            for b in cert.blocs]


@pytest.mark.slow
def test_a_new_document_needs_one_entry_one_view_and_its_templates(project, tmp_path, monkeypatch):
    folder = project()
    (folder / "templates" / "html").mkdir(parents=True)
    (folder / "templates" / "docx").mkdir(parents=True)
    (folder / "templates" / "html" / "attestation.html").write_text(PAGE, encoding="utf-8")
    shutil.copy(PACKAGE_TEMPLATES / "docx" / "grille.docx", folder / "templates" / "docx" / "attestation.docx")
    monkeypatch.setitem(DOCUMENTS, "attestation", DocumentSpec("attestation", "Attestations", items=items, template="attestation"))

    out = tmp_path / "build"
    result = dossier.build(folder, out, jobs=1)
    made = sorted(p.name for p in (out / "attestation").iterdir())
    assert made == ["attestation-bc01.docx", "attestation-bc01.html", "attestation-bc01.pdf"]
    assert "BC01 — " in docx_text(out / "attestation" / "attestation-bc01.docx")
    assert any(str(p).endswith("attestation-bc01.pdf") for p in result.written)
    home = html_tree(out / "site" / "index.html")
    labels = [" ".join(a.text_content().split()) for a in home.iter("a")]
    assert any(label.startswith("Attestation — BC01") for label in labels), labels
    again = dossier.build(folder, out, jobs=1)
    assert again.unchanged  # its fingerprint is kept like any other's
