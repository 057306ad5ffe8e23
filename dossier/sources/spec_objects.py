"""Specs of containers: lists, free mappings, and objects with known keys built into model objects.

`Obj.parse()` reads a mapping key by key, reports unknown, missing and
duplicate keys (with a « vouliez-vous dire » suggestion), records where each
value was written (for the model's `Src`), and builds the model object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import yaml

from .model import Src
from .spec import INVALID, SAFE_SCALARS, TAG_NULL, TAG_STR, Ctx, Spec, Text, kind_of, suggest


@dataclass
class ListOf(Spec):
    item: Spec = field(default_factory=Text)
    doc: str = ""
    min_items: int = 0
    max_items: int | None = None

    def parse(self, node, path, ctx):
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_NULL and self.min_items == 0:
            return ()
        if not isinstance(node, yaml.SequenceNode):
            return ctx.error("schema-type", node, path, f"une liste est attendue, pas {kind_of(node)}")
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
            return ctx.error("schema-type", node, path, f"un dictionnaire est attendu, pas {kind_of(node)}")
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
            return ctx.error("schema-type", node, path, f"un dictionnaire (clé: valeur) est attendu, pas {kind_of(node)}")
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


@dataclass
class ScalarOr(Spec):
    """An object that may also be written as its one main value: `renouvellement: RNCP12345` is
    `renouvellement: {code: RNCP12345}`."""

    obj: Obj = field(default_factory=Obj)
    key: str = ""  # the key a lone value stands for

    def parse(self, node, path, ctx):
        if isinstance(node, yaml.ScalarNode) and node.tag == TAG_NULL:
            return self.empty()
        if not isinstance(node, yaml.ScalarNode):
            return self.obj.parse(node, path, ctx)
        value = self.obj.keys[self.key].spec.parse(node, path, ctx)
        if value is INVALID:
            return INVALID
        mark = node.start_mark
        src = Src(ctx.file, path, mark.line + 1, mark.column + 1, MappingProxyType({self.key: ctx.loc(node)}))
        values = {k: spec.absent() for k, spec in self.obj.keys.items()}
        values[self.key] = value
        return self.obj.build(src=src, **values)

    def empty(self):
        return self.obj.empty()

    def json_schema(self):
        return {"anyOf": [self.obj.keys[self.key].spec.json_schema(), self.obj.json_schema()]}


def _with_default(key: Key) -> dict:
    schema = key.spec.json_schema()
    if key.default is not _NO_DEFAULT and isinstance(key.default, (bool, int, float, str)):
        schema["default"] = key.default
    return schema


def _pairs(node: yaml.MappingNode, path: str, ctx: Ctx):
    """Yield (key node, key, value node), reporting bad and duplicate keys."""
    first: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in SAFE_SCALARS:
            ctx.error("schema-type", key_node, path, "une clé doit être un texte simple")
            continue
        if key_node.tag == TAG_STR and key_node.value == "<<":
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
