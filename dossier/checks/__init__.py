"""Coherence rules and writing advice, each with a stable id and a default severity.

A rule is a function from the certification to findings, registered beside
its definition (`@rule(...)`) in one of the modules listed below; `run()`
applies the project's severity overrides and adds the findings to the report,
and `check()` reads a sources folder and runs every rule on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..sources.diagnostics import Report, Severity
from ..sources.load import load
from ..sources.model import Certification
from ..sources.spec import suggest
from . import (
    alignements,
    blocs,
    correspondances,
    criteres,
    depot,
    dimensions,
    fiche,
    france_competences,
    livrables,
    redaction,
    references,
    reproduction,
    session,
)
from .registry import Check, Finding

__all__ = ["CHECKS", "CHECKS_BY_ID", "Check", "Checked", "Finding", "check", "run", "severity"]

_MODULES = (references, france_competences, blocs, fiche, redaction, livrables, criteres, dimensions, reproduction, alignements, correspondances, depot, session)

# Errors first, then warnings; within a severity, in the order of the modules above.
CHECKS: tuple[Check, ...] = tuple(
    sorted((c for module in _MODULES for c in module.rule.checks), key=lambda c: -c.severity)
)
CHECKS_BY_ID = {c.id: c for c in CHECKS}


def run(cert: Certification, report: Report) -> None:
    """Apply every check, with the project's severities, adding findings to the report."""
    overrides = _overrides(cert, report)
    complete = report.errors == 0
    for rule in CHECKS:
        severity = overrides.get(rule.id, rule.severity)
        if rule.func is None or severity == Severity.IGNORE or (rule.needs_complete and not complete):
            continue
        for loc, path, message in rule.func(cert):
            report.add(severity, rule.id, loc, path, message)


def severity(cert: Certification, rule_id: str) -> Severity:
    """A rule's severity for this project: its default, or the project's setting (`regles:`)."""
    rule = CHECKS_BY_ID[rule_id]
    chosen = Severity.parse(cert.regles.get(rule_id, "")) if rule.adjustable else None
    return rule.severity if chosen is None else chosen


def _overrides(cert: Certification, report: Report) -> dict[str, Severity]:
    out: dict[str, Severity] = {}
    for rule, label in cert.regles.items():
        loc, path = cert.src.at(f"regles.{rule}")
        known = CHECKS_BY_ID.get(rule)
        if known is None:
            report.error("regle-inconnue", loc, path, f"règle « {rule} » inconnue{suggest(rule, CHECKS_BY_ID)}")
        elif not known.adjustable:
            report.error("regle-inconnue", loc, path, f"la règle « {rule} » ne peut pas être ajustée")
        else:
            out[rule] = Severity.parse(label)
    return out


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


def check(folder: Path, display_root: Path | None = None, kept: dict | None = None) -> Checked:
    """Read every source file, validate it and apply the coherence rules (`kept`: see sources.load)."""
    loaded = load(Path(folder), display_root, kept)
    if loaded.certification is not None:
        run(loaded.certification, loaded.report)
    return Checked(Path(folder), loaded.certification, loaded.report, loaded.files)
