"""Round-trip YAML (ruamel.yaml): a source file edited in place, its comments, key order and quoting kept.

A file is loaded with the indentation it was written with (detected: the one
ruamel reproduces it with), edited as data, and dumped. Where ruamel would
still write an untouched part differently from the author (long plain
scalars folded over several lines, odd spacing), `dump()` keeps the author's
lines: it dumps the file before and after the edit, and carries only the
lines that the edit changed onto the original text (a three-way merge, then
verified by reading the result back — if it does not give the edited data,
ruamel's own dump is used).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from ..errors import DossierError

# (mapping indent, sequence indent, dash offset): the layouts people and tools write
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 0))
_WIDTH = 4096  # never fold a long line: a text stays on the line its author gave it


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = _WIDTH
    yaml.indent(mapping=layout[0], sequence=layout[1], offset=layout[2])
    return yaml


@dataclass
class Doc:
    """One YAML source file, loaded for editing."""

    rel: str  # relative to the sources folder: « blocs/bc01.yaml »
    text: str  # as read, line ends as \n
    data: Any
    layout: tuple[int, int, int]
    raw: str = ""  # as read, exactly: a BOM (\ufeff) and \r\n line ends kept

    def dump(self) -> str:
        """The file's new text: the original lines wherever the edit did not touch them, its line ends and BOM kept."""
        new = _dump(self.data, self.layout)
        if not self.text:  # a file to create
            return new
        base = _dump(load_text(self.text, self.rel, self.layout)[0], self.layout)
        if new == base:
            return self.raw or self.text  # nothing was edited
        if base != self.text:  # where ruamel would write the untouched lines otherwise, the author's stay
            merged = merge(self.text, base, new)
            try:
                if plain(_yaml(self.layout).load(merged)) == plain(self.data):
                    new = merged
            except YAMLError:
                pass
        if "\r\n" in self.raw:
            new = new.replace("\n", "\r\n")
        return ("\ufeff" if self.raw.startswith("\ufeff") else "") + new


def _dump(data: Any, layout: tuple[int, int, int]) -> str:
    out = io.StringIO()
    _yaml(layout).dump(data, out)
    return out.getvalue()


def load_text(text: str, rel: str, layout: tuple[int, int, int] | None = None) -> tuple[Any, tuple[int, int, int]]:
    """The data of a YAML text, and the layout ruamel writes it back with (the first that gives the same text)."""
    try:
        if layout is not None:
            return _yaml(layout).load(text), layout
        for candidate in _LAYOUTS:
            data = _yaml(candidate).load(text)
            if _dump(data, candidate) == text:
                return data, candidate
        return _yaml(_LAYOUTS[0]).load(text), _guess(text)
    except YAMLError as exc:
        raise DossierError(f"{rel} : YAML illisible ({str(exc).splitlines()[0]}) ; lancez dossier check") from exc


def _guess(text: str) -> tuple[int, int, int]:
    """The layout closest to the file's: how far the first « - » item sits from its key."""
    lines = text.splitlines()
    for above, line in zip(lines, lines[1:]):
        stripped = line.lstrip()
        if stripped.startswith("- ") and above.rstrip().endswith(":") and not above.lstrip().startswith("#"):
            offset = len(line) - len(stripped) - (len(above) - len(above.lstrip()))
            return (2, 2, 0) if offset <= 0 else (2, offset + 2, offset)
    return _LAYOUTS[0]


def load(folder: Path, rel: str) -> Doc:
    path = Path(folder) / rel
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DossierError(f"{rel} : lecture impossible ({exc})") from exc
    text = raw.removeprefix("\ufeff").replace("\r\n", "\n")
    data, layout = load_text(text, rel)
    return Doc(rel, text, data, layout, raw)


def new_doc(rel: str, data: CommentedMap, header: str, like: Doc | None) -> Doc:
    """A file to create, written with the layout of `like` (a sibling file), under a header comment."""
    layout = like.layout if like is not None else _LAYOUTS[0]
    text = header + _dump(data, layout)
    return Doc(rel, "", load_text(text, rel, layout)[0], layout)


def merge(original: str, base: str, new: str) -> str:
    """Carry the edit base → new onto original, where base is ruamel's rewriting of original."""
    o, b, n = (t.splitlines(keepends=True) for t in (original, base, new))
    to_o = SequenceMatcher(None, b, o, autojunk=False).get_opcodes()
    to_n = SequenceMatcher(None, b, n, autojunk=False).get_opcodes()
    chunks = sorted([(b1, b2, "o") for tag, b1, b2, _, _ in to_o if tag != "equal"]
                    + [(b1, b2, "n") for tag, b1, b2, _, _ in to_n if tag != "equal"])
    clusters: list[list] = []
    for start, end, side in chunks:
        if clusters and start <= clusters[-1][1]:
            clusters[-1][1] = max(clusters[-1][1], end)
            clusters[-1][2].add(side)
        else:
            clusters.append([start, end, {side}])
    out: list[str] = []
    at = 0  # in base
    for start, end, sides in clusters:
        out.extend(b[at:start])
        if sides == {"o"}:
            out.extend(o[_map(to_o, start, False):_map(to_o, end, True)])
        else:  # the edit wins where it meets a rewriting
            out.extend(n[_map(to_n, start, False):_map(to_n, end, True)])
        at = end
    out.extend(b[at:])
    return "".join(out)


def _map(opcodes, at: int, end: bool) -> int:
    """The line of the other text where a cluster starting (or ending) at line `at` of base starts (or ends)."""
    for tag, b1, b2, x1, x2 in opcodes:  # a change that starts (ends) there, an insertion included
        if tag != "equal" and (b2 if end else b1) == at:
            return x2 if end else x1
    for tag, b1, b2, x1, _x2 in opcodes:
        if tag == "equal" and b1 <= at <= b2:
            return x1 + (at - b1)
    return opcodes[-1][4] if opcodes else at


def plain(value: Any) -> Any:
    """Plain Python data (dicts, lists, str…) from ruamel's commented containers, for comparisons."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def styled(old: Any, new: Any) -> Any:
    """`new` written the way `old` was: the same quotes, the same block style, a trailing newline kept."""
    if not isinstance(new, str) or isinstance(new, bool):
        return new
    block = isinstance(old, (LiteralScalarString, FoldedScalarString))
    if block or "\n" in new.strip("\n"):
        # a block keeps its final newline or its absence (« | » or « |- »); a text becoming multi-line gets « | »
        text = new.rstrip("\n") + ("\n" if not block or old.endswith("\n") else "")
        return FoldedScalarString(text) if isinstance(old, FoldedScalarString) else LiteralScalarString(text)
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(new)
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(new)
    return new


def styled_list(old: Any, items: list) -> CommentedSeq:
    """A list written like `old` (flow `[a, b]` or block), each item quoted like old's first."""
    seq = CommentedSeq(styled(old[0] if old else None, v) for v in items)
    if isinstance(old, CommentedSeq) and old.fa.flow_style():
        seq.fa.set_flow_style()
    return seq


def fill_list(seq: CommentedSeq, items: list) -> None:
    """Give `seq` these items in place: its style and the comments of the places kept stay."""
    model = seq[0] if len(seq) else None
    for i, value in enumerate(items):
        if i < len(seq):
            if plain(seq[i]) != value:
                seq[i] = styled(seq[i], value)
        else:
            seq.append(styled(model, value))
    while len(seq) > len(items):
        del seq[len(seq) - 1]


def scalar_text(value: Any) -> str:
    """A scalar as the text a user sees: dates as AAAA-MM-JJ, booleans as oui / non."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)
