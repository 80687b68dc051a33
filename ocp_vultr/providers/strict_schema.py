"""Rewriting a JSON Schema for OpenAI strict function calling (Structured Outputs).

Strict mode accepts a subset of JSON Schema: the root is an object; every object lists all its
properties in ``required`` and has ``additionalProperties: false``; an optional property is
typed as a union with ``null``. :func:`strict_schema` makes those changes, turns ``oneOf`` into
``anyOf``, keeps only the ``format`` values strict mode knows, and leaves out the keywords it
rejects (``minLength``, ``maxLength``, ``default``, ``title``…): the dispatcher still checks the
arguments against the full schema, and drops the nulls that stand for omitted optionals
(see :mod:`ocp_vultr.optional_nulls`). A schema strict mode cannot express without changing
its meaning (an open map, ``allOf``, ``not``…) raises :class:`NotStrict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

KEPT = frozenset(
    {
        "type",
        "description",
        "enum",
        "const",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "$ref",
    }
)
"""Keywords strict mode accepts and that are kept as they are."""
UNSUPPORTED = frozenset(
    {
        "allOf",
        "not",
        "if",
        "then",
        "else",
        "patternProperties",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "prefixItems",
        "contains",
        "minContains",
        "maxContains",
        "$dynamicRef",
        "$recursiveRef",
    }
)
"""Keywords whose meaning strict mode cannot carry: the schema is not made strict."""
FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
"""``format`` values strict mode supports."""


class NotStrict(ValueError):
    """The schema cannot be expressed in strict mode without changing what it accepts."""


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` (an object schema) rewritten for strict mode; raises :class:`NotStrict`."""
    if schema.get("type") != "object":
        raise NotStrict("the root of a strict schema must be {'type': 'object'}")
    out = _node(schema)
    defs = schema.get("$defs")
    if isinstance(defs, Mapping):
        out["$defs"] = {name: _node(sub) for name, sub in defs.items()}
    return out


def _node(schema: Any) -> dict[str, Any]:
    if not isinstance(schema, Mapping):
        raise NotStrict(f"boolean schemas are not supported in strict mode ({schema!r})")
    blocked = UNSUPPORTED.intersection(schema)
    if blocked:
        raise NotStrict(f"strict mode does not support {', '.join(sorted(blocked))}")
    out: dict[str, Any] = {k: v for k, v in schema.items() if k in KEPT}
    if schema.get("format") in FORMATS:
        out["format"] = schema["format"]
    branches = schema.get("anyOf", schema.get("oneOf"))
    if isinstance(branches, list):
        out["anyOf"] = [_node(branch) for branch in branches]
    if isinstance(schema.get("items"), Mapping):
        out["items"] = _node(schema["items"])
    if _is_object(schema):
        out.update(_object(schema))
    return out


def _is_object(schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        kind == "object"
        or (isinstance(kind, list) and "object" in kind)
        or ("properties" in schema)
    )


def _object(schema: Mapping[str, Any]) -> dict[str, Any]:
    extra = schema.get("additionalProperties", False)
    if extra is not False:
        raise NotStrict("strict mode needs closed objects (additionalProperties: false)")
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    rewritten = {}
    for name, sub in properties.items():
        node = _node(sub)
        rewritten[name] = node if name in required else nullable(node)
    return {
        "properties": rewritten,
        "required": list(properties),
        "additionalProperties": False,
    }


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` that also accepts ``null`` (how strict mode says "optional")."""
    kind = schema.get("type")
    if isinstance(kind, str | list) and "const" not in schema:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        out = {**schema, "type": kinds if "null" in kinds else [*kinds, "null"]}
        enum = schema.get("enum")
        if isinstance(enum, list) and None not in enum:
            out["enum"] = [*enum, None]
        return out
    if "anyOf" in schema and len(schema) == 1:
        branches = schema["anyOf"]
        if {"type": "null"} in branches:
            return schema
        return {"anyOf": [*branches, {"type": "null"}]}
    return {"anyOf": [schema, {"type": "null"}]}
