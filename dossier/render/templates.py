"""Where templates are found: the project's `templates/` first, then the package's.

A project's templates come with its sources and are read like them: only regular
files inside the templates folder, of bounded size (sources/read.py), and run in
Jinja's sandbox, so that a template can show the view but never reach Python's
internals (`{{ ''.__class__ }}`), let alone run code.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.sandbox
from jinja2.loaders import split_template_path

from ..sources.read import UnreadableError, open_regular, read_bytes, zip_within_limits
from ..text import plural
from ..typography import duree_texte

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class TemplatePath:
    """An ordered list of template folders; the first holding a file wins."""

    folders: tuple[Path, ...]

    @classmethod
    def for_project(cls, project: Path | None) -> TemplatePath:
        folders = [Path(project) / "templates"] if project is not None else []
        folders.append(PACKAGE_TEMPLATES)
        return cls(tuple(f for f in folders if f.is_dir()))

    def find(self, relative: str) -> Path:
        """The first folder's file of that name (a Word template: checked to be a regular file inside
        its folder, and a zip that does not inflate beyond reason)."""
        for folder in self.folders:
            candidate = folder / relative
            if candidate.is_file() or candidate.is_symlink():
                try:
                    with open_regular(candidate, inside=folder, limit=MAX_TEMPLATE_BYTES):
                        pass
                    if candidate.suffix == ".docx":
                        zip_within_limits(candidate)
                except UnreadableError as exc:
                    raise jinja2.TemplateError(f"{candidate} : {exc.message}") from exc
                return candidate
        raise FileNotFoundError(relative)

    def html_environment(self) -> jinja2.Environment:
        return _environment(self.folders)


@lru_cache(maxsize=1)
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    import jinja2

    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no private temporary folder: compile every time
        return None


MAX_TEMPLATE_BYTES = 20 * 2**20


class _SafeLoader(jinja2.FileSystemLoader):
    """Jinja's loader, reading each template through the one safe reader, inside its folder."""

    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            if not os.path.lexists(filename):
                continue
            try:
                source = read_bytes(Path(filename), inside=Path(searchpath), limit=MAX_TEMPLATE_BYTES).decode("utf-8")
            except UnreadableError as exc:
                raise jinja2.TemplateError(f"{filename} : {exc.message}") from exc
            except UnicodeDecodeError as exc:
                raise jinja2.TemplateError(f"{filename} : le gabarit n'est pas en UTF-8") from exc
            mtime = os.path.getmtime(filename)

            def uptodate(filename=filename, mtime=mtime) -> bool:
                try:
                    return os.path.getmtime(filename) == mtime
                except OSError:
                    return False

            return source, os.path.normpath(filename), uptodate
        raise jinja2.TemplateNotFound(template)


def _duree(text: str, header=None) -> str:
    """A duration written from its parsed value, unless the project (`header`) keeps its text as written."""
    return duree_texte(text) if getattr(header, "typographie", True) else text


@lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """One environment per template path, so a page rendered in parts compiles its template once
    (Jinja's loader still notices a template edited on disk, for `dossier serve`)."""
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=_SafeLoader([str(f / "html") for f in folders]),
        # compiled templates kept between runs (like .pyc files; keyed by the source's checksum, in a
        # private folder of the temporary directory): compiling the five templates of a document
        # is otherwise most of a small HTML build
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["duree"] = _duree  # {{ m.duree | duree(h) }}: « 3 heures » → « 3 h », « 90 min » → « 1 h 30 »
    env.filters["pluriel"] = plural  # {{ n | pluriel("épreuve") }} → « 1 épreuve », « 2 épreuves »
    return env
