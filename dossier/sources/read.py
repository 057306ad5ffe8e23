"""Read source files: YAML as position-carrying nodes, Markdown as text.

Nothing here knows the schema; it only turns bytes into nodes safely, reporting
every problem as a diagnostic instead of raising.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .diagnostics import Loc, Report

# A document may not expand (through aliases) to more nodes than this.
MAX_EXPANDED_NODES = 100_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# PyYAML's messages are English; the common ones are translated for the user.
_YAML_PROBLEMS = {
    "mapping values are not allowed": "« : » inattendu (une valeur contenant « : » doit être entre guillemets)",
    "could not find expected ':'": "« : » attendu après une clé",
    "found character that cannot start any token": "caractère qui ne peut commencer aucun élément (tabulation ? « @ » ou « ` » ?)",
    "found undefined alias": "alias non défini",
    "expected a single document in the stream": "un seul document YAML est attendu par fichier",
    "did not find expected key": "clé attendue (indentation incohérente ?)",
    "did not find expected '-' indicator": "« - » attendu (indentation incohérente ?)",
    "found unexpected end of stream": "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
    "found unknown escape character": "séquence d'échappement inconnue entre guillemets doubles",
    "found a tab character that violates indentation": "tabulation dans l'indentation (utiliser des espaces)",
    "found a tab character where an indentation space is expected": "tabulation dans l'indentation (utiliser des espaces)",
    "while scanning a quoted scalar": "guillemet non fermé",
    "found duplicate anchor": "ancre en double",
    "did not find expected node content": "valeur attendue",
    "did not find expected ',' or ']'": "« , » ou « ] » attendu",
    "did not find expected ',' or '}'": "« , » ou « } » attendu",
    "found unexpected ':'": "« : » inattendu",
    "while parsing a block collection": "liste mal formée",
    "while parsing a flow sequence": "liste entre crochets mal formée",
}


@dataclass(frozen=True)
class YamlDoc:
    path: Path
    display: str  # the path as shown to the user
    root: yaml.Node | None


def loc_of(display: str, node: yaml.Node) -> Loc:
    mark = node.start_mark
    return Loc(display, mark.line + 1, mark.column + 1)


def read_bytes(path: Path, display: str, report: Report, prefix: str = "") -> bytes | None:
    """A file's bytes, or report why it cannot be read; rules get `prefix`."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        report.error(prefix + "fichier-absent", Loc(display), "", "fichier introuvable")
    except IsADirectoryError:
        report.error(prefix + "fichier-illisible", Loc(display), "", "un fichier est attendu, c'est un dossier")
    except OSError as exc:
        report.error(prefix + "fichier-illisible", Loc(display), "", f"lecture impossible ({exc.strerror})")
    return None


def read_text(
    path: Path, display: str, report: Report, prefix: str = "", hint: str = "enregistrez-le en UTF-8"
) -> str | None:
    """Read a UTF-8 text file (BOM or not), or report why it cannot be read; rules get `prefix`."""
    data = read_bytes(path, display, report, prefix)
    if data is None:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        report.error(
            prefix + "encodage",
            Loc(display, line, col),
            "",
            f"le fichier n'est pas en UTF-8 (octet 0x{data[exc.start]:02x}) ; {hint}",
        )
        return None
    if "\x00" in text:
        report.error(prefix + "encodage", Loc(display), "", "le fichier contient un caractère nul : fichier binaire ?")
        return None
    return text


def _translate(problem: str | None) -> str:
    if not problem:
        return "YAML invalide"
    for english, french in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return french
    return f"YAML invalide ({problem})"


def read_yaml(path: Path, display: str, report: Report) -> YamlDoc | None:
    """Compose a YAML file into nodes (safe tags only), or report why not."""
    text = read_text(path, display, report)
    if text is None:
        return None
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        report.error("fichier-vide", Loc(display, 1, 1), "", "fichier vide")
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Loc(display, mark.line + 1, mark.column + 1) if mark else Loc(display)
        report.error("yaml-syntaxe", where, "", _translate(exc.problem or exc.context))
        return None
    except yaml.YAMLError as exc:  # e.g. reader errors on control characters
        report.error("yaml-syntaxe", Loc(display), "", _translate(str(exc).splitlines()[0]))
        return None
    if root is None:
        report.error("fichier-vide", Loc(display, 1, 1), "", "fichier vide")
        return None
    if not _expansion_ok(root, display, report):
        return None
    return YamlDoc(path, display, root)


def _expansion_ok(root: yaml.Node, display: str, report: Report) -> bool:
    """Refuse recursive aliases and alias bombs before anything walks the tree."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[key] > MAX_EXPANDED_NODES:
                report.error(
                    "yaml-alias",
                    loc_of(display, node),
                    "",
                    f"les alias de ce fichier le déploient en plus de {MAX_EXPANDED_NODES} éléments",
                )
                return False
            continue
        if key in sizes:
            continue
        if key in active:
            report.error("yaml-alias", loc_of(display, node), "", "alias récursif (une structure se contient elle-même)")
            return False
        active.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
    return True


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []
