"""Model Context Protocol: ``Tool`` objects, ``tools/call`` params read, ``CallToolResult`` back.

A tool is ``{name, title, description, inputSchema, outputSchema?, annotations}``; the
annotations' hints (readOnlyHint, destructiveHint, idempotentHint, openWorldHint) come from the
manifest. ``outputSchema`` is given when every success answer of the tool has the same object
schema; a successful result then carries the body as ``structuredContent`` too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import ToolCall, call_name, field, plain_schema, result_text, to_json

if TYPE_CHECKING:
    from ..result import ToolResult
    from ..tool import Tool

NAME = "mcp"


def output_schema(tool: Tool) -> dict[str, Any] | None:
    """The schema of the tool's structured result, when it has exactly one object schema."""
    schemas = [tool.response_schema(status) for status in tool.responses]
    first = schemas[0] if schemas else None
    if first is None or first.get("type") != "object" or any(s != first for s in schemas):
        return None
    return plain_schema(first)


def definition(tool: Tool, strict: bool = True) -> dict[str, Any]:
    """An MCP ``Tool`` as ``tools/list`` returns it."""
    title = tool.title or tool.name
    out: dict[str, Any] = {
        "name": tool.name,
        "title": title,
        "description": tool.description,
        "inputSchema": plain_schema(tool.input_schema),
    }
    schema = output_schema(tool)
    if schema is not None:
        out["outputSchema"] = schema
    out["annotations"] = {
        "title": title,
        "readOnlyHint": tool.hints.read_only,
        "destructiveHint": tool.hints.destructive,
        "idempotentHint": tool.hints.idempotent,
        "openWorldHint": tool.hints.open_world,
    }
    return out


def read_call(call: Any) -> ToolCall:
    """``tools/call`` params (or the whole request): ``{name, arguments}``."""
    params = field(call, "params")
    call = params if params is not None else call
    return ToolCall(name=call_name(call, "name"), arguments=field(call, "arguments"))


def reply(call: ToolCall, result: ToolResult, tool: Tool | None) -> dict[str, Any]:
    """The ``CallToolResult``: text content, ``structuredContent`` on success, ``isError``."""
    structured = (
        result.data
        if result.ok and isinstance(result.data, dict) and tool and output_schema(tool)
        else None
    )
    text = to_json(structured) if structured is not None else result_text(result)
    out: dict[str, Any] = {"content": [{"type": "text", "text": text}], "isError": not result.ok}
    if structured is not None:
        out["structuredContent"] = structured
    return out
