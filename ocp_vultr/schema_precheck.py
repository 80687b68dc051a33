"""A fast yes-check that a schema file is a valid Draft 2020-12 schema, in front of jsonschema.

``Draft202012Validator.check_schema`` validates a schema against the 2020-12 meta-schema, whose
``$dynamicRef`` resolution makes it cost a few milliseconds per file: most of an API's
registration. Schema files are nearly always valid and written with a few common keywords, so
:func:`certainly_valid_schema` answers one question fast: *would check_schema certainly accept
this?*

The check is sound, not complete, like :mod:`~ocp_vultr.fast_check`. ``True`` means every
keyword is one listed here with a value the meta-schema (and jsonschema's format checks, such as
``pattern`` being a regular expression) accepts. ``False`` only means "not sure": the caller
then runs ``check_schema``, which decides and phrases the error. A keyword outside the small set
below (``allOf``, ``$id``, ``patternProperties``, …) always means "not sure".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

_SIMPLE_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_PLAIN_REFERENCE = re.compile(r"[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]+)*")
"""A relative reference of unreserved characters: a valid URI reference under any checker."""


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_count(value: Any) -> bool:
    """The meta-schema's ``nonNegativeInteger`` (narrower: no ``1.0``)."""
    return type(value) is int and value >= 0


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _is_anything(value: Any) -> bool:
    return True


def _is_type(value: Any) -> bool:
    if isinstance(value, str):
        return value in _SIMPLE_TYPES
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and v in _SIMPLE_TYPES for v in value)
        and len(set(value)) == len(value)
    )


def _is_string_list(value: Any) -> bool:
    """The meta-schema's ``stringArray``: strings, each once."""
    return (
        isinstance(value, list)
        and all(isinstance(v, str) for v in value)
        and len(set(value)) == len(value)
    )


def _is_regex(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        re.compile(value)  # what jsonschema's "regex" format check does
    except re.error:
        return False
    return True


def _is_schema_map(value: Any) -> bool:
    return isinstance(value, dict) and all(certainly_valid_schema(v) for v in value.values())


def _is_plain_reference(value: Any) -> bool:
    return isinstance(value, str) and _PLAIN_REFERENCE.fullmatch(value) is not None


_KEYWORDS: dict[str, Callable[[Any], bool]] = {
    "$schema": lambda v: v == DRAFT_2020_12,
    "$ref": _is_plain_reference,
    "$comment": _is_str,
    "$defs": _is_schema_map,
    "title": _is_str,
    "description": _is_str,
    "default": _is_anything,
    "examples": _is_list,
    "deprecated": _is_bool,
    "readOnly": _is_bool,
    "writeOnly": _is_bool,
    "format": _is_str,
    "type": _is_type,
    "enum": _is_list,
    "const": _is_anything,
    "properties": _is_schema_map,
    "required": _is_string_list,
    "minLength": _is_count,
    "maxLength": _is_count,
    "pattern": _is_regex,
    "minimum": _is_number,
    "maximum": _is_number,
    "exclusiveMinimum": _is_number,
    "exclusiveMaximum": _is_number,
    "minItems": _is_count,
    "maxItems": _is_count,
}
"""Each keyword handled, with what the meta-schema accepts as its value (or narrower)."""
_SUBSCHEMA_KEYWORDS = ("additionalProperties", "items")


def certainly_valid_schema(schema: Any) -> bool:
    """Whether ``check_schema`` would certainly accept ``schema`` (``False``: not sure)."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict):
        return False
    for keyword, value in schema.items():
        if keyword in _SUBSCHEMA_KEYWORDS:
            if not certainly_valid_schema(value):
                return False
            continue
        test = _KEYWORDS.get(keyword)
        if test is None or not test(value):
            return False
    return True
