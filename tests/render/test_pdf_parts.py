"""Long PDFs laid out in parts (render/pdf_parts.py): the same document as in one piece, kept between builds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import EXAMPLE
from dossier import build
from dossier.checks import check
from dossier.documents import DOCUMENTS
from dossier.pipeline import cache as part_cache
from dossier.pipeline.plan import parted, plan, render_env
from dossier.pipeline.produce import make_one
from dossier.render import pdf_parts
from dossier.render.formats import RenderEnv, html_page
from dossier.render.pdf import from_html
from dossier.render.templates import PACKAGE_TEMPLATES
from extract import flat, pdf_pages

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")]

SLUG = "responsable-commercial-et-marketing"


def _outputs(folder: Path, document: str):
    cert = check(folder).certification
    env = render_env(cert, folder)
    out = plan(cert, (document,), ("pdf",))[0]
    return out, env


@pytest.mark.parametrize("document", ["referentiel", "livret"])
def test_parts_give_the_document_laid_out_in_one_piece(document, tmp_path):
    """Same pages, same text on each page (the folio included), whether laid out whole or in parts."""
    out, env = _outputs(EXAMPLE, document)
    whole_or_parts = parted(out, env, None)
    assert whole_or_parts is not None and len(whole_or_parts.parts) >= 4
    spec = DOCUMENTS[document]
    whole = from_html(html_page(spec, out.view, env), env.templates.folders[0])
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "parts.pdf").write_bytes(make_one(out, env, {}))
    one, many = pdf_pages(tmp_path / "whole.pdf"), pdf_pages(tmp_path / "parts.pdf")
    assert len(one) == len(many)
    leaders = re.compile(r"\.{3,}\s*")  # in parts, a leader stops short of the widest number's room
    for n, (a, b) in enumerate(zip(one, many), start=1):
        assert leaders.sub("… ", flat(a)) == leaders.sub("… ", flat(b)), f"page {n}"
    # the stamped folio sits where the one-piece layout puts it
    first = 1 if document == "livret" else 0  # the handbook's cover has none
    stamped = _folio_boxes(tmp_path / "parts.pdf")
    assert len(stamped) == 4 * (len(many) - first)
    assert stamped == pytest.approx(_folio_boxes(tmp_path / "whole.pdf"), abs=0.05)
    folios = [re.findall(r"page (\d+) / (\d+)", page) for page in many]
    assert folios[:first] == [[]] * first
    assert [f for page in folios[first:] for f in page] == [(str(n), str(len(many))) for n in range(first + 1, len(many) + 1)]


def _folio_boxes(path: Path) -> list[float]:
    """Where each page's « page X / Y » is drawn: the box of its word « page » (pdftotext -bbox)."""
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    boxes = []
    for page in out.split("<page ")[1:]:
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)
        for i, (x0, y0, x1, y1, word) in enumerate(words[:-3]):
            if word == "page" and words[i + 2][4] == "/":
                boxes += [float(x0), float(y0), float(x1), float(y1)]
    return boxes


def test_links_and_bookmarks_across_parts(tmp_path):
    out, env = _outputs(EXAMPLE, "livret")
    path = tmp_path / "livret.pdf"
    path.write_bytes(make_one(out, env, {}))
    reader = PdfReader(path)
    pages = pdf_pages(path)
    dests = reader.named_destinations
    page_of = {name: reader.get_destination_page_number(d) for name, d in dests.items()}
    # the table of contents (its own part) links to headings in other parts, on their pages
    toc = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    targets = [str(a["/Dest"]) for a in toc if "/Dest" in a]
    assert len(targets) >= 20 and not [a for a in toc if "/A" in a and str(a["/A"].get("/URI", "")).startswith("#")]
    for name in ("certification", "bloc-bc02", "bloc-bc04-validation", "regles-03-rattrapage"):
        assert name in targets
    for view_bloc in out.view.blocs:
        assert flat(view_bloc.titre) in flat(pages[page_of[view_bloc.id]])
    # one outline for the whole: the handbook's title, its sections under it, on their pages
    top = reader.outline
    assert len([o for o in top if not isinstance(o, list)]) == 1
    sections = [o for o in top[1] if not isinstance(o, list)]
    titles = [s.title for s in sections]
    assert titles[:3] == ["La certification", "Accès à la certification", "Les blocs de compétences et leurs épreuves"]
    for s in sections:
        assert flat(s.title) in flat(pages[reader.get_destination_page_number(s)])


def _toc_number(page: str, title: str) -> int:
    return int(re.search(re.escape(title) + r"[\s.]*?(\d+)", flat(page)).group(1))


def _edit_competence(folder: Path, bloc_index: int, mark: str) -> str:
    bloc = sorted((folder / "blocs").glob("*.yaml"))[bloc_index]
    text = bloc.read_text(encoding="utf-8")
    start = text.index("texte:") + len("texte:")
    end = text.index("\n", start)
    bloc.write_text(text[:end] + mark + text[end:], encoding="utf-8")
    return bloc.stem


def test_an_edited_bloc_lays_out_its_parts_only_and_gives_the_cold_bytes(tmp_path, monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    out = tmp_path / "build"
    build(src, out, only=("referentiel", "livret"), formats=("pdf",), jobs=1)
    cache = out / part_cache.CACHE_DIR
    before = {p.name for p in cache.rglob("*.pdf")}

    laid: list[str] = []
    real = pdf_parts.layout

    def counting(html: str, base_url: str, *rest):
        laid.append(html)
        return real(html, base_url, *rest)

    monkeypatch.setattr(pdf_parts, "layout", counting)
    _edit_competence(src, 1, " (révision de test)")
    build(src, out, only=("referentiel", "livret"), formats=("pdf",), jobs=1)
    # one part of each document holds the edited bloc: only those two are laid out again
    assert len(laid) == 2 and all("révision de test" in html for html in laid)
    after = {p.name for p in cache.rglob("*.pdf")}
    assert len(after) == len(before) and len(after - before) == 2  # the old parts of that bloc are forgotten

    monkeypatch.setattr(pdf_parts, "layout", real)
    fresh = tmp_path / "fresh"
    build(src, fresh, only=("referentiel", "livret"), formats=("pdf",), jobs=1)
    for rel in (f"referentiel/{SLUG}-referentiel.pdf", f"livret/{SLUG}-livret.pdf"):
        assert (out / rel).read_bytes() == (fresh / rel).read_bytes(), rel
    assert "révision de test" in flat(" ".join(pdf_pages(out / f"referentiel/{SLUG}-referentiel.pdf")))


def test_a_damaged_part_is_laid_out_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    out = tmp_path / "build"
    build(EXAMPLE, out, only=("referentiel",), formats=("pdf",), jobs=1)
    target = out / f"referentiel/{SLUG}-referentiel.pdf"
    good = target.read_bytes()
    victim = sorted((out / part_cache.CACHE_DIR).rglob("*.pdf"))[0]
    victim.write_bytes(victim.read_bytes()[:1000])  # cut, as by a killed build
    build(EXAMPLE, out, only=("referentiel",), formats=("pdf",), jobs=1, force=True)
    assert target.read_bytes() == good
    assert len(victim.read_bytes()) > 1000


def test_pool_and_single_process_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    build(src, tmp_path / "one", only=("livret",), formats=("pdf",), jobs=1)
    build(src, tmp_path / "two", only=("livret",), formats=("pdf",), jobs=2)
    rel = f"livret/{SLUG}-livret.pdf"
    assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "two" / rel).read_bytes()
    # a bloc edited: the pool reuses the kept parts, and gives what a cold single process gives
    _edit_competence(src, 2, " (révision)")
    build(src, tmp_path / "two", only=("livret",), formats=("pdf",), jobs=2)
    build(src, tmp_path / "three", only=("livret",), formats=("pdf",), jobs=1)
    assert (tmp_path / "two" / rel).read_bytes() == (tmp_path / "three" / rel).read_bytes() != (tmp_path / "one" / rel).read_bytes()


def test_pdf_a_is_laid_out_in_one_piece():
    out, env = _outputs(EXAMPLE, "referentiel")
    archival = RenderEnv(env.templates, env.when, pdf_a=True)
    assert parted(out, archival, None) is None


def test_a_full_build_forgets_the_parts_of_documents_it_no_longer_makes(tmp_path):
    out, env = _outputs(EXAMPLE, "livret")
    cache = tmp_path / part_cache.CACHE_DIR
    current, stale = part_cache.output_folder(cache, out.path), cache / "livret--ancien-intitule-livret"
    for folder in (current, stale):
        folder.mkdir(parents=True)
        (folder / "0123.pdf").write_bytes(b"%PDF")
    part_cache.prune(cache, [out.path])
    assert current.is_dir() and not stale.exists()


def _short_epreuves(src: Path) -> None:
    """Every épreuve's description cut to a line: a bloc's head (its title and first row, with the
    activités and épreuves cells spanning its rows) then fits in what the bloc before it leaves."""
    for bloc in (src / "blocs").glob("*.yaml"):
        text = bloc.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^    description: \|\n(?:      .*\n|\n)+", "    description: Épreuve écrite.\n", text)
        bloc.write_text(re.sub(r"(?m)^    description: .*\n", "    description: Épreuve écrite.\n", text), encoding="utf-8")


def _fills(path: Path) -> list[float]:
    """How full each page is: the lowest word above the footer, as a share of the page's body."""
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fills = []
    for page in out.split("<page ")[1:]:
        height = float(re.match(r'width="[\d.]+" height="([\d.]+)"', page).group(1))
        top, bottom = 14 / 25.4 * 72, height - 16 / 25.4 * 72  # the @page margins (print.css)
        lows = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page) if float(y) < bottom + 1]
        fills.append((max(lows, default=top) - top) / (bottom - top))
    return fills


def test_a_continuous_referentiel_is_one_piece_with_blocs_sharing_pages(tmp_path):
    """`bloc_par_page: false`: one piece, no page break forced between blocs.

    In the example every bloc's head (title, first row and the épreuves cell spanning the bloc's rows:
    about 60 % of a page) is taller than what the bloc before it leaves (about 25 %, 55 % and 0 %), and
    a row is not cut when it fits on a page: continuous and bloc by bloc give the same pages there.
    Starting BC03 under BC02 would cut its épreuves cell, hence the table there (a cut row ends the
    page), for no page saved. With shorter épreuves a bloc does begin under the one before it."""
    pdfs = {}
    for continu in (True, False):
        src = tmp_path / f"src-{continu}"
        shutil.copytree(EXAMPLE, src)
        _short_epreuves(src)
        if continu:
            cert_file = src / "certification.yaml"
            cert_file.write_text(cert_file.read_text(encoding="utf-8").replace("affichage:\n", "affichage:\n  bloc_par_page: false\n"), encoding="utf-8")
        out, env = _outputs(src, "referentiel")
        assert (parted(out, env, None) is None) == continu
        pdfs[continu] = tmp_path / f"continu-{continu}.pdf"
        pdfs[continu].write_bytes(make_one(out, env, {}))
    continuous, per_bloc = pdf_pages(pdfs[True]), pdf_pages(pdfs[False])
    table_pages = next(i for i, p in enumerate(continuous) if "Annexe — Couverture" in p)  # the table's pages
    continuous, per_bloc = continuous[:table_pages], per_bloc[: next(i for i, p in enumerate(per_bloc) if "Annexe — Couverture" in p)]
    assert len(continuous) <= len(per_bloc)
    # no page left nearly empty but the table's last
    fills = _fills(pdfs[True])[:table_pages]
    assert all(f > 0.25 for f in fills[:-1]), [round(f, 2) for f in fills]
    # each bloc's title row opens a page by default; continuous, some bloc begins where the previous one ends
    titles = [f"{b.bloc.code} — " for b in out.view.blocs]
    last_ids = [b.rows[-1].competence.id for b in out.view.blocs]  # each bloc's last competence

    def shared(pages):
        return [t for i, t in enumerate(titles[1:]) if any(t in p and re.search(rf"\b{re.escape(last_ids[i])}\b", p) for p in pages)]

    assert shared(continuous), "with a continuous table, some bloc begins on the page where the previous one ends"
    assert not shared(per_bloc)
    assert all(any(t in p and all(o not in p for o in titles if o != t) for p in per_bloc) for t in titles[1:])


def test_pages_added_to_a_bloc_renumber_the_contents_without_laying_them_out_again(tmp_path, monkeypatch):
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    out = tmp_path / "build"
    build(src, out, only=("livret",), formats=("pdf",), jobs=1)
    livret = out / f"livret/{SLUG}-livret.pdf"
    before = pdf_pages(livret)
    laid: list[str] = []
    real = pdf_parts.layout
    monkeypatch.setattr(pdf_parts, "layout", lambda html, base, *rest: laid.append(html) or real(html, base, *rest))
    _edit_competence(src, 0, " Une compétence bien plus longue." * 100)  # BC01 grows by pages (within 4,000 characters)
    build(src, out, only=("livret",), formats=("pdf",), jobs=1)
    assert len(laid) == 1 and "bien plus longue" in laid[0]  # the contents are not laid out again
    after = pdf_pages(livret)
    assert len(after) > len(before)
    title = "Bloc BC02 — Développer un portefeuille client"
    bc02 = next(n for n, page in enumerate(after, start=1) if title in page and "Ce bloc certifie" in page)
    assert _toc_number(after[1], title) == bc02 > _toc_number(before[1], title)
    monkeypatch.setattr(pdf_parts, "layout", real)
    fresh = tmp_path / "fresh"
    build(src, fresh, only=("livret",), formats=("pdf",), jobs=1)
    assert livret.read_bytes() == (fresh / f"livret/{SLUG}-livret.pdf").read_bytes()


def test_a_template_without_montrer_is_laid_out_in_one_piece(tmp_path):
    """A référentiel template copied from before `montrer()` would repeat the document in every part."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    template = (PACKAGE_TEMPLATES / "html/referentiel.html").read_text(encoding="utf-8")
    old_style = (
        template.replace('{% if not montrer("titre") %} data-suite{% endif %}', "")
        .replace('{% if montrer("titre") %}', "{% if true %}").replace(' if montrer("bloc:" ~ b.bloc.code)', "")
        .replace(' if montrer("annexe:" ~ cov.bloc.code)', "").replace('montrer("annexe")', "true")
    )
    assert "montrer" not in old_style
    (src / "templates/html").mkdir(parents=True)
    (src / "templates/html/referentiel.html").write_text(old_style, encoding="utf-8")
    out, env = _outputs(src, "referentiel")
    assert parted(out, env, None) is None
    (tmp_path / "r.pdf").write_bytes(make_one(out, env, {}))
    text = flat(" ".join(pdf_pages(tmp_path / "r.pdf")))
    for b in out.view.blocs:
        assert text.count(f"{b.bloc.code} — {b.bloc.intitule}") == 1


def test_an_image_named_in_the_styles_is_part_of_what_a_kept_part_depends_on(tmp_path, monkeypatch):
    from PIL import Image

    src = tmp_path / "src"
    shutil.copytree(EXAMPLE, src)
    (src / "templates/html").mkdir(parents=True)
    css = (PACKAGE_TEMPLATES / "html/print.css").read_text(encoding="utf-8")
    (src / "templates/html/print.css").write_text(css + "\nmain { background: url(fond.png); }\n", encoding="utf-8")
    image = src / "templates/fond.png"  # relative to the templates folder, as the layout's base URL
    Image.new("RGB", (4, 4), (255, 0, 0)).save(image)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    out = tmp_path / "build"
    build(src, out, only=("referentiel",), formats=("pdf",), jobs=1)
    pdf = out / f"referentiel/{SLUG}-referentiel.pdf"
    red = pdf.read_bytes()
    laid: list[str] = []
    real = pdf_parts.layout
    monkeypatch.setattr(pdf_parts, "layout", lambda html, base, *rest: laid.append(html) or real(html, base, *rest))
    Image.new("RGB", (4, 4), (0, 0, 255)).save(image)
    build(src, out, only=("referentiel",), formats=("pdf",), jobs=1, force=True)
    assert len(laid) == len(parted(*_outputs(src, "referentiel"), None).parts)
    assert pdf.read_bytes() != red
    laid.clear()
    build(src, out, only=("referentiel",), formats=("pdf",), jobs=1, force=True)  # --force: laid out again
    assert laid


def test_the_contents_leaders_run_up_to_their_page_numbers(tmp_path):
    """The contents keep room for the widest number; the dots are continued up to a narrower one."""
    import subprocess

    out, env = _outputs(EXAMPLE, "livret")
    path = tmp_path / "livret.pdf"
    path.write_bytes(make_one(out, env, {}))
    xml = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml)]
    gaps = [
        number[0] - dots[2]
        for dots, number in zip(words, words[1:])
        if set(dots[3]) == {"."} and number[3].isdigit() and abs(dots[1] - number[1]) < 2
    ]
    assert len(gaps) >= 20
    assert max(gaps) < 8 and min(gaps) > 0  # about one dot and a space at 9.5 pt, never touching the number
