"""Putting the parts together (render/pdf_assemble.py): each font once, the overlay kept, the cache's fonts."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE
from dossier import build
from dossier.checks import check
from dossier.documents import DOCUMENTS
from dossier.pipeline import cache as part_cache
from dossier.pipeline import produce
from dossier.pipeline.plan import parted, plan, render_env
from dossier.pipeline.produce import make_one
from dossier.render import pdf_layout
from dossier.render.formats import html_page
from dossier.render.pdf import from_html
from dossier.render.pdf_fonts import can_subset

# under `make test` (DOSSIER_REQUIRE_TOOLS=1) a missing libharfbuzz-subset0 fails these tests rather than skipping them
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not can_subset() and os.environ.get("DOSSIER_REQUIRE_TOOLS") != "1", reason="libharfbuzz-subset"),
]

SLUG = "responsable-commercial-et-marketing"


def _fonts(data: bytes) -> dict[str, list[bytes]]:
    """Every font file of a PDF, by the font's name (several when a font is written more than once)."""
    found: dict[str, list[bytes]] = {}
    reader = PdfReader(io.BytesIO(data))
    seen = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            found.setdefault(str(font["/BaseFont"]), []).append(descriptor["/FontFile2"].get_object().get_data())
    return found


@pytest.mark.parametrize("document", ["referentiel", "livret"])
def test_each_font_is_written_once_and_is_the_font_of_the_document_in_one_piece(document):
    """Subset once for the glyphs of every part (the folio's included): the very font file WeasyPrint
    writes for the document laid out in one piece."""
    cert = check(EXAMPLE).certification
    env = render_env(cert, EXAMPLE)
    out = plan(cert, (document,), ("pdf",))[0]
    assert len(parted(out, env, None).parts) >= 4
    parts = _fonts(make_one(out, env, {}))
    whole = _fonts(from_html(html_page(DOCUMENTS[document], out.view, env), env.templates.folders[0]))
    assert {name: len(files) for name, files in parts.items()} == dict.fromkeys(parts, 1)
    assert parts == whole


def _edit(folder: Path, mark: str) -> None:
    bloc = sorted((folder / "blocs").glob("*.yaml"))[1]
    text = bloc.read_text(encoding="utf-8")
    start = text.index("texte:") + len("texte:")
    end = text.index("\n", start)
    bloc.write_text(text[:end] + mark + text[end:], encoding="utf-8")


def test_an_edit_that_moves_no_page_number_keeps_the_overlay(tmp_path, monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    out = tmp_path / "build"
    build(src, out, only=("referentiel",), formats=("pdf",), jobs=1)
    laid: list[bool] = []
    real = pdf_layout.layout

    def noting(html, base_url, known_fonts=frozenset(), overlay=False):
        laid.append(overlay)
        return real(html, base_url, known_fonts, overlay)

    monkeypatch.setattr(pdf_layout, "layout", noting)
    _edit(src, " (mot)")
    build(src, out, only=("referentiel",), formats=("pdf",), jobs=1)
    assert laid == []  # the part was laid out by pdf_parts.layout (the real one); the overlay not at all
    monkeypatch.setattr(pdf_layout, "layout", real)
    fresh = tmp_path / "fresh"
    build(src, fresh, only=("referentiel",), formats=("pdf",), jobs=1)
    rel = f"referentiel/{SLUG}-referentiel.pdf"
    assert (out / rel).read_bytes() == (fresh / rel).read_bytes()


def test_the_full_fonts_are_kept_once_and_a_part_whose_font_is_gone_is_laid_out_again(tmp_path):
    out = tmp_path / "build"
    build(EXAMPLE, out, only=("referentiel", "livret"), formats=("pdf",), jobs=1)
    cache = out / part_cache.CACHE_DIR
    fonts = sorted((cache / part_cache.FONTS_DIR).glob("*.font"))
    named = {
        font["sha"]
        for meta in cache.rglob("*.json")
        for font in json.loads(meta.read_text(encoding="utf-8")).get("fonts", {}).values()
    }
    assert fonts and {p.stem for p in fonts} == named  # both documents' parts share the files
    kept = part_cache.part_cache(cache, next(o.path for o in plan(check(EXAMPLE).certification, ("referentiel",), ("pdf",))))
    key = next(p.stem for p in kept.folder.glob("*.json") if json.loads(p.read_text(encoding="utf-8"))["fonts"])
    assert kept.get(key) is not None
    fonts[0].unlink()
    assert part_cache.part_cache(cache, Path("referentiel/x.pdf")).font_files().keys() == {p.stem for p in fonts[1:]}
    again = part_cache.FolderPartCache(kept.folder, kept.fonts)
    needs = {font["sha"] for font in json.loads((kept.folder / f"{key}.json").read_text(encoding="utf-8"))["fonts"].values()}
    assert (again.get(key) is None) == (fonts[0].stem in needs)
    good = (out / f"referentiel/{SLUG}-referentiel.pdf").read_bytes()
    build(EXAMPLE, out, only=("referentiel",), formats=("pdf",), jobs=1, force=True)
    assert (out / f"referentiel/{SLUG}-referentiel.pdf").read_bytes() == good


def test_a_full_build_forgets_the_fonts_no_part_names(tmp_path):
    cache = tmp_path / part_cache.CACHE_DIR
    folder = part_cache.output_folder(cache, Path("referentiel/r.pdf"))
    folder.mkdir(parents=True)
    (folder / "k.json").write_text(json.dumps({"fonts": {"F": {"sha": "aa", "index": 0, "widths": [], "unicode": []}}}), encoding="utf-8")
    fonts = cache / part_cache.FONTS_DIR
    fonts.mkdir()
    for sha in ("aa", "bb"):
        (fonts / f"{sha}.font").write_bytes(b"x")
    part_cache.prune(cache, [Path("referentiel/r.pdf")])
    assert sorted(p.stem for p in fonts.iterdir()) == ["aa"]


def test_with_a_pool_a_document_whose_parts_are_all_kept_is_put_together_here(tmp_path, monkeypatch):
    """The handbook's parts and overlay are kept (only its file was lost); two parts of the référentiel
    were lost: a pool lays them out, and both files are put together in this process, as they were."""
    from dossier.render import pdf_parts

    out = tmp_path / "build"
    both = ("referentiel", "livret")
    build(EXAMPLE, out, only=both, formats=("pdf",), jobs=2)
    rels = (f"referentiel/{SLUG}-referentiel.pdf", f"livret/{SLUG}-livret.pdf")
    before = {rel: (out / rel).read_bytes() for rel in rels}
    (out / rels[1]).unlink()
    (out / rels[0]).unlink()
    parts = part_cache.output_folder(out / part_cache.CACHE_DIR, Path(rels[0]))
    for meta in sorted(parts.glob("*.json"), key=lambda p: json.loads(p.read_text(encoding="utf-8"))["pages"])[:2]:
        meta.with_suffix(".pdf").unlink()
    here: list[int] = []
    real = pdf_parts.put_together
    monkeypatch.setattr(pdf_parts, "put_together", lambda *args: here.append(len(args[0])) or real(*args))
    pools: list[int] = []
    real_pool = produce.process_pool
    monkeypatch.setattr(produce, "process_pool", lambda count, *rest: pools.append(count) or real_pool(count, *rest))
    build(EXAMPLE, out, only=both, formats=("pdf",), jobs=2)
    assert pools == [2] and len(here) == 2  # a worker would not see the patch (nor could it be sent one)
    for rel in rels:
        assert (out / rel).read_bytes() == before[rel], rel
