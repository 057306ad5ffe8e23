"""Stamped grids (pdf_stamp.py): a worker reads a tagged base once and reuses its tree's copy from
batch to batch and candidate to candidate; every copy must still be a whole, correct tree of its own."""

from __future__ import annotations

import pytest

from dossier.sources.candidats import Candidat
from tests.conftest import EXAMPLE
from tests.tagged_pdf import loose_content, parent_tree, read


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Two batches of the same base, stamped one after the other in one process (as a worker does)."""
    from dossier.pipeline import session

    session._init(session.Job(EXAMPLE, "Juin 2027", ("pdf",)))
    base = session._base_task("bc01-m1-1")
    people = [Candidat(f"Nom{i}", f"Prénom{i}", str(100 + i), "12/06/2027", f"Ville{i}") for i in range(5)]
    out = tmp_path_factory.mktemp("stamped")
    written = []
    for index, chunk in enumerate((people[:3], people[3:])):
        for name, data in session._batch_task(base, index, chunk)[3]:
            if name:
                (out / name).write_bytes(data)
                written.append((out / name, chunk[[c.stem for c in chunk].index(name[:-4])]))
    return written


def _structure(doc) -> list[tuple[int, str]]:
    return [(depth, s) for depth, s, _e in doc.elements]


def test_every_copy_has_its_own_whole_tree(batches):
    first = read(batches[0][0])
    assert len(first.elements) > 100
    for path, candidat in batches:
        doc = read(path)
        assert _structure(doc) == _structure(first), f"{path.name}: the same tree as the first copy"
        pages = {p.indirect_reference.idnum for p in doc.reader.pages}
        for _depth, _s, element in doc.elements:  # every element on this file's own page
            if "/Pg" in element:
                assert element.raw_get("/Pg").idnum in pages
        said = [str(e["/ActualText"]) for _d, _s, e in doc.elements if "/ActualText" in e]
        assert said == [f"Candidat : {candidat.nom_complet} ; n° : {candidat.numero} ; date : 12/06/2027 ; lieu : {candidat.lieu}"]
        tree = parent_tree(doc.catalog["/StructTreeRoot"])
        key = int(doc.reader.pages[0]["/StructParents"])
        owners = tree[key]
        assert all(o.get_object()["/Type"] == "/StructElem" for o in owners)
        assert loose_content(doc.reader, 0) == []



def test_a_copy_numbered_otherwise_gets_its_own_tree(tmp_path):
    """Two candidates in one tagged file: the second copy's elements are numbered after the first's,
    so the reused object stream would be wrong for it; it is made again."""
    from dossier.pipeline import session
    from dossier.render import pdf_stamp
    from dossier.render.pdf import document
    from dossier.render.stamp import _overlay_html

    session._init(session.Job(EXAMPLE, "Juin 2027", ("pdf",)))
    base = session._base_task("bc01-m1-1")
    people = [Candidat("Alpha", "Anne", "1"), Candidat("Bêta", "Basile", "2")]
    source, pages, tree = pdf_stamp._read_base(base.pdf)
    over = pdf_stamp.PdfIn(document(_overlay_html(base, people), EXAMPLE).write_pdf())
    texts = [f"Candidat : {c.nom_complet}" for c in people]
    path = tmp_path / "deux.pdf"
    path.write_bytes(pdf_stamp._write(source, over, pages, over.pages(), [0, 1], texts, template=tree))
    doc = read(path)
    assert [str(e["/ActualText"]) for _d, _s, e in doc.elements if "/ActualText" in e] == texts
    owners = parent_tree(doc.catalog["/StructTreeRoot"])
    for n, page in enumerate(doc.reader.pages):
        elements = [o.get_object() for o in owners[int(page["/StructParents"])]]
        assert elements and all(e.raw_get("/Pg").idnum == page.indirect_reference.idnum for e in elements if "/Pg" in e)
        assert loose_content(doc.reader, n) == []
    first, second = (len([e for e in doc.elements if e[0] == 1 and e[1] == s]) for s in ("/P", "/Part"))
    assert first == 2 and second == 2, "each candidate: its stamp and its grid"


def test_candidates_merged_element_by_element_keep_their_own_header_ids(tmp_path, monkeypatch):
    """Without the byte copy of the tree (TreeCopy), candidates' trees are merged by pdf_struct.StructMerge,
    each a part with its prefix: every cell's /Headers must name a header cell's /ID of the same candidate
    (StructMerge once left unprefixed the IDs of an element an earlier cell referred to: duplicates)."""
    from dossier.pipeline import session
    from dossier.render import pdf_stamp
    from dossier.render.pdf import document
    from dossier.render.stamp import _overlay_html, spoken

    monkeypatch.setattr(pdf_stamp.TreeCopy, "of", classmethod(lambda cls, base, pages: None))
    monkeypatch.setattr(pdf_stamp, "_BASES", {})
    session._init(session.Job(EXAMPLE, "Juin 2027", ("pdf",)))
    base = session._base_task("bc01-m1-1")
    people = [Candidat(f"Nom{i}", f"Prénom{i}", str(100 + i), "12/06/2027", f"Ville{i}") for i in range(3)]
    # the three candidates in one tagged file (a batch's printout is no longer one: pdf_stamp.Printout)
    source, pages, _tree = pdf_stamp._read_base(base.pdf)
    over = pdf_stamp.PdfIn(document(_overlay_html(base, people), EXAMPLE).write_pdf())
    together = pdf_stamp._write(source, over, pages, over.pages(), [0, 1, 2], [spoken(c) for c in people])
    (tmp_path / "batch.pdf").write_bytes(together)
    doc = read(tmp_path / "batch.pdf")
    ids = [str(e["/ID"]) for _d, _s, e in doc.elements if "/ID" in e]
    named = {str(h) for _d, _s, e in doc.elements if "/A" in e and "/Headers" in e["/A"] for h in e["/A"]["/Headers"]}
    assert len(ids) > 3 * 10 and len(ids) == len(set(ids)), "each candidate's header cells: IDs of their own"
    assert named and named <= set(ids)


def test_printout_of_grids_two_pages_long(tmp_path):
    """A grid on two pages (a jury of 18 signs it): the merged printout (pdf_stamp.Printout) has each
    copy's two pages in order, its stamp read on its first page, every drawing tagged or an artifact."""
    import subprocess

    from dossier.documents.grilles import Membre
    from dossier.pipeline import session
    from dossier.render import pdf_stamp
    from dossier.render.stamp import stamp_pdf
    from tests.verapdf import failures

    session._init(session.Job(EXAMPLE, "Juin 2027", ("pdf",), tuple(Membre(f"Membre {i}", "jury") for i in range(18))))
    base = session._base_task("bc01-m1-1")
    assert base.pages == 2
    people = [Candidat(f"Nom{i}", f"Prénom{i}", str(100 + i), "12/06/2027", f"Ville{i}") for i in range(3)]
    pdfs, (overlay, texts) = stamp_pdf(base, people, EXAMPLE)
    singles = []
    for i, data in enumerate(pdfs):
        singles.append(tmp_path / f"{i}.pdf")
        singles[-1].write_bytes(data)
    with open(tmp_path / "merged.pdf", "wb") as handle:
        pdf_stamp.printing(base.pdf, [(overlay, texts)], "Grilles")(handle)

    def text(path):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout

    assert text(tmp_path / "merged.pdf") == "".join(text(p) for p in singles)
    doc = read(tmp_path / "merged.pdf")
    pages = [p.indirect_reference.idnum for p in doc.reader.pages]
    stamps = [e for _d, _s, e in doc.elements if "/ActualText" in e]
    assert [str(e["/ActualText"]) for e in stamps] == texts
    assert [e.raw_get("/Pg").idnum for e in stamps] == pages[::2]
    assert all(loose_content(doc.reader, n) == [] for n in range(len(pages)))
    tree = parent_tree(doc.catalog["/StructTreeRoot"])
    assert sorted(tree) == list(range(6)) == [int(p["/StructParents"]) for p in doc.reader.pages]
    found = failures([tmp_path / "merged.pdf"])
    assert found in (None, {str(tmp_path / "merged.pdf"): {}}), found
