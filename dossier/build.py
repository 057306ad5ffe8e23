"""The orchestrator: load → check → plan → render → write.

Everything is read, checked and rendered in memory before the first file is
written, so a failure anywhere (a bad source, a broken template, a renderer
crashing, Ctrl-C) leaves the previous outputs untouched. Only the outputs
whose inputs changed are rendered again (see state.py).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import checks, documents, schema
from .diagnostics import Report, Severity
from .errors import DossierError
from .model import Certification
from .render.templates import PACKAGE_TEMPLATES
from .rendering import CACHE_DIR, Job, Output, prune_cache, RenderEnv, document_date, plan, render, render_env, template_errors  # noqa: F401 (the API)
from .state import State, fingerprint, tree_key
from .write import write_atomic


@dataclass(frozen=True)
class Checked:
    """The sources of one certification, read and checked."""

    folder: Path
    certification: Certification | None
    report: Report
    files: tuple[Path, ...]

    @property
    def ok(self) -> bool:
        return self.certification is not None and self.report.errors == 0

    def failed(self, strict: bool) -> bool:
        return not self.ok or (strict and self.report.warnings > 0)


def check(folder: Path, display_root: Path | None = None) -> Checked:
    """Read every source file, validate it and apply the coherence rules."""
    loaded = schema.load(Path(folder), display_root)
    if loaded.certification is not None:
        checks.run(loaded.certification, loaded.report)
    return Checked(Path(folder), loaded.certification, loaded.report, loaded.files)


def summary_counts(cert: Certification) -> dict[str, int]:
    return {
        "blocs": len(cert.blocs),
        "activites": len(cert.activites),
        "competences": len(cert.competences),
        "modalites": len(cert.modalites),
        "criteres": len(cert.criteres),
    }


def severity_counts(report: Report) -> dict[str, int]:
    return {s.label: report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}


# --- planning and rendering -----------------------------------------------------


SITE = "site"
BUNDLE = "dossier"
TARGETS = (*documents.DOCUMENTS, SITE, BUNDLE)  # what --only may name


def site_outputs(cert: Certification, built: dict, env: RenderEnv, brouillon: bool) -> list[tuple[Output, bytes]]:
    """The site's files, with copies of the PDF and DOCX of this build (or of an earlier one)."""
    from . import site

    copies, links = site.downloads_from([(*key, data) for key, data in built.items()], cert)
    view = site.site_view(cert, links, brouillon)
    with template_errors("du site"):
        files = site.render_site(view, env.templates) + copies
    return [(Output(SITE, Path(rel).suffix[1:], Path(site.SITE_DIR) / rel), data) for rel, data in files]


def bundle_outputs(cert: Certification, built: dict) -> list[tuple[Output, bytes]]:
    from . import bundle

    slug = documents.slugify(cert.intitule)
    referentiel = {fmt: built[("referentiel", f"{slug}-referentiel", fmt)] for fmt in ("pdf", "docx")}
    return [
        (Output(BUNDLE, Path(rel).suffix[1:], Path(bundle.BUNDLE_DIR) / rel), data)
        for rel, data in bundle.bundle_files(cert, referentiel)
    ]


@dataclass
class BuildResult:
    checked: Checked
    written: list[Path] = field(default_factory=list)
    up_to_date: int = 0
    seconds: float = 0.0
    bundle: bool = False  # was the filing bundle made (or already up to date)?


def _built_documents(rendered: list[tuple[Output, bytes]], out_dir: Path) -> dict:
    """(document, stem, format) → bytes of every PDF and DOCX, from this build or the disk."""
    built = {(o.document, o.path.stem, o.format): data for o, data in rendered if o.format in ("pdf", "docx")}
    for name, spec in documents.DOCUMENTS.items():
        folder = Path(out_dir) / spec.folder
        if folder.is_dir():
            for path in sorted(folder.glob("*.pdf")) + sorted(folder.glob("*.docx")):
                built.setdefault((name, path.stem, path.suffix[1:]), path.read_bytes())
    return built


def options_key(only=(), formats=(), draft=False, bloc="", strict=False) -> str:
    return repr((sorted(only), sorted(formats), draft, bloc, strict))


def unchanged(folder: Path, out_dir: Path, key: str) -> int | None:
    """The number of outputs, if nothing changed since the last successful build with these options."""
    state = State.load(Path(out_dir))
    if state.trees.get(key) != tree_key([Path(folder), PACKAGE_TEMPLATES], key):
        return None
    if not all(state.file_intact(rel, Path(out_dir)) for rel in state.written):
        return None
    return len(state.written)


def build(
    folder: Path,
    out_dir: Path,
    only: tuple[str, ...] = (),
    formats: tuple[str, ...] = (),
    draft: bool = False,
    checked: Checked | None = None,
    bloc: str = "",
    jobs: int | None = None,
    progress: Callable[[Output], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    force: bool = False,
    strict: bool = False,
) -> BuildResult:
    """Check the sources, render what changed in memory, then write it all."""
    start = time.perf_counter()
    out_dir = Path(out_dir)
    key = options_key(only, formats, draft, bloc, strict)
    tree = tree_key([Path(folder), PACKAGE_TEMPLATES], key)  # taken before reading: an edit during the build is seen next time
    state = State.load(out_dir)
    checked = checked or check(folder)
    result = BuildResult(checked)
    cert = checked.certification
    if cert is None or (not checked.ok and not draft):
        return result
    if bloc and bloc not in {b.code for b in cert.blocs}:
        raise DossierError(f"bloc « {bloc} » inconnu ; blocs : {', '.join(b.code for b in cert.blocs)}")
    brouillon = draft or not checked.ok
    env = render_env(cert, folder)
    options = documents.ViewOptions(brouillon=brouillon, bloc=bloc, folder=Path(folder))
    want = set(only or TARGETS)
    # the bundle comes with full builds, or when asked for by name
    want_bundle = BUNDLE in want and not brouillon and not bloc and (not formats or BUNDLE in only)
    named = tuple(o for o in only if o in documents.DOCUMENTS)
    if want_bundle and only and "referentiel" not in named:
        named += ("referentiel",)  # the bundle holds the référentiel
    outputs = plan(cert, named, formats, options) if (named or not only) else []
    if want_bundle and formats:  # the bundle needs both formats of the référentiel
        outputs += [o for o in plan(cert, ("referentiel",), ("pdf", "docx"), options) if o not in outputs]
    with template_errors("des documents"):
        fingerprints = {o.path: fingerprint(o, env) for o in outputs}
    todo = [o for o in outputs if force or not state.up_to_date(str(o.path), fingerprints[o.path], out_dir)]
    if force:  # everything laid out again, the kept parts of long PDFs too
        shutil.rmtree(out_dir / CACHE_DIR, ignore_errors=True)
    if on_plan:
        on_plan(len(todo))
    rendered = render(todo, env, Job(Path(folder), options, formats, out_dir / CACHE_DIR), jobs, progress)
    if not only and not formats and not bloc:
        prune_cache(out_dir / CACHE_DIR, outputs)
    derived: list[tuple[Output, bytes]] = []
    if (SITE in want or BUNDLE in want) and not bloc:
        built = _built_documents(rendered, out_dir)
        if SITE in want:
            derived += site_outputs(cert, built, env, brouillon)
        if want_bundle:
            derived += bundle_outputs(cert, built)
            result.bundle = True
    result.up_to_date = len(outputs) - len(todo)
    for out, data in rendered:
        result.written.append(write_atomic(out_dir / out.path, data))
        state.record(str(out.path), fingerprints[out.path], out_dir)
    for out, data in derived:  # cheap to make again; written only when they differ
        target = out_dir / out.path
        if state.file_intact(str(out.path), out_dir) and target.read_bytes() == data:
            result.up_to_date += 1
            continue
        result.written.append(write_atomic(target, data))
        state.record(str(out.path), None, out_dir)
    state.trees[key] = tree
    state.save()
    result.seconds = time.perf_counter() - start
    return result
