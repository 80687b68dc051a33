"""The schema pre-check says "certainly valid" only where jsonschema's check_schema agrees."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from ocp_vultr.schema_precheck import DRAFT_2020_12, certainly_valid_schema

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"

# Values right and wrong for each keyword: the pre-check must never call a wrong one valid.
_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(["", "a", "string", "object", "[", "^a+$", "x.json", "#/a", "b c", "a/b.json"]),
    st.lists(st.sampled_from(["string", "integer", "a", "a"]), max_size=3),
)
_KEYWORDS = st.sampled_from(
    [
        "$schema",
        "$ref",
        "$id",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "format",
        "type",
        "enum",
        "const",
        "required",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "exclusiveMaximum",
        "minItems",
        "allOf",
        "unknownKeyword",
    ]
)


def _schemas() -> st.SearchStrategy[Any]:
    leaf = st.dictionaries(_KEYWORDS, _ANY_VALUE, max_size=4)
    return st.recursive(
        st.one_of(leaf, st.booleans()),
        lambda inner: st.one_of(
            st.builds(
                lambda base, props, extra: {**base, "properties": props, **extra},
                leaf,
                st.dictionaries(st.sampled_from(["a", "b", "c d"]), inner, max_size=3),
                st.dictionaries(
                    st.sampled_from(["additionalProperties", "items"]), inner, max_size=2
                ),
            ),
            st.builds(lambda defs: {"$defs": defs}, st.dictionaries(st.just("x"), inner)),
        ),
        max_leaves=8,
    )


def _accepted(schema: Any) -> bool:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(_schemas())
def test_certainly_valid_means_check_schema_accepts(schema: Any) -> None:
    if certainly_valid_schema(schema):
        assert _accepted(schema), json.dumps(schema)


@pytest.mark.parametrize("path", sorted(SCHEMAS.glob("*.json")), ids=lambda p: p.name)
def test_bundled_schema_files_take_the_fast_path(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert certainly_valid_schema(schema)
    assert _accepted(schema)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "strin"},
        {"type": []},
        {"type": ["string", "string"]},
        {"minLength": -1},
        {"minLength": 1.5},
        {"minimum": True},
        {"pattern": "["},
        {"required": ["a", "a"]},
        {"required": "a"},
        {"properties": {"a": {"type": 3}}},
        {"items": {"maxItems": -2}},
        {"additionalProperties": 5},
        {"$schema": "http://json-schema.org/draft-07/schema#"},
        {"$ref": "has space.json"},
        {"allOf": [{"type": "string"}]},  # valid, but outside the handled set
        [],
    ],
)
def test_anything_doubtful_is_left_to_jsonschema(schema: Any) -> None:
    assert not certainly_valid_schema(schema)


def test_plain_schemas_are_certainly_valid() -> None:
    schema = {
        "$schema": DRAFT_2020_12,
        "type": "object",
        "properties": {
            "id": {"type": "string", "minLength": 1, "pattern": "^[a-f0-9-]+$"},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
            "size": {"type": ["integer", "null"], "minimum": 0},
            "kind": {"enum": ["a", "b"]},
            "nested": {"$ref": "snapshot.json", "description": "see there"},
        },
        "required": ["id"],
        "additionalProperties": False,
    }
    assert certainly_valid_schema(schema)
    assert _accepted(schema)
