"""The référentiel table, read back from the DOCX, the PDF and the HTML."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from dossier.documents.coverage import coverage
from dossier.typography import duree_texte
from extract import (
    WEASYPRINT_BOUNDS,
    WORD_BOUNDS,
    W,
    count,
    docx_tables,
    docx_text,
    docx_xml,
    flat,
    html_columns,
    html_tree,
    libreoffice_pdf,
    page_fill,
    pdf_columns,
    pdf_info,
    pdf_pages,
)

SLUG = "responsable-commercial-et-marketing-referentiel"


@pytest.fixture(scope="module")
def built(example_build) -> Path:
    return example_build / "referentiel"


def annex_page(pages: list[str]) -> int:
    """The number of the page the annex (the coverage matrix) begins on."""
    return next(n for n, page in enumerate(pages, start=1) if "Annexe — Couverture de l’évaluation" in page)


def expected_columns(bloc) -> list[list[str]]:
    """What each of the four columns must hold for one bloc, text by text."""
    activites = [t for a in bloc.activites for t in (a.intitule, *a.taches)]
    competences = [c.texte for c in bloc.competences]
    modalites = []
    for m in bloc.modalites:
        modalites += [m.intitule, f"Durée : {duree_texte(m.duree)}", m.conditions, *[p for p in m.description.split("\n\n") if p], m.jury]
    criteres = [c.texte for c in bloc.criteres]
    return [[t for t in col if t] for col in (activites, competences, modalites, criteres)]


def assert_each_once_in_its_column(blocs, columns_per_bloc) -> None:
    """Each text once in its own column of its own bloc, and in no other column of that bloc."""
    assert len(columns_per_bloc) == len(blocs)
    problems = []
    for bloc, columns in zip(blocs, columns_per_bloc):
        for index, texts in enumerate(expected_columns(bloc)):
            for text in texts:
                found = [count(col, text) for col in columns]
                want = [1 if i == index else 0 for i in range(4)]
                # a short text (a duration) may also occur inside a longer one of another column
                if found[index] != 1 or (len(text) > 20 and found != want):
                    problems.append((bloc.code, index, text[:60], found))
    assert problems == []


# --- files ----------------------------------------------------------------------------


def test_three_formats_named_after_the_certification(built):
    assert sorted(p.name for p in built.iterdir()) == [f"{SLUG}.docx", f"{SLUG}.html", f"{SLUG}.pdf"]


# --- DOCX -----------------------------------------------------------------------------


def test_docx_table_rows_and_merged_cells(built, cert):
    table, *_annex = docx_tables(built / f"{SLUG}.docx")
    header1, header2 = table[0], table[1]
    assert header1[0] and header2[0], "both header rows repeat on every page (w:tblHeader)"
    assert [(c.column, c.span, c.vmerge) for c in header1[1]] == [(0, 1, "restart"), (1, 1, "restart"), (2, 2, None)]
    assert [(c.column, c.span, c.vmerge) for c in header2[1]] == [(0, 1, "continue"), (1, 1, "continue"), (2, 1, None), (3, 1, None)]
    assert header1[1][0].text.startswith("RÉFÉRENTIEL D'ACTIVITÉS décrit les situations de travail")
    assert [c.text for c in header2[1][2:]] == ["MODALITÉS D'ÉVALUATION", "CRITÈRES D'ÉVALUATION"]  # (flat: typography undone)
    body = table[2:]
    assert len(body) == sum(1 + len(b.competences) for b in cert.blocs) == 23
    i = 0
    for bloc in cert.blocs:
        header, cells = body[i]
        assert not header and len(cells) == 1 and cells[0].span == 4
        assert cells[0].text == f"{bloc.code} — {bloc.intitule}"
        rows = body[i + 1 : i + 1 + len(bloc.competences)]
        for n, (_header, cells) in enumerate(rows):
            assert [c.column for c in cells] == [0, 1, 2, 3]
            state = "restart" if n == 0 else "continue"
            assert (cells[0].vmerge, cells[1].vmerge, cells[2].vmerge, cells[3].vmerge) == (state, None, state, None)
            assert cells[1].text == flat(f"{bloc.competences[n].id} {bloc.competences[n].texte}")
            if n:
                assert cells[0].text == "" and cells[2].text == ""
        i += 1 + len(bloc.competences)


def test_docx_every_text_once_in_its_column(built, cert):
    table, *_annex = docx_tables(built / f"{SLUG}.docx")
    per_bloc, current = [], None
    for header, cells in table:
        if header:
            continue
        if len(cells) == 1:
            current = [[] for _ in range(4)]
            per_bloc.append(current)
            continue
        for cell in cells:
            current[cell.column].append(cell.text)
    assert_each_once_in_its_column(cert.blocs, [[" | ".join(c) for c in cols] for cols in per_bloc])


def test_docx_rows_do_not_split_and_lists_are_word_lists(built):
    root = docx_xml(built / f"{SLUG}.docx")
    body_rows = [tr for tr in root.iter(f"{W}tr") if tr.find(f"{W}trPr/{W}tblHeader") is None]
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in body_rows)
    table, *_annex = docx_tables(built / f"{SLUG}.docx")
    tasks = [p for _, cells in table[3:4] for p in cells[0].paragraphs]
    assert tasks[0][0] == "Tableauintitulé"  # the activity title, in its own style
    assert {style for style, _ in tasks[1:]} == {"Tableaupuce"}  # tasks: a bullet-list style


def test_docx_landscape_a4_with_page_numbers(built):
    root = docx_xml(built / f"{SLUG}.docx")
    size = root.find(f".//{W}sectPr/{W}pgSz")
    assert size.get(f"{W}orient") == "landscape"
    assert (int(size.get(f"{W}w")), int(size.get(f"{W}h"))) == (16838, 11906)
    footer = docx_xml(built / f"{SLUG}.docx", "word/footer1.xml")
    fields = [flat(t.text) for t in footer.iter(f"{W}instrText")]
    assert fields == ["PAGE", "NUMPAGES"]
    text = docx_text(built / f"{SLUG}.docx", "word/footer1.xml")
    assert text.startswith("Responsable commercial et marketing — version 1.0 page 1 / 1")


def test_docx_title_block(built):
    text = docx_text(built / f"{SLUG}.docx")
    assert "Référentiel d'activités, de compétences et d'évaluation Responsable commercial et marketing" in text
    assert "Niveau 6 · NSF : 312, 312p · ROME : D1406, D1402, M1705 · Formacode : 34566, 34554" in text
    assert "Certificateur : Institut Exemple de Commerce et de Management · Version 1.0 du 1er septembre 2026" in text
    assert "BROUILLON" not in text


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")
def test_docx_opens_in_libreoffice_with_the_same_text(built, cert, tmp_path):
    pdf = libreoffice_pdf(built / f"{SLUG}.docx", tmp_path)
    info = pdf_info(pdf)
    width, height = (float(v) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert width > height, "landscape"
    pages = pdf_pages(pdf)
    assert len(pages) == int(info["Pages"]) >= 3
    for number, page in enumerate(pages, start=1):
        assert ("RÉFÉRENTIEL D’ACTIVITÉS" in page and "CRITÈRES D’ÉVALUATION" in page) or number >= annex_page(pages)
        assert f"page {number} / {len(pages)}" in page
    assert_each_once_in_its_column(cert.blocs, pdf_columns(pdf, WORD_BOUNDS))


# --- PDF ------------------------------------------------------------------------------


def test_pdf_landscape_a4_header_and_page_numbers_on_every_page(built):
    pdf = built / f"{SLUG}.pdf"
    info = pdf_info(pdf)
    assert info["Page size"].split() [:3] == ["841.89", "x", "595.276"]
    pages = pdf_pages(pdf)
    assert len(pages) == int(info["Pages"]) >= 3
    for number, page in enumerate(pages, start=1):
        assert ("RÉFÉRENTIEL D’ACTIVITÉS" in page and "MODALITÉS D’ÉVALUATION" in page) or number >= annex_page(pages)
        assert f"page {number} / {len(pages)}" in page
        assert "Responsable commercial et marketing — version 1.0" in page


def test_pdf_every_text_once_in_its_column(built, cert):
    assert_each_once_in_its_column(cert.blocs, pdf_columns(built / f"{SLUG}.pdf", WEASYPRINT_BOUNDS))


def test_pdf_metadata(built):
    info = pdf_info(built / f"{SLUG}.pdf")
    assert info["Title"].strip() == "Référentiel d’activités, de compétences et d’évaluation — Responsable commercial et marketing"
    assert info["Author"].strip() == "Institut Exemple de Commerce et de Management"


# --- HTML -----------------------------------------------------------------------------


def test_html_semantic_table(built):
    tree = html_tree(built / f"{SLUG}.html")
    assert tree.get("lang") == "fr"
    head = tree.xpath("//table[@class='referentiel']/thead/tr")
    assert [[(th.get("scope"), th.get("rowspan"), th.get("colspan")) for th in tr.xpath("th")] for tr in head] == [
        [("col", "2", None), ("col", "2", None), ("colgroup", None, "2")],
        [("col", None, None), ("col", None, None)],
    ]
    bodies = tree.xpath("//table[@class='referentiel']/tbody")
    assert [b.get("id") for b in bodies] == ["BC01", "BC02", "BC03", "BC04"]
    first = bodies[0].xpath("tr")
    assert first[0].xpath("th/@scope") == ["rowgroup"]
    assert first[1].xpath("td[@class='activites']/@rowspan") == ["4"]
    assert not tree.xpath("//link[@rel='stylesheet'] | //script")  # standalone: CSS inlined, no script


def test_html_every_text_once_in_its_column(built, cert):
    tree = html_tree(built / f"{SLUG}.html")
    per_bloc = []
    for body in tree.xpath("//table[@class='referentiel']/tbody"):
        cols = html_columns(body)
        per_bloc.append([cols["activites"], cols["competence"], cols["modalites"], cols["criteres"]])
    assert_each_once_in_its_column(cert.blocs, per_bloc)


def test_html_anchors_for_every_identifier(built, cert):
    tree = html_tree(built / f"{SLUG}.html")
    ids = set(tree.xpath("//@id"))
    for bloc in cert.blocs:
        for item in (*bloc.activites, *bloc.competences, *bloc.modalites, *bloc.criteres):
            assert item.id in ids


# --- every competence says how it is evaluated ------------------------------------------


def _evaluation(bloc, competence):
    """The épreuves that assess a competence and the criteria that evaluate it, in the sources' order."""
    epreuves = [m.id for m in bloc.modalites if competence.id in m.competences]
    criteres = [c for c in bloc.criteres if competence.id in c.competences]
    return epreuves, criteres


def test_html_every_competence_row_shows_its_criteria_and_epreuves(built, cert):
    tree = html_tree(built / f"{SLUG}.html")
    for bloc in cert.blocs:
        first_seen: set[str] = set()
        for comp in bloc.competences:
            cell = tree.xpath(f"//td[@id='{comp.id}']/following-sibling::td[@class='criteres']")[0]
            epreuves, criteres = _evaluation(bloc, comp)
            said = tree.xpath(f"//td[@id='{comp.id}']/p[@class='epreuves']")[0]  # under the competence: a shorter row
            assert flat(said.text_content()).endswith(", ".join(epreuves)), comp.id
            items = cell.xpath("ul/li")
            assert items, f"{comp.id}: empty evaluation cell"
            assert len(items) == len(criteres)  # every criterion evaluating it, in the order of `criteres:`
            for li, crit in zip(items, criteres):
                text = flat(li.text_content())
                if crit.id in first_seen:
                    assert text.startswith(f"voir {crit.id}"), (comp.id, text)
                else:
                    assert text.startswith(f"{crit.id} {flat(crit.texte)}"), (comp.id, text)
                    first_seen.add(crit.id)


def test_the_example_has_shared_criteria_shown_in_each_row(built, cert):
    """C1.3, C1.4, C2.3 and C4.5 are evaluated only by criteria shared with an earlier competence."""
    tree = html_tree(built / f"{SLUG}.html")
    for ident in ("C1.3", "C1.4", "C2.3", "C4.5"):
        cell = tree.xpath(f"//td[@id='{ident}']/following-sibling::td[@class='criteres']")[0]
        assert cell.xpath("ul/li"), ident


def test_docx_every_competence_row_shows_its_criteria_and_epreuves(built, cert):
    table, *_annex = docx_tables(built / f"{SLUG}.docx")
    rows = {cells[1].text.split(" ", 1)[0]: cells for header, cells in table if not header and len(cells) == 4}
    for bloc in cert.blocs:
        for comp in bloc.competences:
            epreuves, criteres = _evaluation(bloc, comp)
            paragraphs = [text for _style, text in rows[comp.id][3].paragraphs if text]
            assert flat(paragraphs[0]).endswith(", ".join(epreuves)), comp.id
            assert len(paragraphs[1:]) == len(criteres) >= 1, comp.id
            for text, crit in zip(paragraphs[1:], criteres):
                assert flat(text).startswith((f"{crit.id} ", f"voir {crit.id}")), (comp.id, text)


def test_pdf_no_page_less_than_a_quarter_full_but_the_last(built):
    fill = page_fill(built / f"{SLUG}.pdf")
    assert len(fill) >= 3
    assert [f for f in fill[:-1] if f < 0.25] == [], fill


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")
def test_docx_in_libreoffice_no_page_less_than_a_quarter_full_nor_a_task_list_cut(built, cert, tmp_path):
    pdf = libreoffice_pdf(built / f"{SLUG}.docx", tmp_path)
    fill = page_fill(pdf)
    assert [f for f in fill[:-1] if f < 0.25] == [], fill
    pages = [flat(p) for p in pdf_pages(pdf)]
    for bloc in cert.blocs:  # a bloc's activities and their tasks on one page
        tasks = [flat(t) for a in bloc.activites for t in a.taches]
        assert any(all(t[:30] in page for t in tasks) for page in pages), bloc.code


# --- the annex: the coverage matrix -------------------------------------------------------


def test_html_annex_matrix(built, cert):
    tree = html_tree(built / f"{SLUG}.html")
    tables = tree.xpath("//section[@class='annexe']//table[@class='matrice']")
    assert len(tables) == len(cert.blocs)
    for table, cov in zip(tables, coverage(cert)):
        assert [flat(th.text_content()) for th in table.xpath("thead/tr/th")][1:] == [
            f"{m.id} {flat(m.titre)}" for m in cov.modalites
        ]
        for tr, (comp, counts) in zip(table.xpath("tbody/tr"), cov.rows):
            assert flat(tr.xpath("th")[0].text_content()).startswith(comp.id)
            assert [flat(td.text_content()) for td in tr.xpath("td")] == [
                "—" if n is None else f"{n} critère{'s' if n > 1 else ''}" for n in counts
            ]


def test_pdf_and_docx_annex(built, cert):
    pages = pdf_pages(built / f"{SLUG}.pdf")
    annex = flat(" ".join(pages[annex_page(pages) - 1 :]))
    for cov in coverage(cert):
        assert flat(f"{cov.bloc.code} : {cov.bloc.intitule}") in annex
    _table, *matrices = docx_tables(built / f"{SLUG}.docx")
    assert len(matrices) == len(cert.blocs)
    for matrix, cov in zip(matrices, coverage(cert)):
        header, *rows = matrix
        assert header[0] and [c.text for c in header[1]][0] == "Compétence"
        assert [[c.text for c in cells][1:] for _, cells in rows] == [
            ["—" if n is None else f"{n} critère{'s' if n > 1 else ''}" for n in counts] for _, counts in cov.rows
        ]
