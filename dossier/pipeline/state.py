"""What each output was made from, kept in build/, so that a build redoes only what changed.

Each output's fingerprint covers the tool's version, the document, the
format, the view it is rendered from (so: exactly the sources it contains),
the templates it uses and the settings (date, PDF/A). A second, cheaper key
covers the whole build — every source and template file, the options — so
that a build with nothing changed stops before reading the YAML. A missing or
corrupt state only costs a full rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import jinja2.meta

from ..documents import DOCUMENTS
from ..version import __version__
from .write import write_atomic

STATE_FILE = ".dossier-state.json"


_FOUND: dict[tuple, list[Path]] = {}  # (template folders and their files' stamps, name) -> what template_files found


def template_files(templates, name: str) -> list[Path]:
    """The HTML template and everything it includes, imports or extends, as found on the search path.

    Finding them parses each template (~9 ms for the référentiel's): a build asks once per output,
    and `dossier suivre` at every save. The answer is kept while no file of the template folders is
    added, removed or changed (their names, sizes and modification times, ~0.5 ms to read)."""
    key = (tuple(sorted(snapshot(templates.folders).items())), name)
    found = _FOUND.get(key)
    if found is None:
        if len(_FOUND) > 64:
            _FOUND.clear()
        found = _FOUND[key] = _template_files(templates, name)
    return list(found)


def snapshot(folders) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file below the folders (sources, templates): what `serve`
    and `suivre` compare to see a save, and what keeps `template_files`' answers."""
    state = {}
    for folder in map(Path, folders):
        if folder.is_dir():
            for path in folder.rglob("*"):
                try:
                    if path.is_file():
                        info = path.stat()
                        state[str(path)] = (info.st_size, info.st_mtime_ns)
                except OSError:  # gone, or unreadable: the rebuild will say so
                    pass
    return state


def _template_files(templates, name: str) -> list[Path]:
    env = templates.html_environment()
    seen: dict[str, Path] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        try:
            source, filename, _ = env.loader.get_source(env, current)
        except jinja2.TemplateNotFound:
            continue  # a quoted name that is not a template
        seen[current] = Path(filename)
        todo.extend(t for t in jinja2.meta.find_referenced_templates(env.parse(source, current, filename)) if t)
        # names passed to a macro that includes them (head(h, …, ["base.css", "grille.css"]))
        todo.extend(re.findall(r"[\"']([\w./-]+\.(?:css|html|js))[\"']", source))
    return sorted(seen.values())


def fingerprint(out, env) -> str:
    """What one output depends on, as one hash."""
    spec = DOCUMENTS[out.document]
    digest = hashlib.sha256()
    for part in (__version__, out.document, out.format, str(out.path), env.when.isoformat(), str(env.pdf_a), str(env.pdf_ua), repr(out.view)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    files = template_files(env.templates, f"{spec.template}.html")
    if out.format == "docx":
        files.append(env.templates.find(f"docx/{spec.template}.docx"))
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def tree_key(folders: list[Path], options: tuple) -> str:
    """A hash of every file below the folders and of the build's options."""
    digest = hashlib.sha256(repr((__version__, options, os.environ.get("SOURCE_DATE_EPOCH", ""))).encode())
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(_content_key(path))
    return digest.hexdigest()


def _content_key(path: Path) -> bytes:
    """What a file contributes to the tree key, read safely: a link by its target (the reader refuses
    links out of the sources), a regular file by its hash, streamed; anything else by its kind."""
    try:
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            return b"link:" + os.readlink(path).encode("utf-8", "surrogateescape")
        if not stat.S_ISREG(info.st_mode):
            return b"dir" if stat.S_ISDIR(info.st_mode) else b"special"
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").digest()
    except OSError as exc:  # unreadable: the check says why; the key only has to differ
        return f"unreadable:{exc.errno}".encode()


@dataclass
class State:
    path: Path
    outputs: dict[str, str] = field(default_factory=dict)  # relative path -> fingerprint
    written: dict[str, list[int]] = field(default_factory=dict)  # relative path -> [size, mtime_ns] once written
    trees: dict[str, str] = field(default_factory=dict)  # build options -> tree key of its last success

    @classmethod
    def load(cls, out_dir: Path) -> State:
        path = Path(out_dir) / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(data["outputs"]), dict(data["written"]), dict(data.get("trees", {})))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(path)  # none yet, or unreadable: everything will be rebuilt

    def up_to_date(self, rel: str, fp: str, out_dir: Path) -> bool:
        if self.outputs.get(rel) != fp:
            return False
        return self.file_intact(rel, out_dir)

    def file_intact(self, rel: str, out_dir: Path) -> bool:
        """The file is there as this tool left it (not removed, replaced or edited since)."""
        try:
            stat = (Path(out_dir) / rel).stat()
        except OSError:
            return False
        return self.written.get(rel) == [stat.st_size, stat.st_mtime_ns]

    def record(self, rel: str, fp: str | None, out_dir: Path) -> None:
        if fp is not None:
            self.outputs[rel] = fp
        stat = (Path(out_dir) / rel).stat()
        self.written[rel] = [stat.st_size, stat.st_mtime_ns]

    def forget(self, rel: str) -> None:
        """The file was removed: nothing is known of it any more."""
        self.outputs.pop(rel, None)
        self.written.pop(rel, None)

    def save(self) -> None:
        payload = {"version": __version__, "outputs": self.outputs, "written": self.written, "trees": self.trees}
        write_atomic(self.path, json.dumps(payload, indent=0, sort_keys=True).encode("utf-8"))

