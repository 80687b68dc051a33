"""Tools in each model provider's shape, and the provider's tool calls read and answered.

One small module per provider holds its shape, built from :class:`~ocp_vultr.tool.Tool` data:

============================  ==========================================================
``openai``                    Chat Completions ``tools`` / ``tool_calls`` / ``tool`` messages
``openai-responses``          Responses API function tools / ``function_call`` items
``anthropic``                 Messages ``tools`` / ``tool_use`` / ``tool_result`` blocks
``gemini``                    function declarations / ``functionCall`` / ``functionResponse``
``mcp``                       MCP ``Tool`` / ``tools/call`` params / ``CallToolResult``
``ocp``                       the OCP registry's tool shape (definitions only)
============================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import anthropic, gemini, mcp, ocp, openai_chat, openai_responses
from .common import ToolCall

if TYPE_CHECKING:
    from ..result import ToolResult
    from ..tool import Tool

Definition = Callable[["Tool", bool], dict[str, Any]]
ReadCall = Callable[[Any], ToolCall]
Reply = Callable[[ToolCall, "ToolResult", "Tool | None"], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Provider:
    """One provider's shapes: tool definitions, and (for function calling) calls and replies."""

    name: str
    definition: Definition
    read_call: ReadCall | None = None
    reply: Reply | None = None
    needs_own_operation: bool = False
    """Whether only tools that are one HTTP operation of their own have this shape."""


PROVIDERS: dict[str, Provider] = {
    module.NAME: Provider(module.NAME, module.definition, module.read_call, module.reply)
    for module in (openai_chat, openai_responses, anthropic, gemini, mcp)
}
PROVIDERS[ocp.NAME] = Provider(ocp.NAME, ocp.definition, needs_own_operation=True)


def provider(name: str) -> Provider:
    """The provider called ``name``; a ValueError naming the known ones otherwise."""
    found = PROVIDERS.get(name)
    if found is None:
        raise ValueError(f"unknown provider {name!r}; known: {', '.join(PROVIDERS)}")
    return found


def select_tools(
    tools: Iterable[Tool], names: Iterable[str] | None = None, *, read_only: bool = False
) -> list[Tool]:
    """``tools`` narrowed to ``names`` (in that order) and to read-only ones if asked."""
    available = {tool.name: tool for tool in tools}
    if names is None:
        chosen = list(available.values())
    else:
        wanted = list(dict.fromkeys(names))
        missing = [name for name in wanted if name not in available]
        if missing:
            raise ValueError(
                f"unknown tool(s) {', '.join(missing)}; available: {', '.join(available)}"
            )
        chosen = [available[name] for name in wanted]
    return [tool for tool in chosen if tool.hints.read_only or not read_only]


def export_tools(tools: Iterable[Tool], name: str, *, strict: bool = True) -> list[dict[str, Any]]:
    """The definitions of ``tools`` in provider ``name``'s shape."""
    shape = provider(name)
    return [
        shape.definition(tool, strict)
        for tool in tools
        if not shape.needs_own_operation or tool.has_http_operation
    ]


__all__ = ["PROVIDERS", "Provider", "ToolCall", "export_tools", "provider", "select_tools"]
