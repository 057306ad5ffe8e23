"""Run a command as a child process; measure its wall time, CPU time and peak memory.

Peak memory is first the `ru_maxrss` that os.wait4 returns. On Linux it is the
largest peak of the child *and of the descendants it waited for* — the
largest, not their sum: for a command that starts a process pool it is the
biggest single process. For such commands a TreeSampler reads /proc while the
command runs and adds up the PSS (proportional set size: a page shared by n
processes counts 1/n in each) of the whole process tree.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

Command = Callable[[Path], list[str]]  # the command line, given an empty output folder
Key = TypeVar("Key", bound=Hashable)


class BenchError(RuntimeError):
    """A measured command failed, or the benchmark cannot run as asked."""


@dataclass(frozen=True)
class Settings:
    runs: int  # measured runs per command; the median is reported
    warmup: int  # runs before those, not counted (disk cache, LibreOffice profile)
    sizes: tuple[int, ...]  # multiples of the example: 1 is the example itself
    candidates: int = 500  # candidates of the session whose grids are measured


@dataclass(frozen=True)
class TreeUsage:
    """What a TreeSampler saw of a command's process tree."""

    peak_pss_kib: int  # the highest sum of PSS over the tree, at one sample
    top_hwm_kib: int  # the command's own process: its peak RSS (VmHWM)
    child_hwm_kib: int  # the highest peak RSS (VmHWM) among its descendants; 0 without any
    workers: int  # descendants running the command's own program (a process pool's workers)
    top_cpu_seconds: float = 0.0  # the command's own process (user + system), at the last sample
    workers_cpu_seconds: float = 0.0  # its workers', added up, at the last sample


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_kib: int  # ru_maxrss of the child and of the descendants it waited for
    cpu_seconds: float = 0.0  # user + system time, of the child and of the descendants it waited for
    tree: TreeUsage | None = None  # with tree sampling only


@dataclass(frozen=True)
class Sample:
    runs: tuple[Run, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def spread(self) -> float:
        """max − min of the runs' seconds: how noisy this measure was."""
        times = [run.seconds for run in self.runs]
        return max(times) - min(times)

    @property
    def max_rss_mib(self) -> float:
        return max(run.max_rss_kib for run in self.runs) / 1024

    @property
    def cores(self) -> float:
        """Cores kept busy on average: CPU time over wall time, median of the runs."""
        return statistics.median(run.cpu_seconds / run.seconds for run in self.runs)

    @property
    def tree(self) -> TreeUsage:
        """The runs' process trees: memory figures the highest of the runs, CPU times their median."""
        trees = [run.tree for run in self.runs if run.tree is not None]
        if not trees:
            raise BenchError("mesure faite sans échantillonnage de l'arbre de processus")
        return TreeUsage(
            max(t.peak_pss_kib for t in trees),
            max(t.top_hwm_kib for t in trees),
            max(t.child_hwm_kib for t in trees),
            max(t.workers for t in trees),
            statistics.median(t.top_cpu_seconds for t in trees),
            statistics.median(t.workers_cpu_seconds for t in trees),
        )


# --- the process tree, from /proc -----------------------------------------------------


def _children(pid: int) -> list[int]:
    """The processes started by any thread of pid (Linux's /proc/PID/task/TID/children)."""
    found = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in threads:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return found


def _descendants(pid: int) -> list[int]:
    tree = [pid]
    for process in tree:  # grows while it is walked: breadth first
        tree += _children(process)
    return tree


def _proc_kib(pid: int, file: str, key: str) -> int | None:
    """A `Key: N kB` line of /proc/PID/FILE, or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/{file}") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _cpu_seconds(pid: int) -> float | None:
    """User + system time of one process (not of its children), from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime: fields 14 and 15


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


@dataclass
class _Seen:
    hwm_kib: int = 0
    cpu_seconds: float = 0.0
    samples: int = 0
    cmdline: bytes = b""


@dataclass
class TreeSampler:
    """Reads, in a thread, the memory of a process and of all its descendants.

    Every `interval` seconds: the sum of their PSS (its highest value is the
    tree's footprint), each process's VmHWM (its own peak, exact) and its CPU
    time so far.
    """

    pid: int
    interval: float = 0.05
    peak_pss_kib: int = 0
    seen: dict[int, _Seen] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        total = 0
        for pid in _descendants(self.pid):
            seen = self.seen.setdefault(pid, _Seen())
            seen.samples += 1
            # Read again each time: the command may not have exec'd yet at the first sample.
            seen.cmdline = _cmdline(pid) or seen.cmdline
            seen.hwm_kib = max(seen.hwm_kib, _proc_kib(pid, "status", "VmHWM") or 0)
            seen.cpu_seconds = max(seen.cpu_seconds, _cpu_seconds(pid) or 0.0)
            total += _proc_kib(pid, "smaps_rollup", "Pss") or 0
        self.peak_pss_kib = max(self.peak_pss_kib, total)

    def result(self) -> TreeUsage:
        top = self.seen.get(self.pid, _Seen())
        others = [seen for pid, seen in self.seen.items() if pid != self.pid]
        # A worker runs the parent's program for more than an instant; a fork that
        # is about to exec another program (ldconfig, gcc…) also does, briefly.
        workers = [seen for seen in others if seen.cmdline == top.cmdline and seen.samples >= 2]
        return TreeUsage(
            self.peak_pss_kib, top.hwm_kib, max((s.hwm_kib for s in others), default=0), len(workers),
            top.cpu_seconds, sum(s.cpu_seconds for s in workers),
        )


# --- running and measuring ------------------------------------------------------------


def run_once(command: list[str], cwd: Path, tree: bool = False) -> Run:
    """Run one command to completion; raise BenchError with its output if it fails.

    With tree=True, also sample its process tree's memory (see TreeSampler).
    """
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        sampler = TreeSampler(child.pid) if tree else None
        with sampler or contextlib.nullcontext():
            # wait4 rather than child.wait(): it also returns the child's resource usage.
            _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            output.seek(0)
            tail = output.read().decode("utf-8", errors="replace")[-2000:]
            raise BenchError(f"« {' '.join(command)} » a échoué (code {child.returncode}) :\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, usage.ru_maxrss, cpu, sampler.result() if sampler else None)


class Resident:
    """A command that stays running and answers each change with one line (`dossier suivre`).

    `round(change)` makes the change (an edit of a source), then waits for the line that says the
    rebuild is done: its Run is the wall time from the change to that line (the polling delay
    included: what a user waits for between saving and the new PDF), the CPU time the process and
    the workers it reaped spent meanwhile (utime, stime, cutime, cstime of /proc/PID/stat), and the
    process's peak RSS so far (VmHWM). A line that says something else (an error) is a BenchError.
    """

    def __init__(self, command: list[str], cwd: Path, done: str, timeout: float = 600.0):
        import queue
        import re

        self.done, self.timeout = re.compile(done), timeout
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        self.process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("")  # the end

    def wait_line(self) -> str:
        """The next line saying a round is over (others, the diagnostics, are kept in `said`)."""
        import queue

        deadline = time.monotonic() + self.timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty as exc:
                raise BenchError(f"pas de réponse en {self.timeout:.0f} s : {self.said[-5:]}") from exc
            if line == "" and self.process.poll() is not None:
                raise BenchError(f"arrêté (code {self.process.returncode}) : {self.said[-20:]}")
            self.said.append(line)
            if self.done.search(line):
                return line

    def round(self, change: Callable[[], None], expect: str) -> Run:
        before = _tree_cpu(self.process.pid)
        start = time.perf_counter()
        change()
        line = self.wait_line()
        seconds = time.perf_counter() - start
        if expect not in line:
            raise BenchError(f"« {expect} » attendu : {line}")
        cpu = _tree_cpu(self.process.pid) - before
        return Run(seconds, _proc_kib(self.process.pid, "status", "VmHWM") or 0, cpu)

    def rss_kib(self) -> int:
        return _proc_kib(self.process.pid, "status", "VmRSS") or 0

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _tree_cpu(pid: int) -> float:
    """User + system time of a process and of the children it reaped (utime, stime, cutime, cstime)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def measure(command: Command, out_dir: Path, cwd: Path, settings: Settings, tree: bool = False) -> Sample:
    """Run command(out_dir) warmup + runs times, each into an emptied out_dir.

    The last run's outputs stay in out_dir for the caller to inspect.
    """
    return measure_rounds({None: (command, out_dir)}, cwd, settings, tree)[None]


def measure_rounds(
    commands: dict[Key, tuple[Command, Path]],
    cwd: Path,
    settings: Settings,
    tree: bool = False,
    describe: Callable[[Key], str] | None = None,
) -> dict[Key, Sample]:
    """Like measure() for several commands, taken in turns (A B C, A B C…).

    On a shared machine a busy spell then slows every command a little rather
    than one a lot, so their ratios (a speed-up, say) stay fair. With
    describe, each run is announced on stderr.
    """
    runs: dict[Key, list[Run]] = {key: [] for key in commands}
    total = settings.warmup + settings.runs
    for index in range(total):
        for key, (command, out_dir) in commands.items():
            if describe:
                log(f"  {describe(key)} : exécution {index + 1}/{total}{' (échauffement)' if index < settings.warmup else ''}…")
            shutil.rmtree(out_dir, ignore_errors=True)
            out_dir.mkdir(parents=True)
            run = run_once(command(out_dir), cwd, tree)
            if index >= settings.warmup:
                runs[key].append(run)
    return {key: Sample(tuple(found)) for key, found in runs.items()}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def dossier_executable() -> Path:
    """The project's `dossier` command, beside the Python running the benchmark."""
    dossier = Path(sys.executable).parent / "dossier"
    if not dossier.exists():
        raise BenchError(f"{dossier} introuvable : lancez le banc avec le Python du projet (`make bench`).")
    return dossier


def only_file(folder: Path, suffix: str) -> Path:
    """The one file with this suffix a run wrote under folder (not in the build's hidden cache)."""
    found = sorted(p for p in folder.rglob(f"*.{suffix}") if not any(part.startswith(".") for part in p.relative_to(folder).parts))
    if len(found) != 1:
        raise BenchError(f"{folder} : un fichier .{suffix} attendu, {len(found)} trouvé(s)")
    return found[0]


def pdf_pages(pdf: Path) -> int | None:
    """Page count from pdfinfo (poppler-utils), or None without pdfinfo."""
    if shutil.which("pdfinfo") is None:
        return None
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise BenchError(f"pdfinfo ne donne pas le nombre de pages de {pdf}")


def tool_version(command: list[str]) -> str:
    """First line of a tool's --version output."""
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = result.stdout.strip().splitlines()
    return lines[0] if lines else "?"
