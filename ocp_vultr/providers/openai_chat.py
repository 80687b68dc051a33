"""OpenAI Chat Completions: ``tools`` entries, ``tool_calls`` read, ``tool`` messages back.

A definition is ``{"type": "function", "function": {name, description, parameters, strict}}``.
With ``strict`` the parameters are rewritten by :func:`~.strict_schema.strict_schema`; a tool
whose schema strict mode cannot express is offered non-strict (no ``"strict"`` key).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import ToolCall, call_name, field, optional_id, plain_schema, result_text
from .strict_schema import NotStrict, strict_schema

if TYPE_CHECKING:
    from ..result import ToolResult
    from ..tool import Tool

NAME = "openai"


def parameters(tool: Tool, strict: bool) -> tuple[dict[str, Any], bool]:
    """The parameters schema for OpenAI and whether it is strict (shared with Responses)."""
    schema = tool.input_schema
    if strict:
        try:
            return strict_schema(schema), True
        except NotStrict:
            pass
    return plain_schema(schema), False


def definition(tool: Tool, strict: bool = True) -> dict[str, Any]:
    """An entry of Chat Completions ``tools`` (``"strict": true`` only when strict; Chat
    Completions reads a missing ``strict`` as false)."""
    params, is_strict = parameters(tool, strict)
    function: dict[str, Any] = {
        "name": tool.name,
        "description": tool.description,
        "parameters": params,
    }
    if is_strict:
        function["strict"] = True
    return {"type": "function", "function": function}


def read_call(call: Any) -> ToolCall:
    """A ``tool_calls`` item (dict or SDK object): ``{id, type, function: {name, arguments}}``."""
    function = field(call, "function")
    if function is None:
        raise ValueError("not a Chat Completions tool call: it has no 'function'")
    return ToolCall(
        name=call_name(function, "name"),
        arguments=field(function, "arguments"),
        call_id=optional_id(call, "id"),
    )


def reply(call: ToolCall, result: ToolResult, tool: Tool | None) -> dict[str, Any]:
    """The ``tool`` message that answers ``call``."""
    return {"role": "tool", "tool_call_id": call.call_id or "", "content": result_text(result)}
