"""Field specs: one description of each source value, read two ways.

`Spec.parse()` turns a YAML node into a Python value, reporting every problem
as a diagnostic; `Spec.json_schema()` publishes the same rules as JSON Schema
for editors. Scalars are here, lists and objects in spec_objects.py; nothing here knows
about certifications: see `schema.py`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..text import control_name, controls, without_controls
from .diagnostics import Loc, Report
from .read import loc_of

INVALID: Any = object()  # a value that could not be read (already reported)

TAG_STR = "tag:yaml.org,2002:str"
TAG_INT = "tag:yaml.org,2002:int"
TAG_FLOAT = "tag:yaml.org,2002:float"
TAG_BOOL = "tag:yaml.org,2002:bool"
TAG_NULL = "tag:yaml.org,2002:null"
TAG_TIMESTAMP = "tag:yaml.org,2002:timestamp"
SAFE_SCALARS = {TAG_STR, TAG_INT, TAG_FLOAT, TAG_BOOL, TAG_NULL, TAG_TIMESTAMP}

_constructor = yaml.constructor.SafeConstructor()


def kind_of(node: yaml.Node) -> str:
    """How a node is described to the user when it is not what was expected."""
    if isinstance(node, yaml.MappingNode):
        return "un dictionnaire (clé: valeur)"
    if isinstance(node, yaml.SequenceNode):
        return "une liste"
    return {
        TAG_NULL: "une valeur vide",
        TAG_BOOL: "un booléen",
        TAG_INT: "un nombre",
        TAG_FLOAT: "un nombre",
        TAG_TIMESTAMP: "une date",
    }.get(node.tag, "un texte")


@dataclass
class Ctx:
    """What a parse needs: where the node comes from and where problems go."""

    file: str
    report: Report
    locs: dict[str, Loc] = field(default_factory=dict)  # filled for the innermost object

    def loc(self, node: yaml.Node) -> Loc:
        return loc_of(self.file, node)

    def error(self, rule: str, node: yaml.Node, path: str, message: str) -> Any:
        self.report.error(rule, self.loc(node), path, message)
        return INVALID


def _scalar_value(node: yaml.Node, path: str, ctx: Ctx) -> Any:
    """The node's value, as YAML reads it; a value YAML cannot make (a date that does not exist,
    a number too long) is reported at its place."""
    try:
        return _constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.constructor.ConstructorError) as exc:
        if node.tag == TAG_TIMESTAMP:
            return ctx.error("schema-valeur", node, path, f"« {node.value} » : cette date n'existe pas (AAAA-MM-JJ : {_why(exc)})")
        return ctx.error("schema-valeur", node, path, f"« {str(node.value)[:40]} » : valeur illisible")
    finally:
        # PyYAML's constructor remembers every node it made a value of (construct_document forgets them,
        # construct_object does not): that kept each read's whole node tree alive for the process's life,
        # ~0.4 MB per rebuild of the example in `dossier suivre` and `dossier serve`
        _constructor.constructed_objects.clear()
        _constructor.recursive_objects.clear()


def _why(exc: Exception) -> str:
    """Python's reason for refusing a date, in French."""
    text = str(exc)
    if "day" in text:
        return "ce jour n'existe pas dans ce mois"
    if "month" in text:
        return "le mois va de 01 à 12"
    if "year" in text:
        return "l'année va de 0001 à 9999"
    if "hour" in text or "minute" in text or "second" in text:
        return "heure impossible"
    return "date impossible"


class Spec:
    """Base of all value specs."""

    doc: str = ""

    def parse(self, node: yaml.Node, path: str, ctx: Ctx) -> Any:  # pragma: no cover
        raise NotImplementedError

    def json_schema(self) -> dict:  # pragma: no cover
        raise NotImplementedError

    def empty(self) -> Any:
        """The value of an optional key that is absent."""
        return None

    def _scalar(self, node: yaml.Node, path: str, ctx: Ctx, expected: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return ctx.error("schema-type", node, path, f"{expected} est attendu, pas {kind_of(node)}")
        if node.tag not in SAFE_SCALARS:
            return ctx.error("schema-type", node, path, f"étiquette YAML « {node.tag} » non autorisée")
        return _scalar_value(node, path, ctx)


@dataclass
class Text(Spec):
    doc: str = ""
    multiline: bool = True
    min_length: int = 1
    max_length: int = 100_000

    def parse(self, node, path, ctx):
        value = self._scalar(node, path, ctx, "un texte")
        if value is INVALID:
            return INVALID
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = node.value  # "1.0" typed without quotes is still the text the author wrote
        elif isinstance(value, (dt.date, bool)) or value is None:
            if value is None and self.min_length == 0:
                return ""
            return ctx.error("schema-type", node, path, f"un texte est attendu, pas {kind_of(node)}")
        bad = controls(value)
        if bad:  # reported, and removed: even a draft build never carries them into a document
            index, char = bad[0]
            more = f" (et {len(bad) - 1} autre{'s' if len(bad) > 2 else ''})" if len(bad) > 1 else ""
            ctx.report.error(
                "caractere-controle", ctx.loc(node), path,
                f"{control_name(char)} interdit dans le texte{more}, en position {index + 1} : supprimez-le",
            )
            value = without_controls(value)
        text = value.strip() if self.multiline else " ".join(value.split())
        if self.multiline:
            text = "\n".join(line.rstrip() for line in text.splitlines())
        if len(text) < self.min_length:
            return ctx.error("schema-vide", node, path, "texte vide")
        if len(text) > self.max_length:
            return ctx.error(
                "schema-longueur", node, path, f"texte trop long ({len(text)} caractères, {self.max_length} au plus)"
            )
        return text

    def empty(self):
        return ""

    def json_schema(self):
        out = {"type": "string", "minLength": self.min_length, "maxLength": self.max_length}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class Pattern(Text):
    """A one-line code checked against a regular expression."""

    regex: str = ".*"
    what: str = ""  # how the expected form is described to the user
    rule: str = "code-format"
    numeric_ok: bool = True  # accept 312 written without quotes

    def __post_init__(self):
        self.multiline = False

    def parse(self, node, path, ctx):
        value = super().parse(node, path, ctx)
        if value is INVALID:
            return INVALID
        if not re.fullmatch(self.regex, value):
            return ctx.error(self.rule, node, path, f"« {value} » n'est pas {self.what}")
        return value

    def json_schema(self):
        out = {"type": ["string", "integer"] if self.numeric_ok else "string", "pattern": f"^(?:{self.regex})$"}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class Integer(Spec):
    doc: str = ""
    minimum: int | None = None
    maximum: int | None = None

    def parse(self, node, path, ctx):
        value = self._scalar(node, path, ctx, "un nombre entier")
        if value is INVALID:
            return INVALID
        if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return ctx.error("schema-type", node, path, f"un nombre entier est attendu, pas {kind_of(node)}")
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            return ctx.error(
                "schema-valeur", node, path, f"{value} hors des bornes (de {self.minimum} à {self.maximum})"
            )
        return value

    def json_schema(self):
        out: dict = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class Number(Spec):
    doc: str = ""
    minimum: float = 0
    exclusive_minimum: bool = False
    maximum: float | None = None

    def parse(self, node, path, ctx):
        value = self._scalar(node, path, ctx, "un nombre")
        if value is INVALID:
            return INVALID
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return ctx.error("schema-type", node, path, f"un nombre est attendu, pas {kind_of(node)}")
        if value < self.minimum or (self.exclusive_minimum and value == self.minimum):
            bound = "supérieur à" if self.exclusive_minimum else "au moins"
            return ctx.error("schema-valeur", node, path, f"{value:g} : un nombre {bound} {self.minimum:g} est attendu")
        if self.maximum is not None and value > self.maximum:
            return ctx.error("schema-valeur", node, path, f"{value:g} : un nombre d'au plus {self.maximum:g} est attendu")
        return value

    def json_schema(self):
        out: dict = {"type": "number"}
        out["exclusiveMinimum" if self.exclusive_minimum else "minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class Boolean(Spec):
    doc: str = ""

    def parse(self, node, path, ctx):
        value = self._scalar(node, path, ctx, "true ou false")
        if value is INVALID:
            return INVALID
        if not isinstance(value, bool):
            return ctx.error("schema-type", node, path, f"true ou false est attendu, pas « {node.value} »")
        return value

    def empty(self):
        return False

    def json_schema(self):
        out = {"type": "boolean"}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class Date(Spec):
    doc: str = ""

    def parse(self, node, path, ctx):
        value = self._scalar(node, path, ctx, "une date")
        if value is INVALID:
            return INVALID
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        return ctx.error("schema-valeur", node, path, f"« {node.value} » n'est pas une date AAAA-MM-JJ")

    def json_schema(self):
        out = {"type": "string", "format": "date"}
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class Choice(Spec):
    choices: dict[str, str] = field(default_factory=dict)  # value -> label
    doc: str = ""

    def parse(self, node, path, ctx):
        value = self._scalar(node, path, ctx, "un texte")
        if value is INVALID:
            return INVALID
        if value not in self.choices:
            return ctx.error(
                "schema-valeur",
                node,
                path,
                f"« {node.value} » n'est pas une valeur permise{suggest(str(value), self.choices)} "
                f"(valeurs : {', '.join(self.choices)})",
            )
        return value

    def json_schema(self):
        out = {"enum": list(self.choices)}
        if self.doc:
            out["description"] = self.doc
        return out


def suggest(word: str, choices) -> str:
    """« ; vouliez-vous dire « x » ? » when a close choice exists."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
