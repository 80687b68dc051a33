"""The validation fast path never accepts what jsonschema rejects, and is really used.

``fast_check`` may only say "certainly valid": every schema and value below is checked against
plain jsonschema (Draft 2020-12), and ``SchemaValidator`` must give exactly the violations it
gave before the fast path existed.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ocp_vultr.fast_check import compile_check
from ocp_vultr.validation import SchemaValidator, _describe

REPO = Path(__file__).resolve().parent.parent

SCHEMAS: list[Any] = [
    True,
    False,
    {},
    {"type": "string", "minLength": 1, "maxLength": 3},
    {"type": "string", "pattern": "^[a-f0-9-]+$"},
    {"type": "integer", "minimum": 0},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
    {"type": "number", "maximum": 5},
    {"type": ["string", "null"]},
    {"type": "boolean"},
    {"enum": ["pending", "complete", "deleted"]},
    {"const": "x"},
    {"enum": ["a", "b"], "const": "a"},
    {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 2},
    {"type": "array", "items": False},
    {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer", "minimum": 1}},
        "required": ["a"],
        "additionalProperties": False,
    },
    {"type": "object", "additionalProperties": {"type": "integer"}},
    {"properties": {"a": False}},
    {"minimum": 1, "minLength": 2, "minItems": 1, "required": ["k"]},  # no type: each applies
    {"type": "string", "format": "date-time", "title": "t", "description": "d"},
]

VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    2**70,
    1.0,
    0.5,
    -0.0,
    math.nan,
    math.inf,
    Decimal("1.5"),
    "",
    "a",
    "abc",
    "abcd",
    "é✓",
    "not a date",
    "A-1",
    "pending",
    "x",
    [],
    [1],
    [1, 2],
    [1, 2, 3],
    [True],
    ["1"],
    (1,),
    {},
    {"a": "x"},
    {"a": "x", "b": 1},
    {"a": "x", "b": 0},
    {"a": "x", "b": True},
    {"a": "x", "c": 1},
    {"a": 1},
    {"b": 2},
    {"k": 1},
    {1: "x"},
]


def _reference_violations(schema: Any, value: Any) -> list[Any]:
    """What SchemaValidator returned before the fast path: jsonschema alone."""
    errors = Draft202012Validator(schema).iter_errors(value)
    described = [violation for error in errors for violation in _describe(error)]
    return sorted(described, key=lambda v: (v.path, v.keyword))


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: json.dumps(s)[:60])
def test_fast_check_accepts_only_what_jsonschema_accepts(schema: Any) -> None:
    check = compile_check(schema)
    assert check is not None
    plain = Draft202012Validator(schema)
    for value in VALUES:
        if check(value):
            assert plain.is_valid(value), (schema, value)


@pytest.mark.parametrize("schema", [s for s in SCHEMAS if isinstance(s, dict)], ids=str)
def test_schema_validator_gives_the_same_violations_as_jsonschema(schema: Any) -> None:
    validator = SchemaValidator(schema)
    for value in VALUES:
        assert validator.violations(value) == _reference_violations(schema, value), value
        assert validator.is_valid(value) == Draft202012Validator(schema).is_valid(value), value


def test_fast_check_decides_ordinary_json_values() -> None:
    """Plain JSON values that are valid are accepted without jsonschema (the point of it)."""
    cases = [
        ({"type": "integer", "minimum": 0}, 5),
        ({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10}, 2.5),
        ({"type": ["string", "null"]}, None),
        ({"enum": ["pending", "complete"]}, "complete"),
        ({"type": "array", "items": {"type": "integer"}, "maxItems": 2}, [1, 2]),
        ({"type": "string", "format": "date-time"}, "not a date"),  # format is annotation only
    ]
    for schema, value in cases:
        check = compile_check(schema)
        assert check is not None
        assert check(value) is True, (schema, value)


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#/$defs/x", "$defs": {"x": {}}},
        {"anyOf": [{"type": "string"}]},
        {"patternProperties": {"^a": {}}},
        {"enum": [1, "1"]},
        {"const": 1},
        {"type": "strng"},
        {"uniqueItems": True},
        {"properties": {"a": {"oneOf": [{}]}}},
        {"items": {"not": {}}},
        {"additionalProperties": {"allOf": []}},
        {"minLength": "1"},
        {"required": "a"},
        {"pattern": "("},
        "not a schema",
    ],
    ids=str,
)
def test_schemas_with_other_keywords_get_no_fast_check(schema: Any) -> None:
    assert compile_check(schema) is None


def test_the_bundled_schemas_all_have_a_fast_check() -> None:
    from ocp_vultr import OCPAgent

    agent = OCPAgent(rate_limit=None)
    api = agent.register_api("vultr")
    for tool in api.tools:
        assert compile_check(tool.input_validator.schema) is not None, tool.name
        for spec in tool.responses.values():
            if spec.validator is not None:
                assert compile_check(spec.validator.schema) is not None, tool.name


class _NoItems(dict[str, Any]):
    """A mapping jsonschema can read (``in``, ``[]``, iteration) but whose ``items()`` fails."""

    def items(self) -> Any:
        raise RuntimeError("items() is not available")


def test_a_value_the_fast_check_chokes_on_goes_to_jsonschema() -> None:
    """An exception inside the fast check is not the caller's: jsonschema decides instead."""
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "required": ["a"],
        "additionalProperties": False,
    }
    check = compile_check(schema)
    assert check is not None
    with pytest.raises(RuntimeError):
        check(_NoItems(a="x"))
    validator = SchemaValidator(schema)
    assert validator.violations(_NoItems(a="x")) == []
    assert validator.is_valid(_NoItems(a="x")) is True
    assert [v.message for v in validator.violations(_NoItems(a=1))] == [
        "must be a string, not an integer (1)"
    ]


def test_a_cyclic_schema_object_gets_no_fast_path_but_still_validates() -> None:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    schema["properties"]["child"] = schema
    validator = SchemaValidator(schema)
    assert validator.violations({"child": {"child": {}}}) == []
    assert [v.path for v in validator.violations({"child": {"child": 1}})] == ["$.child.child"]
