"""A written épreuve with no duration (`duree: sans objet`): « sans objet » in every document."""

from __future__ import annotations

import dossier
from conftest import MINIMAL
from dossier.checks import check
from dossier.documents.teleprocedure import teleprocedure
from extract import docx_text, flat, html_tree

BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8").replace(
    "    type: mise_en_situation\n    intitule: Vente simulée\n    duree: 30 min\n",
    "    type: rapport_activites\n    intitule: Rapport de vente\n    duree: Sans objet\n",
)


def test_sans_objet_in_every_document(project, tmp_path):
    folder = project({"blocs/bc01.yaml": BLOC})
    out = tmp_path / "build"
    dossier.build(folder, out, formats=("html", "docx"))
    texts = {}
    for path in sorted(out.rglob("*")):
        if path.suffix == ".html":
            texts[path.relative_to(out).as_posix()] = flat(html_tree(path).text_content())
        elif path.suffix == ".docx":
            texts[path.relative_to(out).as_posix()] = flat(docx_text(path))
    kinds = {"referentiel/", "livret/", "grilles/", "site/blocs/"}
    shown = {rel for rel, text in texts.items() if "sans objet" in text}
    assert {k for k in kinds if any(rel.startswith(k) for rel in shown)} == kinds, sorted(texts)
    assert not any("Sans objet" in text for text in texts.values())
    cert = check(folder).certification
    assert "Rapport d'activités : Rapport de vente (durée : sans objet)" in flat(teleprocedure(cert).decode("utf-8"))
