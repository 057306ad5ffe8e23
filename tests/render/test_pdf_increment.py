"""Copies of a PDF laid out once: values appended (incremental update), or overlaid for other scripts."""

from __future__ import annotations

import html
import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from dossier.render.overlay import lay_out, stamp_pdfs
from tests.conftest import PACKAGE_TEMPLATES
from tests.extract import flat

pytestmark = pytest.mark.slow

PAGE = """<!DOCTYPE html><html><head><style>@page { size: A4; margin: 20mm } .champ { display: inline-block; min-width: 100%; min-height: 1.2em }
.long { min-height: 3em } p.c { text-align: center; font-weight: bold }</style></head><body>
<p>Nom : <span class="champ" id="champ-nom"></span></p><p class="c"><span class="champ" id="champ-titre"></span></p>
<p><span class="champ long" id="champ-motif"></span></p><p style="break-before: page">Suite <span class="champ" id="champ-fin"></span></p>
</body></html>"""


@pytest.fixture(scope="module")
def laid():
    return lay_out(PAGE, PAGE, b"", PACKAGE_TEMPLATES / "html")


def text(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_values_are_appended_to_the_base(laid):
    records = [
        {"nom": "Zoé « Dupré » (l'aînée) \\ 100 %", "titre": "Œuvre", "motif": "un motif " * 20, "fin": "n° 1"},
        {"nom": "Noël", "fin": "n° 2"},
    ]
    pdfs, together = stamp_pdfs(laid, records, PACKAGE_TEMPLATES / "html")
    assert laid.pages == 2
    first = text(pdfs[0])
    assert "Zoé « Dupré » (l'aînée) \\ 100 %" in first[0] and "Œuvre" in first[0] and "un motif un motif" in first[0]
    assert "Suite n° 1" in first[1]
    assert pdfs[0].startswith(laid.prepared.data)  # the base, untouched, then the copy's objects
    assert len(pdfs[0]) - len(laid.prepared.data) < 12000  # the fonts with the copy's glyphs, its streams and pages
    assert "Noël" in text(pdfs[1])[0] and "Zoé" not in " ".join(text(pdfs[1]))
    printout = text(together)
    assert len(printout) == 4 and "n° 2" in printout[3] and "Zoé" in printout[0]
    faces = sum(len(f.program) for f in laid.prepared.faces.values())  # the printout embeds the whole fonts, once
    assert len(together) < 2 * len(pdfs[0]) + faces  # and one copy of the base's drawing for the whole batch


def test_other_scripts_are_overlaid(laid, tmp_path):
    pdfs, together = stamp_pdfs(laid, [{"nom": "Ἀλέξανδρος Παπαδόπουλος", "fin": "x"}], PACKAGE_TEMPLATES / "html")
    assert not laid.prepared.covers("Ἀλέξανδρος")
    assert pdfs[0].startswith(laid.prepared.data)  # laid out, then drawn over the base as a form
    assert b"/DossierV0 Do" in PdfReader(io.BytesIO(pdfs[0])).pages[0].get_contents().get_data()
    (tmp_path / "greek.pdf").write_bytes(pdfs[0])
    said = subprocess.run(["pdftotext", str(tmp_path / "greek.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Ἀλέξανδρος Παπαδόπουλος" in said
    assert len(text(together)) == 2


# the fields as the jury documents have them (jury.css): the body's font and line height, a field a cell of fixed size
FIELDS = """<!DOCTYPE html><html lang="fr"><head><title>T</title><style>@page { size: A4; margin: 20mm }
body { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 10pt; line-height: 1.35 }
.champ { display: inline-block; min-width: 100%; min-height: 1.2em } .long { min-height: 2.6em }
p.c { text-align: center; font-weight: bold; font-size: 14pt } .court { min-width: 10em; width: 10em } .etroit { width: 60mm }</style></head><body>
<p>Nom : <span class="champ" id="champ-nom">{nom}</span></p><p class="c"><span class="champ" id="champ-titre">{titre}</span></p>
<p>n° <span class="champ court" id="champ-num">{num}</span> suite</p><p><span class="champ long" id="champ-motif">{motif}</span></p>
<div class="etroit"><span class="champ" id="champ-lieu">{lieu}</span></div></body></html>"""
LATIN = {"nom": "Łukasz Nguyễn Ștefan", "titre": "Œuvre de Zoé Dvořák", "num": "A-123",
         "motif": "un motif qui tient sur deux lignes " * 3}


def filled(**values: str) -> str:
    page = FIELDS
    for name in ("nom", "titre", "num", "motif", "lieu"):
        page = page.replace("{" + name + "}", values.get(name, ""))
    return page


@pytest.fixture(scope="module")
def latin(tmp_path_factory):
    """A tagged base, and a copy filled with names outside Windows-1252 that its font has."""
    folder = tmp_path_factory.mktemp("latin")
    laid = lay_out(filled(), filled(), b"", PACKAGE_TEMPLATES / "html", tagged=True)
    pdfs, _ = stamp_pdfs(laid, [LATIN], PACKAGE_TEMPLATES / "html")
    (folder / "copy.pdf").write_bytes(pdfs[0])
    return laid, folder / "copy.pdf", folder


def words(path: Path) -> list[tuple[str, float, float, float, float]]:
    """pdftotext's words: text, xMin, yMin, xMax, yMax (points, from the page's top)."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)
    return [(html.unescape(w), float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


def test_latin_names_are_appended_in_the_documents_font(latin):
    laid, path, _ = latin
    data = path.read_bytes()
    assert data.startswith(laid.prepared.data)  # appended, not laid out as an overlay
    said = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Łukasz Nguyễn Ștefan" in said and "Œuvre de Zoé Dvořák" in said
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert not re.search(r"Helvetica", fonts)
    assert all(re.search(r"DejaVu-Sans\S*\s+CID TrueType\s+Identity-H\s+yes yes yes", line)
               for line in fonts.splitlines()[2:]), fonts
    drawn = {}

    def seen(text, _cm, _tm, font, _size):
        if font is not None and text.strip():
            drawn[text.strip()] = str(font["/BaseFont"])

    PdfReader(path).pages[0].extract_text(visitor_text=seen)
    label = drawn["Nom :"].split("+")[1]  # the label beside the name: the face it is laid out in
    assert label == "DejaVu-Sans" and drawn["Łukasz Nguyễn Ștefan"].split("+")[1] == label
    assert drawn["Œuvre de Zoé Dvořák"].split("+")[1] == "DejaVu-Sans-Bold"


def test_values_sit_in_their_boxes_on_the_baseline_of_the_text_beside_them(latin):
    """A field is an empty inline block. With text beside it, that text stands on its bottom edge: the value
    does too (the same bottom as « n° » and « suite », same font and size). Alone on its line, the value
    stands where WeasyPrint puts it with that value alone in the page (the box does not move then). It starts
    at the box's content left, or is centred in it. Within 0.5 pt."""
    from dossier.render.pdf import document

    laid, path, folder = latin
    stamped = {w[0]: w for w in words(path)}
    number, label, after = stamped["A-123"], stamped["n°"], stamped["suite"]
    assert abs(number[4] - label[4]) <= 0.5 and abs(number[2] - label[2]) <= 0.5 and abs(number[4] - after[4]) <= 0.5
    for name in ("num", "nom", "titre"):
        _page, x, y, w, h, size, align, *_rest = laid.boxes[name]
        first, last = stamped[LATIN[name].split()[0]], stamped[LATIN[name].split()[-1]]
        if align == "center":
            assert abs((first[1] + last[3]) / 2 - (x + w / 2) * 0.75) <= 0.5
        else:
            assert abs(first[1] - x * 0.75) <= 0.5
        if name != "num":
            reference = folder / f"{name}.pdf"
            reference.write_bytes(document(filled(**{name: LATIN[name]}), PACKAGE_TEMPLATES / "html").write_pdf())
            laid_out = {w[0]: w for w in words(reference)}
            for word in LATIN[name].split():
                assert all(abs(a - b) <= 0.5 for a, b in zip(stamped[word][1:], laid_out[word][1:])), (word, stamped[word], laid_out[word])


def test_a_long_value_flows_as_the_layout_would_lay_it_out(latin):
    """A long field's value from the box's top, wrapped as WeasyPrint wraps it with that value alone in the page."""
    from dossier.render.pdf import document

    _laid, path, folder = latin
    stamped = words(path)
    reference = folder / "motif.pdf"
    reference.write_bytes(document(filled(motif=LATIN["motif"]), PACKAGE_TEMPLATES / "html").write_pdf())
    expected = [w for w in words(reference) if w[0] not in ("Nom", ":", "n°", "suite")]
    assert " ".join(w[0] for w in expected) == " ".join(LATIN["motif"].split())
    for word in expected:
        near = min((w for w in stamped if w[0] == word[0]), key=lambda w: abs(w[1] - word[1]) + abs(w[2] - word[2]))
        assert all(abs(a - b) <= 0.5 for a, b in zip(near[1:], word[1:])), (word, near)


def test_a_copy_embeds_only_the_glyphs_it_draws(latin):
    """Each copy's fonts hold the glyphs its values use (the others empty): a copy adds a few kB, not the
    whole subset (some 30 kB compressed per weight), which its document's printout embeds once."""
    from fontTools.ttLib import TTFont

    laid, path, _ = latin
    added = path.read_bytes()[len(laid.prepared.data):]
    assert len(added) < 12000, len(added)  # two fonts, the streams, the pages and the fields' elements
    reader = PdfReader(path)
    font = reader.pages[0]["/Resources"]["/Font"]["/DossierF400"]
    program = font["/DescendantFonts"][0]["/FontDescriptor"]["/FontFile2"].get_data()
    glyphs = TTFont(io.BytesIO(program))["glyf"]
    drawn = {name for name in glyphs.keys() if glyphs[name].numberOfContours != 0}
    face = laid.prepared.faces[400]
    assert len(face.cids) > 900 and len(drawn) < 80  # the subset covers Latin scripts; the copy draws its names
    order = TTFont(io.BytesIO(program)).getGlyphOrder()
    for ch in "ŁęşăễŞ":
        if ch in "".join(LATIN.values()):
            assert order[face.cids[ord(ch)]] in drawn
    widths = font["/DescendantFonts"][0]["/W"]
    assert len(widths) < 80  # runs of the copy's glyphs only


def test_a_long_value_shrinks_then_wraps_and_is_never_cut(latin):
    laid, _path, folder = latin
    place = "Saint-Rémy-de-Provence, Bouches-du-Rhône, Provence-Alpes-Côte d'Azur, France métropolitaine"
    assert len(place) >= 90
    pdfs, _ = stamp_pdfs(laid, [{"lieu": place}], PACKAGE_TEMPLATES / "html")
    path = folder / "long.pdf"
    path.write_bytes(pdfs[0])
    said = flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout)
    assert place in said or place.replace("-", "- ") in said or all(part in said for part in place.split())
    _page, x, y, w, h, size, *_rest = laid.boxes["lieu"]
    left, right, top = x * 0.75, (x + w) * 0.75, y * 0.75
    found = [v for v in words(path) if v[2] >= top - 1 and v[0] in place]
    assert {v[0] for v in found} >= set(place.split())
    assert all(left - 0.5 <= v[1] and v[3] <= right + 0.5 for v in found)  # inside the box's width
    assert len({round(v[2]) for v in found}) >= 2  # wrapped on two lines at the smallest size
    assert all(v[4] - v[2] <= size * 0.75 * 1.2 for v in found)  # a smaller size than the field's


def test_a_tagged_base_gives_each_copy_its_values_as_actual_text(tmp_path):
    from tests.tagged_pdf import actual_texts, loose_content, mcid_texts, parent_tree, read

    tagged = lay_out(PAGE.replace("<html>", "<html lang='fr'>").replace("<head>", "<head><title>T</title>"), PAGE, b"",
                     PACKAGE_TEMPLATES / "html", tagged=True)
    assert laid_fields(tagged) == ["nom", "titre", "motif", "fin"]
    records = [{"nom": "Zoé « Dupré » (l'aînée)", "fin": "n° 1"}, {"nom": "Noël"}]
    pdfs, together = stamp_pdfs(tagged, records, PACKAGE_TEMPLATES / "html")
    for pdf, expected in zip(pdfs, (["Zoé « Dupré » (l'aînée)", "n° 1"], ["Noël"])):
        path = tmp_path / "copy.pdf"
        path.write_bytes(pdf)
        copy = read(path)
        assert copy.catalog["/MarkInfo"]["/Marked"] and copy.catalog["/Lang"] == "fr-FR"
        assert actual_texts(copy) == expected
        assert not any("/T" in e for _d, _s, e in copy.elements)  # the titles that found the fields are gone
        assert all(loose_content(copy.reader, n) == [] for n in range(len(copy.reader.pages)))
        tree = parent_tree(copy.catalog["/StructTreeRoot"])  # each MCID maps back to its element
        assert all(len(tree[int(p["/StructParents"])]) == max(mcid_texts(copy.reader, n).keys() - {None}, default=-1) + 1
                   for n, p in enumerate(copy.reader.pages))
    printed = PdfReader(io.BytesIO(together))
    assert "/StructTreeRoot" not in printed.trailer["/Root"] and len(printed.pages) == 4  # pages only
    assert "Zoé" in text(together)[0]


def test_values_laid_out_as_an_overlay_are_tagged_too(tmp_path):
    """Characters the base's font subset lacks (Greek, Cyrillic): each value laid out apart and drawn over
    the base as a form, marked content of its field's element, with its ActualText; the base kept as is."""
    from tests.tagged_pdf import actual_texts, loose_content, mcid_texts, parent_tree, read

    tagged = lay_out(PAGE.replace("<html>", "<html lang='fr'>").replace("<head>", "<head><title>T</title>"), PAGE, b"",
                     PACKAGE_TEMPLATES / "html", tagged=True)
    records = [{"nom": "Ἀλέξανδρος Παπαδόπουλος", "titre": "Œuvre", "fin": "Дмитрий"}, {"nom": "Noël", "fin": "n° 2"}]
    pdfs, together = stamp_pdfs(tagged, records, PACKAGE_TEMPLATES / "html")
    assert not tagged.prepared.covers(records[0]["nom"]) and pdfs[0].startswith(tagged.prepared.data)
    path = tmp_path / "greek.pdf"
    path.write_bytes(pdfs[0])
    copy = read(path)
    assert copy.catalog["/MarkInfo"]["/Marked"] and actual_texts(copy) == ["Ἀλέξανδρος Παπαδόπουλος", "Œuvre", "Дмитрий"]
    assert all(loose_content(copy.reader, n) == [] for n in range(len(copy.reader.pages)))
    tree = parent_tree(copy.catalog["/StructTreeRoot"])
    for n, page in enumerate(copy.reader.pages):
        marked = mcid_texts(copy.reader, n)
        elements = tree[int(page["/StructParents"])]
        assert len(elements) == max(marked.keys() - {None}) + 1  # every MCID drawn resolves to an element
        for mcid, element in enumerate(elements):
            value = element.get_object().get("/ActualText")
            if value is not None:  # a field: its marked content draws its value
                assert " ".join(marked[mcid].split()) == value
    said = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Ἀλέξανδρος Παπαδόπουλος" in said and "Дмитрий" in said
    assert "Noël" in text(pdfs[1])[0] and len(text(together)) == 4


def laid_fields(laid) -> list[str]:
    return [name for _number, name, _template in laid.prepared.tags.fields]


def test_a_long_place_on_a_stamped_grid_is_not_cut(tmp_path):
    """A grid's header fields (stamp.py, the session grids): a 90-character place in a small cell is laid out
    smaller, on several lines, every word of it there; a short one keeps the fields' size."""
    from dossier.render.overlay import stamp
    from dossier.render.stamp import grid_values, with_header
    from dossier.sources.candidats import Candidat

    page = ("<!DOCTYPE html><html lang='fr'><head><style>td { border: 1px solid; width: 8em } .champ { display: inline-block;"
            " min-width: 100%; min-height: 1.2em }</style></head><body><table><tr><td>Lieu</td><td><span class='champ'"
            " id='champ-lieu'></span></td><td>Candidat</td><td><span class='champ' id='champ-candidat'></span></td></tr>"
            "</table></body></html>")
    laid = with_header(lay_out(page, page, b"", PACKAGE_TEMPLATES / "html", tagged=True))
    place = "Saint-Rémy-de-Provence, Bouches-du-Rhône, Provence-Alpes-Côte d'Azur, France métropolitaine"
    pdfs, _ = stamp(laid, [grid_values(Candidat("Durand", "Zoé", "12", "", place), laid.pages)], PACKAGE_TEMPLATES / "html")
    path = tmp_path / "grid.pdf"
    path.write_bytes(pdfs[0])
    found = words(path)
    placed = sorted((w for w in found if w[0] in place and w[1] > 150), key=lambda w: (round(w[2]), w[1]))
    assert "".join(w[0] for w in placed) == place.replace(" ", "")  # every word, in order (some broken at a hyphen)
    name = next(w for w in found if w[0] == "Durand" and w[2] > 20)  # in its cell (not the running header)
    assert len({round(w[2]) for w in placed}) >= 2 and all(w[4] - w[2] < (name[4] - name[2]) * 0.8 for w in placed)
    _page, x, _y, width, _h, *_rest = laid.boxes["lieu"]
    assert all(x * 0.75 <= w[1] and w[3] <= (x + width) * 0.75 for w in placed)  # within the cell's width
