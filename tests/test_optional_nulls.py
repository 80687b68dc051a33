"""Nulls sent for optional arguments (OpenAI strict mode) are dropped; nothing else is."""

from __future__ import annotations

from typing import Any

import pytest

from ocp_vultr.validation import SchemaValidator

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "label": {"type": "string"},
        "note": {"type": ["string", "null"]},
        "mode": {"enum": ["a", "b"]},
        "either": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
        "inner": {
            "type": "object",
            "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
            "required": ["x"],
            "additionalProperties": False,
        },
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"k": {"type": "string"}, "v": {"type": "string"}},
                "required": ["k"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["id"],
    "additionalProperties": False,
}


@pytest.fixture
def validator() -> SchemaValidator:
    return SchemaValidator(SCHEMA)


def test_optional_nulls_that_the_schema_rejects_are_dropped(validator: SchemaValidator) -> None:
    sent = {"id": "1", "label": None, "mode": None, "inner": None, "rows": None}
    assert validator.without_optional_nulls(sent) == {"id": "1"}


def test_nulls_the_schema_allows_are_kept(validator: SchemaValidator) -> None:
    sent = {"id": "1", "note": None, "either": None}
    assert validator.without_optional_nulls(sent) == sent
    assert validator.is_valid(sent)


def test_a_required_null_stays_and_is_reported(validator: SchemaValidator) -> None:
    sent = {"id": None, "label": None}
    cleaned = validator.without_optional_nulls(sent)
    assert cleaned == {"id": None}
    (violation,) = validator.violations(cleaned)
    assert (violation.path, violation.message) == ("$.id", "must be a string, not null")


def test_nested_objects_and_array_items(validator: SchemaValidator) -> None:
    sent = {
        "id": "1",
        "inner": {"x": None, "y": None},
        "rows": [{"k": "a", "v": None}, {"k": "b", "v": "c"}],
    }
    cleaned = validator.without_optional_nulls(sent)
    assert cleaned == {"id": "1", "inner": {"x": None}, "rows": [{"k": "a"}, {"k": "b", "v": "c"}]}
    assert [v.path for v in validator.violations(cleaned)] == ["$.inner.x"]


def test_nothing_to_drop_returns_the_same_object(validator: SchemaValidator) -> None:
    sent = {"id": "1", "rows": [{"k": "a"}]}
    assert validator.without_optional_nulls(sent) is sent


@pytest.mark.parametrize("value", [None, [], "text", 3, [None]])
def test_values_that_are_not_objects_pass_through(validator: SchemaValidator, value: Any) -> None:
    assert validator.without_optional_nulls(value) is value
