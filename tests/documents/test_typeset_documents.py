"""French typography in every format of the example's documents, read back as a reader gets them.

PDF text is read with pypdf, which keeps the no-break spaces (pdftotext turns
them into plain spaces); DOCX from its w:t elements; HTML from its text nodes.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import html as lxml_html

from conftest import run
from extract import W, docx_xml

# a plain space before « : ; ! ? » followed by a space or the end: what French typography never leaves
PLAIN_SPACE_BEFORE = re.compile(r"\S (?=[:;!?](?:\s|$))")
STRAIGHT_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


def html_text(path: Path) -> str:
    tree = lxml_html.fromstring(path.read_bytes())
    for el in tree.xpath("//style | //script | //code"):
        el.drop_tree()
    return tree.text_content()


def docx_text(path: Path) -> str:
    texts = []
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]
    for part in parts:
        root = docx_xml(path, part)
        texts += ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]
    return "\n".join(texts)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def text_of(path: Path) -> str:
    return {".html": html_text, ".docx": docx_text, ".pdf": pdf_text, ".txt": lambda p: p.read_text("utf-8")}[path.suffix](path)


def outputs(build: Path, pdf: bool) -> list[Path]:
    found = [p for folder in ("referentiel", "livret") for p in sorted((build / folder).iterdir())]
    found += sorted((build / "grilles").glob("bc01-m1-1.*"))
    found += sorted((build / "site").rglob("*.html")) + [build / "dossier" / "teleprocedure.txt"]
    return [p for p in found if (p.suffix == ".pdf") == pdf]


def plain_punctuation(build: Path, pdf: bool) -> dict[str, list[str]]:
    """Where a plain space stands before « : ; ! ? », or an apostrophe is straight, file by file."""
    problems = {}
    for path in outputs(build, pdf):
        text = text_of(path)
        found = [text[max(0, m.start() - 25) : m.end() + 2] for m in PLAIN_SPACE_BEFORE.finditer(text)]
        found += [text[max(0, m.start() - 25) : m.end() + 5] for m in STRAIGHT_APOSTROPHE.finditer(text)]
        if found:
            problems[str(path.relative_to(build))] = found[:5]
    return problems


def test_html_docx_site_and_teleprocedure_have_no_plain_space_before_punctuation(example_build):
    assert len(outputs(example_build, pdf=False)) >= 12
    assert plain_punctuation(example_build, pdf=False) == {}


@pytest.mark.slow
def test_pdfs_have_no_plain_space_before_punctuation(example_build):
    assert len(outputs(example_build, pdf=True)) == 3
    assert plain_punctuation(example_build, pdf=True) == {}


def test_typeset_characters_reach_every_format(example_build):
    for path in (*(example_build / "referentiel").iterdir(), example_build / "dossier" / "teleprocedure.txt"):
        text = text_of(path)
        assert "\u00a0:" in text and "\u202f;" in text and "’" in text, path.name
    assert "Durée\u00a0: 3\u00a0h" in text_of(next((example_build / "referentiel").glob("*.pdf")))
    assert "1ᵉʳ septembre 2026" in text_of(next((example_build / "referentiel").glob("*.docx")))  # DOCX: real characters
    page = next((example_build / "referentiel").glob("*.html")).read_text("utf-8")
    assert "1<sup>er</sup> septembre 2026" in page  # HTML: in superscript


def test_the_handbook_access_table_header_reads_ouverte(example_build):
    pdf = next((example_build / "livret").glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line for line in text.splitlines() if "Composition du jury" in line]
    assert lines and all("Ouverte" in line for line in lines), lines


def test_the_sources_are_never_changed(example_build):
    from conftest import EXAMPLE

    sources = "".join(p.read_text("utf-8") for p in sorted(EXAMPLE.rglob("*.yaml")))
    assert "\u00a0" not in sources and "\u202f" not in sources


def test_typographie_false_keeps_the_text_as_written(project, tmp_path):
    folder = project({"certification.yaml": (project() / "certification.yaml").read_text("utf-8") + "affichage:\n  typographie: false\n"})
    assert run("build", str(folder), "--out", str(tmp_path / "out"), "--only", "referentiel", "--format", "html,docx").exit_code == 0
    for path in (tmp_path / "out" / "referentiel").iterdir():
        text = text_of(path)
        assert "Durée : 30 min" in text and "\u00a0" not in text and "\u202f" not in text, path.name
    typeset = project()
    assert run("build", str(typeset), "--out", str(tmp_path / "on"), "--only", "referentiel", "--format", "html").exit_code == 0
    assert "Durée\u00a0: 30\u00a0min" in text_of(next((tmp_path / "on" / "referentiel").glob("*.html")))
