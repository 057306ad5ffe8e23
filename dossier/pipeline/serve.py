"""`dossier serve`: the site on localhost, rebuilt when a source or template changes.

A watcher thread polls the modification times of the sources and templates;
after a change it rebuilds the site's pages at once and bumps a version
number, then a builder thread rebuilds everything the site links to — the
PDF and DOCX it offers for download — and bumps it again: until then every
page says the downloads are being rebuilt (« en cours »), so a stale PDF is
never taken for the current one. HTML pages are served with a small script
that asks for that number every second and reloads the page when it changes.
Nothing of this goes into build/site itself.

The watcher survives anything a rebuild or a look at the files can raise: the
problem is printed, shown at the top of every page (a banner) until a rebuild
succeeds, and the next edit is watched for as before. A request whose path is
not a valid URL (`%00`, bytes that are not UTF-8) gets a 400.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from ..errors import DossierError, environment_error
from ..render.templates import PACKAGE_TEMPLATES
from ..text import printable
from .build import Hooks, build
from .options import SITE, BuildOptions
from .state import snapshot

VERSION_PATH = "/__dossier__/version"
RELOAD = (
    "<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH + "',{cache:'no-store'})"
    ".then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t})"
    ".catch(function(){})},1000)})();</script>"
)
BANNER = (
    '<div id="dossier-erreur" role="alert" style="position:sticky;top:0;z-index:1000;margin:0;padding:1em 1.5em;'
    'background:#fde8e8;color:#7a1010;border-bottom:3px solid #b42318;font:1rem/1.4 sans-serif">'
    "<strong>Le site n'a pas pu être reconstruit</strong> : il montre la dernière version réussie. "
    "Corrigez puis enregistrez : il se reconstruit aussitôt."
    '<pre style="white-space:pre-wrap;margin:.5em 0 0;font-size:.9rem">{}</pre></div>'
)
PENDING = (
    '<div id="dossier-en-cours" role="status" style="position:sticky;top:0;z-index:999;margin:0;padding:.6em 1.5em;'
    'background:#fff7e0;color:#5c3b00;border-bottom:2px solid #c98a00;font:1rem/1.4 sans-serif">'
    "<strong>Mise à jour en cours</strong> : les documents à télécharger (PDF, DOCX) sont en cours de "
    "reconstruction ; la page se rechargera d'elle-même quand ils seront prêts.</div>"
)
_BODY = re.compile(rb"<body[^>]*>", re.IGNORECASE)


class Site:
    """The served site's state: its version, the last rebuild's problem, and how to rebuild it."""

    def __init__(self, folder: Path, out: Path, echo: Callable[[str], None], documents: bool = True):
        self.folder = Path(folder)
        self.out = Path(out)
        self.echo = echo
        self.documents = documents  # also rebuild what the site offers for download (PDF, DOCX)
        self.version = 0
        self.problem = ""  # shown in every page until a rebuild succeeds
        self.pending = False  # the downloads are being rebuilt
        self.lock = threading.Lock()
        self.building = threading.Lock()  # one build at a time in the output folder
        self.watched = [self.folder, PACKAGE_TEMPLATES]
        self._wanted = threading.Event()  # the documents are to be rebuilt
        self._builder: threading.Thread | None = None

    def rebuild(self) -> None:
        """The site's pages now; the documents it links to next, in the builder thread."""
        problem = self._build(BuildOptions(only=(SITE,)), "le site n'est pas reconstruit")
        later = self.documents and not problem
        self._settle(problem, pending=later)
        if later:
            self._start_builder()
            self._wanted.set()

    def rebuild_documents(self) -> None:
        """Every document, the site and the bundle, as `dossier build` makes them."""
        problem = self._build(BuildOptions(), "les documents ne sont pas reconstruits")
        if self._wanted.is_set():  # edited again meanwhile: the next round says how it went
            return
        self._settle(problem, pending=False, done="Documents à télécharger reconstruits")

    def _build(self, options: BuildOptions, refused: str) -> str:
        """Build; the problem in words, or "" when it went well."""
        said: list[str] = []

        class Said(Hooks):
            def checked(self, checked) -> None:
                if not checked.ok:
                    said.extend(d.format() for d in checked.report.sorted())

        try:
            with self.building:
                result = build(self.folder, self.out, options, Said())
            return "\n".join([*said, f"Sources non conformes : {refused}."]) if result.refused else ""
        except DossierError as exc:  # a broken template, a full disk…
            return "\n".join([*said, f"Reconstruction impossible : {exc.format_message()}"])
        except Exception as exc:  # anything else: said, and the watcher goes on
            return "\n".join([*said, f"Reconstruction impossible : {type(exc).__name__}: {exc}"])

    def _start_builder(self) -> None:
        if self._builder is None:
            self._builder = threading.Thread(target=self._build_documents_forever, daemon=True)
            self._builder.start()

    def _build_documents_forever(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                self.rebuild_documents()
            except Exception as exc:  # the builder never dies either
                self._settle(f"Reconstruction des documents : {type(exc).__name__}: {exc}", pending=False)

    def _settle(self, problem: str, pending: bool = False, done: str = "Site reconstruit") -> None:
        """Say how the rebuild went, in the terminal and (through a new version) in the open pages."""
        if problem:
            self.echo(printable(problem))
        else:
            later = " ; documents à télécharger en cours de reconstruction" if pending else ""
            self.echo(f"{done} ({time.strftime('%H:%M:%S')}){later}.")
        with self.lock:
            self.problem = problem
            self.pending = pending
            self.version += 1

    def watch(self, stop: threading.Event, interval: float = 0.5) -> None:
        """Rebuild after each change, until `stop`; nothing raised here ends the watch."""
        last = None
        while True:
            try:
                last = self._look(last)
            except Exception as exc:  # the watcher itself never dies
                self._settle(f"Surveillance des sources : {type(exc).__name__}: {exc}")
            if stop.wait(interval):
                return

    def _look(self, last: dict | None) -> dict:
        now = snapshot(self.watched)
        if last is not None and now != last:
            self.rebuild()
        return now


def valid_path(raw: str) -> bool:
    """A request path the server may look up: valid UTF-8 once decoded, and no control character."""
    path = raw.split("?", 1)[0].split("#", 1)[0]
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        return False
    return path.startswith("/") and not any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded)


class Handler(http.server.SimpleHTTPRequestHandler):
    site: Site

    def do_GET(self):  # noqa: N802 (http.server's API)
        self._answer(body=True)

    def do_HEAD(self):  # noqa: N802 (http.server's API)
        self._answer(body=False)

    def _answer(self, body: bool) -> None:
        if not valid_path(self.path):
            self.send_error(400, "Requête invalide")
            return
        if self.path == VERSION_PATH:
            with self.site.lock:
                self._send(200, "text/plain", str(self.site.version).encode(), body)
            return
        try:
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                self._send(200, "text/html; charset=utf-8", self._page(path.read_bytes()), body)
                return
            if self.site.problem and (path.suffix == ".html" or not path.suffix):
                self._send(503, "text/html; charset=utf-8", self._page(b"<!doctype html><html lang=fr><body></body></html>"), body)
                return
        except (OSError, ValueError):
            self.send_error(400, "Requête invalide")
            return
        super().do_GET() if body else super().do_HEAD()

    def _page(self, page: bytes) -> bytes:
        """The page as served: the reload script, the banner while the last rebuild failed, and a
        notice while the documents to download are being rebuilt."""
        with self.site.lock:
            problem, pending = self.site.problem, self.site.pending
        page = page.replace(b"</body>", RELOAD.encode() + b"</body>", 1)
        banner = ""
        if problem:
            banner = BANNER.format(html.escape(printable(problem)))
        elif pending:
            banner = PENDING
        if banner:
            found = _BODY.search(page)
            data = banner.encode("utf-8")
            page = page[: found.end()] + data + page[found.end():] if found else data + page
        return page

    def _send(self, status: int, kind: str, data: bytes, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format, *args):  # quiet: the terminal is for rebuild messages
        pass


class Server(http.server.ThreadingHTTPServer):
    echo: Callable[[str], None] = print

    def handle_error(self, request, client_address):  # one line, never a traceback
        import sys

        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            self.echo(printable(f"Requête de {client_address[0]} abandonnée : {type(exc).__name__}: {exc}"))


def make_server(folder: Path, out: Path, port: int, echo: Callable[[str], None], documents: bool = True):
    """The server bound to 127.0.0.1:port (refused at once if the port is taken), and the site built
    (its documents next, in the background, when `documents`)."""
    site = Site(folder, out, echo, documents)
    handler = type("BoundHandler", (Handler,), {"site": site})
    directory = str(Path(out) / "site")
    try:
        server = Server(("127.0.0.1", port), functools.partial(handler, directory=directory))
    except OSError as exc:
        raise environment_error(exc, f"port {port}") from exc
    server.echo = echo
    site.rebuild()
    return server, site


def serve(folder: Path, out: Path, port: int, echo: Callable[[str], None] = print, open_browser: bool = True) -> None:
    server, site = make_server(folder, out, port, echo)
    stop = threading.Event()
    watcher = threading.Thread(target=site.watch, args=(stop,), daemon=True)
    watcher.start()
    host, real_port = server.server_address[:2]
    url = f"http://{host}:{real_port}/"
    echo(f"Site servi sur {url} — Ctrl-C pour arrêter.")
    if open_browser:
        _open(url, echo)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("Arrêt.")
    finally:
        stop.set()
        server.server_close()


def _open(url: str, echo: Callable[[str], None]) -> None:
    """Open the site in the user's browser; say so when there is none (a server without a screen)."""
    import webbrowser

    try:
        opened = webbrowser.open(url)
    except Exception:  # a broken browser setting is not a reason to stop serving
        opened = False
    if not opened:
        echo(f"Aucun navigateur n'a pu être ouvert : ouvrez {url} vous-même.")
