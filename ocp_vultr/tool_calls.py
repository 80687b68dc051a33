"""Answering a model's tool call: read it in its provider's shape, run it, shape the reply."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

from .errors import ToolError, UnknownToolError
from .providers import ToolCall, provider
from .providers.common import read_arguments
from .result import ToolResult
from .tool import Tool


@dataclass(frozen=True, slots=True)
class AnsweredCall:
    """A tool call, the result of running it, and the reply to send back to the model."""

    call: ToolCall
    result: ToolResult
    reply: dict[str, Any]


Lookup = Callable[[str], Tool | None]
Run = Callable[[str, Any], Awaitable[ToolResult]]
Refused = Callable[[ToolResult, Tool | None], object]
Refusal = Callable[[str], ToolError | None]
"""Given a tool name, the error that refuses calling it here, or ``None`` to allow it."""


async def answer(
    call: Any,
    provider_name: str,
    *,
    lookup: Lookup,
    run: Run,
    refused: Refused,
    refuse: Refusal | None = None,
) -> AnsweredCall:
    """Read ``call``, run it with ``run`` (unless refused before sending), shape the reply.

    A call that ``refuse`` turns down, or with arguments that are not valid JSON, is not
    run: its result is an error, passed to ``refused`` (for the record) and answered.
    """
    shape = provider(provider_name)
    if shape.read_call is None or shape.reply is None:
        raise ValueError(f"provider {provider_name!r} has tool definitions only, no tool calls")
    parsed = shape.read_call(call)
    tool = lookup(parsed.name)
    try:
        refusal = refuse(parsed.name) if refuse is not None else None
        if refusal is not None:
            raise refusal
        arguments = read_arguments(parsed.arguments, tool, parsed.name)
    except ToolError as error:
        result = ToolResult(tool=parsed.name, ok=False, error=error)
        refused(result, tool)
    else:
        result = await run(parsed.name, arguments)
    return AnsweredCall(parsed, result, shape.reply(parsed, result, tool))


def only(tools: Collection[str], why: str = "") -> Refusal:
    """A refusal of every tool not in ``tools``; ``why`` is added to the message."""
    listing = ", ".join(tools) or "none"

    def refuse(name: str) -> ToolError | None:
        if name in tools:
            return None
        return UnknownToolError(
            f"The tool {name!r} is not available here{why}. Available tools: {listing}.",
            details={"available": list(tools)},
        )

    return refuse
