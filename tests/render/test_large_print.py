"""The large-print handbook (`--gros-caracteres`): 16 pt body, tables on one column, beside the usual one."""

from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, run
from tests.extract import W, docx_xml
from tests.tagged_pdf import read

SLUG = "responsable-commercial-et-marketing"


def test_cells_labelled_by_their_column_and_style_last():
    from dossier.render.large_print import large_print

    page = (
        "<!DOCTYPE html><html lang='fr'><head><style>body{font-size:10pt}</style></head><body><table>"
        "<thead><tr><th>Bloc</th><th colspan='2'>Épreuves</th></tr></thead>"
        "<tbody><tr><th scope='row'>BC01</th><td>Étude</td><td>Bloc : déjà dit</td></tr></tbody></table></body></html>"
    )
    out = large_print(page)
    assert out.startswith("<!DOCTYPE html>")
    assert re.findall(r'data-label="([^"]*)"', out) == ["Bloc", "Épreuves", "Épreuves"]
    assert out.index("font-size: 16pt") > out.index("font-size:10pt"), "the large-print sheet comes last"


def _word_heights(pdf: Path, page: int) -> list[float]:
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [float(y2) - float(y1) for y1, y2 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', text)]


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gros") / "out"
    result = run("build", str(EXAMPLE), "--only", "livret", "--gros-caracteres", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    return out / "livret"


@pytest.mark.slow
def test_written_beside_the_usual_handbook(large):
    assert sorted(p.name for p in large.iterdir()) == sorted(
        f"{SLUG}-livret{variant}.{fmt}" for variant in ("", "-gros-caracteres") for fmt in ("docx", "html", "pdf")
    )


@pytest.mark.slow
def test_body_text_is_16_pt(large):
    """Glyph boxes from pdftotext: a 16 pt line's words are ~18.6 pt high, a 10 pt line's ~11.6."""
    usual, big = large / f"{SLUG}-livret.pdf", large / f"{SLUG}-livret-gros-caracteres.pdf"
    assert statistics.median(_word_heights(usual, 8)) < 13
    heights = [h for n in (8, 12, 20) for h in _word_heights(big, n)]
    assert statistics.median(heights) >= 18
    assert int(subprocess.run(["pdfinfo", str(big)], capture_output=True, text=True).stdout.split("Pages:")[1].split()[0]) > 40


@pytest.mark.slow
def test_tables_on_one_column_and_still_tables(large):
    big = large / f"{SLUG}-livret-gros-caracteres.pdf"
    text = subprocess.run(["pdftotext", "-bbox", str(big), "-"], capture_output=True, text=True, check=True).stdout
    labels = [float(x) for x, word in re.findall(r'xMin="([\d.]+)"[^>]*>(Intitulé|Durée)</word>', text)]
    assert len(labels) >= 4 and max(labels) - min(labels) < 1, "each cell starts at the left margin, under the last"
    doc = read(big)
    assert doc.kinds("/TH") and doc.kinds("/TD") and bool(doc.catalog["/MarkInfo"]["/Marked"])


@pytest.mark.slow
def test_word_file_in_large_print(large):
    styles = docx_xml(large / f"{SLUG}-livret-gros-caracteres.docx", "word/styles.xml")
    usual = docx_xml(large / f"{SLUG}-livret.docx", "word/styles.xml")

    def normal_size(tree) -> int:
        style = tree.find(f"{W}style[@{W}styleId='Normal']")
        size = style.find(f"{W}rPr/{W}sz")
        return int(size.get(f"{W}val"))

    assert normal_size(styles) >= 32 > normal_size(usual)
