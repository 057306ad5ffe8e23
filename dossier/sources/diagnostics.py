"""Diagnostics are data: every problem found in the sources is one of these.

A run collects all of them, prints them sorted, then stops once with a count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    """Ordered so that `max()` gives the worst one."""

    IGNORE = 0
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str) -> Severity | None:
        return _BY_LABEL.get(text)


_LABELS = {
    Severity.IGNORE: "ignore",
    Severity.INFO: "info",
    Severity.WARNING: "avertissement",
    Severity.ERROR: "erreur",
}
_BY_LABEL = {label: sev for sev, label in _LABELS.items()}


@dataclass(frozen=True, order=True)
class Loc:
    """A place in a source file; line and col are 1-based (0 = unknown)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.file}:{self.line}:{self.col}"
        if self.line:
            return f"{self.file}:{self.line}"
        return self.file


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    rule: str
    loc: Loc
    keypath: str
    message: str
    excerpt: tuple[str, ...] = ()  # lines of the source shown under the message (numbered, aligned)

    def sort_key(self) -> tuple:
        return (self.loc.file, self.loc.line, self.loc.col, self.keypath, self.rule)

    def headline(self) -> str:
        """`file:line:col: key.path: message [severity rule]`, on one line."""
        where = f"{self.loc}: "
        path = f"{self.keypath}: " if self.keypath else ""
        return f"{where}{path}{self.message} [{self.severity.label} {self.rule}]"

    def format(self) -> str:
        """The headline, then the excerpt of the source if there is one, indented."""
        return self.headline() + "".join(f"\n    {line}" for line in self.excerpt)

    def as_json(self) -> dict:
        return {
            "severity": self.severity.label,
            "rule": self.rule,
            "file": self.loc.file,
            "line": self.loc.line,
            "col": self.loc.col,
            "keypath": self.keypath,
            "message": self.message,
            "excerpt": list(self.excerpt),
        }


@dataclass
class Report:
    """Collects diagnostics; severities may be overridden per rule."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, severity: Severity, rule: str, loc: Loc, keypath: str, message: str, excerpt: tuple[str, ...] = ()) -> None:
        self.diagnostics.append(Diagnostic(severity, rule, loc, keypath, message, excerpt))

    def error(self, rule: str, loc: Loc, keypath: str, message: str, excerpt: tuple[str, ...] = ()) -> None:
        self.add(Severity.ERROR, rule, loc, keypath, message, excerpt)

    def extend(self, other: Report) -> None:
        self.diagnostics.extend(other.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        return sorted(
            (d for d in self.diagnostics if d.severity > Severity.IGNORE), key=Diagnostic.sort_key
        )

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)
