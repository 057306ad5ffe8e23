"""The site's home page: the prerequisites when there are some, and counts in correct French."""

from __future__ import annotations

from conftest import MINIMAL, run
from extract import html_tree

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")


def _home(folder, out):
    result = run("site", str(folder), "--out", str(out))
    assert result.exit_code == 0, result.output
    return html_tree(out / "site" / "index.html")


def test_counts_agree_with_their_number(project, tmp_path):
    home = _home(project(), tmp_path / "out")
    blocs = [" ".join(li.text_content().split()) for li in home.xpath("//ul[@class='blocs']/li")]
    assert blocs == ["BC01 — Vendre (2 compétences, 1 épreuve)"]  # the minimal bloc: two competences, one épreuve


def test_the_prerequisites_are_on_the_home_page_when_there_are_some(project, tmp_path):
    with_them = project({"certification.yaml": CERT.rstrip("\n") + "\nprerequis: |\n  Un **bac + 2** validé.\n"})
    home = _home(with_them, tmp_path / "a")
    section = home.get_element_by_id("t-prerequis").getparent()
    assert " ".join(section.text_content().split()) == "Prérequis Un bac + 2 validé."
    assert section.xpath(".//strong")[0].text == "bac + 2"
    without = _home(project(), tmp_path / "b")
    assert "t-prerequis" not in {e.get("id") for e in without.iter() if e.get("id")}
