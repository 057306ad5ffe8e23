"""Tagged PDF/UA-1: the structure a screen reader follows, in one-piece PDFs and in those put together from parts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.extract import pdf_info
from tests.tagged_pdf import loose_content, parent_tree, read

SLUG = "responsable-commercial-et-marketing"


def _documents(build: Path) -> dict[str, Path]:
    return {
        "livret": build / "livret" / f"{SLUG}-livret.pdf",  # laid out in parts
        "referentiel": build / "referentiel" / f"{SLUG}-referentiel.pdf",  # in parts, one table across them
        "grille": build / "grilles" / "bc01-m1-1.pdf",  # in one piece
    }


@pytest.fixture(scope="module")
def docs(example_build):
    return {name: read(path) for name, path in _documents(example_build).items()}


@pytest.mark.parametrize("name", ["livret", "referentiel", "grille"])
def test_catalog_says_tagged_language_and_title(docs, name):
    catalog = docs[name].catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "fr-FR"
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid" in catalog["/Metadata"].get_object().get_data()
    assert [s for d, s, _e in docs[name].elements if d == 0] == ["/Document"], "one Document, whatever the parts"


def _outline(reader) -> list[str]:
    titles: list[str] = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(" ".join(item.title.split()))

    walk(reader.outline)
    return titles


@pytest.mark.parametrize("name", ["livret", "grille"])
def test_headings_in_outline_order(docs, name):
    doc = docs[name]
    headings = [doc.text(e) for _s, e in doc.kinds("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]
    assert headings == _outline(doc.reader)
    assert len(headings) >= (20 if name == "livret" else 1)  # a grid has its one title; the rest is its table


@pytest.mark.parametrize("name", ["livret", "referentiel", "grille"])
def test_tables_have_header_cells_with_scope_and_ids(docs, name):
    doc = docs[name]
    headers = [e for _s, e in doc.kinds("/TH")]
    assert headers and doc.kinds("/TD")
    assert all(e["/A"]["/Scope"] in ("/Column", "/Row") for e in headers)
    ids = [str(e["/ID"]) for e in headers]
    assert len(ids) == len(set(ids)), "IDs unique in the whole, across parts"
    root = doc.catalog["/StructTreeRoot"]
    if "/IDTree" in root:  # written when parts are put together
        names = root["/IDTree"]["/Names"]
        assert sorted(ids) == [str(names[i]) for i in range(0, len(names), 2)]
    named = {str(h) for _s, e in doc.kinds("/TD") for h in e.get("/A", {}).get("/Headers", [])}
    assert named and named <= set(ids), "every data cell names header cells that exist"
    if name == "referentiel":
        texts = [doc.text(e) for e in headers]
        assert any("compétences" in t.lower() for t in texts) and any("BC01" in t for t in texts)


@pytest.mark.parametrize("name", ["livret", "referentiel"])
def test_parent_tree_renumbered_across_parts(docs, name):
    doc = docs[name]
    root = doc.catalog["/StructTreeRoot"]
    tree = parent_tree(root)
    keys = [page["/StructParents"] for page in doc.reader.pages]
    assert len(set(keys)) == len(keys)
    for page, key in zip(doc.reader.pages, keys):
        marks = tree[key]
        assert marks, f"page key {key} maps its marked content"
        assert all(m.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum for m in marks)
    assert int(root["/ParentTreeNextKey"]) > max(tree)


@pytest.mark.parametrize("name", ["livret", "referentiel", "grille"])
def test_every_page_content_tagged_or_artifact(docs, name):
    reader = docs[name].reader
    pages = sorted({0, min(1, len(reader.pages) - 1), len(reader.pages) // 2, len(reader.pages) - 1})
    for n in pages:
        assert loose_content(reader, n) == [], f"page {n + 1}: text or image neither tagged nor an artifact"


def test_folio_and_running_footer_are_artifacts(docs):
    from tests.tagged_pdf import mcid_texts

    doc = docs["livret"]
    texts = mcid_texts(doc.reader, 3)
    assert "page 4 / " in texts.get(None, ""), "the folio, drawn by the overlay, is outside the tagged content"
    assert not any("page 4 / " in t for mcid, t in texts.items() if mcid is not None)


def test_lists_are_tagged(docs):
    assert len(docs["livret"].kinds("/L")) > 5 and len(docs["livret"].kinds("/LI")) > 10


@pytest.mark.slow
def test_pdfua_checker_finds_nothing(example_build):
    """pdfua (PyPI) checks 16 of PDF/UA-1's 106 machine-checkable rules: a floor, not conformance."""
    from pdfua import validate

    for name, path in _documents(example_build).items():
        report = validate(str(path))
        assert [f"{f.rule_id}: {f.message}" for f in report.findings] == [], name


@pytest.mark.slow
def test_pdf_accessible_false_gives_untagged_pdfs(tmp_path):
    import dossier
    from tests.conftest import EXAMPLE

    project = tmp_path / "src"
    shutil.copytree(EXAMPLE, project)
    yaml = project / "certification.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("affichage:\n", "affichage:\n  pdf_accessible: false\n"), encoding="utf-8")
    dossier.build(project, tmp_path / "out", only=("referentiel",), formats=("pdf",))
    pdf = tmp_path / "out" / "referentiel" / f"{SLUG}-referentiel.pdf"
    assert pdf_info(pdf)["Tagged"].strip() == "no"
    assert "/StructTreeRoot" not in read(pdf).catalog
