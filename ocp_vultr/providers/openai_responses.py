"""OpenAI Responses API: function tools, ``function_call`` items read, outputs back.

A definition is ``{"type": "function", name, description, parameters, strict}`` (flat, unlike
Chat Completions). The answer is a ``function_call_output`` item with the call's ``call_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import ToolCall, call_name, field, optional_id, result_text
from .openai_chat import parameters

if TYPE_CHECKING:
    from ..result import ToolResult
    from ..tool import Tool

NAME = "openai-responses"


def definition(tool: Tool, strict: bool = True) -> dict[str, Any]:
    """An entry of the Responses API ``tools``."""
    params, is_strict = parameters(tool, strict)
    return {
        "type": "function",
        "name": tool.name,
        "description": tool.description,
        "parameters": params,
        "strict": is_strict,
    }


def read_call(call: Any) -> ToolCall:
    """A ``function_call`` output item: ``{type, call_id, name, arguments}``."""
    return ToolCall(
        name=call_name(call, "name"),
        arguments=field(call, "arguments"),
        call_id=optional_id(call, "call_id", "id"),
    )


def reply(call: ToolCall, result: ToolResult, tool: Tool | None) -> dict[str, Any]:
    """The ``function_call_output`` input item that answers ``call``."""
    return {
        "type": "function_call_output",
        "call_id": call.call_id or "",
        "output": result_text(result),
    }
