"""Google Gemini: function declarations, ``functionCall`` parts read, ``functionResponse`` back.

``parameters`` takes the OpenAPI 3.0 subset Gemini documents for its ``Schema`` type: upper-case
type names, ``nullable`` instead of type arrays, string-only ``enum``, no ``$schema``. A closed
object's ``additionalProperties: false`` has no place in that subset and is left out (the
dispatcher still rejects unknown arguments). A schema that needs anything else the subset
cannot say is given whole as ``parametersJsonSchema`` instead, with any type array written as
``anyOf``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .common import ToolCall, call_name, field, optional_id, plain_schema, result_payload

if TYPE_CHECKING:
    from ..result import ToolResult
    from ..tool import Tool

NAME = "gemini"

TYPES = {
    "string": "STRING",
    "number": "NUMBER",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
    "array": "ARRAY",
    "object": "OBJECT",
}
KEPT = frozenset(
    {
        "description",
        "title",
        "pattern",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "required",
        "default",
    }
)
"""Keywords of the subset copied as they are."""
DROPPED = frozenset({"$schema", "$id", "$comment", "examples", "deprecated"})
FORMATS = {
    "STRING": {"enum", "date-time"},
    "NUMBER": {"float", "double"},
    "INTEGER": {"int32", "int64"},
}
"""``format`` values the subset knows, per type; others are left out."""
_VALUES = frozenset({"enum", "const", "default", "examples"})


class NotExpressible(ValueError):
    """The schema needs more than Gemini's OpenAPI subset."""


def definition(tool: Tool, strict: bool = True) -> dict[str, Any]:
    """A ``functionDeclarations`` entry: ``parameters``, or ``parametersJsonSchema``."""
    declaration: dict[str, Any] = {"name": tool.name, "description": tool.description}
    schema = plain_schema(tool.input_schema)
    try:
        declaration["parameters"] = openapi_schema(schema)
    except NotExpressible:
        declaration["parametersJsonSchema"] = without_type_arrays(schema)
    return declaration


def openapi_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` in Gemini's OpenAPI subset; raises :class:`NotExpressible`."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in KEPT:
            out[key] = value
        elif key == "type":
            out.update(_type(value))
        elif key in ("enum", "const"):
            out.update(_enum(value if key == "enum" else [value]))
        elif key == "properties":
            out["properties"] = {name: openapi_schema(sub) for name, sub in value.items()}
            out["propertyOrdering"] = list(value)
        elif key == "items" and isinstance(value, Mapping):
            out["items"] = openapi_schema(value)
        elif key == "anyOf":
            out["anyOf"] = [openapi_schema(branch) for branch in value]
        elif key == "additionalProperties" and value is False:
            continue
        elif key not in DROPPED and key != "format":
            raise NotExpressible(f"Gemini's schema subset has no {key!r}")
    if "enum" in out and out.get("type", "STRING") != "STRING":
        raise NotExpressible("Gemini enums are strings")
    format_ = schema.get("format")
    if format_ in FORMATS.get(out.get("type", ""), ()):
        out["format"] = format_
    return out


def _type(value: Any) -> dict[str, Any]:
    kinds = [value] if isinstance(value, str) else list(value)
    nullable = "null" in kinds
    kinds = [kind for kind in kinds if kind != "null"]
    if len(kinds) != 1 or kinds[0] not in TYPES:
        raise NotExpressible(f"Gemini's schema subset cannot type {value!r}")
    out: dict[str, Any] = {"type": TYPES[kinds[0]]}
    if nullable:
        out["nullable"] = True
    return out


def _enum(values: list[Any]) -> dict[str, Any]:
    strings = [v for v in values if v is not None]
    if not all(isinstance(v, str) for v in strings):
        raise NotExpressible("Gemini enums are strings")
    out: dict[str, Any] = {"enum": strings}
    if len(strings) != len(values):
        out["nullable"] = True
    return out


def without_type_arrays(schema: Any) -> Any:
    """``schema`` with every ``"type": [a, b]`` written as ``anyOf`` (same meaning)."""
    if isinstance(schema, list):
        return [without_type_arrays(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    out = {
        key: value if key in _VALUES else without_type_arrays(value)
        for key, value in schema.items()
    }
    kinds = out.get("type")
    if isinstance(kinds, list):
        del out["type"]
        branches = [{"type": kind} for kind in kinds]
        if "anyOf" in out:
            out = {"allOf": [{"anyOf": branches}, out]}
        else:
            out["anyOf"] = branches
    return out


def read_call(call: Any) -> ToolCall:
    """A ``functionCall`` (or a part holding one): ``{name, args, id?}``."""
    inner = field(call, "functionCall", "function_call")
    call = inner if inner is not None else call
    return ToolCall(
        name=call_name(call, "name"), arguments=field(call, "args"), call_id=optional_id(call, "id")
    )


def reply(call: ToolCall, result: ToolResult, tool: Tool | None) -> dict[str, Any]:
    """The ``functionResponse`` part that answers ``call``.

    Its ``response`` holds ``output`` on success and ``error`` on failure, as Gemini reads them.
    """
    payload = result_payload(result)
    said = {"output": payload} if result.ok else {"error": payload["error"]}
    response: dict[str, Any] = {"name": call.name, "response": said}
    if call.call_id:
        response["id"] = call.call_id
    return {"functionResponse": response}
