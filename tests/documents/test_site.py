"""The published site, driven in a real headless Chromium (Debian's, never a downloaded one)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import MINIMAL, run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium absent : make test l'installe")]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(example_build) -> Path:
    return example_build / "site"


class Watched:
    """A page with its console errors, failed requests and every URL it asked for."""

    def __init__(self, browser, **kwargs):
        self.page = browser.new_page(**kwargs)
        self.errors, self.failed, self.requests, self.dialogs = [], [], [], []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.page.close()


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        "s => { const r = document.getElementById(s).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }", selector)


def test_home_loads_without_error_or_outside_request(browser, site):
    with Watched(browser) as w:
        w.page.goto((site / "index.html").as_uri())
        assert w.page.title() == "Accueil — Responsable commercial et marketing"
        assert w.page.locator("h1").inner_text() == "Responsable commercial et marketing"
        assert w.errors == [] and w.failed == []
        assert w.requests and all(u.startswith("file://") for u in w.requests)
        assert w.page.get_attribute("html", "lang") == "fr"


def test_navigation_reaches_each_bloc(browser, site):
    with Watched(browser) as w:
        w.page.goto((site / "index.html").as_uri())
        for code in ("BC01", "BC02", "BC03", "BC04"):
            w.page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=code, exact=True).click()
            assert w.page.url.endswith(f"/blocs/{code.lower()}.html")
            assert w.page.locator("h1").inner_text().startswith(f"{code} — ")
            assert w.page.locator("td.competence").count() >= 4
        w.page.get_by_role("link", name="Couverture").click()
        assert w.page.locator("table.matrice").count() == 4
        assert w.errors == [] and w.failed == []


def test_search_without_accents_finds_the_competence_and_links_to_its_anchor(browser, site):
    with Watched(browser) as w:
        w.page.goto((site / "index.html").as_uri())
        w.page.fill("#q", "decliner strategie")
        w.page.press("#q", "Enter")
        w.page.wait_for_load_state()
        assert w.page.locator("#resume").inner_text() == "1 résultat pour « decliner strategie » :"
        link = w.page.locator("#resultats a").first
        assert link.inner_text().startswith("Décliner la stratégie commerciale de l’entreprise")
        link.click()
        w.page.wait_for_load_state()
        assert w.page.url.endswith("/blocs/bc01.html#C1.2")
        assert in_viewport(w.page, "C1.2")
        assert w.errors == []


def test_search_is_case_and_accent_insensitive_both_ways(browser, site):
    with Watched(browser) as w:
        w.page.goto((site / "recherche.html").as_uri() + "?q=COMPÉTENCE%20tableaux%20de%20bord")
        assert w.page.locator("#resultats li").count() >= 2
        assert all("Compétence" in t for t in w.page.locator("#resultats .type").all_inner_texts())


def test_permanent_link_scrolls_to_the_competence(browser, site):
    with Watched(browser, viewport={"width": 1280, "height": 700}) as w:
        w.page.goto((site / "blocs" / "bc03.html").as_uri() + "#C3.4")
        assert in_viewport(w.page, "C3.4")
        assert w.page.evaluate("document.querySelector(':target').id") == "C3.4"


def test_downloads_are_linked_and_present(browser, site):
    with Watched(browser) as w:
        w.page.goto((site / "index.html").as_uri())
        hrefs = w.page.eval_on_selector_all(".telechargements a", "as => as.map(a => a.getAttribute('href'))")
    assert "telechargements/referentiel/responsable-commercial-et-marketing-referentiel.pdf" in hrefs
    assert "telechargements/livret/responsable-commercial-et-marketing-livret.docx" in hrefs
    assert "telechargements/grilles/bc01-m1-1.pdf" in hrefs
    assert all((site / h).is_file() for h in hrefs)


def test_no_accessibility_violation_on_any_page(browser, site):
    """axe-core on every page the site has (the pages other documents add included), and on a search."""
    from axe_playwright_python.sync_playwright import Axe

    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "telechargements" not in p.parts)
    assert {"index.html", "blocs/bc02.html", "recherche.html", "couverture.html"} <= set(pages)
    found = {}
    for page in [*pages, "recherche.html?q=strategie"]:
        with Watched(browser) as w:
            w.page.goto((site / page.split("?")[0]).as_uri() + ("?" + page.split("?")[1] if "?" in page else ""))
            violations = [f"{v['id']} ({v['impact']})" for v in Axe().run(w.page).response["violations"]]
            if violations:
                found[page] = violations
    assert found == {}


def test_visible_focus_and_skip_link(browser, site):
    with Watched(browser) as w:
        w.page.goto((site / "index.html").as_uri())
        w.page.keyboard.press("Tab")
        focused = w.page.evaluate("document.activeElement.textContent")
        assert focused == "Aller au contenu"
        outline = w.page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"


def test_works_from_a_sub_path_over_http(browser, site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site.parent))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/site/"
        with Watched(browser) as w:
            w.page.goto(base + "blocs/bc04.html")
            w.page.fill("#q", "recrutement")
            w.page.press("#q", "Enter")
            w.page.wait_for_load_state()
            assert w.page.url.startswith(base + "recherche.html")
            w.page.locator("#resultats a").first.click()
            assert w.page.url.startswith(base + "blocs/bc04.html#")
            assert w.errors == [] and w.failed == []
    finally:
        server.shutdown()


def test_markup_in_the_sources_is_shown_as_text_and_never_runs(browser, tmp_path):
    folder = tmp_path / "proj"
    shutil.copytree(MINIMAL, folder)
    bloc = folder / "blocs" / "bc01.yaml"
    trap = "Accueillir <script>alert(1)</script><img src=x onerror=alert(2)> le client afin de vendre."
    bloc.write_text(bloc.read_text(encoding="utf-8").replace(
        "texte: Accueillir le client afin de comprendre son besoin.", f'texte: "{trap}"'), encoding="utf-8")
    result = run("site", str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    site = tmp_path / "out" / "site"
    with Watched(browser) as w:
        w.page.goto((site / "blocs" / "bc01.html").as_uri())
        assert w.page.locator("td#C1\\.1").inner_text() == f"C1.1 {trap}"
        w.page.goto((site / "recherche.html").as_uri() + "?q=script")
        assert trap in w.page.locator("#resultats").inner_text()
        time.sleep(0.2)
        assert w.dialogs == [] and w.page.locator("img").count() == 0


def test_serve_rebuilds_and_reloads(tmp_path):
    from dossier.pipeline.serve import VERSION_PATH, make_server

    folder = tmp_path / "proj"
    shutil.copytree(MINIMAL, folder)
    messages = []
    server, site_state = make_server(folder, tmp_path / "out", 0, messages.append)
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=site_state.watch, args=(stop, 0.1), daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = urllib.request.urlopen(base + "/blocs/bc01.html").read().decode()
        assert "Vendre" in page and VERSION_PATH in page  # the reload script is injected when served
        assert VERSION_PATH not in (tmp_path / "out" / "site" / "blocs" / "bc01.html").read_text()
        before = urllib.request.urlopen(base + VERSION_PATH).read()
        bloc = folder / "blocs" / "bc01.yaml"
        time.sleep(0.05)
        bloc.write_text(bloc.read_text(encoding="utf-8").replace("intitule: Vendre", "intitule: Négocier"), encoding="utf-8")
        deadline = time.time() + 20  # the version moves with each rebuild (the documents' one, in the background, too)
        while "Négocier" not in urllib.request.urlopen(base + "/blocs/bc01.html").read().decode() and time.time() < deadline:
            time.sleep(0.1)
        assert urllib.request.urlopen(base + VERSION_PATH).read() != before
        assert "Négocier" in urllib.request.urlopen(base + "/blocs/bc01.html").read().decode()
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
