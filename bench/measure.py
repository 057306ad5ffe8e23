"""Run a command as a child process; measure its wall time and peak memory."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


class BenchError(RuntimeError):
    """A measured command failed, or the benchmark cannot run as asked."""


@dataclass(frozen=True)
class Settings:
    runs: int  # measured runs per command; the median is reported
    warmup: int  # runs before those, not counted (disk cache, LibreOffice profile)
    sizes: tuple[int, ...]  # multiples of the example: 1 is the example itself


@dataclass(frozen=True)
class Run:
    seconds: float
    max_rss_kib: int  # ru_maxrss of the child and of the descendants it waited for


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


def run_once(command: list[str], cwd: Path) -> Run:
    """Run one command to completion; raise BenchError with its output if it fails."""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        # wait4 rather than child.wait(): it also returns the child's resource usage.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            output.seek(0)
            tail = output.read().decode("utf-8", errors="replace")[-2000:]
            raise BenchError(f"« {' '.join(command)} » a échoué (code {child.returncode}) :\n{tail}")
    return Run(seconds, usage.ru_maxrss)


def measure(command: Callable[[Path], list[str]], out_dir: Path, cwd: Path, settings: Settings) -> Sample:
    """Run command(out_dir) warmup + runs times, each into an emptied out_dir.

    The last run's outputs stay in out_dir for the caller to inspect.
    """
    runs = []
    for index in range(settings.warmup + settings.runs):
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir(parents=True)
        run = run_once(command(out_dir), cwd)
        if index >= settings.warmup:
            runs.append(run)
    return Sample(tuple(runs))


def only_file(folder: Path, suffix: str) -> Path:
    """The one file with this suffix a run wrote under folder."""
    found = sorted(folder.rglob(f"*.{suffix}"))
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
