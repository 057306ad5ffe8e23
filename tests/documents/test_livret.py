"""The candidate handbook, read back from the HTML, the DOCX (and LibreOffice) and the PDF."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, run
from dossier.typography import duree_texte
from extract import W, docx_xml, flat, html_tree, libreoffice_pdf, pdf_info, pdf_pages, pdf_text

SLUG = "responsable-commercial-et-marketing-livret"


@pytest.fixture(scope="module")
def built(example_build) -> Path:
    return example_build / "livret"


def source_texts(cert) -> list[str]:
    texts = []
    for bloc in cert.blocs:
        texts += [c.texte for c in bloc.competences] + [c.texte for c in bloc.criteres]
        for m in bloc.modalites:
            texts += [m.intitule, duree_texte(m.duree), m.conditions, *[p for p in m.description.split("\n\n") if p]]
    return [t for t in texts if t]


def docx_paragraphs(path: Path) -> list[tuple[str, str, str | None]]:
    """(style id, text, numId) of every body paragraph, tables included."""
    out = []
    for p in docx_xml(path).iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        num = p.find(f"{W}pPr/{W}numPr/{W}numId")
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        out.append((style.get(f"{W}val") if style is not None else "", text, num.get(f"{W}val") if num is not None else None))
    return out


def test_three_formats(built):
    assert sorted(p.name for p in built.iterdir()) == [f"{SLUG}.docx", f"{SLUG}.html", f"{SLUG}.pdf"]


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_every_competence_modalite_and_criterion_appears(built, cert, fmt):
    path = built / f"{SLUG}.{fmt}"
    if fmt == "html":
        text = flat(html_tree(path).xpath("//main")[0].text_content())
    elif fmt == "docx":
        text = flat(" ".join(t for _, t, _ in docx_paragraphs(path)))
    else:
        text = pdf_text(path, raw=True)
    missing = [t[:50] for t in source_texts(cert) if flat(t) not in text]
    assert missing == []
    for part in ("Rattrapage", "Recours", "Fraude", "Candidats en situation de handicap", "Délivrance de la certification"):
        assert part in text
    assert "Un bloc validé est acquis définitivement" in text
    assert "Le bloc est validé lorsque toutes ses compétences sont acquises." in text


def test_html_structure(built, cert):
    tree = html_tree(built / f"{SLUG}.html")
    assert tree.get("lang") == "fr"
    toc = tree.xpath("//nav[@class='sommaire']//a")
    targets = [a.get("href")[1:] for a in toc]
    assert all(tree.xpath(f"//*[@id='{t}']") for t in targets), "every TOC link has a target"
    assert [a.text_content() for a in toc][:4] == [
        "La certification", "Accès à la certification", "Les blocs de compétences et leurs épreuves",
        "Bloc BC01 — Analyser son marché et participer à la stratégie commerciale",
    ]
    # Markdown prose: its level-2 headings become h3 under the section's h2, its lists and tables stay so
    section = tree.xpath("//h2[@id='regles-01-inscription']/..")[0]
    assert [h.text_content() for h in section.xpath("h3")][:2] == ["Qui peut s’inscrire", "Constituer son dossier"]
    assert section.xpath(".//ul/li") and section.xpath(".//table//td")
    assert tree.xpath("//div[@class='footnote']//li")
    # one criteria table per épreuve, a row per evaluated competence
    for bloc in cert.blocs:
        for m in bloc.modalites:
            table = tree.xpath(f"//h3[@id='epreuve-{m.id.lower().replace('.', '-')}']/following-sibling::table[@class='criteres'][1]")[0]
            rows = [flat(th.text_content()) for th in table.xpath("tbody/tr/th")]
            assert rows == [flat(f"{c.id} {c.texte}") for c in bloc.competences if c.id in m.competences]


def test_docx_headings_lists_tables_and_toc(built, cert):
    path = built / f"{SLUG}.docx"
    paragraphs = docx_paragraphs(path)
    headings1 = [t for s, t, _ in paragraphs if s == "Heading1"]
    assert headings1[:4] == ["La certification", "Accès à la certification", "Les blocs de compétences et leurs épreuves",
                             "Bloc BC01 — Analyser son marché et participer à la stratégie commerciale"]
    assert "Rattrapage" in headings1 and "Fraude" in headings1
    headings2 = [flat(t) for s, t, _ in paragraphs if s == "Heading2"]
    assert "Qui peut s'inscrire" in headings2 and flat("Épreuve M1.1 — Étude de cas : De l’analyse du marché au Plan d’Action Commerciale") in headings2
    bullets = [t for s, t, _ in paragraphs if s == "ListBullet"]
    assert "Responsable commercial" in bullets  # emplois accessibles
    numbered = [(t, n) for s, t, n in paragraphs if s == "ListNumber"]
    assert numbered and all(n for _, n in numbered), "numbered lists restart through their own Word list"
    root = docx_xml(path)
    tables = list(root.iter(f"{W}tbl"))
    header_rows = [tr for t in tables for tr in t.findall(f"{W}tr") if tr.find(f"{W}trPr/{W}tblHeader") is not None]
    assert len(tables) >= 4 + 2 * len(cert.modalites) and header_rows
    # the table of contents is a real TOC field whose entries link to bookmarks on the headings
    instr = [flat(t.text) for t in root.iter(f"{W}instrText")]
    assert 'TOC \\o "1-2" \\h \\z \\u' in instr
    toc = [re.sub(r"\d+$", "", t) for s, t, _ in paragraphs if s in ("toc1", "toc2")]  # each with its page number
    assert toc[:2] == ["La certification", "Objectifs et contexte"] or toc[0] == "La certification"
    bookmarks = {b.get(f"{W}name") for b in root.iter(f"{W}bookmarkStart")}
    anchors = {h.get(f"{W}anchor") for h in root.iter(f"{W}hyperlink") if h.get(f"{W}anchor")}
    assert anchors and anchors <= bookmarks
    settings = zipfile.ZipFile(path).read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    header = docx_xml(path, "word/header1.xml") if "word/header1.xml" in zipfile.ZipFile(path).namelist() else None
    assert header is not None and any("STYLEREF" in (t.text or "") for t in header.iter(f"{W}instrText"))


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")
def test_docx_opens_in_libreoffice(built, cert, tmp_path):
    pdf = libreoffice_pdf(built / f"{SLUG}.docx", tmp_path)
    text = pdf_text(pdf, raw=True)
    missing = [t[:50] for t in source_texts(cert) if flat(t) not in text]
    assert missing == []
    pages = pdf_pages(pdf)
    assert all(f"page {n} / {len(pages)}" in page for n, page in enumerate(pages[1:], start=2))


def test_pdf_portrait_running_header_and_page_numbers(built):
    pdf = built / f"{SLUG}.pdf"
    assert pdf_info(pdf)["Page size"].split()[:3] == ["595.276", "x", "841.89"]
    pages = pdf_pages(pdf)
    assert "Livret du candidat".upper() in pages[0].upper() and "page 1 /" not in pages[0]  # bare cover
    for number, page in enumerate(pages[1:], start=2):
        assert f"page {number} / {len(pages)}" in page
        assert page.lstrip().startswith("Responsable commercial et marketing")
    bloc_page = next(p for p in pages if "Bloc BC02 — Développer un portefeuille client" in p and "Ce bloc certifie" in p)
    assert bloc_page.splitlines()[0].rstrip().endswith("Bloc BC02 — Développer un portefeuille client")


def test_pdf_toc_page_numbers_match_the_headings(built):
    pages = pdf_pages(built / f"{SLUG}.pdf")
    entries = []
    for page in pages[1:4]:
        for line in page.splitlines():
            found = re.match(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", line)
            if found:
                entries.append((found.group(1), int(found.group(2))))
    assert len(entries) >= 30
    wrong = [(title, n) for title, n in entries if flat(title) not in flat(pages[n - 1])]
    assert wrong == []
    assert [n for _, n in entries] == sorted(n for _, n in entries)


def test_handbook_for_one_bloc(cert, tmp_path):
    result = run("build", str(EXAMPLE), "--out", str(tmp_path), "--only", "livret", "--bloc", "BC02", "--format", "html,docx")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "livret").iterdir())
    assert names == [f"{SLUG}-bc02.docx", f"{SLUG}-bc02.html"]
    text = flat(html_tree(tmp_path / "livret" / f"{SLUG}-bc02.html").text_content())
    bc01, bc02 = cert.blocs[0], cert.blocs[1]
    assert all(flat(c.texte) in text for c in bc02.competences)
    assert not any(flat(c.texte) in text for c in bc01.competences)
    assert "Ce livret présente le bloc BC02." in text
    docx = flat(" ".join(t for _, t, _ in docx_paragraphs(tmp_path / "livret" / f"{SLUG}-bc02.docx")))
    assert "Bloc BC02 — Développer un portefeuille client" in docx and "Bloc BC01" not in docx


def test_unknown_bloc(tmp_path):
    result = run("build", str(EXAMPLE), "--out", str(tmp_path), "--only", "livret", "--bloc", "BC09")
    assert result.exit_code == 1
    assert result.stderr == "Erreur : bloc « BC09 » inconnu ; blocs : BC01, BC02, BC03, BC04\n"
    assert not (tmp_path / "livret").exists()


def test_raw_html_in_prose_is_refused_and_escaped_in_a_draft(project, tmp_path):
    folder = project({"livret/01-regles.md": "# Règles\n\nUn <script>alert(1)</script> [lien](javascript:alert(2)).\n"})
    assert run("build", str(folder), "--out", str(tmp_path / "a")).exit_code == 1
    result = run("build", str(folder), "--out", str(tmp_path / "b"), "--only", "livret", "--brouillon", "--format", "html,docx")
    assert result.exit_code == 0, result.output
    (page,) = (tmp_path / "b" / "livret").glob("*.html")
    raw = page.read_text(encoding="utf-8")
    assert "<script>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert "javascript:" not in raw
    (docx,) = (tmp_path / "b" / "livret").glob("*.docx")
    assert "Un <script>alert(1)</script> lien." in flat(" ".join(t for _, t, _ in docx_paragraphs(docx)))


PNG = bytes.fromhex(  # one red pixel (a real PNG: the logo is checked to be one)
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d"
    "49444154789c63382127f71f0004ba02043e571fc70000000049454e44ae426082"
)


def test_logo_of_the_project_on_the_cover(project, tmp_path):
    folder = project({"logo.png": PNG})
    assert run("build", str(folder), "--out", str(tmp_path), "--only", "livret").exit_code == 0
    (page,) = (tmp_path / "livret").glob("*.html")
    assert html_tree(page).xpath("//header[@class='couverture']/img/@src")[0].startswith("data:image/png;base64,")
    (docx,) = (tmp_path / "livret").glob("*.docx")
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(docx).namelist())
