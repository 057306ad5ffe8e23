"""`dossier serve` survives whatever an edit does: the problem is printed and shown at the top of
every page, and the next good edit rebuilds the site. A path that is not a valid URL gets a 400."""

from __future__ import annotations

import http.client
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import MINIMAL, PACKAGE_TEMPLATES

CERT = (MINIMAL / "certification.yaml").read_text(encoding="utf-8")
BLOC = (MINIMAL / "blocs" / "bc01.yaml").read_text(encoding="utf-8")


class Served:
    def __init__(self, folder: Path, out: Path, documents: bool = False):
        from dossier.pipeline.serve import make_server

        self.messages: list[str] = []
        self.server, self.site = make_server(folder, out, 0, self.messages.append, documents)
        self.stop = threading.Event()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.watcher = threading.Thread(target=self.site.watch, args=(self.stop, 0.05), daemon=True)
        self.watcher.start()
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base + path) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def raw(self, method: str, path: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.putrequest(method, path, skip_accept_encoding=True)  # the path as is, not quoted
        connection.endheaders()
        status = connection.getresponse().status
        connection.close()
        return status

    def wait_for(self, condition, what: str) -> None:
        deadline = time.time() + 20
        while time.time() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"{what} — messages : {self.messages}")

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def served(tmp_path):
    folder = tmp_path / "proj"
    shutil.copytree(MINIMAL, folder)
    s = Served(folder, tmp_path / "out")
    s.folder = folder
    yield s
    s.close()


def _edit(path: Path, text: str) -> None:
    time.sleep(0.02)  # a new modification time
    path.write_text(text, encoding="utf-8")


def _impossible_date(folder: Path) -> str:
    _edit(folder / "certification.yaml", CERT.replace("date: 2026-01-15", "date: 2026-02-30"))
    return "« 2026-02-30 » : cette date n&#x27;existe pas"


def _broken_template(folder: Path) -> str:
    site = folder / "templates" / "html" / "site"
    site.mkdir(parents=True)
    page = (PACKAGE_TEMPLATES / "html" / "site" / "index.html").read_text(encoding="utf-8")
    _edit(site / "index.html", page + "{% if %}")
    return "gabarit invalide"


def _fifo_for_a_bloc(folder: Path) -> str:
    import os

    time.sleep(0.02)
    (folder / "blocs" / "bc01.yaml").unlink()
    os.mkfifo(folder / "blocs" / "bc01.yaml")
    return "un fichier ordinaire est attendu, c&#x27;est un tube nommé (FIFO)"


def _control_character(folder: Path) -> str:
    _edit(folder / "blocs" / "bc01.yaml", BLOC.replace("intitule: Vendre", 'intitule: "Ven\\x1bdre"'))
    return "caractère de contrôle U+001B (échappement)"


BAD_EDITS = {"date": _impossible_date, "gabarit": _broken_template, "tube": _fifo_for_a_bloc, "controle": _control_character}


def variants(names, quick: str) -> list:
    """Every variant under `make test`; one of them in the quick loop (`-m "not slow"`)."""
    return [pytest.param(n, marks=() if n == quick else pytest.mark.slow) for n in names]


@pytest.mark.parametrize("edit", variants(sorted(BAD_EDITS), quick="date"))
def test_the_watcher_survives_a_bad_edit_shows_it_and_rebuilds_on_the_next(served, edit):
    status, page = served.get("/blocs/bc01.html")
    assert status == 200 and "Vendre" in page and "dossier-erreur" not in page
    shown = BAD_EDITS[edit](served.folder)
    served.wait_for(lambda: shown in served.get("/blocs/bc01.html")[1], "the banner never showed the problem")
    status, page = served.get("/index.html")
    assert status == 200 and 'id="dossier-erreur" role="alert"' in page and shown in page  # on every page
    assert any(shown.replace("&#x27;", "'") in m for m in served.messages)
    assert not any("\x1b" in m for m in served.messages)
    # the fix: the last good version comes back as soon as the sources are right again
    if edit == "gabarit":
        shutil.rmtree(served.folder / "templates")
    if edit == "tube":
        (served.folder / "blocs" / "bc01.yaml").unlink()
    _edit(served.folder / "certification.yaml", CERT)
    _edit(served.folder / "blocs" / "bc01.yaml", BLOC.replace("intitule: Vendre", "intitule: Négocier"))
    served.wait_for(lambda: "Négocier" in served.get("/blocs/bc01.html")[1], "never rebuilt after the fix")
    assert "dossier-erreur" not in served.get("/blocs/bc01.html")[1]
    assert served.watcher.is_alive()


def test_the_watcher_survives_its_own_failures(served, monkeypatch):
    from dossier.pipeline import serve

    real, calls = serve.snapshot, []

    def flaky(folders):
        calls.append(1)
        if len(calls) in (2, 3):
            raise PermissionError(13, "Permission denied", "sources")
        return real(folders)

    monkeypatch.setattr(serve, "snapshot", flaky)
    served.wait_for(lambda: len(calls) >= 4, "the watcher stopped looking")
    assert any(m.startswith("Surveillance des sources : PermissionError") for m in served.messages)
    _edit(served.folder / "blocs" / "bc01.yaml", BLOC.replace("intitule: Vendre", "intitule: Négocier"))
    served.wait_for(lambda: "Négocier" in served.get("/blocs/bc01.html")[1], "never rebuilt after its own failure")
    assert served.watcher.is_alive()


@pytest.mark.parametrize("path", variants(["/%00", "/blocs/%00.html", "/%ff", "/%c3%28.html", "/a%0a.html", "/%2e%2e/%00", "/index.html%00.txt"], quick="/%00"))
def test_a_path_that_is_not_a_valid_url_gets_a_400(served, path, capfd):
    assert served.raw("GET", path) == 400
    assert served.raw("HEAD", path) == 400
    assert served.get("/index.html")[0] == 200  # still serving
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception" not in err


def test_a_site_never_built_shows_the_problem_instead_of_a_404(tmp_path):
    folder = tmp_path / "proj"
    shutil.copytree(MINIMAL, folder)
    (folder / "certification.yaml").write_text(CERT.replace("niveau: 5", "niveau: 12"), encoding="utf-8")
    served = Served(folder, tmp_path / "out")
    try:
        status, page = served.get("/")
        assert status == 503 and "niveau: 12 hors des bornes (de 3 à 8)" in page and "/__dossier__/version" in page
    finally:
        served.close()


@pytest.mark.slow
def test_an_edit_rebuilds_the_downloads_too_and_pages_say_so_meanwhile(tmp_path, monkeypatch):
    """The site's pages at once, then the PDF and DOCX it offers; until they are ready every page says
    « Mise à jour en cours », and then the download is the new one, not the one of the last build."""
    from dossier.pipeline.serve import Site

    gate = threading.Event()
    real = Site.rebuild_documents

    def held(self):
        gate.wait(30)
        real(self)

    monkeypatch.setattr(Site, "rebuild_documents", held)
    folder = tmp_path / "proj"
    shutil.copytree(MINIMAL, folder)
    s = Served(folder, tmp_path / "out", documents=True)
    try:
        status, page = s.get("/")
        assert status == 200 and "Mise à jour en cours" in page  # the first documents are being built
        gate.set()
        s.wait_for(lambda: "Mise à jour en cours" not in s.get("/")[1], "documents never ready")
        pdf = next((tmp_path / "out" / "site" / "telechargements" / "referentiel").glob("*.pdf"))
        gate.clear()
        _edit(folder / "blocs" / "bc01.yaml", BLOC.replace("intitule: Vendre", "intitule: Négocier les contrats"))
        s.wait_for(lambda: "Négocier les contrats" in s.get("/blocs/bc01.html")[1], "the page was not rebuilt")
        assert "Mise à jour en cours" in s.get("/blocs/bc01.html")[1]
        from extract import pdf_text

        assert "Négocier les contrats" not in pdf_text(pdf)  # still the last build's: hence the notice
        gate.set()
        s.wait_for(lambda: "Mise à jour en cours" not in s.get("/")[1], "documents never rebuilt")
        assert "Négocier les contrats" in pdf_text(pdf)
        assert any(m.startswith("Documents à télécharger reconstruits") for m in s.messages)
    finally:
        gate.set()
        s.close()


def test_the_browser_is_opened_unless_asked_not_to(monkeypatch, tmp_path):
    import webbrowser

    from dossier.pipeline import serve as serve_module

    opened, said = [], []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or False)
    serve_module._open("http://127.0.0.1:8000/", said.append)
    assert opened == ["http://127.0.0.1:8000/"]
    assert said == ["Aucun navigateur n'a pu être ouvert : ouvrez http://127.0.0.1:8000/ vous-même."]
    from conftest import run

    help_text = run("serve", "--help").stdout
    assert "--no-open" in help_text and "Ne pas ouvrir le navigateur." in help_text
