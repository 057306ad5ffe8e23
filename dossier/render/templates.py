"""Where templates are found: the project's `templates/` first, then the package's."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

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
        for folder in self.folders:
            candidate = folder / relative
            if candidate.is_file():
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


@lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """One environment per template path, so a page rendered in parts compiles its template once
    (Jinja's loader still notices a template edited on disk, for `dossier serve`)."""
    import jinja2  # imported when a template is first used: `dossier check` does not need it

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f / "html") for f in folders]),
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
