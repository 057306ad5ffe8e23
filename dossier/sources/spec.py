"""Field specs: one description of each source value, read two ways.

`Spec.parse()` turns a YAML node into a Python value, reporting every problem
as a diagnostic; `Spec.json_schema()` publishes the same rules as JSON Schema
for editors. Nothing here knows about certifications: see `schema.py`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import yaml

from .diagnostics import Loc, Report
from .model import Src
from .read import loc_of

INVALID: Any = object()  # a value that could not be read (already reported)

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SAFE_SCALARS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP}

_constructor = yaml.constructor.SafeConstructor()


def _kind(node: yaml.Node) -> str:
    """How a node is described to the user when it is not what was expected."""
    if isinstance(node, yaml.MappingNode):
        return "un dictionnaire (clé: valeur)"
    if isinstance(node, yaml.SequenceNode):
        return "une liste"
    return {
        _NULL: "une valeur vide",
        _BOOL: "un booléen",
        _INT: "un nombre",
        _FLOAT: "un nombre",
        _TIMESTAMP: "une date",
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


def _scalar_value(node: yaml.Node) -> Any:
    return _constructor.construct_object(node, deep=True)


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
            return ctx.error("schema-type", node, path, f"{expected} est attendu, pas {_kind(node)}")
        if node.tag not in _SAFE_SCALARS:
            return ctx.error("schema-type", node, path, f"étiquette YAML « {node.tag} » non autorisée")
        return _scalar_value(node)


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
            return ctx.error("schema-type", node, path, f"un texte est attendu, pas {_kind(node)}")
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
            return ctx.error("schema-type", node, path, f"un nombre entier est attendu, pas {_kind(node)}")
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

    def parse(self, node, path, ctx):
        value = self._scalar(node, path, ctx, "un nombre")
        if value is INVALID:
            return INVALID
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return ctx.error("schema-type", node, path, f"un nombre est attendu, pas {_kind(node)}")
        if value < self.minimum or (self.exclusive_minimum and value == self.minimum):
            bound = "supérieur à" if self.exclusive_minimum else "au moins"
            return ctx.error("schema-valeur", node, path, f"{value:g} : un nombre {bound} {self.minimum:g} est attendu")
        return value

    def json_schema(self):
        out: dict = {"type": "number"}
        out["exclusiveMinimum" if self.exclusive_minimum else "minimum"] = self.minimum
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


@dataclass
class ListOf(Spec):
    item: Spec = field(default_factory=Text)
    doc: str = ""
    min_items: int = 0
    max_items: int | None = None

    def parse(self, node, path, ctx):
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL and self.min_items == 0:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            return ctx.error("schema-type", node, path, f"une liste est attendue, pas {_kind(node)}")
        items = [self.item.parse(child, f"{path}[{i}]", ctx) for i, child in enumerate(node.value)]
        if len(items) < self.min_items:
            what = "élément" if self.min_items == 1 else "éléments"
            return ctx.error("schema-vide", node, path, f"au moins {self.min_items} {what} attendu(s)")
        if self.max_items is not None and len(items) > self.max_items:
            return ctx.error(
                "schema-longueur", node, path, f"{len(items)} éléments, {self.max_items} au plus"
            )
        for i, child in enumerate(node.value):
            if isinstance(child, yaml.ScalarNode):
                ctx.locs[f"{path.rsplit('.', 1)[-1]}[{i}]"] = ctx.loc(child)
        return tuple(v for v in items if v is not INVALID)

    def empty(self):
        return ()

    def json_schema(self):
        out: dict = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.max_items is not None:
            out["maxItems"] = self.max_items
        if self.doc:
            out["description"] = self.doc
        return out


@dataclass
class MapOf(Spec):
    """A free mapping from names to values of one spec (e.g. rule → severity)."""

    value: Spec = field(default_factory=Text)
    doc: str = ""

    def parse(self, node, path, ctx):
        if not isinstance(node, yaml.MappingNode):
            return ctx.error("schema-type", node, path, f"un dictionnaire est attendu, pas {_kind(node)}")
        out: dict[str, Any] = {}
        for key_node, key, value_node in _pairs(node, path, ctx):
            value = self.value.parse(value_node, f"{path}.{key}", ctx)
            if value is not INVALID:
                out[key] = value
                ctx.locs[f"{path.rsplit('.', 1)[-1]}.{key}"] = ctx.loc(key_node)
        return MappingProxyType(out)

    def empty(self):
        return MappingProxyType({})

    def json_schema(self):
        out = {"type": "object", "additionalProperties": self.value.json_schema()}
        if self.doc:
            out["description"] = self.doc
        return out


_NO_DEFAULT: Any = object()


@dataclass
class Key:
    spec: Spec
    required: bool = False
    default: Any = _NO_DEFAULT  # the value when absent; the spec's empty value otherwise

    def absent(self) -> Any:
        return self.spec.empty() if self.default is _NO_DEFAULT else self.default


@dataclass
class Obj(Spec):
    """A mapping with known keys, built into a model object."""

    keys: dict[str, Key] = field(default_factory=dict)
    build: Callable[..., Any] = dict
    doc: str = ""
    title: str = ""
    identity: str | None = "id"  # without a readable value here, the object is dropped
    default: Any = None  # the value when the whole object is absent

    def empty(self):
        return self.default

    def parse(self, node, path, ctx):
        if not isinstance(node, yaml.MappingNode):
            return ctx.error("schema-type", node, path, f"un dictionnaire (clé: valeur) est attendu, pas {_kind(node)}")
        outer_locs, ctx.locs = ctx.locs, {}
        values: dict[str, Any] = {}
        broken = False
        seen: set[str] = set()
        for key_node, key, value_node in _pairs(node, path, ctx):
            sub = f"{path}.{key}" if path else key
            if key not in self.keys:
                ctx.error("schema-cle-inconnue", key_node, sub, f"clé inconnue « {key} »{suggest(key, self.keys)}")
                continue
            seen.add(key)
            ctx.locs[key] = ctx.loc(value_node)
            value = self.keys[key].spec.parse(value_node, sub, ctx)
            if value is INVALID:
                broken = True
            else:
                values[key] = value
        for key, spec in self.keys.items():
            if key in seen:
                continue
            if spec.required:
                ctx.error("schema-cle-absente", node, path, f"clé obligatoire « {key} » absente")
                broken = True
            else:
                values[key] = spec.absent()
        mark = node.start_mark
        src = Src(ctx.file, path, mark.line + 1, mark.column + 1, MappingProxyType(ctx.locs))
        ctx.locs = outer_locs
        if broken and self.identity is not None and self.identity not in values:
            return INVALID
        for key, spec in self.keys.items():  # broken values fall back to empties
            values.setdefault(key, spec.absent())
        return self.build(src=src, **values)

    def json_schema(self):
        out: dict = {
            "type": "object",
            "properties": {k: _with_default(v) for k, v in self.keys.items()},
            "required": [k for k, v in self.keys.items() if v.required],
            "additionalProperties": False,
        }
        if self.title:
            out["title"] = self.title
        if self.doc:
            out["description"] = self.doc
        return out


def _with_default(key: Key) -> dict:
    schema = key.spec.json_schema()
    if key.default is not _NO_DEFAULT and isinstance(key.default, (bool, int, float, str)):
        schema["default"] = key.default
    return schema


def _pairs(node: yaml.MappingNode, path: str, ctx: Ctx):
    """Yield (key node, key, value node), reporting bad and duplicate keys."""
    first: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_SCALARS:
            ctx.error("schema-type", key_node, path, "une clé doit être un texte simple")
            continue
        if key_node.tag == _STR and key_node.value == "<<":
            ctx.error("schema-type", key_node, path, "la fusion de dictionnaires (<<) n'est pas prise en charge")
            continue
        key = str(key_node.value)
        if key in first:
            line = first[key].start_mark.line + 1
            sub = f"{path}.{key}" if path else key
            ctx.error("yaml-cle-double", key_node, sub, f"clé « {key} » en double (déjà à la ligne {line})")
            continue
        first[key] = key_node
        yield key_node, key, value_node


def suggest(word: str, choices) -> str:
    """« ; vouliez-vous dire « x » ? » when a close choice exists."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" ; vouliez-vous dire « {close[0]} » ?" if close else ""
