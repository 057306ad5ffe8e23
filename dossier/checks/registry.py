"""What a rule is, and how each rules module registers its own, beside their definitions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..sources.diagnostics import Loc, Severity
from ..sources.model import Certification

Finding = tuple[Loc, str, str]  # where, key path, message


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    summary: str  # one line, French, for the README and `dossier regles`
    func: Callable[[Certification], Iterator[Finding]] | None  # None: reported by another step (see `declare`)
    adjustable: bool = False  # may a project change its severity?
    needs_complete: bool = False  # skipped while the sources have schema errors


class Rules:
    """A module's rules, in the order they are written: `@rule("id", Severity.WARNING, "…")` above each.

    Nothing registers itself globally: checks/__init__.py lists the modules whose
    rules make up `CHECKS`.
    """

    def __init__(self) -> None:
        self.checks: list[Check] = []

    def __call__(self, rule_id: str, severity: Severity, summary: str, adjustable: bool = False, needs_complete: bool = False):
        def register(func: Callable[[Certification], Iterator[Finding]]):
            self.checks.append(Check(rule_id, severity, summary, func, adjustable, needs_complete))
            return func

        return register

    def declare(self, rule_id: str, severity: Severity, summary: str, adjustable: bool = True) -> None:
        """A rule whose findings come from a step with more inputs than the sources (the literal
        reproduction check reads the national export): listed, documented and adjustable like the
        others, applied by that step."""
        self.checks.append(Check(rule_id, severity, summary, None, adjustable))
