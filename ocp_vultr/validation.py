"""Compiled JSON Schema validators and violations phrased for a model.

A :class:`SchemaValidator` is built once per schema when a manifest loads. It reports every
violation with its JSON path and a sentence that says what to change, for example
``$.instance_id: must be a string, not a boolean (true)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry

from .fast_check import Check, compile_check
from .optional_nulls import NullPlan, build_plan

_NO_REMOTE_REFS: Registry[Any] = Registry()
"""An empty registry without a retriever: a ``$ref`` to anything unknown fails, never fetches."""

_JSON_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true or false)",
    "object": "an object",
    "array": "an array",
    "null": "null",
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One way a value breaks its schema: where (``$.a.b``) and what to do about it."""

    path: str
    message: str
    keyword: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form of the violation."""
        return {"path": self.path, "message": self.message, "keyword": self.keyword}


def json_type_of(value: Any) -> str:
    """The JSON type name of a Python value decoded from JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def short_repr(value: Any, limit: int = 40) -> str:
    """A value as compact JSON, cut to ``limit`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SchemaValidator:
    """A JSON Schema compiled once (Draft 2020-12, no remote ``$ref``).

    A value that :mod:`~ocp_vultr.fast_check` finds certainly valid is accepted without
    jsonschema; jsonschema decides every other case and phrases its violations.
    """

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        # No format checker: "format" is an annotation, which fast_check relies on.
        self._validator = Draft202012Validator(schema, registry=_NO_REMOTE_REFS)
        self._null_plan: NullPlan | None = None
        try:
            self._fast: Check | None = compile_check(schema)
        except RecursionError:  # a schema nested beyond reason (or a cyclic dict): no fast path
            self._fast = None

    def _certainly_valid(self, value: Any) -> bool:
        if self._fast is None:
            return False
        try:
            return self._fast(value)
        except Exception:  # anything odd (a deep value, a strange type): let jsonschema decide
            return False

    def is_valid(self, value: Any) -> bool:
        """Whether ``value`` matches the schema."""
        return self._certainly_valid(value) or bool(self._validator.is_valid(value))

    def without_optional_nulls(self, value: Any) -> Any:
        """``value`` without the nulls sent for optional properties that reject null.

        See :mod:`ocp_vultr.optional_nulls`; ``value`` itself is returned when nothing drops.
        """
        if self._null_plan is None:
            self._null_plan = build_plan(self.schema, self._accepts_null)
        return value if self._null_plan.empty else self._null_plan.apply(value)

    def _accepts_null(self, subschema: Mapping[str, Any]) -> bool:
        return bool(self._validator.evolve(schema=subschema).is_valid(None))

    def violations(self, value: Any) -> list[Violation]:
        """Every way ``value`` breaks the schema, in document order; empty when it matches."""
        if self._certainly_valid(value):
            return []
        out: list[Violation] = []
        for error in self._validator.iter_errors(value):
            out.extend(_describe(error))
        return sorted(out, key=lambda v: (v.path, v.keyword))


def text_violations(value: Any, path: str = "$") -> list[Violation]:
    """Strings (and object keys) in ``value`` that cannot be sent: lone UTF-16 surrogates,
    which JSON decoders let through but UTF-8 cannot encode."""
    if _certainly_sendable(value):
        return []
    return _text_violations(value, path)


def _certainly_sendable(value: Any) -> bool:
    """A fast yes: ``value`` is plain JSON whose every string (keys too) encodes as UTF-8.

    ``False`` only means "not sure"; :func:`_text_violations` then decides (and phrases).
    """
    kind = type(value)
    if kind is str:
        return value.isascii() or _encodes(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or _encodes(key)):
                return False
            if not _certainly_sendable(item):
                return False
        return True
    if kind is list:
        return all(_certainly_sendable(item) for item in value)
    return value is None or kind is int or kind is float or kind is bool


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text_violations(value: Any, path: str) -> list[Violation]:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            bad = value[exc.start : exc.end].encode("unicode_escape").decode()
            message = f"contains {bad}, a lone surrogate that is not valid Unicode text"
            return [Violation(path, message + "; send valid UTF-8 text", "text")]
        return []
    if isinstance(value, Mapping):
        out = [v for key in value for v in _text_violations(str(key), path)]
        for key, item in value.items():
            out += _text_violations(item, _child_path(path, str(key)))
        return out
    if isinstance(value, list | tuple):
        return [v for i, item in enumerate(value) for v in _text_violations(item, f"{path}[{i}]")]
    return []


def _child_path(parent: str, key: str) -> str:
    if key.isidentifier():
        return f"{parent}.{key}"
    return f"{parent}[{json.dumps(key)}]"


def _property_hint(schema: Mapping[str, Any], name: str) -> str:
    props = schema.get("properties")
    sub = props.get(name) if isinstance(props, Mapping) else None
    if not isinstance(sub, Mapping):
        return ""
    kind = sub.get("type")
    hint = f" ({_JSON_TYPE_NAMES.get(kind, kind)})" if isinstance(kind, str) else ""
    description = sub.get("description")
    if isinstance(description, str) and description.strip(". "):
        hint += f": {description.rstrip('. ')}"
    return hint


def _describe(error: ValidationError) -> list[Violation]:
    path = error.json_path
    keyword = str(error.validator)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    if keyword == "required" and isinstance(instance, Mapping):
        required = error.validator_value if isinstance(error.validator_value, list) else []
        missing = [name for name in required if name not in instance]
        return [
            Violation(
                _child_path(path, name),
                f"missing required argument {name!r}{_property_hint(schema, name)}",
                keyword,
            )
            for name in missing
        ]
    if keyword == "additionalProperties" and isinstance(instance, Mapping):
        allowed = sorted((schema.get("properties") or {}).keys())
        extras = [name for name in instance if name not in allowed]
        allowed_text = ", ".join(allowed) if allowed else "none"
        return [
            Violation(
                _child_path(path, str(name)),
                f"unexpected argument {name!r}; {_rename_hint(str(name), allowed)}"
                f"(allowed: {allowed_text})",
                keyword,
            )
            for name in extras
        ]
    return [Violation(path, _phrase(keyword, error.validator_value, instance, schema), keyword)]


def _rename_hint(name: str, allowed: list[str]) -> str:
    """``did you mean 'x'? `` for a near-miss of an allowed name, else ``remove it ``."""
    import difflib  # only on this error path

    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}? " if close else "remove it "


_A_TYPE = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
}


def _described_value(value: Any) -> str:
    """``an integer (42)``, ``a boolean (true)``, ``null``: a value as a model reads it."""
    kind = json_type_of(value)
    if kind == "null":
        return "null"
    return f"{_A_TYPE.get(kind, kind)} ({short_repr(value)})"


def _phrase(keyword: str, expected: Any, instance: Any, schema: Mapping[str, Any]) -> str:
    got = _described_value(instance)
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        wanted = " or ".join(_JSON_TYPE_NAMES.get(k, str(k)) for k in kinds)
        if kinds == ["object"] and not isinstance(instance, Mapping):
            return f"arguments must be a JSON object of named arguments, not {got}"
        return f"must be {wanted}, not {got}"
    if keyword == "minLength":
        if expected == 1:
            return "must not be empty"
        return f"must be at least {expected} characters long, not {len(instance)}"
    if keyword == "maxLength":
        return f"must be at most {expected} characters long, not {len(instance)}"
    if keyword == "enum":
        return f"must be one of {short_repr(expected, 200)}, not {short_repr(instance)}"
    if keyword == "const":
        return f"must be {short_repr(expected)}, not {short_repr(instance)}"
    if keyword == "minimum":
        return f"must be at least {expected}, not {short_repr(instance)}"
    if keyword == "maximum":
        return f"must be at most {expected}, not {short_repr(instance)}"
    if keyword == "exclusiveMinimum":
        return f"must be greater than {expected}, not {short_repr(instance)}"
    if keyword == "exclusiveMaximum":
        return f"must be less than {expected}, not {short_repr(instance)}"
    if keyword == "pattern":
        return f"must match the pattern {expected!r}, not {short_repr(instance)}"
    if keyword == "format":
        return f"must be a valid {expected}, not {short_repr(instance)}"
    if keyword == "minItems":
        return f"must hold at least {expected} items"
    if keyword == "maxItems":
        return f"must hold at most {expected} items"
    description = schema.get("description")
    suffix = f" ({description})" if isinstance(description, str) else ""
    return f"does not satisfy '{keyword}': {short_repr(instance)}{suffix}"
