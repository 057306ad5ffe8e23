"""Read source files: YAML as position-carrying nodes, Markdown as text.

Nothing here knows the schema; it only turns bytes into nodes safely, reporting
every problem as a diagnostic instead of raising.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import yaml

from ..text import control_name
from .diagnostics import Loc, Report
from .yaml_errors import explain

# A document may not expand (through aliases) to more nodes than this.
MAX_EXPANDED_NODES = 100_000
# No source file (YAML, Markdown, the candidates' CSV) may be larger: the example's largest is 20 Ko.
MAX_SOURCE_BYTES = 10 * 2**20

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
    "found invalid Unicode character escape code": "code de caractère invalide après \\u ou \\U (demi-caractère UTF-16 ?)",
    "exceeded maximum nesting depth": "imbrication trop profonde (listes ou dictionnaires les uns dans les autres)",
    "expected <block end>": "indentation incohérente (une ligne n'est alignée sur aucune au-dessus)",
}


@dataclass(frozen=True)
class YamlDoc:
    path: Path
    display: str  # the path as shown to the user
    root: yaml.Node | None


def loc_of(display: str, node: yaml.Node) -> Loc:
    mark = node.start_mark
    return Loc(display, mark.line + 1, mark.column + 1)


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} Mo".replace(".", ",") if n >= 2**20 else f"{max(1, n // 1024)} Ko"


class UnreadableError(Exception):
    """A file that cannot, or may not, be read: `rule` names the diagnostic, the message is the user's."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


def _unreadable(exc: OSError) -> str:
    """Why the system refused to read a file, in French, with what to do."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "lecture refusée (droits insuffisants) : donnez-vous le droit de lire ce fichier"
    if exc.errno == errno.EIO:
        return "lecture impossible : erreur du disque"
    return f"lecture impossible ({exc.strerror or exc})"


_KINDS = {
    stat.S_IFIFO: "un tube nommé (FIFO)",
    stat.S_IFCHR: "un périphérique",
    stat.S_IFBLK: "un périphérique",
    stat.S_IFSOCK: "une prise (socket)",
}


def open_regular(path: Path, inside: Path | None = None, limit: int | None = None) -> BinaryIO:
    """Open a file for reading, if it is a regular file once its links are resolved — inside the folder
    `inside` when one is given — and of at most `limit` bytes; anything else raises UnreadableError.

    Every file the tool reads goes through here: a link loop, a link out of the sources folder, a
    FIFO (which would block), a device (/dev/zero never ends) or a folder is refused before a byte
    is read. The file is opened without blocking, so that even a FIFO swapped in at the last moment
    cannot hang the reader.
    """
    path = Path(path)
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError as exc:
        if path.is_symlink():
            raise UnreadableError("fichier-illisible", "lien symbolique vers un fichier qui n'existe pas") from exc
        raise UnreadableError("fichier-absent", "fichier introuvable") from exc
    except RuntimeError as exc:  # Python 3.11 says a link loop this way
        raise UnreadableError("fichier-illisible", "lien symbolique qui renvoie à lui-même (boucle)") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableError("fichier-illisible", "lien symbolique qui renvoie à lui-même (boucle)") from exc
        raise UnreadableError("fichier-illisible", _unreadable(exc)) from exc
    if inside is not None:
        root = Path(inside).resolve()
        if real != root and root not in real.parents:
            raise UnreadableError(
                "fichier-hors-sources",
                "lien vers un fichier hors du dossier des sources : refusé (copiez le fichier dans le dossier)",
            )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except IsADirectoryError as exc:
        raise UnreadableError("fichier-illisible", "un fichier est attendu, c'est un dossier") from exc
    except OSError as exc:
        raise UnreadableError("fichier-illisible", _unreadable(exc)) from exc
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableError("fichier-illisible", "un fichier est attendu, c'est un dossier")
        if not stat.S_ISREG(info.st_mode):
            kind = _KINDS.get(stat.S_IFMT(info.st_mode), "un fichier spécial")
            raise UnreadableError("fichier-illisible", f"un fichier ordinaire est attendu, c'est {kind}")
        if limit is not None and info.st_size > limit:
            raise UnreadableError("fichier-taille", f"fichier trop gros ({_size(info.st_size)} ; {_size(limit)} au plus)")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, inside: Path | None = None, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a regular file (see `open_regular`), never more than `limit`."""
    try:
        with open_regular(path, inside, limit) as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise UnreadableError("fichier-illisible", _unreadable(exc)) from exc
    if len(data) > limit:  # it grew while being read
        raise UnreadableError("fichier-taille", f"fichier trop gros (plus de {_size(limit)})")
    return data


MAX_INFLATED_BYTES = 256 * 2**20  # a Word file (zip) may not inflate to more
MAX_RATIO = 100  # nor any of its members by more than this (real documents: 3 to 20)


def zip_within_limits(source: Path | BinaryIO) -> None:
    """Refuse a zip (a Word file) whose members would inflate beyond reason — a zip bomb — from
    what its directory declares, before anything is inflated; a reader of one member must still
    read it with a bound, as declarations can lie (`read_member`)."""
    import zipfile

    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UnreadableError("fichier-illisible", "ce n'est pas un fichier Word (.docx) lisible") from exc
    total = sum(m.file_size for m in members)
    if total > MAX_INFLATED_BYTES or len(members) > 10_000:
        raise UnreadableError("fichier-taille", f"décompressé, il ferait {_size(total)} ({_size(MAX_INFLATED_BYTES)} au plus) : fichier piégé ou abîmé")
    for m in members:
        if m.file_size > 2**20 and m.file_size > MAX_RATIO * max(1, m.compress_size):
            raise UnreadableError("fichier-taille", f"« {m.filename} » se décompresse {m.file_size // max(1, m.compress_size)} fois : fichier piégé ou abîmé")


def read_member(archive, name: str, limit: int) -> bytes:
    """One member of an open zip, inflated to at most `limit` bytes (whatever its header says)."""
    with archive.open(name) as member:
        data = member.read(limit + 1)
    if len(data) > limit:
        raise UnreadableError("fichier-taille", f"« {name} » décompressé dépasse {_size(limit)} : fichier piégé ou abîmé")
    return data


def read_reported(
    path: Path, display: str, report: Report, prefix: str = "", inside: Path | None = None, limit: int = MAX_SOURCE_BYTES
) -> bytes | None:
    """A regular file's bytes (see `read_bytes`), or report why it cannot be read; rules get `prefix`."""
    try:
        return read_bytes(path, inside, limit)
    except UnreadableError as exc:
        report.error(prefix + exc.rule, Loc(display), "", exc.message)
        return None


def read_text(
    path: Path,
    display: str,
    report: Report,
    prefix: str = "",
    hint: str = "enregistrez-le en UTF-8",
    inside: Path | None = None,
) -> str | None:
    """Read a UTF-8 text file (BOM or not), or report why it cannot be read; rules get `prefix`."""
    data = read_reported(path, display, report, prefix, inside)
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


def position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of `text[index]`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _translate(problem: str | None) -> str:
    if not problem:
        return "YAML invalide"
    for english, french in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return french
    return f"YAML invalide ({problem})"


def read_yaml(path: Path, display: str, report: Report, inside: Path | None = None) -> YamlDoc | None:
    """Compose a YAML file into nodes (safe tags only), or report why not."""
    text = read_text(path, display, report, inside=inside)
    if text is None:
        return None
    return compose_yaml(text, path, display, report)


def compose_yaml(text: str, path: Path, display: str, report: Report) -> YamlDoc | None:
    """Compose a file's text (as `read_text` gave it) into nodes, or report why not."""
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        report.error("fichier-vide", Loc(display, 1, 1), "", "fichier vide")
        return None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        explained = None
        if mark is not None and exc.problem:
            context = exc.context_mark.line if exc.context_mark is not None else None
            explained = explain(text, exc.problem, mark.line, mark.column, context)
        if explained is not None:
            where = Loc(display, explained.line, explained.col)
            report.error("yaml-syntaxe", where, "", explained.message, explained.excerpt)
        else:
            where = Loc(display, mark.line + 1, mark.column + 1) if mark else Loc(display)
            report.error("yaml-syntaxe", where, "", _translate(exc.problem or exc.context))
        return None
    except yaml.reader.ReaderError as exc:  # a control character written as is
        char = chr(exc.character) if isinstance(exc.character, int) else ""
        if char and char in text:
            line, col = position(text, text.index(char))
            report.error("caractere-controle", Loc(display, line, col), "", f"{control_name(char)} interdit : supprimez-le")
        else:
            report.error("yaml-syntaxe", Loc(display), "", _translate(str(exc).splitlines()[0]))
        return None
    except yaml.YAMLError as exc:
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
