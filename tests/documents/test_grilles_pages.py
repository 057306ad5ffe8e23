"""Grids a jury signs: one page for the example in PDF and Word, and when a grid needs more, every page
says whose grid it is and the signatures never stand alone; signature rows sized on the jury."""

from __future__ import annotations

import shutil

import pytest

from conftest import EXAMPLE, MINIMAL, run
from extract import W, docx_text, docx_xml, flat, html_tree, libreoffice_pdf, pdf_info, pdf_pages

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
soffice = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")


def big_bloc(criteria: int) -> str:
    """The minimal bloc with many criteria, each long enough to take two lines."""
    lines = ["criteres:"]
    for i in range(1, criteria + 1):
        lines += [f"  - id: CR1.{i}",
                  f"    texte: Le critère numéro {i} est observé par le jury pendant l'épreuve, avec une phrase assez longue pour deux lignes.",
                  f"    competences: [{'C1.1' if i <= criteria // 2 else 'C1.2'}]"]
    return BLOC[: BLOC.index("criteres:")] + "\n".join(lines) + "\n"


def test_signature_rows_follow_the_largest_jury(project, tmp_path):
    from dossier.checks import check
    from dossier.documents.grilles import Membre, for_candidate, grilles, taille_jury

    example = check(EXAMPLE).certification
    assert taille_jury(example) == 4  # « composé de quatre membres » (the VAE jury has three)
    listed = "    jury: |\n      Le jury :\n\n      - un président ;\n      - deux professionnels ;\n      - un formateur.\n"
    folder = project({"certification.yaml": CERT.replace("    jury: Deux professionnels.\n", listed)})
    cert = check(folder).certification
    assert taille_jury(cert) == 4  # one, two, one: the list's members counted
    assert taille_jury(check(project()).certification) == 3  # nothing to count: three rows
    view = grilles(cert)[0]
    assert len(view.signataires) == 4 and all(m.nom == "" for m in view.signataires)
    jury = (Membre("Claire Martin", "présidente"), Membre("Paul Roy", "professionnel"))
    signed = for_candidate(view, None, "Juin 2027", jury)
    assert signed.signataires == jury


def test_session_grids_signed_by_the_session_jury(tmp_path):
    from dossier.documents.grilles import Membre
    from dossier.pipeline.session import generate
    from dossier.sources.candidats import Candidat

    jury = (Membre("Claire « Présidente » Martin", "présidente du jury"), Membre("Paul Roy", "professionnel extérieur"))
    generate(EXAMPLE, [Candidat("Dupont", "Marie", "12", blocs=("BC01",), line=2)], tmp_path, "Juin 2027", ("html",), jobs=1, jury=jury)
    tree = html_tree(tmp_path / "sessions" / "juin-2027" / "bc01-m1-1" / "12-dupont-marie.html")
    signatures = [[flat(td.text_content()) for td in tr.xpath("td")] for tr in tree.xpath("//table[@class='signatures']/tbody/tr")]
    assert signatures == [["Claire « Présidente » Martin", "présidente du jury", ""], ["Paul Roy", "professionnel extérieur", ""]]


@pytest.mark.slow
@soffice
def test_every_word_grid_of_the_example_fits_on_one_page_in_libreoffice(example_build, tmp_path):
    for docx in sorted((example_build / "grilles").glob("*.docx")):
        pdf = libreoffice_pdf(docx, tmp_path)
        assert int(pdf_info(pdf)["Pages"]) == 1, docx.name


@pytest.mark.slow
@pytest.mark.parametrize("criteria", [16, 30])
def test_a_long_grid_says_whose_it_is_on_every_page_and_never_leaves_the_signatures_alone(project, tmp_path, criteria):
    folder = project({"blocs/bc01.yaml": big_bloc(criteria)})
    csv = tmp_path / "s.csv"
    csv.write_text("nom;numéro;blocs\nDupont;12;BC01\n", encoding="utf-8")
    result = run("grilles", str(folder), "--candidats", str(csv), "--session", "Juin 2027", "--out", str(tmp_path / "out"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    grid = tmp_path / "out" / "sessions" / "juin-2027" / "bc01-m1-1" / "12-dupont"
    outputs = [grid.with_suffix(".pdf")]
    if shutil.which("soffice"):
        outputs.append(libreoffice_pdf(grid.with_suffix(".docx"), tmp_path))
    for pdf in outputs:
        pages = pdf_pages(pdf)
        assert len(pages) >= 2, pdf
        for page in pages:
            assert "BC01 — épreuve M1.1" in flat(page) and "Critères d'évaluation" in flat(page), pdf
            assert "Dupont" in page, "the candidate on every page"
        last = pages[-1]
        assert "Membre du jury" in last and "Membre du jury" not in "".join(pages[:-1])
        assert "Le critère numéro" in last, f"{pdf.name}: the signatures take the grid's last rows with them"


def long_jury(members: int):
    from dossier.documents.grilles import Membre

    return tuple(Membre(f"Membre{i:02d} Jurénom", "professionnel extérieur" if i % 2 else "formateur") for i in range(1, members + 1))


@pytest.mark.slow
def test_a_jury_longer_than_a_page_signs_over_the_next_pages(tmp_path):
    """45 members (once: WeasyPrint's `assert not page_is_empty`, the signature row could not split; Word lost the last rows)."""
    from dossier.pipeline.session import generate
    from dossier.sources.candidats import Candidat

    jury = long_jury(45)
    generate(EXAMPLE, [Candidat("Dupont", "Marie", "12", blocs=("BC01",), line=2)], tmp_path, "Juin 2027", ("pdf", "docx"), jobs=1, jury=jury)
    grid = tmp_path / "sessions" / "juin-2027" / "bc01-m1-1" / "12-dupont-marie"
    pages = pdf_pages(grid.with_suffix(".pdf"))
    assert 2 <= len(pages) <= 4, len(pages)  # 7.5 mm a member: about 35 members a page
    names = [[m.nom for m in jury if m.nom in page] for page in pages]
    assert sum(names, []) == [m.nom for m in jury], "every member once, in the jury's order"
    assert "Observations générales" in pages[0] and len(names[0]) >= 3, "the list starts under the closing rows, not alone"
    assert len(names[-1]) >= 2, "never a member alone on the last page"
    for page in pages:
        assert "Dupont Marie" in page and "BC01 — épreuve M1.1" in flat(page), "every page says whose grid it is"
        assert "Membre du jury" in page, "the list's header on each of its pages"
    for page in pages[1:]:  # the list follows the grid's table: its own header goes on with it, not the criteria's
        assert "Signatures du jury — BC01 — épreuve M1.1 — session Juin 2027" in flat(page)
        assert "Critères d’évaluation" not in page and "Acquis" not in page
    # in Word too: the list is a table of its own after the grid's, its two header rows repeated on each page
    xml = docx_xml(grid.with_suffix(".docx"))
    assert not [tr for tr in xml.iter(f"{W}tr") if tr.find(f"{W}tc/{W}tbl") is not None], "no table in a table"
    listed = [t for t in xml.iter(f"{W}tbl") if "Signatures du jury" in "".join(t.itertext())]
    assert len(listed) == 1
    rows = listed[0].findall(f"{W}tr")
    assert [r.find(f"{W}trPr/{W}tblHeader") is not None for r in rows[:3]] == [True, True, False]
    assert len(rows) == 2 + len(jury)
    assert all(m.nom in docx_text(grid.with_suffix(".docx")) for m in jury)


@pytest.mark.slow
@soffice
def test_a_long_jury_keeps_every_member_in_word(tmp_path):
    from dossier.pipeline.session import generate
    from dossier.sources.candidats import Candidat

    jury = long_jury(45)
    generate(EXAMPLE, [Candidat("Dupont", "Marie", "12", blocs=("BC01",), line=2)], tmp_path, "Juin 2027", ("docx",), jobs=1, jury=jury)
    pdf = libreoffice_pdf(tmp_path / "sessions" / "juin-2027" / "bc01-m1-1" / "12-dupont-marie.docx", tmp_path)
    pages = pdf_pages(pdf)
    assert sum(([m.nom for m in jury if m.nom in page] for page in pages), []) == [m.nom for m in jury]
    assert all(any(m.nom in page for m in jury) for page in pages[1:]), "no empty page: the row split, not clipped"


def test_a_jury_of_eight_signs_on_the_grids_page(tmp_path):
    from dossier.pipeline.session import generate
    from dossier.sources.candidats import Candidat

    jury = long_jury(8)
    generate(EXAMPLE, [Candidat("Dupont", "Marie", "12", blocs=("BC01",), line=2)], tmp_path, "Juin 2027", ("pdf",), jobs=1, jury=jury)
    pages = pdf_pages(tmp_path / "sessions" / "juin-2027" / "bc01-m1-1" / "12-dupont-marie.pdf")
    assert len(pages) == 1 and all(m.nom in pages[0] for m in jury)
