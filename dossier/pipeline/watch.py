"""`dossier suivre`: the documents asked for, rebuilt at each save by one process that stays warm.

A cold `dossier build` after an edit pays, every time, for what does not change:
starting Python and importing the tool, loading WeasyPrint (0.5–0.8 s, of which
~0.3 s is cffi reading Pango's and HarfBuzz's C declarations), the font
configuration, the parsed style sheets, the compiled templates. This loop pays
for them once: it builds, then polls the sources and templates (the modification
times and sizes, as `serve` does: no dependency, and a poll of a few hundred files costs
about a millisecond) and calls the same `build` again after each change. What a
build keeps between runs (the incremental state, the laid-out parts of long
PDFs) is kept on disk as for `dossier build`, so the two can be used in turn.

After the first build, the objects alive then (modules, WeasyPrint, fonts) are
moved out of the cycle collector's sight (`gc.freeze`): each rebuild's
collections then scan only what the rebuild makes.

The bloc files are kept parsed between rebuilds, by path and text (sources/load.py):
an edit parses its own file again, not the eighty others of a 20-fold référentiel.

A rebuild is `build` itself: a source with errors gets its diagnostics printed
and nothing written (the last good files stay), and the loop waits for the next
save. Nothing a rebuild raises ends the loop; Ctrl-C (or SIGTERM) does, between
two rebuilds or in the middle of one — whose files are then not written at all.
"""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import Checked
from ..errors import DossierError
from ..render.templates import PACKAGE_TEMPLATES
from ..sources.diagnostics import Severity
from .build import BuildResult, Hooks, build
from .options import BuildOptions
from .state import snapshot


@dataclass
class Round:
    """How one rebuild went (the model it read is not kept: the loop would hold every round's)."""

    seconds: float
    written: list[Path] = field(default_factory=list)
    up_to_date: int = 0
    refused: bool = False  # the sources have errors: nothing was written
    blocked: bool = False  # values to adapt before filing: the documents are drafts
    counts: tuple[int, int, int] = (0, 0, 0)  # errors, warnings, infos of the sources
    problem: str = ""  # the rebuild failed (a broken template, a full disk, a bug): why
    saved: float | None = None  # when the change that started it was seen (time.monotonic())

    @classmethod
    def of(cls, result: BuildResult, seconds: float) -> Round:
        report = result.checked.report if result.checked is not None else None
        counts = (report.errors, report.warnings, report.count(Severity.INFO)) if report is not None else (0, 0, 0)
        return cls(seconds, list(result.written), result.up_to_date, result.refused, result.blocked, counts)


@dataclass
class Follower:
    """The sources folder, the output folder and the options of the documents kept up to date."""

    folder: Path
    out: Path
    options: BuildOptions
    checked: Callable[[Checked, int], None] = lambda checked, round_: None  # told of each round's diagnostics
    rounds: list[Round] = field(default_factory=list)
    kept: dict = field(default_factory=dict)  # the bloc files read last time (sources.load): unchanged ones are not parsed again

    @property
    def watched(self) -> list[Path]:
        return [Path(self.folder), PACKAGE_TEMPLATES]  # the project's own templates are below its folder

    def look(self) -> dict[str, tuple[int, int]]:
        """The sizes and modification times of the files a build reads. An editor's own files (swap, backup,
        lock: hidden, or ending in ~) and hidden folders (.git) are left out, or each keystroke or
        commit would start a rebuild."""
        found = {}
        for folder in self.watched:
            for path, stamp in snapshot([folder]).items():
                if not any(_editor_file(part) for part in Path(path).relative_to(folder).parts):
                    found[path] = stamp
        return found

    def rebuild(self) -> Round:
        """One build, as `dossier build` would make it; never raises but for Ctrl-C."""
        start = time.perf_counter()
        number = len(self.rounds)
        follower = self

        class Told(Hooks):
            def checked(self, checked: Checked) -> None:
                follower.checked(checked, number)

        try:
            result = build(self.folder, self.out, self.options, Told(), kept=self.kept)
            done = Round.of(result, time.perf_counter() - start)
            del result
        except DossierError as exc:  # a broken template, a full disk…: said, and the loop goes on
            done = Round(time.perf_counter() - start, problem=exc.format_message())
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # a bug of ours: said in one line, and the loop goes on
            done = Round(time.perf_counter() - start, problem=f"{type(exc).__name__}: {exc}")
        if not self.rounds:
            if not self.options.formats or "pdf" in self.options.formats:
                _warm()
            gc.collect()  # the first build's garbage goes now, not frozen with the rest
            gc.freeze()  # what is alive now stays: the collector need not scan it again at each rebuild
        self.rounds.append(done)
        return done

    def follow(self, said: Callable[[Round], None], stop: threading.Event | None = None, interval: float = 0.1) -> None:
        """Build, then rebuild after each change until `stop` is set (or Ctrl-C)."""
        stop = stop or threading.Event()
        last = self.look()
        said(self.rebuild())
        while not stop.wait(interval):
            now = self.look()
            if now == last:
                continue
            seen = time.monotonic()
            last = now
            done = self.rebuild()
            done.saved = seen
            said(done)  # `last` was taken before the rebuild: a save made during it is seen at the next look


def _editor_file(name: str) -> bool:
    """Vim's .x.swp, Emacs's #x# and .#x, backups x~, LibreOffice's .~lock.x#: never a source (the
    loader reads no hidden file)."""
    return name.startswith((".", "#")) or name.endswith("~")


def _warm() -> None:
    """WeasyPrint and the fonts loaded now (the first build may have made no PDF: all were up to date)."""
    try:
        from ..render.pdf import warm_up

        warm_up()
    except Exception:  # a later build that needs them will say what is wrong
        pass


def stop_on_sigterm() -> None:
    """SIGTERM (a service manager, `kill`) ends the loop as Ctrl-C does: no file half-written."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)
