"""The build, top to bottom: nothing changed? → check → plan → make → derive → write → prune.

Everything is read, checked and made in memory before the first file is
written, so a failure anywhere (a bad source, a broken template, a renderer
crashing, Ctrl-C, a full disk) leaves the previous outputs untouched. Only the
outputs whose inputs changed are made again (see state.py); a build with nothing
changed stops before reading the YAML. Every output path is planned before
anything is written, and two outputs with one path are refused. Last, what an
earlier build wrote and this one no longer makes is removed (see owned.py).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..checks import Checked, check
from ..checks.depot import blocking
from ..documents import DOCUMENTS, ViewOptions
from ..documents.bundle import bundle_files
from ..documents.site import Download, site_view, size_label
from ..errors import DossierError
from ..exporters.badges import badge_files
from ..render.formats import RenderEnv, template_errors
from ..render.site import render_site
from ..render.templates import PACKAGE_TEMPLATES
from ..sources.model import Certification
from .cache import CACHE_DIR, prune
from .options import BUNDLE, SITE, TARGETS, BuildOptions
from .owned import prepare_out, refuse_out
from .owned import prune as remove_stale
from .plan import Output, plan, render_env
from .produce import Job, make
from .state import STATE_FILE, State, fingerprint, tree_key
from .write import write_all

BUNDLED = ("referentiel", "habilites", "correspondances")  # the documents the filing bundle holds, in PDF and DOCX

__all__ = ["BuildOptions", "BuildResult", "Hooks", "TARGETS", "build", "unchanged"]


class Hooks:
    """What a caller (the CLI's progress bar, `serve`) hears of a build; every method may be left as is."""

    def checked(self, checked: Checked) -> None:
        """The sources were read and checked (before anything is made)."""

    def planned(self, count: int) -> None:
        """`count` files are to be made."""

    def made(self, output: Output) -> None:
        """One file was made (not yet written)."""


# The folders a build manages under its output folder (a session run manages one below sessions/).
MANAGED = (*(spec.folder for spec in DOCUMENTS.values()), SITE, BUNDLE, "sessions")


@dataclass
class BuildResult:
    checked: Checked | None  # None: nothing changed, the sources were not read
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # outputs of earlier builds this one no longer makes
    foreign: list[Path] = field(default_factory=list)  # files in the bundle that no build wrote (kept)
    up_to_date: int = 0
    seconds: float = 0.0
    bundle: bool = False  # was the filing bundle made (or already up to date)?
    refused: bool = False  # the sources have errors (or warnings, with strict): nothing was made
    pending: int = 0  # values to adapt before filing (checks/depot.py) the project has not accepted
    blocked: bool = False  # some are not accepted: the documents are drafts, the bundle is not made

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
    kept: dict | None = None,
) -> BuildResult:
    """Check the sources, make what changed in memory, then write it all (`kept`: the sources read by
    an earlier build of this process, see sources.load)."""
    start = time.perf_counter()
    folder, out_dir = Path(folder), Path(out_dir)
    refuse_out(out_dir, sources=folder, managed=MANAGED)
    if not options.force and checked is None:
        count = unchanged(folder, out_dir, options)
        if count is not None:
            return BuildResult(None, up_to_date=count, seconds=time.perf_counter() - start)
    tree = tree_key([folder, PACKAGE_TEMPLATES], options.key)  # taken before reading: an edit during the build is seen next time
    state = State.load(out_dir)

    checked = checked or check(folder, kept=kept)
    hooks.checked(checked)
    result = BuildResult(checked)
    cert = checked.certification
    if cert is None or (checked.failed(options.strict) and not options.brouillon):
        result.refused = True
        return result
    if options.bloc and options.bloc not in {b.code for b in cert.blocs}:
        raise DossierError(f"bloc « {options.bloc} » inconnu ; blocs : {', '.join(b.code for b in cert.blocs)}")
    result.pending = len(blocking(checked.report))
    result.blocked = result.pending > 0  # values to adapt: drafts, and no bundle
    brouillon = options.brouillon or not checked.ok or result.blocked
    prepare_out(out_dir, MANAGED, (STATE_FILE,))

    env = render_env(cert, folder)
    view_options = ViewOptions(brouillon=brouillon, bloc=options.bloc, folder=folder, gros_caracteres=options.gros_caracteres)
    want = set(options.only or TARGETS)
    # the bundle comes with full builds, or when asked for by name; it holds the référentiel in PDF and DOCX
    asked_bundle = BUNDLE in want and not options.bloc and (not options.formats or BUNDLE in options.only)
    want_bundle = asked_bundle and not brouillon
    named = tuple(o for o in options.only if o in DOCUMENTS)
    if asked_bundle and options.only:  # made as drafts when the bundle is refused: what is to adapt shows in them
        named += tuple(d for d in BUNDLED if d not in named)
    outputs = plan(cert, named, options.formats, view_options) if (named or not options.only) else []
    if asked_bundle and options.formats:
        outputs += [o for o in plan(cert, BUNDLED, ("pdf", "docx"), view_options) if o not in outputs]
    _one_file_each(outputs)
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
    per_bloc: list[Output] = []  # handbooks made with --bloc that are still what --bloc would make
    if (SITE in want or want_bundle or options.full) and not options.bloc:
        per_bloc = _per_bloc_current(cert, view_options, env, state, out_dir)
    if (SITE in want or want_bundle) and not options.bloc:
        expected = {o.path: o.label for o in plan(cert, (), ("pdf", "docx"), view_options) + per_bloc if o.format in ("pdf", "docx")}
        documents = _documents_built(made, expected, out_dir)
        if SITE in want:
            derived += _site(cert, documents, env, brouillon)
        if want_bundle:
            derived += _bundle(cert, documents, outputs)
            result.bundle = True
    _one_file_each(outputs + [o for o, _ in derived])

    changed = [(out, data) for out, data in derived if not _same_on_disk(out, data, state, out_dir)]
    result.up_to_date += len(derived) - len(changed)  # derived files are cheap to make: written only when they differ
    result.written = write_all([(out_dir / out.path, data) for out, data in made + changed])  # all or none
    for out, _ in made:
        state.record(str(out.path), fingerprints[out.path], out_dir)
    for out, _ in changed:
        state.record(str(out.path), None, out_dir)
    keep = {o.path for o in outputs} | {o.path for o, _ in derived} | {o.path for o in per_bloc}
    whole = ([spec.folder for spec in DOCUMENTS.values()] if options.full else [])
    whole += [SITE] if any(o.document == SITE for o, _ in derived) else []
    whole += [BUNDLE] if result.bundle or (asked_bundle and result.blocked) else []  # never an outdated bundle beside drafts
    _remove_stale(out_dir, whole, keep, state, result)
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


def _same_on_disk(out: Output, data: bytes, state: State, out_dir: Path) -> bool:
    target = out_dir / out.path
    return state.file_intact(str(out.path), out_dir) and target.read_bytes() == data


def _remove_stale(out_dir: Path, folders: list[str], keep: set[Path], state: State, result: BuildResult) -> None:
    """What earlier builds wrote in the folders this one made whole, and it no longer makes; and in the
    bundle, what no build wrote (kept, but said: the manifest does not list it)."""
    for name in folders:
        ours = [rel[len(name) + 1:] for rel in state.written if rel.startswith(name + "/")]
        for rel in remove_stale(out_dir / name, {p.relative_to(name) for p in keep if p.parts[0] == name}, ours):
            state.forget(f"{name}/{rel.as_posix()}")
            result.removed.append(out_dir / name / rel)
    if BUNDLE in folders:
        bundle = out_dir / BUNDLE
        result.foreign = sorted(p for p in bundle.rglob("*") if not p.is_dir() and p.relative_to(out_dir) not in keep)


def _one_file_each(outputs: list[Output]) -> None:
    """Two things are never written to one file: a collision is refused, naming both."""
    seen: dict[Path, Output] = {}
    for out in outputs:
        other = seen.setdefault(out.path, out)
        if other is not out:
            raise DossierError(
                f"{out.path} : « {other.source or other.label} » et « {out.source or out.label} » donneraient "
                "le même fichier ; changez l'un des deux identifiants"
            )


def _per_bloc_current(cert: Certification, options: ViewOptions, env: RenderEnv, state: State, out_dir: Path) -> list[Output]:
    """The one-bloc documents (`--bloc`) an earlier build wrote that are still exactly what `--bloc`
    would make now: a full build keeps them, and the site offers them. Stale ones are not kept."""
    whole = {str(o.path) for o in plan(cert, (), (), options)}
    folders = {spec.folder for spec in DOCUMENTS.values() if spec.per_bloc}
    if not any(rel.split("/", 1)[0] in folders and rel not in whole for rel in state.written):
        return []
    current = []
    for bloc in cert.blocs:
        for out in plan(cert, (), (), replace(options, bloc=bloc.code)):
            rel = str(out.path)
            if rel in whole or rel not in state.written:
                continue
            with template_errors(out.document):
                if state.up_to_date(rel, fingerprint(out, env), out_dir):
                    current.append(out)
    return current


def _documents_built(made: list[tuple[Output, bytes]], expected: dict[Path, str], out_dir: Path) -> list[_Built]:
    """The PDF and DOCX of every document, from this build, else from the disk (an earlier build);
    only files the sources would give now, never an older file left there."""
    found: dict[Path, _Built] = {}
    for out, data in made:
        if out.format in ("pdf", "docx"):
            found[out.path] = _Built(out.document, out.path.stem, out.format, out.label, data)
    for rel, label in sorted(expected.items()):
        path = out_dir / rel
        if rel not in found and path.is_file():
            found[rel] = _Built(rel.parts[0], path.stem, path.suffix[1:], label, path.read_bytes())
    return list(found.values())


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
    files += badge_files(cert)  # the Open Badges achievements, beside the pages that describe them
    return [(Output(SITE, Path(rel).suffix[1:], Path(SITE) / rel), data) for rel, data in files]


def _bundle(cert: Certification, documents: list[_Built], planned: list[Output]) -> list[tuple[Output, bytes]]:
    """The filing bundle, with the documents of this build's plan it holds (BUNDLED) in PDF and DOCX."""
    stems = {(o.document, o.path.stem) for o in planned if o.document in BUNDLED}
    held = {
        f"{d.stem}.{d.format}": d.data for d in documents if (d.document, d.stem) in stems
    }
    return [(Output(BUNDLE, Path(rel).suffix[1:], Path(BUNDLE) / rel), data) for rel, data in bundle_files(cert, held)]
