"""The site's page « Correspondances », in a real headless Chromium: reached from a bloc, readable by all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import dossier
from conftest import run
from renewal import make_versions

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium absent : make test l'installe")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    old, new = make_versions(tmp_path_factory.mktemp("versions"))
    assert run("diff", str(old), str(new), "--ecrire", "--format", "json", "--out", str(new.parent / "e")).exit_code == 0
    out = tmp_path_factory.mktemp("site")
    dossier.build(new, out, only=("site",), formats=("html",), brouillon=True)
    return out / "site"


@pytest.fixture(scope="module")
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_page()
        browser.close()


def test_a_bloc_links_to_its_correspondence_row(site, page):
    page.goto((site / "blocs" / "bc05.html").as_uri())
    page.get_by_role("link", name="Correspondance totale avec BC01 (RNCP39999)").click()
    assert page.url.endswith("correspondances.html#correspondance-5")
    page.wait_for_load_state()
    # the browser scrolls to the row once the page is laid out: wait for it (fails after 5 s otherwise)
    page.wait_for_function("() => { const r = document.getElementById('correspondance-5').getBoundingClientRect();"
                           " return r.top >= 0 && r.top < window.innerHeight; }", timeout=5000)
    assert page.locator("nav.navigation a[aria-current='page']").inner_text() == "Correspondances"


def test_no_serious_accessibility_violation(site, page):
    from axe_playwright_python.sync_playwright import Axe

    page.goto((site / "correspondances.html").as_uri())
    results = Axe().run(page)
    assert [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")] == []


def test_no_sideways_scroll_on_a_phone(site, page):
    page.set_viewport_size({"width": 390, "height": 800})
    pages = sorted(site.rglob("*.html"))  # every page of a renewed certification's site, the correspondances too
    assert site / "correspondances.html" in pages
    for path in pages:
        page.goto(path.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path.relative_to(site)
    page.set_viewport_size({"width": 1280, "height": 800})
