"""`dossier serve`: the site on localhost, rebuilt when a source or template changes.

A watcher thread polls the modification times of the sources and templates;
after a change it rebuilds the site and bumps a version number. HTML pages are
served with a small script that asks for that number every second and reloads
the page when it changes. Nothing of this goes into build/site itself.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

from ..render.templates import PACKAGE_TEMPLATES
from .build import Hooks, build
from .options import SITE, BuildOptions

VERSION_PATH = "/__dossier__/version"
RELOAD = (
    "<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH + "',{cache:'no-store'})"
    ".then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v){location.reload()}v=t})"
    ".catch(function(){})},1000)})();</script>"
)


def snapshot(folders: list[Path]) -> dict[str, float]:
    """Modification times of every file below the folders (sources, templates)."""
    state = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    try:
                        state[str(path)] = path.stat().st_mtime_ns
                    except FileNotFoundError:
                        pass
    return state


class Site:
    """The served site's state: its version, and how to rebuild it."""

    def __init__(self, folder: Path, out: Path, echo: Callable[[str], None]):
        self.folder = Path(folder)
        self.out = Path(out)
        self.echo = echo
        self.version = 0
        self.lock = threading.Lock()
        self.watched = [self.folder, PACKAGE_TEMPLATES]

    def rebuild(self) -> None:
        echo = self.echo

        class Said(Hooks):
            def checked(self, checked) -> None:
                if not checked.ok:
                    for diag in checked.report.sorted():
                        echo(diag.format())

        try:
            result = build(self.folder, self.out, BuildOptions(only=(SITE,)), Said())
        except Exception as exc:  # a broken template while editing: say it, keep serving
            self.echo(f"Reconstruction impossible : {exc}")
            return
        if result.refused:
            self.echo("Sources non conformes : le site n'est pas reconstruit.")
            return
        with self.lock:
            self.version += 1
        self.echo(f"Site reconstruit ({time.strftime('%H:%M:%S')}).")

    def watch(self, stop: threading.Event, interval: float = 0.5) -> None:
        last = snapshot(self.watched)
        while not stop.wait(interval):
            now = snapshot(self.watched)
            if now != last:
                last = now
                self.rebuild()


class Handler(http.server.SimpleHTTPRequestHandler):
    site: Site

    def do_GET(self):  # noqa: N802 (http.server's API)
        if self.path == VERSION_PATH:
            with self.site.lock:
                body = str(self.site.version).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes().replace(b"</body>", RELOAD.encode() + b"</body>", 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format, *args):  # quiet: the terminal is for rebuild messages
        pass


def make_server(folder: Path, out: Path, port: int, echo: Callable[[str], None]):
    site = Site(folder, out, echo)
    site.rebuild()
    handler = type("BoundHandler", (Handler,), {"site": site})
    directory = str(Path(out) / "site")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=directory))
    return server, site


def serve(folder: Path, out: Path, port: int, echo: Callable[[str], None] = print) -> None:
    server, site = make_server(folder, out, port, echo)
    stop = threading.Event()
    watcher = threading.Thread(target=site.watch, args=(stop,), daemon=True)
    watcher.start()
    host, real_port = server.server_address[:2]
    echo(f"Site servi sur http://{host}:{real_port}/ — Ctrl-C pour arrêter.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        echo("Arrêt.")
    finally:
        stop.set()
        server.server_close()
