"""Anthropic Messages: ``tools`` entries, ``tool_use`` blocks read, ``tool_result`` blocks back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import ToolCall, call_name, field, optional_id, plain_schema, result_text

if TYPE_CHECKING:
    from ..result import ToolResult
    from ..tool import Tool

NAME = "anthropic"


def definition(tool: Tool, strict: bool = True) -> dict[str, Any]:
    """An entry of Messages ``tools``: ``name``, ``description``, ``input_schema``."""
    return {
        "name": tool.name,
        "description": tool.description,
        "input_schema": plain_schema(tool.input_schema),
    }


def read_call(call: Any) -> ToolCall:
    """A ``tool_use`` content block: ``{type, id, name, input}``."""
    return ToolCall(
        name=call_name(call, "name"),
        arguments=field(call, "input"),
        call_id=optional_id(call, "id"),
    )


def reply(call: ToolCall, result: ToolResult, tool: Tool | None) -> dict[str, Any]:
    """The ``tool_result`` block that answers ``call`` (``is_error`` when it failed)."""
    block: dict[str, Any] = {
        "type": "tool_result",
        "tool_use_id": call.call_id or "",
        "content": result_text(result),
    }
    if not result.ok:
        block["is_error"] = True
    return block
