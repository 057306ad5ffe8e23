"""YAML mistakes explained as a non-programmer needs: indentation, tabs, a missing « : », a « : » in a value.

PyYAML says where it got lost (« mapping values are not allowed here ») and
in English; the cause is usually one line above, and almost always one of a
few slips. `explain()` looks at the lines around the place PyYAML gives and
says which slip it is, where, and what to do, with the two lines concerned
shown one above the other so that a shifted key is seen at a glance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[^\s:#'\"\[\]{}][^:#]*?)\s*:(?:\s|$)")


@dataclass(frozen=True)
class Explained:
    line: int  # 1-based
    col: int
    message: str
    excerpt: tuple[str, ...]


def _significant(lines: list[str], before: int) -> int | None:
    """The last line above `before` (0-based) holding something: neither blank nor a comment."""
    for n in range(before - 1, -1, -1):
        stripped = lines[n].strip()
        if stripped and not stripped.startswith("#"):
            return n
    return None


def _key_column(line: str) -> tuple[int, str] | None:
    """Where the line's key starts (after a list dash) and the key, if the line is « key: … »."""
    found = _KEY.match(line)
    if not found:
        return None
    column = len(found.group("indent")) + len(found.group("dash") or "")
    return column, found.group("key").strip()


def _bare_key(line: str) -> tuple[int, str] | None:
    """A line that reads as a key whose « : » was forgotten: « - id CR1.2 », « intitule Vendre » (no « : » at all)."""
    found = re.match(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z_][A-Za-z0-9_]*) +\S", line)
    if not found or ":" in line or line.lstrip().startswith("#"):
        return None
    return len(found.group("indent")) + len(found.group("dash") or ""), found.group("key")


def _dash_column(line: str) -> int | None:
    """Where a list item's « - » stands, if the line is one."""
    stripped = line.lstrip(" ")
    return len(line) - len(stripped) if stripped.startswith("- ") or stripped == "-" else None


def _item_above(lines: list[str], before: int) -> int | None:
    """The nearest list item above `before` (0-based)."""
    for n in range(before - 1, -1, -1):
        if _dash_column(lines[n]) is not None:
            return n
    return None


def _excerpt(lines: list[str], numbers: list[int], mark: tuple[int, int] | None = None) -> tuple[str, ...]:
    width = len(str(max(numbers) + 1))
    out = [f"{n + 1:>{width}} | {lines[n].replace(chr(9), '→')}" for n in numbers]
    if mark is not None:
        out.append(f"{'':>{width}} | {' ' * mark[1]}^")
    return tuple(out)


def _by(n: int) -> str:
    """« d'une espace », « de 2 espaces »."""
    return "d'une espace" if n == 1 else f"de {n} espaces"


def explain(text: str, problem: str, line: int, col: int, context_line: int | None = None) -> Explained | None:
    """The slip behind a YAML error at (line, col), 0-based as PyYAML gives them; None if not recognised."""
    lines = text.split("\n")
    if not 0 <= line < len(lines):
        return None
    # a tab in the indentation, on this line or just above
    for n in (line, line - 1):
        if 0 <= n < len(lines):
            indent = lines[n][: len(lines[n]) - len(lines[n].lstrip(" \t"))]
            if "\t" in indent:
                return Explained(
                    n + 1, indent.index("\t") + 1,
                    "tabulation dans l'indentation : YAML n'accepte que des espaces pour décaler une ligne ; "
                    "remplacez la tabulation (→) par des espaces",
                    _excerpt(lines, [n], (n, indent.index("\t"))),
                )
    here = _key_column(lines[line])
    above = _significant(lines, line)
    previous = _key_column(lines[above]) if above is not None else None
    if problem.startswith("could not find expected ':'") and context_line is not None:
        missing = lines[context_line].strip().lstrip("- ").split()[0] if lines[context_line].strip() else ""
        start = len(lines[context_line]) - len(lines[context_line].lstrip(" -"))
        return Explained(
            context_line + 1, start + 1,
            f"« : » manquant après « {missing} » : une clé est suivie de deux-points (« {missing}: … »)",
            _excerpt(lines, [context_line], (context_line, start + len(missing))),
        )
    if problem.startswith("mapping values are not allowed"):
        bare = _bare_key(lines[above]) if above is not None else None
        if bare is not None and here is not None and bare[0] <= here[0]:  # « - id CR1.2 », then « texte: … »
            return Explained(
                above + 1, bare[0] + 1,
                f"« : » manquant après « {bare[1]} » : une clé est suivie de deux-points (« {bare[1]}: … »)",
                _excerpt(lines, [above], (above, bare[0] + len(bare[1]))),
            )
        if here is not None and previous is not None and here[0] > previous[0] and col <= here[0] + len(here[1]) + 1:
            shift = here[0] - previous[0]
            return Explained(
                line + 1, here[0] + 1,
                f"indentation : « {here[1]} » est décalé {_by(shift)} vers la droite par rapport à "
                f"« {previous[1]} » (ligne {above + 1}) ; YAML le lit comme la suite de la valeur du dessus. "
                "Alignez les clés d'un même élément",
                _excerpt(lines, [above, line], (line, here[0])),
            )
        if here is not None:
            value = lines[line].split(":", 1)[1].strip().replace('"', "'")
            advice = f"écrivez {here[1]}: \"{value}\""
        else:
            advice = "par exemple intitule: \"Analyse : le marché\""
        return Explained(
            line + 1, col + 1,
            f"« : » dans une valeur : mettez la valeur entre guillemets ({advice})",
            _excerpt(lines, [line], (line, col)),
        )
    if problem.startswith(("expected <block end>", "did not find expected key", "did not find expected '-'",
                           "did not find expected <document start>")):
        dash = _dash_column(lines[line])
        sibling = _item_above(lines, line) if dash is not None else None
        if sibling is not None and _dash_column(lines[sibling]) != dash:
            shift = _dash_column(lines[sibling]) - dash
            side = "gauche" if shift > 0 else "droite"
            return Explained(
                line + 1, dash + 1,
                f"indentation : cet élément de liste est décalé {_by(abs(shift))} vers la {side} par rapport à celui "
                f"de la ligne {sibling + 1} ; alignez les « - » d'une même liste",
                _excerpt(lines, [sibling, line], (line, dash)),
            )
        if here is not None and previous is not None and here[0] != previous[0]:
            shift = previous[0] - here[0]
            side = "gauche" if shift > 0 else "droite"
            return Explained(
                line + 1, here[0] + 1,
                f"indentation : « {here[1]} » est décalé {_by(abs(shift))} vers la {side} par rapport à "
                f"« {previous[1]} » (ligne {above + 1}), et ne s'aligne sur aucune clé au-dessus. "
                "Alignez les clés d'un même élément",
                _excerpt(lines, [above, line], (line, here[0])),
            )
        stripped = lines[line].lstrip(" ")
        if stripped.startswith("-") and above is not None:
            start = len(lines[line]) - len(stripped)
            return Explained(
                line + 1, start + 1,
                "indentation : cet élément de liste n'est pas aligné sur ceux du dessus ; alignez les « - » d'une même liste",
                _excerpt(lines, [above, line], (line, start)),
            )
    return None
