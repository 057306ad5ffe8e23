"""The site on a phone: no page scrolls sideways at 390 px, in a real headless Chromium (Debian's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run
from extract import flat

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium absent : make test l'installe")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 390, "height": 844}

# Each table: does it fit the screen, or scroll inside its own box (with a background drawn as a cue)?
TABLES = """() => [...document.querySelectorAll('main table')].map(t => {
  const box = t.getBoundingClientRect(), style = getComputedStyle(t);
  return {fits: box.right <= window.innerWidth + 0.5, scrolls: ['auto', 'scroll'].includes(style.overflowX),
          own: t.scrollWidth > t.clientWidth, cue: style.backgroundImage !== 'none', cls: t.className};
})"""


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_page(viewport=PHONE)
        browser.close()


def wide_project(project) -> Path:
    """A bloc assessed by eight épreuves: a coverage matrix wider than any phone."""
    folder = project()
    bloc = (folder / "blocs" / "bc01.yaml").read_text(encoding="utf-8")
    more = "".join(
        f"  - id: M1.{n}\n    type: questionnaire\n    intitule: Questionnaire de connaissances numéro {n}\n"
        f"    duree: 30 min\n    competences: [C1.1, C1.2]\n"
        for n in range(2, 9)
    )
    bloc = bloc.replace("criteres:\n", more + "criteres:\n", 1)
    return project({"blocs/bc01.yaml": bloc})


def pages_of(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "telechargements" not in p.parts)


def assert_no_sideways_scroll(page, site: Path) -> int:
    checked = 0
    for path in pages_of(site):
        page.goto(path.as_uri())
        name = path.relative_to(site)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], name
        for table in page.evaluate(TABLES):
            assert table["fits"] or table["scrolls"], (name, table)
            if table["own"]:  # wider than its box: it scrolls there, and shows it
                assert table["scrolls"] and table["cue"], (name, table)
        checked += 1
    return checked


def test_every_page_of_the_example_fits_a_phone(page, example_build):
    site = example_build / "site"
    assert assert_no_sideways_scroll(page, site) == len(pages_of(site)) >= 7


def test_access_routes_are_cards_on_a_phone(page, example_build):
    page.goto((example_build / "site" / "index.html").as_uri())
    rows = page.evaluate("""() => [...document.querySelectorAll('table.voies tbody tr')].map(tr => {
      const b = tr.getBoundingClientRect(); return [getComputedStyle(tr).display, Math.round(b.width)]; })""")
    assert rows and all(display == "block" and width <= PHONE["width"] for display, width in rows)
    # the column headings are said again inside each card
    assert page.evaluate("getComputedStyle(document.querySelector('table.voies td.jury'), '::before').content") == '"Composition du jury"'
    text = page.inner_text("table.voies")
    assert "Validation des acquis de l'expérience (VAE)" in flat(text)


def test_a_matrix_wider_than_the_phone_scrolls_in_its_own_box(page, project, tmp_path):
    folder = wide_project(project)
    result = run("build", str(folder), "--out", str(tmp_path / "out"), "--only", "site")
    assert result.exit_code == 0, result.output
    site = tmp_path / "out" / "site"
    assert_no_sideways_scroll(page, site)
    page.goto((site / "couverture.html").as_uri())
    tables = page.evaluate(TABLES)
    assert any(t["own"] and t["scrolls"] and t["cue"] for t in tables), tables
