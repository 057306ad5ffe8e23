"""The renewal in the documents: the tableau de correspondance (HTML, PDF, DOCX, in the bundle), the
transition rules in the handbook, the site's page « Correspondances », the fiche XML in V4.1 names that
`dossier import rncp` reads back, and the changelog « Évolutions du référentiel » in its three formats."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import dossier
from conftest import FIXTURES, run
from dossier.checks import check
from dossier.documents.correspondances import correspondances
from dossier.documents.fiche_xml import fiche_xml
from dossier.typography import plain
from extract import docx_text, docx_xml, flat, html_tree, libreoffice_pdf, pdf_text
from renewal import make_versions

SAMPLE = FIXTURES / "rncp" / "export_fiches_RNCP_V4_1_sample.xml"
PROMOTIONS = (
    "promotions:\n  - {annee: 2027, certifies: 40, dont_vae: 3, insertion_6_mois: 81.5, insertion_metier_2_ans: 70}\n"
    "  - {annee: 2028, certifies: 52, insertion_6_mois: 90}\n"
)
STEM = "responsable-commercial-et-marketing-correspondances"


@pytest.fixture(scope="module")
def renewal(tmp_path_factory) -> tuple[Path, Path]:
    """(old, new): the second version with its correspondances written by dossier diff --ecrire and reviewed,
    its promotions and its own RNCP code."""
    old, new = make_versions(tmp_path_factory.mktemp("renouvellement"))
    result = run("diff", str(old), str(new), "--ecrire", "--format", "json", "--out", str(new.parent / "evolutions"))
    assert result.exit_code == 0, result.output
    path = new / "certification.yaml"
    text = path.read_text(encoding="utf-8").replace("    proposee: true\n", "")
    text = text.replace("intitule: Responsable commercial et marketing\n", "intitule: Responsable commercial et marketing\ncode_rncp: RNCP40001\n", 1)
    path.write_text(text + PROMOTIONS, encoding="utf-8")
    return old, new


@pytest.fixture(scope="module")
def html_build(renewal, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("renouvellement-html")
    dossier.build(renewal[1], out, formats=("html",), strict=True)
    return out


def test_the_tableau_row_by_row(html_build):
    tree = html_tree(html_build / "correspondances" / f"{STEM}.html")
    rows = [[flat(c.text_content()) for c in tr.xpath("./td")] for tr in tree.xpath("//table[contains(@class, 'correspondances')]/tbody/tr")]
    assert [r[:3] for r in rows] == [
        ["BC01 — Analyser son marché et participer à la stratégie commerciale"] * 2 + ["Totale"],
        ["BC02 — Développer un portefeuille client"] * 2 + ["Totale"],
        ["BC03 — Piloter la performance commerciale"] * 2 + ["Partielle"],
        ["BC04 — Assurer le management de l'équipe commerciale"] * 2 + ["Totale"],
        ["BC01 — Analyser son marché et participer à la stratégie commerciale", "BC05 — Organiser la veille et les données de marché", "Totale"],
    ]
    assert "C5.1 Recueillir des informations relatives au marché via des études ou de la veille afin de mieux se positionner. ← C1.3" in rows[4][3]
    assert "Reste à valider :" in rows[2][3] and "C3.2 Concevoir et chiffrer un programme" in rows[2][3]
    transitions = [[flat(" ".join(c.itertext())) for c in tr.xpath("./th|./td")]
                   for tr in tree.xpath("//table[contains(@class, 'transitions')]/tbody/tr")]
    assert transitions[0] == ["BC01 — Analyser son marché et participer à la stratégie commerciale",
                              "le bloc BC01 — Analyser son marché et participer à la stratégie commerciale, en entier "
                              "le bloc BC05 — Organiser la veille et les données de marché, en entier"]
    assert transitions[2][1] == ("le bloc BC03 — Piloter la performance commerciale, en partie : 3 compétences reconnues "
                                 "(C3.1, C3.3, C3.4) ; restent à valider : C3.2")


def test_the_handbook_says_what_an_old_bloc_gives(html_build):
    page = next((html_build / "livret").glob("*.html"))
    tree = html_tree(page)
    [section] = tree.xpath("//section[contains(@class, 'transition')]")
    text = flat(section.text_content())
    assert "Avec la version précédente (RNCP39999)" in text
    assert "le bloc BC03 — Piloter la performance commerciale, en partie" in text
    assert tree.xpath("//nav[@class='sommaire']//a[@href='#transition']")


def test_no_correspondances_no_tableau_and_no_transition(example_build):
    assert not (example_build / "correspondances").exists()
    assert not (example_build / "site" / "correspondances.html").exists()
    page = next((example_build / "livret").glob("*.html")).read_text(encoding="utf-8")
    assert 'id="transition"' not in page


def test_the_site_page_and_each_bloc_links_to_its_correspondances(html_build):
    site = html_build / "site"
    page = html_tree(site / "correspondances.html")
    assert [flat(h.text_content()) for h in page.xpath("//main//h2")] == ["Avec la version précédente (RNCP39999)"]
    anchors = set(page.xpath("//tr/@id"))
    bloc = html_tree(site / "blocs" / "bc05.html")
    links = bloc.xpath("//section[contains(@class, 'correspondances-bloc')]//a")
    assert [(a.get("href"), flat(a.text_content())) for a in links] == [
        ("../correspondances.html#correspondance-5", "Correspondance totale avec BC01 (RNCP39999)")]
    assert "correspondance-5" in anchors
    assert html_tree(site / "index.html").xpath("//nav//a[@href='correspondances.html']")


@pytest.fixture(scope="module")
def fiche(renewal, tmp_path_factory) -> Path:
    """The fiche XML the bundle holds (dossier/fiche-rncp.xml), made from the sources."""
    path = tmp_path_factory.mktemp("fiche") / "fiche-rncp.xml"
    path.write_bytes(fiche_xml(check(renewal[1]).certification))
    return path


def _paths(el: ET.Element, prefix: str = "") -> set[str]:
    out = set()
    for child in el:
        path = f"{prefix}/{child.tag}"
        out.add(path)
        out |= _paths(child, path)
    return out


def test_the_fiche_xml_in_v41_names_and_order(fiche):
    root = ET.parse(fiche).getroot()  # well-formed, or this raises
    fiche = root.find("FICHE")
    sample = ET.parse(SAMPLE).getroot().findall("FICHE")
    known = set().union(*(_paths(f) for f in sample))
    ours = {p for p in _paths(fiche) if p.startswith(("/CORRESPONDANCES", "/STATISTIQUES_PROMOTIONS"))}
    assert ours and ours <= known  # every element path we write is one the published export has
    order = [child.tag for child in sample[0]] + ["CORRESPONDANCES"]
    tags = [child.tag for child in fiche]
    ranked = [order.index(t) for t in tags if t in order]
    assert ranked == sorted(ranked)  # in the export's order
    stats = [{e.tag: e.text for e in s} for s in fiche.iterfind("STATISTIQUES_PROMOTIONS/STATISTIQUES_PROMOTION")]
    assert stats == [
        {"ANNEE": "2028", "NOMBRE_CERTIFIES": "52", "TAUX_INSERTION_GLOBAL_6MOIS": "90"},
        {"ANNEE": "2027", "NOMBRE_CERTIFIES": "40", "NOMBRE_CERTIFIES_VAE": "3", "TAUX_INSERTION_GLOBAL_6MOIS": "81.5",
         "TAUX_INSERTION_METIER_2ANS": "70"},
    ]
    last = fiche.findall("CORRESPONDANCES/CORRESPONDANCE")[-1]
    assert [e.text for e in last.iter("CODE")] == ["RNCP40001BC05", "RNCP39999BC01"]
    assert last.findtext("DESTINATION/NUMERO_FICHE") == "RNCP39999"


def test_the_fiche_xml_round_trips_through_the_import(fiche, tmp_path):
    out = tmp_path / "import"
    result = run("import", "rncp", str(fiche), "--fiche", "RNCP40001", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((out / "certification.yaml").read_text(encoding="utf-8"))
    assert data["renouvellement"] == "RNCP39999"
    assert data["promotions"] == [
        {"annee": 2027, "certifies": 40, "dont_vae": 3, "insertion_6_mois": 81.5, "insertion_metier_2_ans": 70},
        {"annee": 2028, "certifies": 52, "insertion_6_mois": 90},
    ]
    assert [(c["blocs"], c["blocs_fiche"]) for c in data["correspondances"]] == [
        (["RNCP40001BC01"], ["BC01"]), (["RNCP40001BC02"], ["BC02"]), (["RNCP40001BC03"], ["BC03"]),
        (["RNCP40001BC04"], ["BC04"]), (["RNCP40001BC05"], ["BC01"])]
    assert "ne dit ni si elles sont totales ou partielles" in (out / "IMPORT.md").read_text(encoding="utf-8")
    again = check(out).certification
    assert [(c.fiche, c.blocs_fiche) for c in again.correspondances][-1] == ("RNCP39999", ("BC01",))


def test_the_real_open_data_correspondences_are_read(tmp_path):
    out = tmp_path / "rncp36490"
    assert run("import", "rncp", str(SAMPLE), "--fiche", "RNCP36490", "--out", str(out)).exit_code == 0
    entries = yaml.safe_load((out / "certification.yaml").read_text(encoding="utf-8"))["correspondances"]
    assert {"fiche": "RNCP29965", "blocs": ["RNCP36490BC02"], "blocs_fiche": ["BC06", "BC07"]} in entries
    assert not [d for d in check(out).report.diagnostics if d.rule in ("correspondance", "correspondance-totale")]


def test_a_whole_certification_and_a_none_entry_in_the_view(cert):
    from dataclasses import replace

    from dossier.sources.model import Correspondance, Renouvellement

    c = replace(cert, renouvellement=Renouvellement("RNCP39999", blocs_precedents={"BC01": "Ancien", "BC09": "Disparu"}),
                correspondances=(Correspondance("RNCP39999", (), ("BC09",), "aucune"), Correspondance("RNCP11111", ("BC02",), (), "totale")))
    view = correspondances(c)
    first, second = view.groupes
    assert [t.obtient for t in first.transitions] == [
        ("aucune décision n'est encore déclarée pour ce bloc",),
        ("aucun bloc de cette version : ses compétences n'y sont pas reprises",)]
    assert second.titre == "Avec la certification RNCP11111" and second.lignes[0].anciens[0].label == "la certification RNCP11111 entière"
    xml = fiche_xml(c).decode()
    assert xml.count("<CORRESPONDANCE>") == 1 and "<SOURCE>" in xml  # « aucune » is no correspondance in the fiche


@pytest.fixture(scope="module")
def bundle_build(renewal, tmp_path_factory) -> Path:
    """The filing bundle (with the documents it holds, in PDF and DOCX)."""
    out = tmp_path_factory.mktemp("renouvellement-depot")
    dossier.build(renewal[1], out, only=("dossier",), strict=True)
    return out


@pytest.mark.slow
def test_the_bundle_holds_the_tableau_and_the_fiche(bundle_build, fiche):
    bundle = bundle_build / "dossier"
    assert {p.name for p in bundle.iterdir()} >= {f"{STEM}.pdf", f"{STEM}.docx", "fiche-rncp.xml"}
    assert f"{STEM}.pdf" in (bundle / "MANIFEST.sha256").read_text(encoding="utf-8")
    assert (bundle / "fiche-rncp.xml").read_bytes() == fiche.read_bytes()
    sheet = plain((bundle / "teleprocedure.txt").read_text(encoding="utf-8"))  # typography undone
    assert "Statistiques des promotions" in sheet and "2027  | 40        | 3        | 81.5 %" in sheet


@pytest.mark.slow
def test_the_tableau_in_pdf_and_docx(bundle_build, tmp_path):
    full_build = bundle_build
    folder = full_build / "correspondances"
    pdf = flat(pdf_text(folder / f"{STEM}.pdf"))
    docx = flat(docx_text(folder / f"{STEM}.docx"))
    for text in (pdf, docx):
        assert "tableau de correspondance" in text.lower() and "Avec la version précédente (RNCP39999)" in text
        assert "Partielle" in text and "restent à valider : C3.2" in text
        assert "BC05 — Organiser la veille et les données de marché" in text
    if shutil.which("soffice"):
        opened = pdf_text(libreoffice_pdf(folder / f"{STEM}.docx", tmp_path), raw=True)
        assert "Règles de transition pour les candidats" in opened


@pytest.mark.slow
def test_the_changelog_in_its_three_formats(renewal, tmp_path):
    old, new = renewal
    out = tmp_path / "evolutions"
    result = run("diff", str(old), str(new), "--out", str(out))
    assert result.exit_code == 0, result.output
    stem = "responsable-commercial-et-marketing-evolutions"
    html = html_tree(out / f"{stem}.html")
    struck = " ".join(flat(d.text_content()) for d in html.xpath("//del"))
    added = " ".join(flat(i.text_content()) for i in html.xpath("//ins"))
    assert "budgétiser" in struck and "chiffrer un programme" in added
    kinds = set(html.xpath("//div[@class='changement']/@data-type"))
    assert {"bloc-scinde", "competence-fusionnee", "competence-reecrite", "competence-supprimee", "critere-deplace"} <= kinds
    for text in (flat(pdf_text(out / f"{stem}.pdf")), flat(docx_text(out / f"{stem}.docx"))):
        assert "évolutions du référentiel" in text.lower()
        assert "Le bloc BC01 de l'ancienne version est scindé : ses compétences vont aux blocs BC01 et BC05." in text
        assert "C2.1 et C2.2 sont fusionnées en C2.1." in text
        assert "C4.5 supprimée" in text and "Critère CR1.2 : évalue désormais C1.1 (au lieu de C1.2)." in text
        assert "Correspondances proposées" in text and "restent à valider : C3.2" in text
    body = docx_xml(out / f"{stem}.docx")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    struck_runs = ["".join(t.text or "" for t in r.iter(f"{w}t")) for r in body.iter(f"{w}r") if r.find(f"{w}rPr/{w}strike") is not None]
    assert any("budgétiser" in s for s in struck_runs)
    if shutil.which("soffice"):
        opened = flat(pdf_text(libreoffice_pdf(out / f"{stem}.docx", tmp_path), raw=True))
        assert re.search(r"C2\.1 et C2\.2 sont fusionnées en C2\.1", opened)


def test_notes_are_text(project, tmp_path):
    from conftest import MINIMAL

    cert = (MINIMAL / "certification.yaml").read_text(encoding="utf-8") + (
        "correspondances:\n  - fiche: RNCP12345\n    blocs_fiche: [BC01]\n    blocs: [BC01]\n    type: partielle\n"
        "    competences: {C1.1: [C1.1]}\n    notes: \"<b>gras</b> {{ x }} & « fin »\"\n")
    folder = project({"certification.yaml": cert})
    assert run("build", str(folder), "--out", str(tmp_path), "--only", "correspondances", "--format", "html").exit_code == 0
    page = next((tmp_path / "correspondances").glob("*.html")).read_text(encoding="utf-8")
    assert '<p class="notes">&lt;b&gt;gras&lt;/b&gt; {{ x }} &amp; «\u00a0fin\u00a0»</p>' in page  # typeset, still text
