"""A jury session with a name the documents' font lacks (Greek): its copies are laid out apart and drawn
over the base; the merged print PDFs that hold them are tagged like the others, the copy in its place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run
from tests.extract import pdf_pages

pytestmark = pytest.mark.slow
GREEK = ("Παπαδόπουλος", "Ἀλέξανδρος")


@pytest.fixture(scope="module")
def greek(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("greek")
    session = tmp / "session"
    shutil.copytree(ROOT / "exemples" / "session", session)
    with open(session / "candidats.csv", "a", encoding="utf-8") as f:
        f.write(f"{GREEK[0]};{GREEK[1]};1007;BC01;;;;;;;;;;;\n")
    with open(session / "resultats.csv", "a", encoding="utf-8") as f:
        for line in (session / "resultats.csv").read_text(encoding="utf-8").splitlines():
            if line.startswith("1001;M1."):
                f.write(line.replace("1001;", "1007;", 1) + "\n")
    out = tmp / "out"
    result = run("jury", str(ROOT / "sources"), str(session), "--out", str(out), "--jobs", "2")
    assert result.exit_code == 0, result.output
    return out


def test_the_greek_copy_is_drawn_over_its_base(greek):
    from pypdf import PdfReader

    copy = PdfReader(greek / "attestations" / "bc01" / "1007-candidat.pdf")
    assert b"/DossierV0 Do" in copy.pages[0].get_contents().get_data()  # laid out apart: the overlay path


@pytest.mark.parametrize("rel", ["imprimer/attestations-bc01.pdf", "imprimer/releves.pdf"])
def test_merged_print_pdf_with_an_overlaid_copy_is_tagged(greek, rel):
    """One tree, each copy's elements on its own pages, the Greek name read on its copy's page, IDs unique,
    every drawing tagged or an artifact, veraPDF's PDF/UA-1 profile passes (the checks of test_jury)."""
    from tests.pipeline import test_jury

    pages = pdf_pages(greek / rel)
    texts = _actual_texts_by_page(greek / rel)
    holding = [n for n in range(len(pages)) if "Ἀλέξανδρος Παπαδόπουλος" in texts.get(n, [])]
    assert len(holding) == 1 and GREEK[0] in pages[holding[0]], "read where it is printed, once"
    test_jury.test_merged_print_pdfs_have_one_structure_tree(greek, rel, [texts[n][0] for n in range(len(pages))])


def _actual_texts_by_page(path: Path) -> dict[int, list[str]]:
    from tests.tagged_pdf import read

    doc = read(path)
    pages = {p.indirect_reference.idnum: i for i, p in enumerate(doc.reader.pages)}
    found: dict[int, list[str]] = {}
    for _depth, _s, element in doc.elements:
        if "/ActualText" in element:
            found.setdefault(pages[element.raw_get("/Pg").idnum], []).append(str(element["/ActualText"]))
    return found


def test_the_copies_structure_elements_are_compressed(greek):
    """Each appended copy's elements are in a compressed object stream (the printout's size), only the copy
    made whole (the Greek one) keeps its elements as whole objects, and so does the one Document they share."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(greek / "imprimer" / "releves.pdf")
    stack, elements = [reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K")], set()
    while stack:
        node = stack.pop()
        if isinstance(node, ArrayObject):
            stack.extend(node)
        elif isinstance(node, IndirectObject) and node.idnum not in elements:
            obj = node.get_object()
            if isinstance(obj, DictionaryObject) and "/S" in obj:
                elements.add(node.idnum)
                stack.append(obj.raw_get("/K"))
    copies = len(reader.pages)  # a relevé is one page
    whole = [n for n in elements if n not in reader.xref_objStm]
    assert copies >= 3 and len(elements) > 20 * copies
    assert len(whole) <= len(elements) // copies + 1, (len(whole), len(elements))  # + the copies' one Document
