"""Evaluation grids: exactly the right criteria in each, the scale's columns, and pre-filled sessions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE, MINIMAL, run
from extract import W, docx_tables, docx_text, docx_xml, flat, html_tree, libreoffice_pdf, pdf_info, pdf_pages, pdf_text

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def built(example_build) -> Path:
    return example_build / "grilles"


def rows(tree, cls: str) -> list:
    return tree.xpath(f"//tr[contains(concat(' ', @class, ' '), ' {cls} ')]")


def grid_criteria_ids(path: Path) -> list[str]:
    return [flat(tr[0].text_content()).split()[0] for tr in rows(html_tree(path), "critere")]


def test_one_grid_per_epreuve_in_three_formats(built, cert):
    stems = sorted(f"{b.code.lower()}-{m.id.lower().replace('.', '-')}" for b in cert.blocs for m in b.modalites)
    assert sorted(p.name for p in built.iterdir()) == sorted(f"{s}.{f}" for s in stems for f in ("docx", "html", "pdf"))


def test_each_criterion_in_exactly_the_grids_it_belongs_to(built, cert):
    for bloc in cert.blocs:
        for m in bloc.modalites:
            stem = f"{bloc.code.lower()}-{m.id.lower().replace('.', '-')}"
            expected = [c.id for c in bloc.criteres if (m.id in c.modalites) or (not c.modalites and set(c.competences) & set(m.competences))]
            assert sorted(grid_criteria_ids(built / f"{stem}.html")) == sorted(expected)
            pdf = pdf_text(built / f"{stem}.pdf", raw=True).replace("- ", "-")  # a line broken after « e- »
            docx = docx_text(built / f"{stem}.docx")
            for crit in bloc.criteres:
                want = 1 if crit.id in expected else 0
                assert pdf.count(flat(crit.texte)) == want, (stem, crit.id)
                assert docx.count(flat(crit.texte)) == want, (stem, crit.id)
    # every criterion is in at least one grid
    placed = {i for p in built.glob("*.html") for i in grid_criteria_ids(p)}
    assert placed == {c.id for c in cert.criteres}


def test_grid_of_an_epreuve_evaluating_three_competences(built, cert):
    m11 = cert.blocs[0].modalites[0]
    assert m11.competences == ("C1.1", "C1.2", "C1.3")
    tree = html_tree(built / "bc01-m1-1.html")
    groups = [flat(th.text_content()) for th in tree.xpath("//tr[@class='competence']/th")]
    assert [g.split()[1] for g in groups] == ["C1.1", "C1.2", "C1.3"]
    # C1.3's criterion CR1.1 is placed under C1.1; C1.3 keeps its group and says where to look
    assert tree.xpath("//tr[@class='renvoi']/td")[0].text_content() == "Évaluée par le critère CR1.1, ci-dessus."
    assert grid_criteria_ids(built / "bc01-m1-1.html") == ["CR1.1", "CR1.2", "CR1.3", "CR1.4", "CR1.5", "CR1.6"]


def test_grid_header_rule_and_signatures_without_a_bloc_decision(built):
    tree = html_tree(built / "bc01-m1-2.html")
    text = flat(" ".join(tree.xpath("//main//text()")))
    for part in ("Session", "Candidat", "N°", "Date", "Lieu",
                 "Épreuve M1.2 — Rapport d'activités — durée : 30 min",
                 "BC01 — Analyser son marché et participer à la stratégie commerciale",
                 "Règle : Une compétence est acquise lorsque tous ses critères sont acquis ; non acquise sinon. "
                 "Le bloc BC01 est décidé sur l'ensemble de ses épreuves, dans la fiche de synthèse du bloc, et non sur cette grille.",
                 "Observations générales", "Membre du jury Qualité Signature"):
        assert flat(part) in text, part
    assert "validé" not in text and "☐" not in text, "an épreuve's grid never decides the bloc"
    # the largest jury of the open voies d'accès has four members (« composé de quatre membres »)
    assert len(tree.xpath("//table[@class='signatures']/tbody/tr")) == 4
    # bloc, épreuve and candidate repeat at the top of every page, with the column heads
    assert flat(rows(tree, "rappel")[0].text_content()).startswith("BC01 — épreuve M1.2 — candidat :")
    assert rows(tree, "rappel")[0].getparent().tag == "thead"


def test_competence_conclusions_apart_from_criteria(built):
    tree = html_tree(built / "bc01-m1-1.html")
    conclusions = rows(tree, "conclusion")
    assert [flat(tr[0].text_content()) for tr in conclusions] == [
        f"Conclusion de l'épreuve pour la compétence {c}" for c in ("C1.1", "C1.2", "C1.3")]
    # each conclusion closes its competence's group: boxes named for the competence, not for a criterion
    for tr in conclusions:
        boxes = tr.xpath(".//span[@data-case]")
        competence = flat(tr[0].text_content()).split()[-1]
        assert [b.get("data-case") for b in boxes] == [f"competence|M1.1|{competence}||acquis", f"competence|M1.1|{competence}||non acquis"]
        assert tr.getparent()[0].get("class") == "competence" and tr.getparent()[-1] is tr
    # the competence's title row has no box at all
    assert not tree.xpath("//tr[@class='competence']//span[@data-case]")
    first = rows(tree, "critere")[0]
    assert [b.get("data-case") for b in first.xpath(".//span[@data-case]")] == ["critere|M1.1|C1.1|CR1.1|acquis", "critere|M1.1|C1.1|CR1.1|non acquis"]


def test_every_grid_of_the_example_fits_on_one_page(built):
    pdfs = sorted(built.glob("*.pdf"))
    assert len(pdfs) == 8
    assert {p.name: int(pdf_info(p)["Pages"]) for p in pdfs} == {p.name: 1 for p in pdfs}


def test_docx_grid_has_word_checkboxes_and_repeated_header(built):
    path = built / "bc01-m1-1.docx"
    tables = docx_tables(path)
    grid = next(t for t in tables if len(t) > 1 and t[1][1][0].text == "Critères d'évaluation")
    assert grid[0][0] and grid[1][0], "bloc, épreuve, candidate and column heads repeat on every page"
    assert grid[0][1][0].text.startswith("BC01 — épreuve M1.1 — candidat :")
    assert [c.text for c in grid[1][1]] == ["Critères d'évaluation", "Acquis", "Non acquis", "Observations"]
    root = docx_xml(path)
    boxes = root.findall(f".//{W}sdt")
    tags = [b.find(f"{W}sdtPr/{W}tag").get(f"{W}val") for b in boxes]
    # 6 criteria and 3 competence conclusions, two boxes each, every one a Word checkbox, unticked
    assert len(tags) == 18 == len(set(tags))
    assert tags[:4] == ["critere|M1.1|C1.1|CR1.1|acquis", "critere|M1.1|C1.1|CR1.1|non acquis",
                        "competence|M1.1|C1.1||acquis", "competence|M1.1|C1.1||non acquis"]
    assert all(b.find(f"{W}sdtPr/{W14}checkbox/{W14}checked").get(f"{W14}val") == "0" for b in boxes)
    assert len({b.find(f"{W}sdtPr/{W}id").get(f"{W}val") for b in boxes}) == 18
    assert [b.find(f"{W}sdtPr/{W}alias").get(f"{W}val") for b in boxes[:2]] == ["Critère CR1.1 : acquis", "Critère CR1.1 : non acquis"]
    # no loose « ☐ » to retype: the only box symbols are the checkboxes' own
    loose = [t for t in root.iter(f"{W}t") if "☐" in (t.text or "") and not any(a.tag == f"{W}sdt" for a in t.iterancestors())]
    assert not loose and docx_text(path).count("☐") == 18
    # competence rows in bold, conclusions in italics
    competence_rows = [tr for tr in root.iter(f"{W}tr") if "Compétence" in "".join(tr.itertext())[:12]]
    assert competence_rows and all(r.find(f"{W}rPr/{W}b") is not None for tr in competence_rows for r in tr.iter(f"{W}r"))
    conclusion_rows = [tr for tr in root.iter(f"{W}tr") if "".join(tr.itertext()).startswith("Conclusion de l")]
    assert len(conclusion_rows) == 3
    assert {shd.get(f"{W}fill") for tr in conclusion_rows for shd in tr.iter(f"{W}shd")} == {"F1F1F1"}
    assert all(r.find(f"{W}rPr/{W}i") is not None for tr in conclusion_rows for r in tr.iter(f"{W}r") if r.getparent().tag != f"{W}sdtContent")
    heights = [int(h.get(f"{W}val")) for h in root.iter(f"{W}trHeight")]
    assert len([h for h in heights if h >= 360]) >= 10  # criteria rows ≥ 6.5 mm, signature rows
    size = root.find(f".//{W}sectPr/{W}pgSz")
    assert size.get(f"{W}orient") in (None, "portrait") and int(size.get(f"{W}w")) < int(size.get(f"{W}h"))
    # whose grid it is: custom properties (blank here, but the bloc and the épreuve)
    custom = docx_xml(path, "docProps/custom.xml")
    props = {e.get("name"): "".join(e.itertext()) for e in custom}
    assert props == {"dossier.grille": "1", "dossier.bloc": "BC01", "dossier.epreuve": "M1.1", "dossier.session": "", "dossier.candidat": ""}


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice absent : make test l'installe")
def test_docx_grid_opens_in_libreoffice(built, tmp_path):
    pdf = libreoffice_pdf(built / "bc01-m1-1.docx", tmp_path)
    text = pdf_text(pdf, raw=True)
    assert flat("Le PAC respecte l’équilibre de la répartition des actions de détection, de conquête et de fidélisation.") in text
    assert "page 1 / " in pdf_pages(pdf)[0]


def test_points_scale_weights_total_and_landscape(project, tmp_path):
    folder = project({
        "certification.yaml": CERT.replace("type: acquis_non_acquis", "type: points\n  bareme: 20\n  seuil: 10"),
        "blocs/bc01.yaml": BLOC.replace("competences: [C1.1]\n", "competences: [C1.1]\n    poids: 2\n").replace(
            "competences: [C1.2]\n", "competences: [C1.2]\n    poids: 3\n"),
    })
    result = run("grilles", str(folder), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    tree = html_tree(tmp_path / "grilles" / "bc01-m1-1.html")
    heads = [flat(th.text_content()) for th in tree.xpath("//table[@class='criteres-grille']/thead/tr[2]/th")]
    assert heads == ["Critères d'évaluation", "Poids", "Note / 20", "Note × poids", "Observations"]
    # CR1.1 (2) and CR1.3 (1) for C1.1, CR1.2 (3) and CR1.4 (1) for C1.2
    assert [flat(tr[1].text_content()) for tr in rows(tree, "critere")] == ["2", "1", "3", "1"]
    total = [flat(c.text_content()) for c in rows(tree, "total")[0]]
    assert total == ["Total", "7", "", "... / 140", "Moyenne : ... / 20"]  # (flat: … as ...)
    assert "une compétence est acquise lorsque la moyenne pondérée de ses critères atteint 10 sur 20" in flat(tree.text_content()).lower()
    assert not rows(tree, "conclusion"), "on points, the competence is computed: no box to tick"
    assert [s.get("data-saisie") for s in tree.xpath("//span[@data-saisie]")][:1] == ["note|M1.1|C1.1|CR1.1|"]
    width, height = (float(v) for v in re.findall(r"[\d.]+", pdf_info(tmp_path / "grilles" / "bc01-m1-1.pdf")["Page size"])[:2])
    assert width > height
    size = docx_xml(tmp_path / "grilles" / "bc01-m1-1.docx").find(f".//{W}sectPr/{W}pgSz")
    assert size.get(f"{W}orient") == "landscape"


def test_three_level_scale(project, tmp_path):
    folder = project({"certification.yaml": CERT.replace("type: acquis_non_acquis", "type: trois_niveaux")})
    assert run("grilles", str(folder), "--out", str(tmp_path), "--format", "html").exit_code == 0
    tree = html_tree(tmp_path / "grilles" / "bc01-m1-1.html")
    heads = [flat(th.text_content()) for th in tree.xpath("//table[@class='criteres-grille']/thead/tr[2]/th")]
    assert heads == ["Critères d'évaluation", "Acquis", "Partiellement acquis", "Non acquis", "Observations"]


# --- sessions -----------------------------------------------------------------------------

NAMES = ("Dupont; Marie-Hélène", "N’Guyen « Lulu »", "O'Brien & fils")


def write_csv(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="module")
def session_out(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("session")
    csv = write_csv(tmp / "juin.csv",
        "\ufeffNom;Prénom;N°;Blocs;Date;Lieu\n"
        '"Dupont; Marie-Hélène";;12;BC01 BC02;12/06/2027;Paris\n'
        "N’Guyen « Lulu »;;13;BC01;;Lyon\n"
        "O'Brien & fils;;14;BC01;13/06/2027;Lille\n")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--session", "Juin 2027", "--out", str(tmp / "out"), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("8 grilles pour 3 candidats (16 fichiers, 4 PDFs à imprimer) dans ")
    return tmp / "out" / "sessions" / "juin-2027"


def test_session_files(session_out):
    assert sorted(p.name for p in (session_out / "bc01-m1-1").iterdir()) == [
        "12-dupont-marie-helene.docx", "12-dupont-marie-helene.pdf", "13-n-guyen-lulu.docx", "13-n-guyen-lulu.pdf",
        "14-o-brien-fils.docx", "14-o-brien-fils.pdf",
    ]
    assert sorted(p.name for p in (session_out / "bc02-m2-1").iterdir()) == ["12-dupont-marie-helene.docx", "12-dupont-marie-helene.pdf"]
    assert sorted(p.name for p in session_out.glob("*.pdf")) == ["bc01-m1-1.pdf", "bc01-m1-2.pdf", "bc02-m2-1.pdf", "bc02-m2-2.pdf"]
    assert [p.name for p in session_out.glob(".*")] == [".dossier-session.json"], "no temporary file left, only the run's list"


@pytest.mark.parametrize("stem,name", [("12-dupont-marie-helene", NAMES[0]), ("13-n-guyen-lulu", NAMES[1]), ("14-o-brien-fils", NAMES[2])])
def test_names_survive_the_csv_round_trip(session_out, stem, name):
    pdf = session_out / "bc01-m1-1" / f"{stem}.pdf"
    first = pdf_pages(pdf)[0]
    assert name in first and "Juin 2027" in first
    assert flat(f"Candidat {name}") in flat(pdf_text(pdf, raw=True)) or flat(name) in flat(first)
    docx = docx_text(session_out / "bc01-m1-1" / f"{stem}.docx")
    assert flat(f"Candidat {name} N° {stem[:2]}") in docx
    assert flat(f"BC01 — épreuve M1.1 — session Juin 2027 — candidat : {name}, n° {stem[:2]}") in docx
    assert "Session Juin 2027" in docx and "⟦" not in docx


def test_prefilled_grid_keeps_every_criterion(session_out):
    text = pdf_text(session_out / "bc01-m1-1" / "12-dupont-marie-helene.pdf", raw=True)
    assert flat("Le PAC respecte l’équilibre de la répartition des actions de détection, de conquête et de fidélisation.") in text
    assert "12/06/2027" in text and "Paris" in text


def test_merged_pdf_in_csv_order(session_out):
    single = int(pdf_info(session_out / "bc01-m1-1" / "13-n-guyen-lulu.pdf")["Pages"])
    pages = pdf_pages(session_out / "bc01-m1-1.pdf")
    assert len(pages) == 3 * single
    firsts = [pages[i * single] for i in range(3)]
    assert [n for f in firsts for n in NAMES if n in f] == list(NAMES)
    title = "Grille d’évaluation — BC01 — M1.1 — session Juin 2027"  # the grid's, in the window's title bar
    assert pdf_info(session_out / "bc01-m1-1.pdf")["Title"].strip() == title
    assert pdf_info(session_out / "bc01-m1-1" / "13-n-guyen-lulu.pdf")["Title"].strip() == title


def test_bad_rows_reported_with_line_numbers_and_nothing_produced(tmp_path):
    csv = write_csv(tmp_path / "s.csv", "nom,blocs\nDupont,BC01\n,BC02\nMartin,BC07\nDurand,\n")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{csv}:3:1: nom: nom du candidat manquant [erreur csv-nom]",
        f"{csv}:4:2: blocs: bloc « BC07 » inconnu (blocs : BC01, BC02, BC03, BC04) [erreur csv-blocs]",
        f"{csv}:5:2: blocs: aucun bloc indiqué [erreur csv-blocs]",
    ]
    assert result.stderr == (f"{csv} : lu en UTF-8, séparateur « , ».\n"
                             f"Erreur : {csv} : 3 lignes invalides ; aucune grille n'a été produite\n")
    assert not (tmp_path / "out").exists()
    skipped = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--out", str(tmp_path / "out"), "--skip-invalid", "--format", "docx")
    assert skipped.exit_code == 0, skipped.output
    assert "Lignes écartées (--skip-invalid) : 3, 4, 5" in skipped.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "sessions" / "s" / "bc01-m1-1").iterdir()) == ["l0002-dupont.docx"]


def test_wrong_encoding(tmp_path):
    # 0x81 is neither UTF-8 nor Windows-1252 (tests/sources/test_candidats.py reads the encodings that are)
    csv = tmp_path / "s.csv"
    csv.write_bytes(b"nom;blocs\nDupont;BC01\nH\x81l;BC01\n")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"{csv}:3:2: le fichier n'est ni en UTF-8 ni en Windows-1252 (octet 0x81) ; dans Excel, « Enregistrer sous »")
    assert not (tmp_path / "out").exists()


def test_missing_columns(tmp_path):
    csv = write_csv(tmp_path / "s.csv", "prénom;email\nMarie;m@x.fr\n")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stdout == f"{csv}:1:1: colonne(s) manquante(s) : nom, blocs (colonnes lues : prénom, email) [erreur csv-colonnes]\n"


FILLED = [  # each candidate's header fields, in reading order: date, place, name, number
    ["12/06/2027", "Paris", NAMES[0], "12"], ["Lyon", NAMES[1], "13"], ["13/06/2027", "Lille", NAMES[2], "14"],
]


def test_candidate_grid_is_the_grid_with_its_header_filled_in_tagged(session_out):
    """A candidate's grid is the épreuve's grid as laid out, its bytes unchanged, followed by an update
    (ISO 32000 § 7.5.6) that fills the header: each value the content of its field's element (read in the
    table's order, after its label), the candidate repeated in the top margin as an artifact."""
    from tests.tagged_pdf import loose_content, mcid_texts, read

    stems = ("12-dupont-marie-helene", "13-n-guyen-lulu", "14-o-brien-fils")
    datas = [(session_out / "bc01-m1-1" / f"{stem}.pdf").read_bytes() for stem in stems]
    end = datas[0].index(b"%%EOF") + 5  # the grid's own end: every copy begins with the same grid
    assert all(data[:end] == datas[0][:end] and len(data) > end + 100 for data in datas)
    for stem, filled in zip(stems, FILLED):
        doc = read(session_out / "bc01-m1-1" / f"{stem}.pdf")
        assert bool(doc.catalog["/MarkInfo"]["/Marked"]) and doc.catalog["/Lang"] == "fr-FR"
        valued = [e for _d, _s, e in doc.elements if "/ActualText" in e]
        assert [str(e["/ActualText"]) for e in valued] == filled
        texts = mcid_texts(doc.reader, 0)
        for element in valued:  # each value is the marked content of its element
            assert str(element["/ActualText"]) in texts[int(element["/K"][0])]
        assert [doc.text(e) for _s, e in doc.kinds("/H1")] == ["BC01 — Analyser son marché et participer à la stratégie commerciale"]
        assert loose_content(doc.reader, 0) == [], "the margin's reminder is an artifact"
        assert len(doc.reader.pages) == 1, "the example's grids fit on one page"
    assert pdf_pages(session_out / "bc01-m1-1" / f"{stems[1]}.pdf")[0].splitlines()[0].strip() == f"Candidat : {NAMES[1]} — n° 13"


@pytest.mark.slow
def test_merged_pdf_for_printing_is_tagged_like_each_grid(session_out):
    """The merged PDF of an épreuve (pdf_increment.Printout, as the jury's) is tagged: one Document holding
    each copy's elements, its header's values their content; its pages and text are the candidates' grids in
    order; one tree, IDs unique, every drawing tagged or an artifact, PDF/UA-1 checkers pass (the checks of the
    jury's merged print PDFs)."""
    from tests.pipeline import test_jury
    from tests.tagged_pdf import read

    merged = session_out / "bc01-m1-1.pdf"
    singles = [session_out / "bc01-m1-1" / f"{stem}.pdf" for stem in ("12-dupont-marie-helene", "13-n-guyen-lulu", "14-o-brien-fils")]
    assert pdf_pages(merged) == [page for single in singles for page in pdf_pages(single)]
    doc = read(merged)
    assert bool(doc.catalog["/MarkInfo"]["/Marked"]) and doc.catalog["/Lang"] == "fr-FR"
    assert [s for depth, s, _e in doc.elements if depth == 0] == ["/Document"], "one Document"
    single = read(singles[0])
    # each copy: the grid's elements, and the same text in each, but the plain Spans folded into their parents
    # (printout_tags._slimmed): a cell or a heading holds its text itself
    shape = [(s, doc.text(e)) for _d, s, e in doc.elements[1:] if s != "/Span"]
    assert shape == [(s, one.text(e)) for one in map(read, singles) for _d, s, e in one.elements[1:] if s != "/Span"], \
        "each copy: its grid's elements, holding the same text"
    spans = [e for _d, s, e in doc.elements if s == "/Span"]
    assert len(spans) * 5 < len([e for _d, s, e in single.elements if s == "/Span"]) * 3, "plain Spans folded"
    cells = [e for _d, s, e in doc.elements if s == "/TD" and "/Headers" in e.get("/A", {})]
    ids = {str(e["/ID"]) for _d, _s, e in doc.elements if "/ID" in e}
    assert cells and all(str(h) in ids for e in cells for h in e["/A"]["/Headers"]), "a cell's headers are its copy's"
    assert [str(e["/ActualText"]) for _d, _s, e in doc.elements if "/ActualText" in e] == [v for filled in FILLED for v in filled]
    assert [doc.text(e) for _s, e in doc.kinds("/H1")] == [single.text(e) for _s, e in single.kinds("/H1")] * 3
    test_jury.test_merged_print_pdfs_have_one_structure_tree(session_out, "bc01-m1-1.pdf", list(NAMES))


@pytest.mark.slow
def test_merged_pdf_for_printing_same_bytes_whatever_the_workers(session_out, tmp_path):
    csv = write_csv(tmp_path / "juin.csv",
        "\ufeffNom;Prénom;N°;Blocs;Date;Lieu\n"
        '"Dupont; Marie-Hélène";;12;BC01 BC02;12/06/2027;Paris\n'
        "N’Guyen « Lulu »;;13;BC01;;Lyon\n"
        "O'Brien & fils;;14;BC01;13/06/2027;Lille\n")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--session", "Juin 2027", "--out", str(tmp_path / "out"),
                 "--jobs", "1", "--format", "pdf")
    assert result.exit_code == 0, result.output
    again = tmp_path / "out" / "sessions" / "juin-2027"
    for name in ("bc01-m1-1.pdf", "bc02-m2-2.pdf"):
        assert (again / name).read_bytes() == (session_out / name).read_bytes(), name


@pytest.mark.slow
def test_merged_pdf_for_printing_untagged_when_the_grids_are(tmp_path):
    from pypdf import PdfReader

    folder = tmp_path / "sources"
    shutil.copytree(EXAMPLE, folder)
    yaml = folder / "certification.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace("affichage:\n", "affichage:\n  pdf_accessible: false\n", 1), encoding="utf-8")
    csv = write_csv(tmp_path / "s.csv", "nom;numero;blocs\nDupont;1;BC01\nMartin;2;BC01\n")
    result = run("grilles", str(folder), "--candidats", str(csv), "--out", str(tmp_path / "out"), "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    session = tmp_path / "out" / "sessions" / "s"
    merged = PdfReader(session / "bc01-m1-1.pdf")
    assert "/StructTreeRoot" not in merged.trailer["/Root"] and "/MarkInfo" not in merged.trailer["/Root"]
    assert "/StructTreeRoot" not in PdfReader(session / "bc01-m1-1" / "1-dupont.pdf").trailer["/Root"]
    assert pdf_pages(session / "bc01-m1-1.pdf") == pdf_pages(session / "bc01-m1-1" / "1-dupont.pdf") + pdf_pages(session / "bc01-m1-1" / "2-martin.pdf")


def test_session_jury_signs_each_grid(tmp_path):
    """--jury reads a jury session's session.yaml: one signature row per member (name, qualité), in its order."""
    from conftest import ROOT

    csv = write_csv(tmp_path / "s.csv", "nom;numero;blocs\nDupont;1;BC01\n")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--jury", str(ROOT / "exemples" / "session"),
                 "--session", "Juin 2027", "--out", str(tmp_path / "out"), "--format", "html,docx")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "sessions" / "juin-2027" / "bc01-m1-1"
    tree = html_tree(folder / "1-dupont.html")
    signed = [[flat(td.text_content()) for td in tr.xpath("td")] for tr in tree.xpath("//table[@class='signatures']/tbody/tr")]
    assert signed == [
        ["Claire Fictive", "Directrice de l'organisme certificateur", ""], ["Bruno Exemple", "Responsable pédagogique", ""],
        ["Sophie Modèle", "Directrice commerciale, Société Imaginaire SA", ""],
        ["Karim Témoin", "Responsable marketing, Entreprise Fictive SARL", ""],
    ]
    assert "session Juin 2027" in flat(tree.text_content())
    assert "Karim Témoin" in docx_text(folder / "1-dupont.docx")


def test_session_jury_that_does_not_read_stops_everything(tmp_path):
    csv = write_csv(tmp_path / "s.csv", "nom;numero;blocs\nDupont;1;BC01\n")
    bad = tmp_path / "jury"
    bad.mkdir()
    (bad / "session.yaml").write_text("intitule: X\ndate: 2027-06-24\nlieu: Lyon\njury:\n  - qualite: sans nom\n", encoding="utf-8")
    result = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--jury", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stdout == f"{bad}/session.yaml:5:5: jury[0]: clé obligatoire « nom » absente [erreur schema-cle-absente]\n"
    assert result.stderr.endswith(f"Erreur : {bad}/session.yaml : session de jury illisible ; aucune grille n'a été produite\n")
    assert not (tmp_path / "out").exists()
    missing = run("grilles", str(EXAMPLE), "--candidats", str(csv), "--jury", str(tmp_path / "nulle-part"), "--out", str(tmp_path / "out"))
    assert missing.exit_code == 1 and not (tmp_path / "out").exists()
    assert missing.stdout == f"{tmp_path}/nulle-part/session.yaml: fichier introuvable [erreur fichier-absent]\n"
    alone = run("grilles", str(EXAMPLE), "--jury", str(bad), "--out", str(tmp_path / "out"))
    assert alone.exit_code == 2 and "--jury nomme le jury d'une session : il va avec --candidats" in alone.stderr


def test_a_run_stopped_halfway_leaves_nothing_the_next_run_does_not_remove(tmp_path, monkeypatch):
    """The session's listing names what a run is to write before it writes: after a run that stops on an error
    (or is interrupted) once some candidates' grids are written, the next run, without those candidates, removes
    their grids (they name people), and lists only what it made."""
    import json

    from dossier.pipeline import session
    from dossier.sources.candidats import Candidat

    people = [Candidat(f"Nom{i}", f"Prénom{i}", str(100 + i), "12/06/2027", "Paris", ("BC01",)) for i in range(5)]
    real = session._Worker.batch

    def failing(self, base, candidats):
        if any(c.numero == "103" for c in candidats):
            raise RuntimeError("lot en échec")
        return real(self, base, candidats)

    with monkeypatch.context() as patch:
        patch.setattr(session._Worker, "batch", failing)  # the workers are forked: they inherit it
        patch.setattr(session, "BATCH", 2)
        with pytest.raises(RuntimeError, match="lot en échec"):
            session.generate(EXAMPLE, people, tmp_path, "Juin 2027", ("docx",), jobs=1)
    root = tmp_path / "sessions" / "juin-2027"
    stopped = [root / "bc01-m1-1" / f"{c.stem}.docx" for c in people[:2]]
    assert all(p.exists() for p in stopped), "the first batch was written before the run stopped"
    result = session.generate(EXAMPLE, people[2:], tmp_path, "Juin 2027", ("docx",), jobs=1)
    assert not any(p.exists() for p in stopped) and set(stopped) <= set(result.removed)
    listed = json.loads((root / ".dossier-session.json").read_text(encoding="utf-8"))
    assert sorted(listed) == sorted(p.relative_to(root).as_posix() for p in result.files) and len(listed) == 3 * 2
