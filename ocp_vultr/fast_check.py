"""A fast yes-check for the common JSON Schema keywords, in front of jsonschema.

jsonschema builds a new validator object for every subschema it descends into, which costs
tens of microseconds per call even for a small valid object. Most tool arguments and answers are
valid, so :func:`compile_check` turns a schema into plain Python closures that answer one
question fast: *is this value certainly valid?*

The check is sound, not complete. ``True`` means jsonschema (Draft 2020-12, no format checker)
would accept the value too; ``False`` only means "not sure": the caller then asks jsonschema,
which decides and phrases the violations. So the answer of a validation never depends on this
module, only its speed does. A schema that uses any keyword outside the small set handled here
(``$ref``, ``allOf``, ``patternProperties``, a non-string ``enum``, …) gets no fast check at all.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]

_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "title",
        "description",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        # An annotation only: SchemaValidator builds jsonschema without a format checker.
        "format",
    }
)

_TYPE_TESTS: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    # Narrower than JSON Schema's (no 1.0, no Decimal): narrower is still sound.
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) is int or type(v) is float,
}

_OBJECT_KEYWORDS = frozenset({"properties", "required", "additionalProperties"})
_STRING_KEYWORDS = frozenset({"minLength", "maxLength", "pattern"})
_NUMBER_KEYWORDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems"})
_KNOWN = (
    _ANNOTATIONS
    | _OBJECT_KEYWORDS
    | _STRING_KEYWORDS
    | _NUMBER_KEYWORDS
    | _ARRAY_KEYWORDS
    | {"type", "enum", "const"}
)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def compile_check(schema: Any) -> Check | None:
    """A fast sufficient check for ``schema``, or ``None`` when it uses other keywords."""
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, Mapping) or not set(schema) <= _KNOWN:
        return None
    parts = [
        _type_part(schema),
        _choice_part(schema),
        _object_part(schema),
        _string_part(schema),
        _number_part(schema),
        _array_part(schema),
    ]
    checks: list[Check] = []
    for part in parts:
        if part is None:
            return None
        if part is not _always:
            checks.append(part)
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for one in checks:  # noqa: SIM110 - faster than all() over a generator here
            if not one(value):
                return False
        return True

    return check


def _type_part(schema: Mapping[str, Any]) -> Check | None:
    if "type" not in schema:
        return _always
    names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not names or not all(isinstance(n, str) and n in _TYPE_TESTS for n in names):
        return None
    tests = [_TYPE_TESTS[name] for name in names]
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _choice_part(schema: Mapping[str, Any]) -> Check | None:
    """``enum`` and ``const``, for strings only (jsonschema's equality differs for others)."""
    choices = [schema["enum"]] if "enum" in schema else []
    if "const" in schema:
        choices.append([schema["const"]])
    if not choices:
        return _always
    if not all(isinstance(c, list) and all(type(v) is str for v in c) for c in choices):
        return None
    allowed = frozenset.intersection(*(frozenset(c) for c in choices))
    return lambda value: type(value) is str and value in allowed


def _object_part(schema: Mapping[str, Any]) -> Check | None:
    if not _OBJECT_KEYWORDS & set(schema):
        return _always
    declared = schema.get("properties", {})
    required = schema.get("required", [])
    if not isinstance(declared, Mapping) or not _is_list_of(required, str):
        return None
    properties: dict[str, Check] = {}
    for name, sub in declared.items():
        sub_check = compile_check(sub)
        if sub_check is None:
            return None
        properties[name] = sub_check
    required = tuple(required)
    additional = schema.get("additionalProperties", True)
    extra = None if additional is True else compile_check(additional)
    if additional is not True and extra is None:
        return None

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name in required:
            if name not in value:
                return False
        for key, item in value.items():
            test = properties.get(key)
            if test is None:
                test = extra
                if test is None:
                    continue
            if not test(item):
                return False
        return True

    return check


def _string_part(schema: Mapping[str, Any]) -> Check | None:
    if not _STRING_KEYWORDS & set(schema):
        return _always
    shortest = schema.get("minLength", 0)
    longest = schema.get("maxLength")
    if not _are_numbers(shortest, longest):
        return None
    try:
        pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    except (re.error, TypeError):
        return None

    def check(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        if len(value) < shortest or (longest is not None and len(value) > longest):
            return False
        return pattern is None or pattern.search(value) is not None

    return check


def _number_part(schema: Mapping[str, Any]) -> Check | None:
    if not _NUMBER_KEYWORDS & set(schema):
        return _always
    low = schema.get("minimum")
    high = schema.get("maximum")
    above = schema.get("exclusiveMinimum")
    below = schema.get("exclusiveMaximum")
    if not _are_numbers(low, high, above, below):
        return None

    def check(value: Any) -> bool:
        kind = type(value)
        if kind is not int and kind is not float:
            # bool and non-numbers: these keywords do not apply. Other numbers: not sure.
            return isinstance(value, bool) or not isinstance(value, numbers.Number)
        # Written as jsonschema writes its failing conditions, so NaN behaves the same.
        return not (
            (low is not None and value < low)
            or (high is not None and value > high)
            or (above is not None and value <= above)
            or (below is not None and value >= below)
        )

    return check


def _array_part(schema: Mapping[str, Any]) -> Check | None:
    if not _ARRAY_KEYWORDS & set(schema):
        return _always
    fewest = schema.get("minItems", 0)
    most = schema.get("maxItems")
    if not _are_numbers(fewest, most):
        return None
    item_check = compile_check(schema["items"]) if "items" in schema else _always
    if item_check is None:
        return None

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        if len(value) < fewest or (most is not None and len(value) > most):
            return False
        return all(item_check(item) for item in value)

    return check


def _is_list_of(value: Any, kind: type) -> bool:
    return isinstance(value, list) and all(isinstance(item, kind) for item in value)


def _are_numbers(*values: Any) -> bool:
    """Whether every keyword value given is a number (``None``: the keyword is absent)."""
    return all(v is None or (type(v) is int or type(v) is float) for v in values)
