"""What a jury session writes besides the per-candidate documents: the procès-verbal, decisions.csv.

Also the place of the accrochage file (helper 16c's exporters/accrochage.py), the
session's render environment (dated by the session), and the refusal to write
personal data into a build's published folders. Also the merged print PDFs (Printouts), fed batch after batch.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..documents import jury as views
from ..documents.deliberation import CandidatDecisions
from ..errors import DossierError
from ..render.formats import file_bytes, html_page
from ..sources.session import Session, SessionInfo
from .plan import render_env


@dataclass(frozen=True, slots=True)
class Row:
    """A candidate × bloc decision as the parent stores it (jury_decisions.py): a PV line and a decisions.csv line."""

    numero: str
    nom: str
    prenom: str
    bloc: str
    calculee: str
    decision: str
    motif: str
    moyenne: str
    manquants: str


def rows(decided: list[CandidatDecisions]) -> list[Row]:
    return [
        Row(d.candidat.numero, d.candidat.nom, d.candidat.prenom, b.bloc.code, b.calculee, b.decision, b.motif,
            f"{b.moyenne:.2f}" if b.moyenne is not None else "", " ".join(b.manquants))
        for d in decided for b in d.blocs
    ]


def session_env(cert, folder: Path, info: SessionInfo):
    """The render environment, dated by the session (never the clock): same sources, same bytes."""
    env = render_env(cert, folder)
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return env
    return replace(env, when=dt.datetime.combine(info.date, dt.time(12), tzinfo=dt.UTC))


def refuse_public(out_dir: Path) -> None:
    """Never inside a build's site or filing bundle: those are published, the session's files are personal."""
    from .options import BUNDLE, SITE
    from .state import STATE_FILE

    real = out_dir.resolve()
    for folder in (real, *real.parents):
        if folder.name in (SITE, BUNDLE) and (folder.parent / STATE_FILE).exists():
            raise DossierError(
                f"--out {out_dir} : ce dossier est publié ({folder.name}/ d'une construction) ; les documents d'une session "
                "contiennent des données personnelles : choisissez un dossier à part (par exemple --out build/jury)"
            )


PV_LINES = 400  # decisions per part of a long PV's PDF (each part laid out on its own: bounded memory)


def pv_pdf(pv, parts, env, spec, laid_out, folder: Path):
    """The PV's PDF: its bytes in one piece (`parts`: the PV itself); or, laid out in parts apart (`laid_out`:
    pages → `pv_part` results, in parallel, in order), each part kept on disk one at a time, then a function
    putting them together as the long documents are (render/pdf_assemble.py: one structure tree, fonts once,
    the folios « page X / Y » drawn by an overlay as artifacts), for the atomic writer.

    Tagged like the PV in one piece (PDF/UA-1, or PDF/A-3b when asked): each part is laid out so, and the
    assembly keeps the first part's language, title, XMP metadata and output intent."""
    parts = iter(parts)
    first = next(parts)
    if first.whole:
        return file_bytes(spec, "pdf", first, env, html_page(spec, first, env))
    import itertools
    import tempfile

    from ..render.pdf_assemble import put_together
    from ..render.pdf_layout import folio_html

    base = env.templates.folders[0]
    head: list[str] = []  # the first part's HTML: the overlay takes its @page rules

    def pages():
        for part in itertools.chain([first], parts):
            page = html_page(spec, part, env)
            if not head:
                head.append(page)
            yield page

    fonts: dict[str, bytes] = {}  # the full fonts, each sent once (by this process, or by each worker)
    if laid_out is None:
        laid = (pv_part(page, base, env.pdf_ua, env.pdf_a, frozenset(fonts)) for page in pages())
    else:
        laid = laid_out(pages())
    folder.mkdir(parents=True, exist_ok=True)
    kept: list[tuple[str, dict, bool]] = []
    try:
        for data, meta, files in laid:  # one part in memory at a time
            fd, name = tempfile.mkstemp(dir=folder, prefix=".proces-verbal.pdf.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            kept.append((name, meta, True))
            fonts.update(files)
    except BaseException:
        _unlink(kept)
        raise
    total = sum(meta["pages"] for _, meta, _ in kept)

    def write_then_clean(out) -> None:
        try:
            # one part read at a time, written straight into the file: memory does not grow with the parts
            put_together(kept, folio_html(head[0], [True] * total), None, [True] * total, fonts, str(base), into=out, one_at_a_time=True)
        finally:
            _unlink(kept)

    return write_then_clean


def _unlink(kept) -> None:
    for name, _meta, _folio in kept:
        Path(name).unlink(missing_ok=True)


def pv_part(page: str, base_url: Path, tagged: bool, pdf_a: bool, sent: frozenset[str] = frozenset()) -> tuple[bytes, dict, dict]:
    """One part of a long PV laid out as a long document's part (render/pdf_layout.py): its PDF, without its
    folio, what the assembly needs, and the full fonts it uses but those `sent` already (by SHA-256)."""
    from ..render.pdf_layout import layout

    return layout(page, str(base_url), sent, False, tagged, pdf_a)


def _ligne(r: Row) -> views.LignePV:
    return views.LignePV(r.numero, f"{r.nom} {r.prenom}".strip(), r.bloc, r.calculee, r.decision, r.motif)


def pv_parts(pv, decisions, lines: int):
    """The PV in parts of at most `lines` decisions read from `decisions` as they are laid out (never every line
    held): the PV itself, with all its lines, when it holds no more."""
    import itertools

    total = len(decisions)
    if total <= lines:
        yield replace(pv, lignes=tuple(_ligne(r) for r in decisions))
        return
    count = -(-total // lines)
    rows = iter(decisions)
    for i in range(count):
        yield replace(pv, lignes=tuple(_ligne(r) for r in itertools.islice(rows, lines)), debut=i == 0, fin=i == count - 1, whole=False)


def session_files(folder: Path, cert, session: Session, out_dir: Path, formats, decisions, candidats: int, write,
                  laid_out=None, key: Path | None = None) -> None:
    """The procès-verbal (PDF, DOCX, HTML), decisions.csv, the accrochage file and the Open Badges credentials,
    from the run's decisions (jury_decisions.Decisions: read back in order, never all in memory for the PDF)."""
    from .jury_exports import accrochage_file, badge_files, decisions_csv

    info = session.info
    env = session_env(cert, folder, info)
    certifies = decisions.certified({b.code for b in cert.blocs}, session.acquis)
    pv = replace(views.pv_view(cert, info, (), candidats, len(certifies), views.lignes_acquis(session)),
                 totaux=decisions.totaux(cert), derogations=tuple(_ligne(r) for r in decisions.derogations()))
    spec = views.SESSION_DOCUMENTS["proces-verbal"]
    for fmt in formats:
        if fmt == "pdf":
            write("proces-verbal.pdf", pv_pdf(pv, pv_parts(pv, decisions, PV_LINES), env, spec, laid_out, out_dir))
        else:  # in one piece
            whole = next(pv_parts(pv, decisions, len(decisions)))
            write(f"proces-verbal.{fmt}", file_bytes(spec, fmt, whole, env, html_page(spec, whole, env)))
    write("decisions.csv", lambda out: decisions_csv(decisions, session.acquis, out))
    xml = accrochage_file(cert, session, certifies, env.when)
    if xml is not None:
        write("accrochage.xml", xml)
    for name, data in badge_files(cert, session, decisions.validated(), key, certifies):
        write(name, data)


class Printouts:
    """The merged PDFs to print, one per kind of document, written as the batches arrive.

    Pages appended to the base (render/pdf_increment.Printout), and copies made whole (a value laid
    out apart), go straight into a temporary file beside the printout. Nothing replaces an earlier
    printout until its new version is complete.
    """

    def __init__(self, folder: Path, mode: int):
        self.folder, self.mode = folder, mode
        self.open: dict[str, tuple[object, object, str]] = {}  # key → (file, Printout, temporary path)

    def add(self, key: str, batch: int, prepared, streams: list, filled: list | None = None) -> None:
        """A batch's pages (batches in order); `prepared`, the kind's base, comes with the first batch of it;
        `filled`: each copy's values and marks, for a tagged base (the printout is tagged too)."""
        import tempfile

        from ..render.pdf_increment import Printout

        if key not in self.open:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{key}.", suffix=".tmp")
            os.chmod(tmp, self.mode)
            handle = os.fdopen(fd, "wb")
            self.open[key] = (handle, Printout(prepared, handle, tagged=filled is not None), tmp)
        self.open[key][1].add(batch, streams, filled)

    def finish(self, name) -> list[Path]:
        """Close every printout and put each in its place (name(key) → path). One that cannot be closed or put
        in place (a full disk) leaves no temporary file behind, nor do those after it."""
        done = []
        try:
            for key in sorted(self.open):
                target = name(key)
                handle, printout, tmp = self.open[key]
                printout.close()
                handle.close()
                os.replace(tmp, target)
                del self.open[key]
                done.append(target)
        except BaseException:
            self.abandon()
            raise
        return done

    def abandon(self) -> None:
        for handle, _, tmp in self.open.values():
            handle.close()
            Path(tmp).unlink(missing_ok=True)
        self.open.clear()
