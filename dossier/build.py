"""The orchestrator: load → check → plan → render → write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import checks, schema
from .diagnostics import Report, Severity
from .model import Certification


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
