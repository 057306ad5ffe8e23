"""Bringing a set of changes into a project: made in memory, checked on a copy, then written all at once.

`prepare()` loads the files the changes touch (round-trip), makes the
changes and those they entail (references to a removed item), and runs
`dossier check` on a copy of the project as it would be; `write()` then
replaces the changed files, each through a temporary file renamed into place,
and only after every temporary file is written. Nothing is written when the
copy has an error the project did not have.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..checks import Checked, check
from ..errors import DossierError
from ..sources.diagnostics import Diagnostic, Loc, Severity
from ..sources.load import BLOCS_DIR, CERTIFICATION_FILE, PROSE_DIR
from ..sources.schema import SCHEMA_URL_BLOC
from . import changes as ch
from .yaml_rt import Doc, load, new_doc


@dataclass
class Update:
    folder: Path
    changes: list[ch.Change]  # as made, the ones they entail included
    texts: dict[str, str] = field(default_factory=dict)  # file → its new text, for the files that change
    before: Checked | None = None
    after: Checked | None = None  # the project as it would be

    def new_errors(self) -> list[Diagnostic]:
        """The errors the changes would bring (by file, key and message: lines move)."""
        if self.after is None:
            return []
        known = {(d.loc.file, d.keypath, d.rule, d.message) for d in self.before.report.diagnostics} if self.before else set()
        return [d for d in self.after.report.sorted()
                if d.severity == Severity.ERROR and (d.loc.file, d.keypath, d.rule, d.message) not in known]


def bloc_files(folder: Path) -> list[str]:
    """The project's bloc files, relative to it, in the order dossier check reads them."""
    where = Path(folder) / BLOCS_DIR
    if not where.is_dir():
        return []
    return [f"{BLOCS_DIR}/{p.name}" for p in sorted(where.glob("*.yaml")) + sorted(where.glob("*.yml"))]


def prepare(folder: Path, changes: list[ch.Change], before: Checked) -> Update:
    """Make the changes in memory and check the project as it would be; nothing is written."""
    folder = Path(folder)
    docs: dict[str, Doc] = {}
    made: list[ch.Change] = []
    for change in changes:
        if not change.path:  # a new bloc file
            like = _first_bloc(folder)  # written the way the project's blocs are
            item = ch.new_item(change.new, like.data if like else None, change.file, ())
            docs[change.file] = new_doc(change.file, item, _header(like), like)
        else:
            if change.file not in docs:
                docs[change.file] = load(folder, change.file)
            ch.apply(docs[change.file], change)
        made.append(change)
    for file, ids in ch.removed_ids(made).items():
        for consequence in ch.dangling(docs[file], ids, where="(conséquence)"):
            ch.apply(docs[file], consequence)
            made.append(consequence)
    texts = {}
    for rel, doc in docs.items():
        text = doc.dump()
        if text != (doc.raw or doc.text):
            texts[rel] = text
    update = Update(folder, made, texts, before)
    if texts:
        update.after = _check_copy(folder, texts)
    return update


def staged(folder: Path, texts: dict[str, str], before: Checked) -> Update:
    """An update given as whole new texts of files (not as changes), checked on a copy; nothing is written."""
    update = Update(Path(folder), [], dict(texts), before)
    if texts:
        update.after = _check_copy(Path(folder), update.texts)
    return update


def _first_bloc(folder: Path) -> Doc | None:
    files = bloc_files(folder)
    return load(folder, files[0]) if files else None


def _header(like: Doc | None) -> str:
    first = like.text.splitlines()[0] if like is not None and like.text else ""
    schema = first if first.startswith("# yaml-language-server:") else f"# yaml-language-server: $schema={SCHEMA_URL_BLOC}"
    return f"{schema}\n#\n# Bloc ajouté à l'import : relisez-le.\n\n"


def _check_copy(folder: Path, texts: dict[str, str]) -> Checked:
    """dossier check on a copy of the project's sources with the new texts."""
    with tempfile.TemporaryDirectory(prefix="dossier-import-") as tmp:
        copy = Path(tmp)
        for rel in [CERTIFICATION_FILE, *bloc_files(folder)]:
            if (folder / rel).is_file():
                (copy / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / rel, copy / rel)
        if (folder / PROSE_DIR).is_dir():
            shutil.copytree(folder / PROSE_DIR, copy / PROSE_DIR)
        for rel, text in texts.items():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            (copy / rel).write_text(text, encoding="utf-8")
        checked = check(copy, display_root=copy)
    shown = {}
    for diag in checked.report.diagnostics:
        file = diag.loc.file
        if not Path(file).is_absolute():
            shown.setdefault(file, str(folder / file))
    diagnostics = [replace(d, loc=Loc(shown.get(d.loc.file, d.loc.file), d.loc.line, d.loc.col)) for d in checked.report.diagnostics]
    checked.report.diagnostics[:] = diagnostics
    return checked


def write(update: Update) -> list[Path]:
    """Write the changed files: every temporary file first, then each renamed into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for rel, text in update.texts.items():
            target = update.folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644)
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise DossierError(f"écriture impossible dans {update.folder} ({exc.strerror}) : rien n'a été modifié") from exc
    for tmp, target in staged:
        os.replace(tmp, target)
    return [target for _, target in staged]
