"""The OCP registry's tool shape (``ocp-tool.json`` of the OCP specification).

``{name, description, method, path, operation_id, parameters, response_schema, tags}``. The
OCP shape names parameters with ``^[a-zA-Z][a-zA-Z0-9_]*$``, so a path parameter with another
wire name (``snapshot-id``) appears under its argument name and the path template is written
with that name (``/snapshots/{snapshot_id}``): the URL it fills in is the same. Tool names
that are not the OCP's camelCase are converted (``create_snapshot`` → ``createSnapshot``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..tool import Location, Placement
from .common import plain_schema

if TYPE_CHECKING:
    from ..tool import Tool

NAME = "ocp"
TYPES = ("string", "number", "integer", "boolean", "array", "object")
_OCP_NAME = re.compile(r"^[a-z][a-zA-Z0-9]*$")
_COPIED = {
    "description": str,
    "enum": list,
    "format": str,
    "items": dict,
    "properties": dict,
    "minimum": int | float,
    "maximum": int | float,
    "minLength": int,
    "maxLength": int,
    "pattern": str,
}
"""Parameter keywords the OCP shape allows, with the JSON type each must have."""


def ocp_name(name: str) -> str:
    """``name`` as the OCP's camelCase tool name."""
    if _OCP_NAME.match(name):
        return name
    parts = [part for part in name.split("_") if part]
    head = parts[0][:1].lower() + parts[0][1:]
    return head + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def definition(tool: Tool, strict: bool = True) -> dict[str, Any]:
    """The tool in the OCP registry shape (only for a tool that is one HTTP operation)."""
    if tool.method is None or tool.path is None:
        raise ValueError(f"{tool.name} has no HTTP operation of its own: it has no OCP shape")
    schema = tool.input_validator.schema
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    path = tool.path
    parameters: dict[str, Any] = {}
    for name, placement in tool.placements.items():
        if placement.location is Location.PATH:
            path = path.replace("{" + placement.wire_name + "}", "{" + name + "}")
        parameters[name] = _parameter(properties.get(name, {}), name in required, placement)
    return {
        "name": ocp_name(tool.name),
        "description": tool.description,
        "method": tool.method,
        "path": path,
        "operation_id": tool.operation_id,
        "parameters": parameters,
        "response_schema": _response_schema(tool),
        "tags": [tool.api_name],
    }


def _parameter(schema: Mapping[str, Any], required: bool, placement: Placement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": _json_type(schema),
        "required": required,
        "location": placement.location.value,
        "schema": dict(schema),
    }
    for key, kind in _COPIED.items():
        value = schema.get(key)
        if isinstance(value, kind) and not isinstance(value, bool):
            out[key] = value
    if "default" in schema:
        out["default"] = schema["default"]
    return out


def _json_type(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    for candidate in kinds:
        if candidate in TYPES:
            return str(candidate)
    return "string"


def _response_schema(tool: Tool) -> dict[str, Any]:
    for status in sorted(tool.responses):
        schema = tool.response_schema(status)
        if schema is not None:
            return plain_schema(schema)
    return {"description": "No response body."}
