"""A session's grids in PDF (pipeline/session.py): the épreuve's grid laid out once, each candidate's header
appended to it (render/stamp.py, as the jury's documents); a worker reuses its base from batch to batch,
and every copy must still be whole and correct on its own."""

from __future__ import annotations

import pytest

from dossier.documents.grilles import Membre
from dossier.sources.candidats import Candidat
from tests.conftest import EXAMPLE
from tests.extract import pdf_pages
from tests.tagged_pdf import loose_content, parent_tree, read

pytestmark = pytest.mark.slow  # each test lays out grids (and runs veraPDF)
PEOPLE = [Candidat(f"Nom{i}", f"Prénom{i}", str(100 + i), "12/06/2027", f"Ville{i}", ("BC01",)) for i in range(5)]


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    """Two batches of the same base, filled one after the other in one process (as a worker does)."""
    from dossier.pipeline import session

    session._init(session.Job(EXAMPLE, "Juin 2027", ("pdf",)))
    base = session._base_task("bc01-m1-1")
    out = tmp_path_factory.mktemp("filled")
    written = []
    for chunk in (PEOPLE[:3], PEOPLE[3:]):
        files, _printed = session._worker.batch(base, chunk)
        for name, data in files:
            (out / name).write_bytes(data)
            written.append((out / name, chunk[[c.stem for c in chunk].index(name[:-4])]))
    return written


def test_every_copy_has_its_own_whole_tree(batches):
    first = read(batches[0][0])
    assert len(first.elements) > 100
    for path, candidat in batches:
        doc = read(path)
        assert [(d, s) for d, s, _e in doc.elements] == [(d, s) for d, s, _e in first.elements], f"{path.name}: the grid's tree"
        pages = {p.indirect_reference.idnum for p in doc.reader.pages}
        assert all(e.raw_get("/Pg").idnum in pages for _d, _s, e in doc.elements if "/Pg" in e)
        said = [str(e["/ActualText"]) for _d, _s, e in doc.elements if "/ActualText" in e]
        assert said == ["12/06/2027", candidat.lieu, candidat.nom_complet, candidat.numero]
        owners = parent_tree(doc.catalog["/StructTreeRoot"])[int(doc.reader.pages[0]["/StructParents"])]
        assert all(o.get_object()["/Type"] == "/StructElem" for o in owners)
        assert loose_content(doc.reader, 0) == []


def test_grid_two_pages_long_has_the_candidate_on_each_page_and_prints_in_order(tmp_path):
    """A grid on two pages (a jury of 18 signs it): each copy's two pages remind the candidate in the top
    margin; the merged printout has each copy's two pages in order, every drawing tagged or an artifact,
    and passes veraPDF's PDF/UA-1 profile."""
    from dossier.pipeline import session
    from tests.verapdf import failures

    jury = tuple(Membre(f"Membre {i}", "jury") for i in range(18))
    result = session.generate(EXAMPLE, PEOPLE[:3], tmp_path, "Juin 2027", ("pdf",), jobs=1, jury=jury)
    root = tmp_path / "sessions" / "juin-2027"
    singles = [root / "bc01-m1-1" / f"{c.stem}.pdf" for c in PEOPLE[:3]]
    merged = root / "bc01-m1-1.pdf"
    assert merged in result.merged
    for single, c in zip(singles, PEOPLE):
        pages = pdf_pages(single)
        assert len(pages) == 2
        assert all(page.splitlines()[0].strip() == f"Candidat : {c.nom_complet} — n° {c.numero}" for page in pages)
        assert (single.stat().st_mode & 0o777) == 0o600, "a grid names its candidate: the owner's only"
    assert all((folder.stat().st_mode & 0o777) == 0o700 for folder in (root, root / "bc01-m1-1")), "nobody else lists the names"
    assert pdf_pages(merged) == [page for single in singles for page in pdf_pages(single)]
    doc = read(merged)
    assert [str(e["/ActualText"]) for _d, _s, e in doc.elements if "/ActualText" in e][2::4] == [c.nom_complet for c in PEOPLE[:3]]
    assert all(loose_content(doc.reader, n) == [] for n in range(len(doc.reader.pages)))
    tree = parent_tree(doc.catalog["/StructTreeRoot"])
    assert sorted(tree) == list(range(6)) == [int(p["/StructParents"]) for p in doc.reader.pages]
    found = failures([merged, singles[0]])
    assert found in (None, {str(merged): {}, str(singles[0]): {}}), found


def test_grids_follow_pdf_a(tmp_path):
    """With `affichage: {pdf_a: true}`, a session's grids are PDF/A-3b (and tagged), as the other documents:
    each candidate's (appended to a grid laid out PDF/A-3b; a Greek name laid out apart and drawn over it)
    and the merged one; veraPDF's PDF/A-3b and PDF/UA-1 profiles pass."""
    from dossier.pipeline import session
    from tests.conftest import example_sources
    from tests.verapdf import failures

    sources = example_sources(tmp_path / "sources", "pdf_a: true")
    people = [*PEOPLE[:2], Candidat("Παπαδόπουλος", "Ἀλέξανδρος", "7", "12/06/2027", "Αθήνα", ("BC01",))]
    session.generate(sources, people, tmp_path / "out", "Juin 2027", ("pdf",), jobs=1)
    root = tmp_path / "out" / "sessions" / "juin-2027"
    files = [root / "bc01-m1-1.pdf", root / "bc01-m1-1" / f"{people[0].stem}.pdf", root / "bc01-m1-1" / f"{people[2].stem}.pdf"]
    assert "Ἀλέξανδρος" in pdf_pages(files[2])[0]
    for flavour in ("3b", "ua1"):
        found = failures(files, flavour)
        assert found in (None, {str(f): {} for f in files}), (flavour, found)


def test_printout_copies_formatted_in_one_piece_as_element_by_element(tmp_path, monkeypatch):
    """A tagged printout formats each copy's elements in one piece (printout_tags._packed), their places in the
    object stream computed from their numbers' digits: the same bytes as formatting them one by one, and as
    when some copies fall back to that (their numbers change digits); header cells' IDs prefixed per copy, a
    copy's elements under the one Document."""
    from dossier.pipeline import session
    from dossier.pipeline.jury_outputs import Printouts
    from dossier.render import printout_tags

    session._init(session.Job(EXAMPLE, "Juin 2027", ("pdf",)))
    base = session._base_task("bc01-m1-1")
    parts = [session._worker.batch(base, chunk)[1] for chunk in (PEOPLE[:3], PEOPLE[3:])]

    def printout(folder):
        folder.mkdir()
        printouts = Printouts(folder, 0o600)
        for index, printed in enumerate(parts):
            printouts.add(base.stem, index, base.laid.prepared, *printed)
        return printouts.finish(lambda stem: folder / f"{stem}.pdf")[0].read_bytes()

    assert printout_tags.template(base.laid.prepared.data, base.laid.prepared.tags).packed is not None
    together = printout(tmp_path / "together")
    real_head, firsts = printout_tags._head, []

    def some_apart(packed, order, first, *rest):
        firsts.append(first)
        return None if len(firsts) % 2 else real_head(packed, order, first, *rest)

    monkeypatch.setattr(printout_tags, "_head", some_apart)
    assert printout(tmp_path / "some-apart") == together and len(firsts) == 5
    monkeypatch.setattr(printout_tags, "_packed", lambda *args: None)
    assert printout(tmp_path / "apart") == together
    path = tmp_path / "together" / "bc01-m1-1.pdf"
    doc = read(path)
    ids = [str(e["/ID"]) for _d, _s, e in doc.elements if "/ID" in e]
    assert len(ids) > 5 * 10 and len(ids) == len(set(ids)) and all(i.startswith(("c0-", "c1-", "c2-", "c3-", "c4-")) for i in ids)
    assert [s for d, s, _e in doc.elements if d == 0] == ["/Document"]


def test_a_failing_batch_leaves_no_merged_pdf_behind(tmp_path, monkeypatch):
    """A batch that fails stops the run: its error reaches the caller, no later batch begins, and the merged PDF
    the printer had begun is removed (no temporary file left, nothing in its place)."""
    from dossier.pipeline import session

    real = session._Worker.batch

    def failing(self, base, candidats):
        if any(c.numero == "103" for c in candidats):
            raise RuntimeError("lot en échec")
        return real(self, base, candidats)

    monkeypatch.setattr(session._Worker, "batch", failing)  # the workers are forked: they inherit it
    monkeypatch.setattr(session, "BATCH", 2)
    with pytest.raises(RuntimeError, match="lot en échec"):
        session.generate(EXAMPLE, PEOPLE, tmp_path, "Juin 2027", ("pdf",), jobs=1)
    root = tmp_path / "sessions" / "juin-2027"
    assert (root / "bc01-m1-1" / f"{PEOPLE[0].stem}.pdf").exists(), "the first batch was written"
    assert not list(root.glob("*.pdf")), "no merged PDF"
    assert [p.name for p in root.glob(".*")] == [".dossier-session.json"], "no temporary file: the listing only"
