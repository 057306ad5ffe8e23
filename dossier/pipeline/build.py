"""The build, top to bottom: nothing changed? → check → plan → make → derive → write.

Everything is read, checked and made in memory before the first file is
written, so a failure anywhere (a bad source, a broken template, a renderer
crashing, Ctrl-C) leaves the previous outputs untouched. Only the outputs
whose inputs changed are made again (see state.py); a build with nothing
changed stops before reading the YAML.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import Checked, check
from ..documents import DOCUMENTS, ViewOptions
from ..documents.bundle import bundle_files
from ..documents.site import Download, site_view, size_label
from ..errors import DossierError
from ..render.formats import RenderEnv, template_errors
from ..render.site import render_site
from ..render.templates import PACKAGE_TEMPLATES
from ..sources.model import Certification
from ..text import slug
from .cache import CACHE_DIR, prune
from .options import BUNDLE, SITE, TARGETS, BuildOptions
from .plan import Output, plan, render_env
from .produce import Job, make
from .state import State, fingerprint, tree_key
from .write import write_atomic

__all__ = ["BuildOptions", "BuildResult", "Hooks", "TARGETS", "build", "unchanged"]


class Hooks:
    """What a caller (the CLI's progress bar, `serve`) hears of a build; every method may be left as is."""

    def checked(self, checked: Checked) -> None:
        """The sources were read and checked (before anything is made)."""

    def planned(self, count: int) -> None:
        """`count` files are to be made."""

    def made(self, output: Output) -> None:
        """One file was made (not yet written)."""


@dataclass
class BuildResult:
    checked: Checked | None  # None: nothing changed, the sources were not read
    written: list[Path] = field(default_factory=list)
    up_to_date: int = 0
    seconds: float = 0.0
    bundle: bool = False  # was the filing bundle made (or already up to date)?
    refused: bool = False  # the sources have errors (or warnings, with strict): nothing was made

    @property
    def unchanged(self) -> bool:
        return self.checked is None


def unchanged(folder: Path, out_dir: Path, options: BuildOptions) -> int | None:
    """The number of outputs, if nothing changed since the last successful build with these options."""
    state = State.load(Path(out_dir))
    if state.trees.get(options.key) != tree_key([Path(folder), PACKAGE_TEMPLATES], options.key):
        return None
    if not all(state.file_intact(rel, Path(out_dir)) for rel in state.written):
        return None
    return len(state.written)


def build(
    folder: Path,
    out_dir: Path,
    options: BuildOptions = BuildOptions(),
    hooks: Hooks = Hooks(),
    checked: Checked | None = None,
) -> BuildResult:
    """Check the sources, make what changed in memory, then write it all."""
    start = time.perf_counter()
    folder, out_dir = Path(folder), Path(out_dir)
    if not options.force and checked is None:
        count = unchanged(folder, out_dir, options)
        if count is not None:
            return BuildResult(None, up_to_date=count, seconds=time.perf_counter() - start)
    tree = tree_key([folder, PACKAGE_TEMPLATES], options.key)  # taken before reading: an edit during the build is seen next time
    state = State.load(out_dir)

    checked = checked or check(folder)
    hooks.checked(checked)
    result = BuildResult(checked)
    cert = checked.certification
    if cert is None or (checked.failed(options.strict) and not options.brouillon):
        result.refused = True
        return result
    if options.bloc and options.bloc not in {b.code for b in cert.blocs}:
        raise DossierError(f"bloc « {options.bloc} » inconnu ; blocs : {', '.join(b.code for b in cert.blocs)}")
    brouillon = options.brouillon or not checked.ok

    env = render_env(cert, folder)
    view_options = ViewOptions(brouillon=brouillon, bloc=options.bloc, folder=folder)
    want = set(options.only or TARGETS)
    # the bundle comes with full builds, or when asked for by name; it holds the référentiel in PDF and DOCX
    want_bundle = BUNDLE in want and not brouillon and not options.bloc and (not options.formats or BUNDLE in options.only)
    named = tuple(o for o in options.only if o in DOCUMENTS)
    if want_bundle and options.only and "referentiel" not in named:
        named += ("referentiel",)
    outputs = plan(cert, named, options.formats, view_options) if (named or not options.only) else []
    if want_bundle and options.formats:
        outputs += [o for o in plan(cert, ("referentiel",), ("pdf", "docx"), view_options) if o not in outputs]
    with template_errors("des documents"):
        fingerprints = {o.path: fingerprint(o, env) for o in outputs}
    todo = [o for o in outputs if options.force or not state.up_to_date(str(o.path), fingerprints[o.path], out_dir)]
    result.up_to_date = len(outputs) - len(todo)

    if options.force:  # everything laid out again, the kept parts of long PDFs too
        shutil.rmtree(out_dir / CACHE_DIR, ignore_errors=True)
    hooks.planned(len(todo))
    made = make(todo, env, Job(folder, view_options, out_dir / CACHE_DIR), options.jobs, hooks.made)
    if options.full:
        prune(out_dir / CACHE_DIR, [o.path for o in outputs])

    derived: list[tuple[Output, bytes]] = []
    if (SITE in want or want_bundle) and not options.bloc:
        labels = {o.path: o.label for o in plan(cert, (), ("pdf", "docx"), view_options)}
        documents = _documents_built(made, labels, cert, out_dir)
        if SITE in want:
            derived += _site(cert, documents, env, brouillon)
        if want_bundle:
            derived += _bundle(cert, documents, outputs)
            result.bundle = True

    for out, data in made:
        result.written.append(write_atomic(out_dir / out.path, data))
        state.record(str(out.path), fingerprints[out.path], out_dir)
    for out, data in derived:  # cheap to make again; written only when they differ
        target = out_dir / out.path
        if state.file_intact(str(out.path), out_dir) and target.read_bytes() == data:
            result.up_to_date += 1
            continue
        result.written.append(write_atomic(target, data))
        state.record(str(out.path), None, out_dir)
    state.trees[options.key] = tree
    state.save()
    result.seconds = time.perf_counter() - start
    return result


# --- what is derived from the documents: the site and the bundle ---------------------------


@dataclass(frozen=True)
class _Built:
    document: str
    stem: str
    format: str
    label: str
    data: bytes


def _documents_built(made: list[tuple[Output, bytes]], labels: dict[Path, str], cert: Certification, out_dir: Path) -> list[_Built]:
    """The PDF and DOCX of every document, from this build, else from the disk (an earlier build)."""
    found: dict[Path, _Built] = {}
    for out, data in made:
        if out.format in ("pdf", "docx"):
            found[out.path] = _Built(out.document, out.path.stem, out.format, out.label, data)
    for name, spec in DOCUMENTS.items():
        folder = out_dir / spec.folder
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.pdf")) + sorted(folder.glob("*.docx")):
            rel = path.relative_to(out_dir)
            if rel not in found:
                label = labels.get(rel) or spec.label + _bloc_suffix(path.stem, cert)
                found[rel] = _Built(name, path.stem, path.suffix[1:], label, path.read_bytes())
    return list(found.values())


def _bloc_suffix(stem: str, cert: Certification) -> str:
    """« — bloc BC01 » for a file made with --bloc in an earlier build (its stem ends with the bloc)."""
    for bloc in cert.blocs:
        if stem.endswith(f"-{slug(bloc.code)}"):
            return f" — bloc {bloc.code}"
    return ""


def _site(cert: Certification, documents: list[_Built], env: RenderEnv, brouillon: bool) -> list[tuple[Output, bytes]]:
    """The site's files, with copies of the PDF and DOCX to download."""
    order = {name: i for i, name in enumerate(DOCUMENTS)}
    copies, links = [], []
    for doc in sorted(documents, key=lambda d: (order[d.document], d.stem, d.format)):
        if not DOCUMENTS[doc.document].download:
            continue
        path = f"telechargements/{doc.document}/{doc.stem}.{doc.format}"
        copies.append((path, doc.data))
        links.append(Download(doc.label, path, doc.format.upper(), size_label(len(doc.data))))
    view = site_view(cert, tuple(links), brouillon)
    with template_errors("du site"):
        files = render_site(view, env.templates) + copies
    return [(Output(SITE, Path(rel).suffix[1:], Path(SITE) / rel), data) for rel, data in files]


def _bundle(cert: Certification, documents: list[_Built], planned: list[Output]) -> list[tuple[Output, bytes]]:
    """The filing bundle, with the référentiel of this build's plan in PDF and DOCX."""
    stems = {o.path.stem for o in planned if o.document == "referentiel"}
    referentiel = {
        f"{d.stem}.{d.format}": d.data for d in documents if d.document == "referentiel" and d.stem in stems
    }
    return [(Output(BUNDLE, Path(rel).suffix[1:], Path(BUNDLE) / rel), data) for rel, data in bundle_files(cert, referentiel)]
